package routemodel

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/hybridlink/hybridlink/internal/circuits"
)

// Link is the connection a path crosses between the IDC and Alibaba Cloud:
// Circuit on a stack with one circuit, CircuitLink(i) on one with two, the
// VPN, or several circuits sharing the traffic (JoinLinks).
type Link string

const (
	NoLink  Link = ""
	Circuit Link = "Express Connect"
	Tunnel  Link = "IPsec-VPN"
)

// CircuitLink is the link of the circuit at position i (0: A) of a stack
// with two: "Express Connect A".
func CircuitLink(i int) Link { return Link(string(Circuit) + " " + circuits.Name(i)) }

// JoinLinks is the link of traffic shared by several links (ECMP), each
// named once in order: "Express Connect A+B"; a single link stays itself.
func JoinLinks(links ...Link) Link {
	var distinct []Link
	for _, l := range links {
		for _, part := range l.Parts() {
			if !slices.Contains(distinct, part) {
				distinct = append(distinct, part)
			}
		}
	}
	slices.Sort(distinct)
	if len(distinct) == 1 {
		return distinct[0]
	}
	var names []string
	for _, l := range distinct {
		name, ok := strings.CutPrefix(string(l), string(Circuit)+" ")
		if !ok {
			parts := make([]string, len(distinct))
			for i, d := range distinct {
				parts[i] = string(d)
			}
			return Link(strings.Join(parts, " + "))
		}
		names = append(names, name)
	}
	return Link(string(Circuit) + " " + strings.Join(names, "+"))
}

// Parts are the links a link joins (itself when it is one).
func (l Link) Parts() []Link {
	if l == NoLink {
		return nil
	}
	if strings.Contains(string(l), " + ") {
		var out []Link
		for _, p := range strings.Split(string(l), " + ") {
			out = append(out, Link(p))
		}
		return out
	}
	if names, ok := strings.CutPrefix(string(l), string(Circuit)+" "); ok && strings.Contains(names, "+") {
		var out []Link
		for _, n := range strings.Split(names, "+") {
			out = append(out, Link(string(Circuit)+" "+n))
		}
		return out
	}
	return []Link{l}
}

// Direction is which way a path runs.
type Direction string

const (
	Forward Direction = "IDC → cloud"
	Return  Direction = "cloud → IDC"
)

// Path is the route traffic takes between an IDC prefix and a VPC.
type Path struct {
	Direction Direction
	IDC       netip.Prefix
	// VPC names the workload VPC, with its ID once known; VPCURN is its URN.
	VPC     string
	VPCURN  resource.URN
	VPCCIDR netip.Prefix
	// Hops lists where the traffic goes, in order.
	Hops []string
	Link Link
	// Problem says why the traffic is not delivered; "" when it is.
	Problem string
}

func (p Path) String() string {
	from, to := "IDC "+p.IDC.String(), fmt.Sprintf("VPC %s %s", p.VPC, p.VPCCIDR)
	if p.Direction == Return {
		from, to = to, from
	}
	route := strings.Join(p.Hops, " → ")
	if p.Problem != "" {
		return fmt.Sprintf("%s → %s: %s ✗ %s", from, to, route, p.Problem)
	}
	return fmt.Sprintf("%s → %s: %s [%s]", from, to, route, p.Link)
}

// Paths returns, under the faults, the forward and the return path of every
// IDC prefix and VPC, forward first.
func (n *Network) Paths(f Faults) []Path {
	s := n.under(f)
	var out []Path
	for _, p := range n.onprem.IDCPrefixes {
		for _, v := range n.workloads() {
			out = append(out, s.forward(p, v), s.backward(v, p))
		}
	}
	return out
}

// walk accumulates a path.
type walk struct {
	Path
	s *state
}

func (w *walk) hop(format string, args ...any) { w.Hops = append(w.Hops, fmt.Sprintf(format, args...)) }

func (w *walk) fail(format string, args ...any) Path {
	w.Problem = fmt.Sprintf(format, args...)
	return w.Path
}

// fork is a copy of the walk so far, for one of several equal routes.
func (w *walk) fork() *walk {
	c := *w
	c.Hops = slices.Clone(w.Hops)
	return &c
}

// branches follows each of several routes that share the traffic from the
// walk's position and merges the paths: one link (JoinLinks), the hops that
// differ written "a | b"; a branch that fails fails the whole, since its
// share of the traffic is lost.
func (w *walk) branches(routes []Route, follow func(*walk, Route) Path) Path {
	// Circuit A's branch first, in whatever order the stack lists the VBRs.
	slices.SortStableFunc(routes, func(a, b Route) int { return cmp.Compare(a.circuit(), b.circuit()) })
	var paths []Path
	for _, r := range routes {
		p := follow(w.fork(), r)
		if p.Problem != "" {
			return p
		}
		paths = append(paths, p)
	}
	merged := paths[0]
	links := []Link{merged.Link}
	merged.Hops = slices.Clone(merged.Hops)
	for _, p := range paths[1:] {
		links = append(links, p.Link)
		if len(p.Hops) != len(merged.Hops) {
			continue
		}
		for i, h := range p.Hops {
			if !slices.Contains(strings.Split(merged.Hops[i], " | "), h) {
				merged.Hops[i] += " | " + h
			}
		}
	}
	merged.Link = JoinLinks(links...)
	return merged
}

func vpcHop(v *vpcNode) string { return "VPC " + v.res.Describe() }

// forward follows traffic from the IDC to a VPC, starting at the on-premises
// gateway.
func (s *state) forward(idc netip.Prefix, v *vpcNode) Path {
	w := &walk{Path: Path{Direction: Forward, IDC: idc, VPC: v.res.Describe(), VPCURN: v.res.URN, VPCCIDR: v.cidr}, s: s}
	dst := v.cidr
	w.hop("on-prem gateway")
	routes := lookupAll(s.onprem, dst.Addr())
	if len(routes) == 0 {
		return w.fail("the on-prem gateway has no route to %s: %s", v.cidr, s.onPremGap(v.cidr))
	}
	return w.branches(routes, func(w *walk, r Route) Path {
		if r.next == toVBR {
			return s.overCircuit(w, r.vbr, dst)
		}
		w.Link = Tunnel
		if s.f.VPNDown {
			return w.fail("the IPsec tunnel is down")
		}
		g := s.n.gateway
		if !g.hasConn {
			// The static route points into a tunnel that does not exist.
			return w.fail("the VPN gateway has no IPsec connection")
		}
		w.hop("VPN gateway %s", g.label())
		if g.vpc == nil {
			return w.fail("the VPN gateway's VPC is not part of the stack")
		}
		return s.inVPC(w, g.vpc, dst)
	})
}

// overCircuit follows traffic for dst from the on-premises gateway over a
// VBR's circuit into the hub.
func (s *state) overCircuit(w *walk, v *vbrNode, dst netip.Prefix) Path {
	w.Link = v.link
	w.hop("%s", v.label())
	r, ok := lookup(s.vbrs[v], dst.Addr())
	switch {
	case !ok:
		return w.fail("the VBR has no route to %s", dst)
	case r.next == toOnPrem:
		// Only when an IDC prefix overlaps the VPC's CIDR.
		return w.fail("the VBR sends %s back to the on-prem gateway", dst)
	}
	return s.throughHub(w, r.att, dst)
}

// inVPC delivers traffic for dst that entered VPC t, or forwards it to the
// hub.
func (s *state) inVPC(w *walk, t *vpcNode, dst netip.Prefix) Path {
	w.hop("%s", vpcHop(t))
	r, ok := lookup(s.vpcs[t], dst.Addr())
	switch {
	case !ok:
		return w.fail("VPC %s has no route to %s: %s", t.res.Describe(), dst, s.reachGap(t, dst))
	case r.next == toLocal:
		return w.Path
	case r.next == toTR:
		return s.throughHub(w, r.att, dst)
	}
	return w.fail("VPC %s sends %s back to the VPN gateway", t.res.Describe(), dst)
}

// throughHub forwards traffic for dst that entered the transit router from
// an attachment, by the route table the attachment is associated with.
func (s *state) throughHub(w *walk, from *attachment, dst netip.Prefix) Path {
	w.hop("transit router")
	if from == nil || !from.associated {
		return w.fail("the attachment the traffic arrives on is not associated with the transit router's route table")
	}
	r, ok := lookup(s.tr, dst.Addr())
	if !ok {
		return w.fail("the transit router has no route to %s", dst)
	}
	if r.att.vpc != nil {
		t := r.att.vpc
		if t.cidr.Contains(dst.Addr()) {
			w.hop("%s", vpcHop(t))
			return w.Path
		}
		return s.inVPC(w, t, dst)
	}
	return w.fail("the transit router sends %s back toward the IDC", dst)
}

// backward follows traffic from a VPC to an IDC prefix.
func (s *state) backward(v *vpcNode, idc netip.Prefix) Path {
	w := &walk{Path: Path{Direction: Return, IDC: idc, VPC: v.res.Describe(), VPCURN: v.res.URN, VPCCIDR: v.cidr}, s: s}
	dst := idc.Addr()
	w.hop("%s", vpcHop(v))
	r, ok := lookup(s.vpcs[v], dst)
	if !ok {
		return w.fail("VPC %s has no route to %s: %s", v.res.Describe(), idc, s.returnGap(v, idc))
	}
	switch r.next {
	case toGateway:
		return s.outTunnel(w, dst, idc)
	case toLocal:
		// Only with overlapping CIDRs, which the policy forbids; the
		// traffic never leaves the VPC.
		return w.fail("VPC %s delivers %s locally: the IDC prefix overlaps its CIDR", v.res.Describe(), idc)
	}
	w.hop("transit router")
	if !r.att.associated {
		return w.fail("VPC %s's attachment is not associated with the transit router's route table", v.res.Describe())
	}
	routes := lookupAll(s.tr, dst)
	if len(routes) == 0 {
		return w.fail("the transit router has no route to %s: %s", idc, s.returnGap(v, idc))
	}
	return w.branches(routes, func(w *walk, r Route) Path {
		if vbr := r.att.vbr; vbr != nil {
			w.Link = vbr.link
			w.hop("%s", vbr.label())
			if _, ok := lookup(s.vbrs[vbr], dst); !ok {
				return w.fail("the VBR has no route to %s", idc)
			}
			w.hop("on-prem gateway")
			return w.Path
		}
		t := r.att.vpc
		w.hop("%s", vpcHop(t))
		r, ok := lookup(s.vpcs[t], dst)
		if !ok || r.next != toGateway {
			return w.fail("VPC %s does not send %s to the VPN gateway: %s", t.res.Describe(), idc, s.standbyGap(idc))
		}
		return s.outTunnel(w, dst, idc)
	})
}

// outTunnel sends traffic from the VPN gateway through the IPsec tunnel.
func (s *state) outTunnel(w *walk, dst netip.Addr, idc netip.Prefix) Path {
	w.Link = Tunnel
	w.hop("VPN gateway %s", s.n.gateway.label())
	if _, ok := lookup(s.gw, dst); !ok {
		return w.fail("the VPN gateway has no destination route to %s: %s", idc, s.standbyGap(idc))
	}
	if s.f.VPNDown {
		return w.fail("the IPsec tunnel is down")
	}
	w.hop("on-prem gateway")
	return w.Path
}

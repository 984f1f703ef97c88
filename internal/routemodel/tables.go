package routemodel

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	"github.com/hybridlink/hybridlink/internal/limits"
)

// nextKind is where a route sends traffic.
type nextKind int

const (
	toLocal      nextKind = iota // delivered inside the VPC
	toAttachment                 // from the transit router, out of an attachment
	toTR                         // into the transit router
	toGateway                    // to the VPN gateway in the VPC
	toOnPrem                     // from the VBR, over the circuit
	toVBR                        // from the on-prem gateway, over the circuit
	toTunnel                     // into the IPsec tunnel
)

// Route is one entry of a route table.
type Route struct {
	Dest netip.Prefix
	// Via is the next hop and Source how the route was learned, in words.
	Via, Source string
	// Preference ranks the on-premises gateway's routes (lower wins).
	Preference int
	// Active marks the route selected for its destination.
	Active bool

	next nextKind
	att  *attachment
}

// Attachment is the ID (transitRouterAttachmentId) of the transit-router
// attachment the route leads to or came in by; "" when it has none or the
// ID is not known yet.
func (r Route) Attachment() string {
	if r.att == nil {
		return ""
	}
	id, _ := r.att.res.String("transitRouterAttachmentId")
	return id
}

// Tables are the route tables of a network in one state.
type Tables struct {
	TransitRouter []Route
	VPCs          map[string][]Route // by VPC name
	VBR           []Route
	VPNGateway    []Route
	OnPrem        []Route
}

// state is a network under given faults, with its tables computed once.
type state struct {
	n      *Network
	f      Faults
	bgpUp  bool
	tr     []Route
	vpcs   map[*vpcNode][]Route
	vbr    []Route
	gw     []Route
	onprem []Route
}

func (n *Network) under(f Faults) *state {
	s := &state{n: n, f: f, vpcs: map[*vpcNode][]Route{}}
	s.bgpUp = n.vbr != nil && n.vbr.bgpProblem == "" && !f.CircuitDown
	s.tr = s.transitRouterTable()
	for _, v := range n.vpcs {
		s.vpcs[v] = s.vpcTable(v)
	}
	s.vbr = s.vbrTable()
	s.gw = s.gatewayTable()
	s.onprem = s.onPremTable()
	return s
}

// Tables computes every route table of the network under the faults.
func (n *Network) Tables(f Faults) Tables {
	s := n.under(f)
	t := Tables{TransitRouter: s.tr, VPCs: map[string][]Route{}, VBR: s.vbr, VPNGateway: s.gw, OnPrem: s.onprem}
	for v, routes := range s.vpcs {
		t.VPCs[v.res.Name()] = routes
	}
	return t
}

// hub is the transit router the VBR is attached to, or else the first one a
// VPC is attached to: the one the hybrid connection runs through.
func (n *Network) hub() string {
	if n.vbr != nil && n.vbr.att != nil && n.vbr.att.tr != "" {
		return string(n.vbr.att.tr)
	}
	for _, a := range n.attachments {
		if a.tr != "" {
			return string(a.tr)
		}
	}
	return ""
}

// transitRouterTable holds what the hub's attachments propagate: each VPC's
// CIDR, the IDC prefixes the VBR learns over BGP, and the routes advertised
// from a VPC's route table to CEN. For one destination it prefers the VBR.
func (s *state) transitRouterTable() []Route {
	hub := s.n.hub()
	if hub == "" {
		// No attachment names a transit router of the stack: nothing,
		// not even an advertised route, is routed through one.
		return nil
	}
	var routes []Route
	for _, a := range s.n.attachments {
		if string(a.tr) != hub || !a.propagated {
			continue
		}
		switch {
		case a.vpc != nil:
			routes = append(routes, Route{Dest: a.vpc.cidr, Via: "attachment of VPC " + a.vpc.res.Name(), Source: "propagated from VPC " + a.vpc.res.Name(), next: toAttachment, att: a})
		case a.vbr != nil && s.bgpUp:
			for _, p := range s.n.onprem.IDCPrefixes {
				routes = append(routes, Route{Dest: p, Via: "attachment of the VBR", Source: "BGP, propagated from the VBR", next: toAttachment, att: a})
			}
		}
	}
	for _, ad := range s.n.adverts {
		a := ad.vpc.att
		if a == nil || string(a.tr) != hub || !a.propagated || !s.n.publishedInto(ad.vpc, ad.prefix) {
			continue
		}
		routes = append(routes, Route{Dest: ad.prefix, Via: "attachment of VPC " + ad.vpc.res.Name(), Source: "advertised from VPC " + ad.vpc.res.Name(), next: toAttachment, att: a})
	}
	return selectRoutes(routes, func(a, b Route) int {
		// The VBR's BGP route beats the same prefix advertised from a VPC.
		return cmp.Compare(boolRank(a.att.vbr == nil), boolRank(b.att.vbr == nil))
	})
}

// publishedInto reports whether the VPN gateway in v publishes a route to p
// into v's route table.
func (n *Network) publishedInto(v *vpcNode, p netip.Prefix) bool {
	if n.gateway == nil || n.gateway.vpc != v {
		return false
	}
	for _, r := range n.gateway.routes {
		if r.dest == p && r.publish {
			return true
		}
	}
	return false
}

// vpcTable is a VPC's system route table: its own CIDR, the routes the VPN
// gateway publishes into it and, when its attachment auto-publishes, the
// hub's active routes (except those it already has or that lead back to it).
func (s *state) vpcTable(v *vpcNode) []Route {
	routes := []Route{{Dest: v.cidr, Via: "local", Source: "system", next: toLocal}}
	have := map[netip.Prefix]bool{v.cidr: true}
	if g := s.n.gateway; g != nil && g.vpc == v {
		for _, r := range g.routes {
			if r.publish && !have[r.dest] {
				have[r.dest] = true
				routes = append(routes, Route{Dest: r.dest, Via: "VPN gateway " + g.label(), Source: "published by the VPN gateway", next: toGateway})
			}
		}
	}
	routes = append(routes, s.autoPublished(v.att, have)...)
	return selectRoutes(routes, nil)
}

// autoPublished are the routes the hub publishes through an attachment that
// auto-publishes and is associated: its active routes, except those the
// attachment brought itself and, when skip is given, destinations the table
// already holds.
func (s *state) autoPublished(a *attachment, skip map[netip.Prefix]bool) []Route {
	if a == nil || !a.autoPublish || !a.associated || string(a.tr) != s.n.hub() {
		return nil
	}
	var routes []Route
	for _, r := range s.tr {
		if r.Active && !skip[r.Dest] && r.att != a {
			routes = append(routes, Route{Dest: r.Dest, Via: "transit router", Source: "auto-published by the transit router", next: toTR, att: a})
		}
	}
	return routes
}

// vbrTable holds the IDC prefixes learned over BGP and, when the VBR
// attachment auto-publishes, the hub's routes, which the VBR then advertises
// to the on-premises gateway.
func (s *state) vbrTable() []Route {
	v := s.n.vbr
	if v == nil {
		return nil
	}
	var routes []Route
	if s.bgpUp {
		for _, p := range s.n.onprem.IDCPrefixes {
			routes = append(routes, Route{Dest: p, Via: "on-prem gateway " + v.peerIP, Source: "BGP", next: toOnPrem})
		}
	}
	routes = append(routes, s.autoPublished(v.att, nil)...)
	return selectRoutes(routes, nil)
}

// gatewayTable is the VPN gateway's destination-based routes; of routes to
// one destination the weight-100 one is active.
func (s *state) gatewayTable() []Route {
	g := s.n.gateway
	if g == nil {
		return nil
	}
	var routes []Route
	for _, r := range g.routes {
		if g.hasConn {
			routes = append(routes, Route{Dest: r.dest, Via: "IPsec connection", Source: fmt.Sprintf("destination route, weight %d", r.weight), Preference: int(limits.WeightActive - r.weight), next: toTunnel})
		}
	}
	return selectRoutes(routes, func(a, b Route) int { return cmp.Compare(a.Preference, b.Preference) })
}

// onPremTable holds the routes the VBR advertises over BGP and the static
// routes to every workload VPC via the VPN, ranked by preference.
func (s *state) onPremTable() []Route {
	var routes []Route
	if s.bgpUp {
		for _, r := range s.vbr {
			if r.next == toTR {
				routes = append(routes, Route{Dest: r.Dest, Via: "VBR " + s.n.vbr.localIP, Source: "BGP", Preference: s.n.onprem.BGPPreference, next: toVBR})
			}
		}
	}
	if g := s.n.gateway; g != nil {
		for _, v := range s.n.workloads() {
			routes = append(routes, Route{Dest: v.cidr, Via: "IPsec tunnel to " + g.label(), Source: "static", Preference: s.n.onprem.StaticPreference, next: toTunnel})
		}
	}
	return selectRoutes(routes, func(a, b Route) int {
		// Which route of equal preference a router installs is vendor
		// specific: judge the worse case, the static route via the VPN.
		return cmp.Or(cmp.Compare(a.Preference, b.Preference), cmp.Compare(boolRank(a.next == toVBR), boolRank(b.next == toVBR)))
	})
}

// selectRoutes sorts routes by destination and marks the best of each
// destination active (better is the lower by rank; ties keep input order).
func selectRoutes(routes []Route, rank func(a, b Route) int) []Route {
	slices.SortStableFunc(routes, func(a, b Route) int {
		if c := a.Dest.Addr().Compare(b.Dest.Addr()); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Dest.Bits(), b.Dest.Bits()); c != 0 {
			return c
		}
		if rank != nil {
			return rank(a, b)
		}
		return 0
	})
	for i := range routes {
		routes[i].Active = i == 0 || routes[i].Dest != routes[i-1].Dest
	}
	return routes
}

// lookup is longest-prefix match among active routes.
func lookup(routes []Route, addr netip.Addr) (Route, bool) {
	best, found := Route{}, false
	for _, r := range routes {
		if r.Active && r.Dest.Contains(addr) && (!found || r.Dest.Bits() > best.Dest.Bits()) {
			best, found = r, true
		}
	}
	return best, found
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// label names the gateway by its public IP once known.
func (g *gatewayNode) label() string {
	if g.internetIP != "" {
		return g.internetIP
	}
	return g.res.Name()
}

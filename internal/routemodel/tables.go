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
	// Preference ranks the on-premises gateway's routes (its administrative
	// distance) and the transit router's routes from VBRs (the route-map
	// preference); the lower wins.
	Preference int
	// LocalPreference ranks the on-premises gateway's BGP routes of one
	// preference; the higher wins.
	LocalPreference int
	// Active marks the route selected for its destination; several are
	// active for one destination when they share the traffic (ECMP).
	Active bool

	next nextKind
	att  *attachment
	vbr  *vbrNode // the VBR an on-premises BGP route leads to
}

// circuit is the position of the circuit a route leads over (0: A): its
// VBR's, or its attachment's; -1 for a route over no circuit.
func (r Route) circuit() int {
	switch {
	case r.vbr != nil:
		return r.vbr.index
	case r.att != nil && r.att.vbr != nil:
		return r.att.vbr.index
	}
	return -1
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
	// VBRs are the VBRs' tables, in circuit order.
	VBRs       []VBRTable
	VPNGateway []Route
	OnPrem     []Route
}

// VBRTable is one VBR's route table.
type VBRTable struct {
	// Circuit is the link the VBR terminates; Name is "VBR <its IP>".
	Circuit Link
	Name    string
	Routes  []Route
}

// state is a network under given faults, with its tables computed once.
type state struct {
	n      *Network
	f      Faults
	tr     []Route
	vpcs   map[*vpcNode][]Route
	vbrs   map[*vbrNode][]Route
	gw     []Route
	onprem []Route
}

func (n *Network) under(f Faults) *state {
	s := &state{n: n, f: f, vpcs: map[*vpcNode][]Route{}, vbrs: map[*vbrNode][]Route{}}
	s.tr = s.transitRouterTable()
	for _, v := range n.vpcs {
		s.vpcs[v] = s.vpcTable(v)
	}
	for _, v := range n.vbrs {
		s.vbrs[v] = s.vbrTable(v)
	}
	s.gw = s.gatewayTable()
	s.onprem = s.onPremTable()
	return s
}

// down reports whether the faults shut the VBR's circuit.
func (s *state) down(v *vbrNode) bool { return s.f.Down(v.index) }

// bgpUp reports whether the VBR's BGP session is up.
func (s *state) bgpUp(v *vbrNode) bool { return v.bgpProblem == "" && !s.down(v) }

// Tables computes every route table of the network under the faults.
func (n *Network) Tables(f Faults) Tables {
	s := n.under(f)
	t := Tables{TransitRouter: s.tr, VPCs: map[string][]Route{}, VPNGateway: s.gw, OnPrem: s.onprem}
	for v, routes := range s.vpcs {
		t.VPCs[v.res.Name()] = routes
	}
	for _, v := range n.vbrs {
		t.VBRs = append(t.VBRs, VBRTable{Circuit: v.link, Name: v.label(), Routes: s.vbrs[v]})
	}
	return t
}

// hub is the transit router the first VBR is attached to, or else the
// first one a VPC is attached to: the one the hybrid connection runs
// through.
func (n *Network) hub() string {
	for _, v := range n.vbrs {
		if v.att != nil && v.att.tr != "" {
			return string(v.att.tr)
		}
	}
	for _, a := range n.attachments {
		if a.tr != "" {
			return string(a.tr)
		}
	}
	return ""
}

// transitRouterTable holds what the hub's attachments propagate: each VPC's
// CIDR, the IDC prefixes each VBR learns over BGP, and the routes advertised
// from a VPC's route table to CEN. For one destination it prefers a VBR's
// route and, of two VBRs', the lower route-map preference; equal ones form
// ECMP.
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
		case a.vbr != nil && s.bgpUp(a.vbr):
			for _, p := range s.n.onprem.IDCPrefixes {
				routes = append(routes, s.fromVBR(p, a))
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
		// A VBR's BGP route beats the same prefix advertised from a VPC.
		return cmp.Or(cmp.Compare(boolRank(a.att.vbr == nil), boolRank(b.att.vbr == nil)), cmp.Compare(a.Preference, b.Preference))
	}, func(a, b Route) bool { return a.att.vbr != nil && b.att.vbr != nil })
}

// fromVBR is the transit router's route to an IDC prefix learned over BGP
// from the VBR of an attachment.
func (s *state) fromVBR(p netip.Prefix, a *attachment) Route {
	r := Route{Dest: p, Via: "attachment of the VBR", Source: "BGP, propagated from the VBR", Preference: a.vbr.preference, next: toAttachment, att: a}
	if len(s.n.vbrs) > 1 {
		r.Via = "attachment of " + a.vbr.label()
		r.Source = fmt.Sprintf("BGP, propagated from %s (%s), preference %d", a.vbr.label(), a.vbr.link, a.vbr.preference)
		if a.vbr.routeMap != "" {
			r.Source += " set by route map " + a.vbr.routeMap
		}
	}
	return r
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
	return selectRoutes(routes, nil, nil)
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

// vbrTable holds the IDC prefixes a VBR learns over BGP and, when its
// attachment auto-publishes, the hub's routes, which the VBR then
// advertises to the on-premises gateway.
func (s *state) vbrTable(v *vbrNode) []Route {
	var routes []Route
	if s.bgpUp(v) {
		for _, p := range s.n.onprem.IDCPrefixes {
			routes = append(routes, Route{Dest: p, Via: "on-prem gateway " + v.peerIP, Source: "BGP", next: toOnPrem})
		}
	}
	routes = append(routes, s.autoPublished(v.att, nil)...)
	return selectRoutes(routes, nil, nil)
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
	return selectRoutes(routes, func(a, b Route) int { return cmp.Compare(a.Preference, b.Preference) }, nil)
}

// onPremTable holds the routes each VBR advertises over BGP and the static
// routes to every workload VPC via the VPN, ranked by preference, then a
// BGP route's local preference.
func (s *state) onPremTable() []Route {
	var routes []Route
	for _, v := range s.n.vbrs {
		if !s.bgpUp(v) {
			continue
		}
		for _, r := range s.vbrs[v] {
			// The gateway's own prefixes come back with its AS in their
			// path (learned from the other circuit): BGP drops them.
			if r.next == toTR && !slices.Contains(s.n.onprem.IDCPrefixes, r.Dest) {
				routes = append(routes, Route{Dest: r.Dest, Via: v.label(), Source: "BGP", Preference: s.n.onprem.BGPPreference, LocalPreference: v.localPref, next: toVBR, vbr: v})
			}
		}
	}
	if g := s.n.gateway; g != nil {
		for _, v := range s.n.workloads() {
			routes = append(routes, Route{Dest: v.cidr, Via: "IPsec tunnel to " + g.label(), Source: "static", Preference: s.n.onprem.StaticPreference, next: toTunnel})
		}
	}
	bgp := func(r Route) bool { return r.next == toVBR }
	return selectRoutes(routes, func(a, b Route) int {
		if c := cmp.Compare(a.Preference, b.Preference); c != 0 {
			return c
		}
		if bgp(a) && bgp(b) {
			if c := cmp.Compare(b.LocalPreference, a.LocalPreference); c != 0 || s.n.onprem.ECMP {
				return c
			}
			// Of equal local preferences without multipath, which one a
			// router keeps is its tie-break (the older route, the lower
			// router ID): judge the worse case, the later circuit.
			return cmp.Compare(b.vbr.index, a.vbr.index)
		}
		// Which route of equal preference a router installs is vendor
		// specific: judge the worse case, the static route via the VPN.
		return cmp.Compare(boolRank(bgp(a)), boolRank(bgp(b)))
	}, func(a, b Route) bool { return s.n.onprem.ECMP && bgp(a) && bgp(b) })
}

// selectRoutes sorts routes by destination and marks the best of each
// destination active (better is the lower by rank; ties keep input order),
// and with it every route that ranks equal and shares the traffic with it
// (ecmp; nil for none).
func selectRoutes(routes []Route, rank func(a, b Route) int, ecmp func(a, b Route) bool) []Route {
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
	best := 0
	for i := range routes {
		if i == 0 || routes[i].Dest != routes[i-1].Dest {
			best, routes[i].Active = i, true
			continue
		}
		routes[i].Active = ecmp != nil && rank(routes[best], routes[i]) == 0 && ecmp(routes[best], routes[i])
	}
	return routes
}

// lookup is longest-prefix match among active routes: the first of them.
func lookup(routes []Route, addr netip.Addr) (Route, bool) {
	all := lookupAll(routes, addr)
	if len(all) == 0 {
		return Route{}, false
	}
	return all[0], true
}

// lookupAll is longest-prefix match among active routes: every route that
// carries the traffic (several with ECMP).
func lookupAll(routes []Route, addr netip.Addr) []Route {
	var out []Route
	for _, r := range routes {
		if !r.Active || !r.Dest.Contains(addr) {
			continue
		}
		switch {
		case len(out) == 0 || r.Dest.Bits() > out[0].Dest.Bits():
			out = []Route{r}
		case r.Dest.Bits() == out[0].Dest.Bits():
			out = append(out, r)
		}
	}
	return out
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

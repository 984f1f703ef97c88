// Package routemodel computes how traffic between the IDC and the VPCs is
// routed by a deployed (or planned) hybrid connection, in each failure state:
// the route tables of the transit router, the VPCs, the VBRs, the VPN
// gateway and the on-premises gateway, and from them the forward (IDC → VPC)
// and return (VPC → IDC) path of every IDC prefix and VPC CIDR.
//
// Route selection follows the design: longest prefix first; the transit
// router prefers a route learned from a VBR (BGP) over the same prefix
// advertised from the transit VPC and, of two VBRs' routes, the one with the
// lower route-map preference (equal ones form ECMP); the on-premises gateway
// prefers the route with the lower preference, BGP normally, so its static
// routes via the VPN carry traffic only when BGP is gone, and of two BGP
// routes the one with the higher local preference (equal ones: both with
// multipath, else the worse case). The policy pack, the local cloud and the
// failover drill all judge a stack with this one model.
package routemodel

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/hybridlink/hybridlink/internal/cidr"
	"github.com/hybridlink/hybridlink/internal/circuits"
	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/onprem"
)

// OnPrem is the on-premises gateway's side, which hybridlink renders but does
// not deploy.
type OnPrem struct {
	// IDCPrefixes are advertised to the VBR over BGP and are where IDC
	// traffic comes from.
	IDCPrefixes []netip.Prefix
	// BGPPreference and StaticPreference rank BGP routes and the static
	// routes via the VPN; the lower wins. Zero means the default.
	BGPPreference, StaticPreference int
	// Sessions are the gateway's BGP sessions, one per Express Connect
	// circuit in the stack's order (circuit A first): the VBR whose
	// cloud-side peering IP a session names is that circuit. Empty: a
	// session to every VBR, in the stack's order, at one local preference
	// (a stack judged without its configuration).
	Sessions []Session
	// ECMP: the circuits share the traffic (circuits.ECMP): the gateway
	// balances over sessions of equal local preference, and both circuits
	// are expected to carry both directions.
	ECMP bool
}

// Session is the gateway's BGP session to one VBR.
type Session struct {
	// VBRIP is the VBR's (cloud-side) peering IP, the gateway's neighbor.
	VBRIP netip.Addr
	// LocalPreference ranks the routes learned on the session (the higher
	// wins); 0 means circuits.EqualLocalPreference, every vendor's default.
	LocalPreference int
}

// OnPremOf is the gateway a stack's hybridlink:onPrem settings describe,
// with its preferences in effect.
func OnPremOf(c onprem.Config, idcPrefixes []netip.Prefix) OnPrem {
	return OnPrem{IDCPrefixes: slices.Clone(idcPrefixes), BGPPreference: c.BGPRoutePreference(), StaticPreference: c.StaticPreference()}
}

// WithCircuits is the gateway with a BGP session to each circuit's VBR
// (its cloud-side peering IP, circuit A first) at the local preference the
// rendered configuration gives it in the mode, balancing in ECMP mode.
func (o OnPrem) WithCircuits(m circuits.Mode, vbrIPs ...netip.Addr) OnPrem {
	a, b := circuits.LocalPreferences(m)
	o.Sessions = nil
	for i, ip := range vbrIPs {
		o.Sessions = append(o.Sessions, Session{VBRIP: ip, LocalPreference: []int{a, b}[min(i, 1)]})
	}
	o.ECMP = m.OrDefault() == circuits.ECMP
	return o
}

func (o OnPrem) withDefaults() OnPrem {
	if o.BGPPreference == 0 {
		o.BGPPreference = onprem.DefaultBGPPreference
	}
	if o.StaticPreference == 0 {
		o.StaticPreference = onprem.DefaultStaticPreference
	}
	return o
}

// Faults are the failures a state injects.
type Faults struct {
	// CircuitDown: the (first) Express Connect circuit's port is shut, so
	// its BGP session is down.
	CircuitDown bool `json:"circuitDown"`
	// VPNDown: the IPsec tunnel carries no traffic.
	VPNDown bool `json:"vpnDown"`
	// CircuitBDown: the second circuit's port is shut (stacks with two).
	CircuitBDown bool `json:"circuitBDown,omitempty"`
}

// Down reports whether the fault set shuts the circuit at position i
// (0: A).
func (f Faults) Down(i int) bool {
	switch i {
	case 0:
		return f.CircuitDown
	case 1:
		return f.CircuitBDown
	}
	return false
}

// WithDown returns the faults with the circuit at position i shut too.
func (f Faults) WithDown(i int) Faults {
	switch i {
	case 0:
		f.CircuitDown = true
	case 1:
		f.CircuitBDown = true
	}
	return f
}

// Network is the topology of one stack, resolved from its resources.
type Network struct {
	onprem      OnPrem
	vpcs        []*vpcNode
	transit     *vpcNode   // the VPC hosting the VPN gateway, if any
	vbrs        []*vbrNode // in circuit order: A first
	gateway     *gatewayNode
	attachments []*attachment
	adverts     []advert
}

type vpcNode struct {
	res  inventory.Resource
	cidr netip.Prefix
	att  *attachment // its transit-router attachment, if any
}

type vbrNode struct {
	res             inventory.Resource
	localIP, peerIP string
	att             *attachment
	// bgpProblem says why no BGP session can come up ("" when it can).
	bgpProblem string
	bfd        bool
	// index is the circuit's position (0: A) and link what paths over it
	// are called.
	index int
	link  Link
	// preference is the route-map preference the transit router gives the
	// VBR's routes, routeMap the map that sets it ("" for the default).
	preference int
	routeMap   string
	// localPref is the gateway's local preference on the VBR's session.
	localPref int
}

// label names the VBR in hops and tables.
func (v *vbrNode) label() string { return "VBR " + v.localIP }

type gatewayNode struct {
	res        inventory.Resource
	vpc        *vpcNode
	internetIP string
	hasConn    bool
	routes     []vpnRoute
}

type vpnRoute struct {
	dest    netip.Prefix
	weight  int64
	publish bool
}

// attachment is a transit-router attachment of a VPC or of the VBR.
type attachment struct {
	res                    inventory.Resource
	tr                     inventory.Ref
	autoPublish            bool
	associated, propagated bool
	vpc                    *vpcNode
	vbr                    *vbrNode
}

// advert is a route published from a VPC's route table to CEN.
type advert struct {
	vpc    *vpcNode
	prefix netip.Prefix
}

// Build resolves a stack's resources into a network. Resources it does not
// model are ignored; references that cannot be resolved leave the link out,
// which the paths then report.
func Build(resources []inventory.Resource, onprem OnPrem) *Network {
	st := inventory.NewStack(resources)
	n := &Network{onprem: onprem.withDefaults()}
	byVPC := map[string]*vpcNode{}
	for _, r := range st.OfType(inventory.VPC) {
		block, ok := r.String("cidrBlock")
		p, err := cidr.Normalize(block)
		if !ok || err != nil {
			continue
		}
		v := &vpcNode{res: r, cidr: p}
		n.vpcs = append(n.vpcs, v)
		byVPC[string(r.URN)] = v
	}
	n.vbrs = buildVBRs(st, n.onprem)
	n.gateway = buildGateway(st, byVPC)
	if n.gateway != nil {
		n.transit = n.gateway.vpc
	}
	for _, r := range st.OfType(inventory.TRVPCAttachment) {
		a := newAttachment(st, r)
		if v, ok := st.TargetOf(r, "vpcId", inventory.VPC); ok && byVPC[string(v.URN)] != nil {
			a.vpc = byVPC[string(v.URN)]
			a.vpc.att = a
		}
		n.attachments = append(n.attachments, a)
	}
	for _, r := range st.OfType(inventory.TRVBRAttachment) {
		a := newAttachment(st, r)
		if v, ok := st.TargetOf(r, "vbrId", inventory.VBR); ok {
			for _, node := range n.vbrs {
				if v.URN == node.res.URN {
					a.vbr, node.att = node, a
				}
			}
		}
		n.attachments = append(n.attachments, a)
	}
	wire := func(t tokens.Type, set func(*attachment)) {
		for _, r := range st.OfType(t) {
			target, ok := st.TargetOf(r, "transitRouterAttachmentId", inventory.TRVPCAttachment, inventory.TRVBRAttachment)
			if !ok {
				continue
			}
			for _, a := range n.attachments {
				if a.res.URN == target.URN {
					set(a)
				}
			}
		}
	}
	wire(inventory.TRAssociation, func(a *attachment) { a.associated = true })
	wire(inventory.TRPropagation, func(a *attachment) { a.propagated = true })
	for _, r := range st.OfType(inventory.CENRouteEntry) {
		block, _ := r.String("cidrBlock")
		p, err := cidr.Normalize(block)
		v, ok := st.TargetOf(r, "routeTableId", inventory.VPC)
		if err != nil || !ok || byVPC[string(v.URN)] == nil {
			continue
		}
		n.adverts = append(n.adverts, advert{vpc: byVPC[string(v.URN)], prefix: p})
	}
	return n
}

func newAttachment(st *inventory.Stack, r inventory.Resource) *attachment {
	a := &attachment{res: r}
	if tr, ok := st.TargetOf(r, "transitRouterId", inventory.TransitRouter); ok {
		a.tr = inventory.Ref(tr.URN)
	}
	a.autoPublish, _ = r.Bool("autoPublishRouteEnabled")
	return a
}

// buildVBRs resolves every VBR with its BGP session and the route map that
// ranks its routes, in circuit order: by the on-premises sessions when
// given (a VBR the gateway has no session to comes last, its BGP down),
// else in stack order.
func buildVBRs(st *inventory.Stack, on OnPrem) []*vbrNode {
	var vbrs []*vbrNode
	for _, r := range st.OfType(inventory.VBR) {
		vbrs = append(vbrs, buildVBR(st, r))
	}
	if len(on.Sessions) > 0 {
		session := func(v *vbrNode) int {
			i := slices.IndexFunc(on.Sessions, func(s Session) bool { return s.VBRIP.String() == v.localIP })
			if i < 0 {
				return len(on.Sessions)
			}
			return i
		}
		slices.SortStableFunc(vbrs, func(a, b *vbrNode) int { return cmp.Compare(session(a), session(b)) })
		for _, v := range vbrs {
			if i := session(v); i < len(on.Sessions) {
				v.localPref = on.Sessions[i].LocalPreference
			} else if v.bgpProblem == "" {
				v.bgpProblem = fmt.Sprintf("the on-prem gateway has no BGP session to %s", v.label())
			}
		}
	}
	named := max(len(vbrs), len(on.Sessions)) > 1
	for i, v := range vbrs {
		v.index, v.link = i, Circuit
		if named {
			v.link = CircuitLink(i)
		}
		if v.localPref == 0 {
			v.localPref = circuits.EqualLocalPreference
		}
		v.preference, v.routeMap = routeMapPreference(st, v.res)
	}
	return vbrs
}

func buildVBR(st *inventory.Stack, r inventory.Resource) *vbrNode {
	v := &vbrNode{res: r}
	v.localIP, _ = r.String("localGatewayIp")
	v.peerIP, _ = r.String("peerGatewayIp")
	v.bgpProblem = "no BGP group is configured on the VBR"
	for _, g := range st.OfType(inventory.BGPGroup) {
		if t, ok := st.TargetOf(g, "routerId", inventory.VBR); !ok || t.URN != r.URN {
			continue
		}
		v.bgpProblem = "the BGP group has no peer"
		for _, p := range st.OfType(inventory.BGPPeer) {
			if t, ok := st.TargetOf(p, "bgpGroupId", inventory.BGPGroup); !ok || t.URN != g.URN {
				continue
			}
			ip, known := p.String("peerIpAddress")
			if known && ip != v.peerIP {
				v.bgpProblem = fmt.Sprintf("the BGP peer's IP %s is not the VBR's customer-side IP %s", ip, v.peerIP)
				continue
			}
			// One peer at the VBR's customer-side IP brings the session
			// up; other groups and peers cannot take it down again.
			v.bgpProblem = ""
			v.bfd, _ = p.Bool("enableBfd")
			return v
		}
	}
	return v
}

// routeMapPreference is the preference the transit router gives the routes
// it learns from a VBR: that of the first route map, by priority, that
// permits routes entering the region from the VBR and sets one; else the
// default. The map's name says which set it.
func routeMapPreference(st *inventory.Stack, vbr inventory.Resource) (int, string) {
	var maps []inventory.Resource
	for _, m := range st.OfType(inventory.RouteMap) {
		dir, _ := m.String("transmitDirection")
		result, _ := m.String("mapResult")
		types := m.Strings("sourceChildInstanceTypes")
		if dir == "RegionIn" && result == "Permit" && (len(types) == 0 || slices.Contains(types, "VBR")) && namesVBR(st, m, vbr) {
			maps = append(maps, m)
		}
	}
	priority := func(m inventory.Resource) int64 { p, _ := m.Int("priority"); return p }
	slices.SortStableFunc(maps, func(a, b inventory.Resource) int { return cmp.Compare(priority(a), priority(b)) })
	for _, m := range maps {
		if p, ok := m.Int("preference"); ok {
			return int(p), m.Name()
		}
	}
	return circuits.DefaultRoutePreference, ""
}

// namesVBR reports whether a route map's source instances include the VBR:
// by the dependency the engine recorded while the IDs are unknown, else by
// ID.
func namesVBR(st *inventory.Stack, m, vbr inventory.Resource) bool {
	const prop = "sourceInstanceIds"
	if slices.Contains(m.Deps[prop], vbr.URN) {
		return true
	}
	for _, id := range m.Strings(prop) {
		if t, ok := st.Lookup(inventory.Ref(id)); ok && t.URN == vbr.URN {
			return true
		}
	}
	return false
}

func buildGateway(st *inventory.Stack, byVPC map[string]*vpcNode) *gatewayNode {
	gws := st.OfType(inventory.VPNGateway)
	if len(gws) == 0 {
		return nil
	}
	r := gws[0]
	g := &gatewayNode{res: r}
	g.internetIP, _ = r.String("internetIp")
	if v, ok := st.TargetOf(r, "vpcId", inventory.VPC); ok {
		g.vpc = byVPC[string(v.URN)]
	}
	for _, c := range st.OfType(inventory.VPNConnection) {
		if t, ok := st.TargetOf(c, "vpnGatewayId", inventory.VPNGateway); ok && t.URN == r.URN {
			g.hasConn = true
		}
	}
	for _, e := range st.OfType(inventory.VPNRouteEntry) {
		if t, ok := st.TargetOf(e, "vpnGatewayId", inventory.VPNGateway); !ok || t.URN != r.URN {
			continue
		}
		dest, _ := e.String("routeDest")
		p, err := cidr.Normalize(dest)
		if err != nil {
			continue
		}
		w, _ := e.Int("weight")
		pub, _ := e.Bool("publishVpc")
		g.routes = append(g.routes, vpnRoute{dest: p, weight: w, publish: pub})
	}
	return g
}

// Workloads returns the CIDRs of the workload VPCs: the VPCs attached to a
// transit router except the transit VPC, which holds the VPN gateway and no
// workloads. A VPC of the stack with no attachment is not meant to reach the
// IDC and is not judged.
func (n *Network) Workloads() []netip.Prefix {
	var out []netip.Prefix
	for _, v := range n.workloads() {
		out = append(out, v.cidr)
	}
	return out
}

func (n *Network) workloads() []*vpcNode {
	var vs []*vpcNode
	for _, v := range n.vpcs {
		if v != n.transit && v.att != nil {
			vs = append(vs, v)
		}
	}
	slices.SortStableFunc(vs, func(a, b *vpcNode) int { return cmp.Compare(a.res.Name(), b.res.Name()) })
	return vs
}

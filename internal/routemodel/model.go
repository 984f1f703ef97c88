// Package routemodel computes how traffic between the IDC and the VPCs is
// routed by a deployed (or planned) hybrid connection, in each failure state:
// the route tables of the transit router, the VPCs, the VBR, the VPN gateway
// and the on-premises gateway, and from them the forward (IDC → VPC) and
// return (VPC → IDC) path of every IDC prefix and VPC CIDR.
//
// Route selection follows the design: longest prefix first; the transit
// router prefers a route learned from the VBR (BGP) over the same prefix
// advertised from the transit VPC; the on-premises gateway prefers the route
// with the lower preference, BGP normally, so its static routes via the VPN
// carry traffic only when BGP is gone. The policy pack, the local cloud and
// the failover drill all judge a stack with this one model.
package routemodel

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/hybridlink/hybridlink/internal/cidr"
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
}

// OnPremOf is the gateway a stack's hybridlink:onPrem settings describe,
// with its preferences in effect.
func OnPremOf(c onprem.Config, idcPrefixes []netip.Prefix) OnPrem {
	return OnPrem{IDCPrefixes: slices.Clone(idcPrefixes), BGPPreference: c.BGPRoutePreference(), StaticPreference: c.StaticPreference()}
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
	// CircuitDown: the Express Connect port is shut, so BGP is down.
	CircuitDown bool `json:"circuitDown"`
	// VPNDown: the IPsec tunnel carries no traffic.
	VPNDown bool `json:"vpnDown"`
}

// Network is the topology of one stack, resolved from its resources.
type Network struct {
	onprem      OnPrem
	vpcs        []*vpcNode
	transit     *vpcNode // the VPC hosting the VPN gateway, if any
	vbr         *vbrNode
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
}

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
	n.vbr = buildVBR(st)
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
		if v, ok := st.TargetOf(r, "vbrId", inventory.VBR); ok && n.vbr != nil && v.URN == n.vbr.res.URN {
			a.vbr = n.vbr
			n.vbr.att = a
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

func buildVBR(st *inventory.Stack) *vbrNode {
	vbrs := st.OfType(inventory.VBR)
	if len(vbrs) == 0 {
		return nil
	}
	r := vbrs[0]
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

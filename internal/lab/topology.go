package lab

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/hybridlink/hybridlink/internal/bfd"
	"github.com/hybridlink/hybridlink/internal/circuits"
	"github.com/hybridlink/hybridlink/internal/onprem"
	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// cloudInternal addresses the VBRs' links to the transit router, which have
// no address in the stack (Alibaba Cloud uses 100.64.0.0/10 inside): a /30
// per circuit.
var cloudInternal = netip.MustParsePrefix("100.64.0.0/29")

// Interface names inside the namespaces. The on-premises gateway's are the
// rendered configuration's own (linux-frr defaults: eth1 toward the VBR,
// eth0 toward the Internet), so frr.conf needs no renaming.
const (
	gwWAN     = "eth0"
	gwLAN     = "lan0"
	vbrCircle = "ec0" // the VBR's end of the circuit
	vpnWAN    = "wan0"
	toTR      = "tr0"
	hostIf    = "eth0"
)

// lanHosts are a subnet's addresses in the lab: the router's (base+1) and
// the host's (base+10), in the first /24 of the prefix (or the prefix
// itself when it is smaller).
func lanHosts(p netip.Prefix) (subnet netip.Prefix, router, host netip.Addr, err error) {
	if !p.Addr().Is4() || p.Bits() > 28 {
		return netip.Prefix{}, netip.Addr{}, netip.Addr{}, fmt.Errorf("%v: the lab needs an IPv4 prefix of /28 or larger to place a host in", p)
	}
	subnet = p.Masked()
	if subnet.Bits() < 24 {
		subnet = netip.PrefixFrom(subnet.Addr(), 24)
	}
	router = subnet.Addr().Next()
	host = router
	for range 9 {
		host = host.Next()
	}
	return subnet, router, host, nil
}

// idcHost is one address of the IDC host, in one IDC prefix.
type idcHost struct {
	Prefix        netip.Prefix
	Subnet        netip.Prefix
	Gateway, Addr netip.Addr
}

// vpcHost is the host standing for one workload VPC, behind its
// transit-router attachment.
type vpcHost struct {
	Name   string
	NS     ns
	CIDR   netip.Prefix
	Subnet netip.Prefix
	// TRAddr is the transit router's address in the VPC's vSwitch.
	TRAddr, Addr netip.Addr
	// TRLink names the transit router's interface toward the VPC.
	TRLink string
}

// topology is the lab's network: namespaces, interfaces and addresses.
type topology struct {
	Stack            string
	GW, TR, VPN, IDC ns
	IDCHosts         []idcHost
	VPCs             []vpcHost
	// Circuits are the Express Connect circuits, each with its own VBR
	// namespace: circuit A first.
	Circuits []circuit
	// The Internet between the gateway's public IP and the VPN gateway's.
	PublicIP netip.Addr
	VPNPeers []netip.Addr
	// The VPN gateway's link into the transit VPC, toward the transit router.
	TransitSubnet         netip.Prefix
	TransitTR, TransitVPN netip.Addr
	TransitCIDR           netip.Prefix
}

// circuit is one Express Connect circuit of the lab.
type circuit struct {
	// Link is what the route model calls it; Name "A" or "B".
	Link routemodel.Link
	Name string
	VBR  ns
	// GWIf is the gateway's interface as the rendered frr.conf names it
	// (eth1, eth2, or with a VLAN eth1.<VLAN>).
	GWIf             string
	PeeringSubnet    netip.Prefix
	PeeringIP, VBRIP netip.Addr
	// VBRLink and TRAddr address the VBR's link to the transit router, whose
	// interface toward it is TRIf.
	VBRLink, TRAddr netip.Addr
	TRIf            string
	// DSCP marks the probes the circuit carries.
	DSCP int
	// BFD are the VBR's timers, defaults applied; nil without BFD.
	BFD *bfd.Timers
}

// uplinks are the gateway's ports toward the VBRs as the rendered linux-frr
// configuration names them (onprem's defaults).
var uplinks = []string{"eth1", "eth2"}

// newTopology places the stack's site in namespaces named hl-<stack>-….
func newTopology(site onprem.Site, links []routemodel.Link, workloads []vpcSpec, transit vpcSpec) (*topology, error) {
	p := Prefix + site.Stack + "-"
	t := &topology{
		Stack: site.Stack,
		GW:    ns(p + "gw"), TR: ns(p + "tr"), VPN: ns(p + "vpngw"), IDC: ns(p + "idc"),
		PublicIP: site.PublicIP, VPNPeers: site.VPNPeers,
		TransitCIDR: transit.CIDR,
	}
	sites := []onprem.Circuit{{PeeringIP: site.PeeringIP, PeeringSubnet: site.PeeringSubnet, VLAN: site.VLAN,
		AlibabaPeeringIP: site.AlibabaPeeringIP, AlibabaASN: site.AlibabaASN, BFD: site.BFD, BFDTimers: site.BFDTimers}}
	if site.SecondCircuit != nil {
		sites = append(sites, *site.SecondCircuit)
	}
	if len(links) != len(sites) {
		return nil, fmt.Errorf("the route model has %d circuit(s), the rendered configuration %d", len(links), len(sites))
	}
	for i, c := range sites {
		internal := netip.PrefixFrom(cloudInternal.Addr(), 30)
		for range i * 4 {
			internal = netip.PrefixFrom(internal.Addr().Next(), 30)
		}
		lc := circuit{
			Link: links[i], Name: circuits.Name(i), VBR: ns(p + "vbr"), GWIf: uplinks[i],
			PeeringSubnet: c.PeeringSubnet, PeeringIP: c.PeeringIP, VBRIP: c.AlibabaPeeringIP,
			VBRLink: internal.Addr().Next(), TRAddr: internal.Addr().Next().Next(), TRIf: "vbr", DSCP: circuitDSCP[i],
		}
		if i > 0 {
			lc.VBR, lc.TRIf = ns(p+"vbr-"+strings.ToLower(lc.Name)), "vbr-"+strings.ToLower(lc.Name)
		}
		if c.VLAN != 0 {
			lc.GWIf += "." + strconv.Itoa(c.VLAN)
		}
		if c.BFD {
			b := c.BFDTimers.WithDefaults()
			lc.BFD = &b
		}
		t.Circuits = append(t.Circuits, lc)
	}
	for _, pre := range site.IDCPrefixes {
		sub, gw, host, err := lanHosts(pre)
		if err != nil {
			return nil, fmt.Errorf("IDC prefix %w", err)
		}
		t.IDCHosts = append(t.IDCHosts, idcHost{Prefix: pre, Subnet: sub, Gateway: gw, Addr: host})
	}
	for i, w := range workloads {
		sub, tr, host, err := lanHosts(w.VSwitch)
		if err != nil {
			return nil, fmt.Errorf("workload VPC %s vSwitch %w", w.Name, err)
		}
		t.VPCs = append(t.VPCs, vpcHost{Name: w.Name, NS: ns(fmt.Sprintf("%svpc%d", p, i+1)), CIDR: w.CIDR, Subnet: sub, TRAddr: tr, Addr: host, TRLink: fmt.Sprintf("vpc%d", i+1)})
	}
	sub, tr, vpn, err := lanHosts(transit.VSwitch)
	if err != nil {
		return nil, fmt.Errorf("transit VPC vSwitch %w", err)
	}
	t.TransitSubnet, t.TransitTR, t.TransitVPN = sub, tr, vpn
	for _, pre := range append(append([]netip.Prefix{}, site.IDCPrefixes...), site.VPCPrefixes...) {
		if pre.Overlaps(cloudInternal) {
			return nil, fmt.Errorf("%v overlaps %v, which the lab uses between the VBR and the transit router", pre, cloudInternal)
		}
	}
	return t, nil
}

// vpcSpec is a VPC as the lab needs it: its CIDR and the vSwitch its host
// (or the VPN gateway) sits in.
type vpcSpec struct {
	Name          string
	CIDR, VSwitch netip.Prefix
}

// all lists every namespace of the topology.
func (t *topology) all() []ns {
	out := []ns{t.IDC, t.GW, t.TR, t.VPN}
	for _, c := range t.Circuits {
		out = append(out, c.VBR)
	}
	for _, v := range t.VPCs {
		out = append(out, v.NS)
	}
	return out
}

// linkOf maps a received packet's DSCP to the link that carried it.
func (t *topology) linkOf(dscp int) routemodel.Link {
	if dscp == dscpTunnel {
		return routemodel.Tunnel
	}
	for _, c := range t.Circuits {
		if c.DSCP == dscp {
			return c.Link
		}
	}
	return routemodel.NoLink
}

// veth links two namespaces.
func veth(ctx context.Context, a ns, aName string, b ns, bName string) error {
	if err := a.ip(ctx, "link", "add", aName, "type", "veth", "peer", "name", bName, "netns", string(b)); err != nil {
		return err
	}
	if err := a.ip(ctx, "link", "set", aName, "up"); err != nil {
		return err
	}
	return b.ip(ctx, "link", "set", bName, "up")
}

// addr assigns an address with the subnet's length.
func addr(ctx context.Context, n ns, dev string, a netip.Addr, subnet netip.Prefix) error {
	return n.ip(ctx, "addr", "add", netip.PrefixFrom(a, subnet.Bits()).String(), "dev", dev)
}

// build creates the namespaces, links and addresses, and the routes that
// no routing daemon owns: the hosts' default routes and the Internet's.
func (t *topology) build(ctx context.Context) error {
	for _, n := range t.all() {
		if err := n.create(ctx); err != nil {
			return err
		}
		// Routers forward; strict reverse-path filtering would drop the
		// return traffic of an asymmetric step, which the lab must see.
		if err := n.sysctl(ctx, "net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0"); err != nil {
			return err
		}
	}
	steps := []func() error{
		func() error { return veth(ctx, t.IDC, hostIf, t.GW, gwLAN) },
		func() error { return veth(ctx, t.GW, gwWAN, t.VPN, vpnWAN) },
		func() error { return veth(ctx, t.VPN, toTR, t.TR, "transit") },
	}
	for _, c := range t.Circuits {
		steps = append(steps,
			func() error { return veth(ctx, t.GW, c.GWIf, c.VBR, vbrCircle) },
			func() error { return veth(ctx, c.VBR, toTR, t.TR, c.TRIf) })
	}
	for _, v := range t.VPCs {
		steps = append(steps, func() error { return veth(ctx, v.NS, hostIf, t.TR, v.TRLink) })
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	// IDC host and the gateway's LAN.
	for _, h := range t.IDCHosts {
		if err := addr(ctx, t.IDC, hostIf, h.Addr, h.Subnet); err != nil {
			return err
		}
		if err := addr(ctx, t.GW, gwLAN, h.Gateway, h.Subnet); err != nil {
			return err
		}
	}
	if err := t.IDC.ip(ctx, "route", "add", "default", "via", t.IDCHosts[0].Gateway.String()); err != nil {
		return err
	}
	// The circuits. frr.conf assigns the gateway's peering addresses itself.
	for _, c := range t.Circuits {
		if err := addr(ctx, c.VBR, vbrCircle, c.VBRIP, c.PeeringSubnet); err != nil {
			return err
		}
		internal := netip.PrefixFrom(c.VBRLink, 30).Masked()
		if err := addr(ctx, c.VBR, toTR, c.VBRLink, internal); err != nil {
			return err
		}
		if err := addr(ctx, t.TR, c.TRIf, c.TRAddr, internal); err != nil {
			return err
		}
	}
	// The Internet: the two public sides reach each other directly.
	if err := t.GW.ip(ctx, "addr", "add", t.PublicIP.String()+"/32", "dev", gwWAN); err != nil {
		return err
	}
	for _, peer := range t.VPNPeers {
		if err := t.VPN.ip(ctx, "addr", "add", peer.String()+"/32", "dev", vpnWAN); err != nil {
			return err
		}
		if err := t.GW.ip(ctx, "route", "add", peer.String()+"/32", "dev", gwWAN, "src", t.PublicIP.String()); err != nil {
			return err
		}
	}
	if err := t.VPN.ip(ctx, "route", "add", t.PublicIP.String()+"/32", "dev", vpnWAN, "src", t.VPNPeers[0].String()); err != nil {
		return err
	}
	// Inside the cloud.
	if err := addr(ctx, t.VPN, toTR, t.TransitVPN, t.TransitSubnet); err != nil {
		return err
	}
	if err := addr(ctx, t.TR, "transit", t.TransitTR, t.TransitSubnet); err != nil {
		return err
	}
	for _, v := range t.VPCs {
		if err := addr(ctx, v.NS, hostIf, v.Addr, v.Subnet); err != nil {
			return err
		}
		if err := addr(ctx, t.TR, v.TRLink, v.TRAddr, v.Subnet); err != nil {
			return err
		}
		// The VPC's system route table sends the IDC to the transit router.
		if err := v.NS.ip(ctx, "route", "add", "default", "via", v.TRAddr.String()); err != nil {
			return err
		}
	}
	// The transit VPC: its own CIDR is the VPN gateway's; the workload VPCs
	// through the transit router (auto-published into its route table).
	for _, v := range t.VPCs {
		if err := t.VPN.ip(ctx, "route", "add", v.CIDR.String(), "via", t.TransitTR.String()); err != nil {
			return err
		}
	}
	return nil
}

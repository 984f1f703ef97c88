package components

import (
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hybridlink/hybridlink/internal/cidr"
	"github.com/hybridlink/hybridlink/internal/limits"
)

// VSwitch is an existing vSwitch of a VPC.
type VSwitch struct {
	// VSwitchID is required by NewHybridConnection (not by Validate, so a
	// program can validate before it creates the vSwitch).
	VSwitchID pulumi.StringInput `pulumi:"vSwitchId"`
	// ZoneID is the vSwitch's zone, e.g. cn-hangzhou-h. Required.
	ZoneID string `pulumi:"zoneId"`
	// CIDR is the vSwitch's block, inside its VPC's. Required.
	CIDR netip.Prefix `pulumi:"cidr"`
}

// VPC is an existing VPC with the vSwitches the transit router (and, in the
// transit VPC, the VPN gateway) use.
type VPC struct {
	// Name is the VPC's role in names ("workload", "transit"). Required:
	// 1–40 letters, digits, '.', '_', '-', distinct among the VPCs.
	Name string `pulumi:"name"`
	// VPCID is required by NewHybridConnection (not by Validate).
	VPCID pulumi.StringInput `pulumi:"vpcId"`
	// CIDR is the VPC's IPv4 block. Required.
	CIDR netip.Prefix `pulumi:"cidr"`
	// RouteTableID is the VPC's system route table; required for the transit
	// VPC, whose VPN routes are advertised from it.
	RouteTableID pulumi.StringInput `pulumi:"routeTableId,optional"`
	// VSwitches are required and must span at least two zones; in the transit VPC the first
	// hosts the VPN gateway and, for a dual-tunnel gateway, the second its
	// disaster-recovery tunnel.
	VSwitches []VSwitch `pulumi:"vSwitches"`
}

// HybridConnectionArgs is an environment's hybrid connection: the address
// plan, the two paths and the hub.
type HybridConnectionArgs struct {
	// Region of every resource, e.g. cn-hangzhou. It must be the region of
	// the alicloud provider the resources use (alicloud:region): resources
	// take their region from the provider, while zones are checked, and the
	// VBR health check is pointed, with this one. Required.
	Region string `pulumi:"region"`
	// WorkloadVPCs are reached from the IDC. Required: at least one.
	WorkloadVPCs []VPC `pulumi:"workloadVpcs"`
	// TransitVPC hosts the VPN gateway and no workloads. Required, with its
	// RouteTableID.
	TransitVPC VPC `pulumi:"transitVpc"`
	// IDCPrefixes are the on-premises prefixes (172.16.0.0/16 in the
	// reference plan). Required.
	IDCPrefixes []netip.Prefix `pulumi:"idcPrefixes"`
	// ExpressConnect is the primary path, as NewExpressConnectLeg takes it;
	// with SecondExpressConnect, circuit A.
	ExpressConnect ExpressConnectLegArgs `pulumi:"expressConnect"`
	// SecondExpressConnect is a second circuit, circuit B (the child
	// <name>-expressconnect-b, its own VBR, BGP and BFD), sharing the
	// traffic with the first as CircuitMode says; the VPN stands by for
	// both. Its physical connection must differ from the first's and its
	// PeerASN must be the same (one on-premises gateway terminates both).
	// Nil for one circuit.
	SecondExpressConnect *ExpressConnectLegArgs `pulumi:"secondExpressConnect,optional"`
	// CircuitMode is how two circuits share the traffic: ActiveStandby
	// (the default) or ECMP. Leave it unset with one circuit.
	CircuitMode CircuitMode `pulumi:"circuitMode,optional"`
	// VPN is the standby path, as NewVPNStandbyLeg takes it, without its
	// placement: leave VPCID, VSwitchID, DisasterRecoveryVSwitchID and
	// IDCPrefixes unset — the gateway goes into TransitVPC (its second zone
	// for DualTunnel) and routes IDCPrefixes.
	VPN VPNStandbyLegArgs `pulumi:"vpn"`
	// CENID is an existing CEN instance; nil creates one.
	CENID pulumi.StringInput `pulumi:"cenId,optional"`
	// VBRHealthCheck makes CEN probe the on-premises peering IP of each
	// circuit over its VBR.
	VBRHealthCheck bool `pulumi:"vbrHealthCheck,optional"`
	// Monitoring pages when a link fails (StandbyMonitoring, the child
	// <name>-monitoring); nil for none. It needs VBRHealthCheck, whose probes
	// its circuit alarms read; leave its CENID and VBRID unset.
	Monitoring *StandbyMonitoringArgs `pulumi:"monitoring,optional"`
	// Protect protects the Express Connect leg and the hub — deleting them
	// cuts the primary path of every VPC — but not the VPN leg.
	Protect bool `pulumi:"protect,optional"`
	// Tags are applied to every taggable resource of both legs and the hub;
	// a leg's own Tags are added to them and win on a shared key.
	Tags map[string]string `pulumi:"tags,optional"`
}

// Validate checks every plain value — names, ranges, the address plan as a
// whole — and returns every problem as ArgErrors. It does not require the
// VPC and vSwitch IDs, so a program can validate its whole configuration
// before it creates the VPCs; NewHybridConnection requires them.
func (a *HybridConnectionArgs) Validate() error {
	c := newChecker()
	a.validate(c)
	return c.err()
}

func (a *HybridConnectionArgs) validate(c checker) {
	regionOK := limits.CheckRegion(a.Region) == nil
	if a.Region == "" {
		c.missing("Region", "set the region of the VPCs and the circuit, e.g. cn-hangzhou")
	} else {
		c.check("Region", a.Region, limits.CheckRegion(a.Region), "set the region of the VPCs and the circuit, e.g. cn-hangzhou")
	}
	if len(a.WorkloadVPCs) == 0 {
		c.missing("WorkloadVPCs", "give at least one workload VPC")
	}
	checkCount(c, "WorkloadVPCs", "workload VPCs", len(a.WorkloadVPCs), limits.MaxWorkloadVPCs)
	names := map[string]bool{}
	vpcs := a.vpcs()
	for _, v := range vpcs {
		vc := c.at(v.field)
		switch {
		case v.Name == "":
			vc.missing("Name", "give the VPC a short name, e.g. workload, transit")
		case !partPattern.MatchString(v.Name) || names[v.Name]:
			vc.fail("Name", v.Name, "must be a distinct name part (1–40 letters, digits, '.', '_', '-')", "give every VPC its own short name, e.g. workload, transit")
		}
		names[v.Name] = true
		checkVPC(vc, v.VPC, a.Region, regionOK)
	}
	a.ExpressConnect.validate(c.at("ExpressConnect"))
	a.validateSecondCircuit(c)
	if len(a.IDCPrefixes) == 0 {
		c.missing("IDCPrefixes", "list the on-premises prefixes, e.g. 172.16.0.0/16")
	}
	checkIDCPrefixes(c, a.IDCPrefixes)
	a.checkVPNPlacementUnset(c.at("VPN"))
	a.VPN.validateSettings(c.at("VPN"), a.IDCPrefixes)
	checkID(c, "CENID", a.CENID, limits.CENID)
	checkTags(c, a.Tags)
	// A leg's resources get the connection's tags and the leg's own (which
	// the leg checks).
	checkMergedTagCount(c.at("ExpressConnect"), a.Tags, a.ExpressConnect.Tags)
	checkMergedTagCount(c.at("VPN"), a.Tags, a.VPN.Tags)
	// The on-premises gateway routes the probe's source back through the
	// tunnel; a workload address would then return over the VPN while the
	// rest of its traffic uses the circuit.
	if hc := a.VPN.HealthCheck; hc != nil && hc.SourceIP.IsValid() && a.TransitVPC.CIDR.IsValid() && !a.TransitVPC.CIDR.Contains(hc.SourceIP) {
		c.at("VPN").at("HealthCheck").fail("SourceIP", hc.SourceIP, fmt.Sprintf("is not inside the transit VPC %s", a.TransitVPC.CIDR), "pick an unused address of the transit VPC, which holds no workloads")
	}
	if m := a.Monitoring; m != nil {
		mc := c.at("Monitoring")
		m.validateSettings(mc)
		checkMergedTagCount(mc, a.Tags, m.Tags)
		if !a.VBRHealthCheck {
			mc.fail("", nil, "the circuit alarms read CEN's health check of the VBR, which is off", "set VBRHealthCheck, or drop Monitoring")
		}
		const fix = "leave it unset: HybridConnection watches its own CEN and VBR"
		if m.CENID != nil {
			mc.fail("CENID", nil, "is set", fix)
		}
		if m.VBRID != nil {
			mc.fail("VBRID", nil, "is set", fix)
		}
		if m.SecondVBRID != nil {
			mc.fail("SecondVBRID", nil, "is set", fix)
		}
	}
	if a.VPN.DualTunnel && limits.DistinctZones(zonesOf(a.TransitVPC.VSwitches)) < 2 {
		c.at("VPN").fail("DualTunnel", true, "a dual-tunnel gateway needs transit vSwitches in two zones", "add a second transit vSwitch in another zone, or turn the dual tunnel off")
	}
	a.checkOverlaps(c)
}

// checkVPNPlacementUnset rejects the VPN leg's placement fields, which
// HybridConnection sets itself: a value there would be silently replaced.
func (a *HybridConnectionArgs) checkVPNPlacementUnset(c checker) {
	const fix = "leave it unset: HybridConnection places the gateway in TransitVPC and routes IDCPrefixes"
	if a.VPN.VPCID != nil {
		c.fail("VPCID", nil, "is set", fix)
	}
	if a.VPN.VSwitchID != nil {
		c.fail("VSwitchID", nil, "is set", fix)
	}
	if a.VPN.DisasterRecoveryVSwitchID != nil {
		c.fail("DisasterRecoveryVSwitchID", nil, "is set", fix)
	}
	if len(a.VPN.IDCPrefixes) != 0 {
		c.fail("IDCPrefixes", a.VPN.IDCPrefixes, "is set", fix)
	}
}

// namedVPC is a VPC with its field path in the Args.
type namedVPC struct {
	VPC
	field string
}

func (a *HybridConnectionArgs) vpcs() []namedVPC {
	out := make([]namedVPC, 0, len(a.WorkloadVPCs)+1)
	for i, v := range a.WorkloadVPCs {
		out = append(out, namedVPC{v, fmt.Sprintf("WorkloadVPCs[%d]", i)})
	}
	return append(out, namedVPC{a.TransitVPC, "TransitVPC"})
}

func checkVPC(c checker, v VPC, region string, regionOK bool) {
	if checkCanonical(c, "CIDR", v.CIDR) {
		c.check("CIDR", v.CIDR, limits.CheckVPCCIDR(v.CIDR), "use a /8–/28 block from 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16")
	}
	checkID(c, "VPCID", v.VPCID, limits.VPCID)
	checkID(c, "RouteTableID", v.RouteTableID, limits.RouteTableID)
	checkCount(c, "VSwitches", "vSwitches", len(v.VSwitches), limits.MaxVSwitchesPerVPC)
	for i, sw := range v.VSwitches {
		sc := c.at(fmt.Sprintf("VSwitches[%d]", i))
		checkID(sc, "VSwitchID", sw.VSwitchID, limits.VSwitchID)
		switch {
		case sw.ZoneID == "":
			sc.missing("ZoneID", "give the vSwitch's zone ID, e.g. cn-hangzhou-h")
		case regionOK:
			sc.check("ZoneID", sw.ZoneID, limits.CheckZone(region, sw.ZoneID), "use a zone of the region that offers transit routers, e.g. "+region+"-h")
		}
		if !checkCanonical(sc, "CIDR", sw.CIDR) {
			continue
		}
		sc.check("CIDR", sw.CIDR, limits.CheckVSwitchCIDR(sw.CIDR), "use a /16–/29 block")
		if v.CIDR.IsValid() && !cidr.Within(sw.CIDR, v.CIDR) {
			sc.fail("CIDR", sw.CIDR, fmt.Sprintf("is outside its VPC's CIDR %s", v.CIDR), "carve the vSwitch from the VPC's block")
		}
	}
	checkTwoZones(c, "VSwitches", zonesOf(v.VSwitches))
}

// zonesOf lists the zones of vSwitches, in order.
func zonesOf(sws []VSwitch) []string {
	zones := make([]string, len(sws))
	for i, sw := range sws {
		zones[i] = sw.ZoneID
	}
	return zones
}

// checkCanonical reports a missing, non-IPv4 or non-canonical prefix and
// returns whether the prefix is usable.
func checkCanonical(c checker, field string, p netip.Prefix) bool {
	switch {
	case !p.IsValid():
		c.missing(field, "give an IPv4 CIDR block such as 10.0.0.0/16")
	case !p.Addr().Is4():
		c.fail(field, p, "is not IPv4", "give an IPv4 CIDR block")
	case p.Masked() != p:
		c.fail(field, p, "has host bits set", fmt.Sprintf("write the network, %s", p.Masked()))
	default:
		return true
	}
	return false
}

// planEntry is one block of the address plan: its field path, and for a
// vSwitch the path of its VPC.
type planEntry struct {
	field, vpc string
}

// PlanBlock is one CIDR block of an address plan and the argument it comes
// from ("TransitVPC.VSwitches[1].CIDR").
type PlanBlock struct {
	Field  string
	Prefix netip.Prefix
}

// AddressPlan returns every CIDR block of the plan — VPCs, vSwitches, the VBR
// peering subnets and the IDC prefixes. Invalid blocks (not canonical IPv4,
// or in a special-purpose range such as loopback) are left out.
func (a *HybridConnectionArgs) AddressPlan() []PlanBlock {
	var out []PlanBlock
	for _, e := range a.addressPlan() {
		out = append(out, PlanBlock{Field: e.Item.field, Prefix: e.Prefix})
	}
	return out
}

func (a *HybridConnectionArgs) addressPlan() []cidr.Entry[planEntry] {
	var out []cidr.Entry[planEntry]
	// A block in a special-purpose range is reported as such; its overlaps
	// with everything else would only repeat it.
	add := func(p netip.Prefix, e planEntry) {
		if cidr.IsCanonical(p) && limits.CheckRoutablePrefix(p) == nil {
			out = append(out, cidr.Entry[planEntry]{Prefix: p, Item: e})
		}
	}
	for _, v := range a.vpcs() {
		add(v.CIDR, planEntry{field: v.field + ".CIDR"})
		for i, sw := range v.VSwitches {
			add(sw.CIDR, planEntry{field: fmt.Sprintf("%s.VSwitches[%d].CIDR", v.field, i), vpc: v.field + ".CIDR"})
		}
	}
	add(a.ExpressConnect.PeeringSubnet(), planEntry{field: "ExpressConnect.PeerGatewayIP"})
	if b := a.SecondExpressConnect; b != nil {
		add(b.PeeringSubnet(), planEntry{field: "SecondExpressConnect.PeerGatewayIP"})
	}
	for i, p := range a.IDCPrefixes {
		add(p, planEntry{field: fmt.Sprintf("IDCPrefixes[%d]", i)})
	}
	return out
}

// checkOverlaps requires every block of the plan to be disjoint from every
// other, except a vSwitch inside its own VPC: overlapping space makes routes
// ambiguous and traffic leave on the wrong path.
func (a *HybridConnectionArgs) checkOverlaps(c checker) {
	inOwnVPC := func(outer, inner planEntry) bool { return inner.vpc != "" && inner.vpc == outer.field }
	for _, o := range cidr.Overlaps(a.addressPlan(), inOwnVPC) {
		c.fail(o.Inner.Item.field, o.Inner.Prefix,
			fmt.Sprintf("overlaps %s (%s)", o.Outer.Item.field, o.Outer.Prefix),
			"give every VPC, vSwitch (outside its own VPC), peering subnet and IDC prefix its own address space")
		errs := *c.errs
		errs[len(errs)-1].Related = o.Outer.Item.field
	}
}

// requireIDs checks the inputs Validate leaves out.
func (a *HybridConnectionArgs) requireIDs(c checker) {
	for _, v := range a.vpcs() {
		vc := c.at(v.field)
		if v.VPCID == nil {
			vc.missing("VPCID", "give the VPC's ID")
		}
		for i, sw := range v.VSwitches {
			if sw.VSwitchID == nil {
				vc.at(fmt.Sprintf("VSwitches[%d]", i)).missing("VSwitchID", "give the vSwitch's ID")
			}
		}
	}
	if a.TransitVPC.RouteTableID == nil {
		c.at("TransitVPC").missing("RouteTableID", "give the transit VPC's system route table ID; the VPN routes are advertised from it")
	}
	if a.VPN.DualTunnel && a.VPN.PSK == nil {
		c.at("VPN").missing("PSK", dualTunnelPSKFix)
	}
}

// HybridConnection is the whole active/standby connection of one
// environment. Its outputs carry the names of OutputVPNInternetIP and its
// siblings, which hybridlink's program exports as stack outputs.
type HybridConnection struct {
	pulumi.ResourceState

	// VPNInternetIP is the VPN gateway's public IP, the on-premises
	// gateway's first IPsec peer.
	VPNInternetIP pulumi.StringOutput `pulumi:"vpnInternetIp"`
	// VPNDisasterRecoveryInternetIP is the second tunnel's public IP, empty
	// unless VPN.DualTunnel.
	VPNDisasterRecoveryInternetIP pulumi.StringOutput `pulumi:"vpnDisasterRecoveryInternetIp"`
	// VPNGatewayID is the VPN gateway in the transit VPC.
	VPNGatewayID pulumi.StringOutput `pulumi:"vpnGatewayId"`
	// VPNConnectionID is the IPsec connection.
	VPNConnectionID pulumi.StringOutput `pulumi:"vpnConnectionId"`
	// CustomerGatewayID is the customer gateway for the on-premises IP.
	CustomerGatewayID pulumi.StringOutput `pulumi:"customerGatewayId"`
	// VPNPreSharedKey is the IPsec key in effect. Secret.
	VPNPreSharedKey pulumi.StringOutput `pulumi:"vpnPreSharedKey" provider:"secret"`
	// VBRID is the Virtual Border Router on the circuit.
	VBRID pulumi.StringOutput `pulumi:"vbrId"`
	// VBRRouteTableID is the VBR's route table.
	VBRRouteTableID pulumi.StringOutput `pulumi:"vbrRouteTableId"`
	// CENID is the CEN instance, given or created.
	CENID pulumi.StringOutput `pulumi:"cenId"`
	// TransitRouterID is the region's transit router.
	TransitRouterID pulumi.StringOutput `pulumi:"transitRouterId"`
	// TransitRouterRouteTableID is the transit router's system route table.
	TransitRouterRouteTableID pulumi.StringOutput `pulumi:"transitRouterRouteTableId"`
	// VPCAttachmentIDs maps each VPC's name to its transit-router attachment.
	VPCAttachmentIDs pulumi.StringMapOutput `pulumi:"vpcAttachmentIds"`
	// VBRAttachmentID is the VBR's transit-router attachment.
	VBRAttachmentID pulumi.StringOutput `pulumi:"vbrAttachmentId"`
	// SecondVBRID is the second circuit's VBR; empty, and not among
	// Outputs, with one circuit.
	SecondVBRID pulumi.StringOutput `pulumi:"secondVbrId"`
	// SecondVBRRouteTableID is the second VBR's route table; empty with one
	// circuit.
	SecondVBRRouteTableID pulumi.StringOutput `pulumi:"secondVbrRouteTableId"`
	// SecondVBRAttachmentID is the second VBR's transit-router attachment;
	// empty with one circuit.
	SecondVBRAttachmentID pulumi.StringOutput `pulumi:"secondVbrAttachmentId"`

	// The legs and the hub, for what the outputs above leave out, and the
	// monitoring (nil unless Monitoring is configured) and the second
	// circuit (nil unless SecondExpressConnect is).
	ExpressConnect       *ExpressConnectLeg
	SecondExpressConnect *ExpressConnectLeg
	VPN                  *VPNStandbyLeg
	Hub                  *CENHub
	Monitoring           *StandbyMonitoring
}

// NewHybridConnection validates args and composes an ExpressConnectLeg
// (<name>-expressconnect; with a second circuit also <name>-expressconnect-b),
// a VPNStandbyLeg in the transit VPC (<name>-vpn) and a CENHub (<name>-hub)
// that attaches every VPC and the VBRs and advertises the IDC prefixes from
// the transit VPC, and, when Monitoring is configured, a StandbyMonitoring
// (<name>-monitoring) of those VBRs and CEN. The name is the stem of
// every child's and Alibaba Cloud resource's name: 2–64 characters, a
// letter first, then letters, digits, '.', '_' and '-'. VPC names
// (VPC.Name) are name parts: 1–40 of those characters, distinct. On any
// error the returned component is nil and, for invalid arguments, the error
// holds ArgErrors.
func NewHybridConnection(ctx *pulumi.Context, name string, args *HybridConnectionArgs, opts ...pulumi.ResourceOption) (*HybridConnection, error) {
	if args == nil {
		args = &HybridConnectionArgs{}
	}
	if err := validated("HybridConnectionArgs", name, func(c checker) {
		args.validate(c)
		args.requireIDs(c)
	}); err != nil {
		return nil, err
	}
	hc := &HybridConnection{}
	if err := registerComponent(ctx, TypeHybridConnection, name, hc, opts); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(hc)
	// Protect only when asked: an explicit false would override a
	// pulumi.Protect(true) the caller gave the whole connection.
	legOpts := []pulumi.ResourceOption{parent}
	if args.Protect {
		legOpts = append(legOpts, pulumi.Protect(true))
	}

	ecArgs := args.ExpressConnect
	ecArgs.Tags = mergeTags(args.Tags, ecArgs.Tags)
	ec, err := NewExpressConnectLeg(ctx, child(name, "expressconnect"), &ecArgs, legOpts...)
	if err != nil {
		return nil, err
	}
	var ecB *ExpressConnectLeg
	if b := args.SecondExpressConnect; b != nil {
		bArgs := *b
		bArgs.Tags = mergeTags(args.Tags, bArgs.Tags)
		if ecB, err = NewExpressConnectLeg(ctx, child(name, "expressconnect-b"), &bArgs, legOpts...); err != nil {
			return nil, err
		}
	}

	transit := args.TransitVPC
	vpnArgs := args.VPN
	vpnArgs.VPCID, vpnArgs.VSwitchID = transit.VPCID, transit.VSwitches[0].VSwitchID
	vpnArgs.IDCPrefixes = args.IDCPrefixes
	vpnArgs.Tags = mergeTags(args.Tags, vpnArgs.Tags)
	if vpnArgs.DualTunnel {
		vpnArgs.DisasterRecoveryVSwitchID = secondZoneVSwitch(transit.VSwitches).VSwitchID
	}
	vpnLeg, err := NewVPNStandbyLeg(ctx, child(name, "vpn"), &vpnArgs, parent)
	if err != nil {
		return nil, err
	}

	hubArgs := &CENHubArgs{
		CENID: args.CENID,
		VBRID: ec.VBRID,
		Advertise: &RouteAdvertisementArgs{
			VPC:          transit.Name,
			RouteTableID: transit.RouteTableID,
			Prefixes:     args.IDCPrefixes,
			After:        vpnLeg.Routes(),
		},
		Tags: args.Tags,
	}
	for _, v := range args.vpcs() {
		att := VPCAttachmentArgs{Name: v.Name, VPCID: v.VPCID}
		for _, sw := range v.VSwitches {
			att.ZoneMappings = append(att.ZoneMappings, ZoneVSwitch{ZoneID: sw.ZoneID, VSwitchID: sw.VSwitchID})
		}
		hubArgs.VPCs = append(hubArgs.VPCs, att)
	}
	if args.VBRHealthCheck {
		hubArgs.VBRHealthCheck = &VBRHealthCheckArgs{Region: args.Region, TargetIP: args.ExpressConnect.PeerGatewayIP}
	}
	if ecB != nil {
		hubArgs.SecondVBRID, hubArgs.CircuitMode, hubArgs.Region = ecB.VBRID, args.CircuitMode, args.Region
		if args.VBRHealthCheck {
			hubArgs.SecondVBRHealthCheck = &VBRHealthCheckArgs{Region: args.Region, TargetIP: args.SecondExpressConnect.PeerGatewayIP}
		}
	}
	hub, err := NewCENHub(ctx, child(name, "hub"), hubArgs, legOpts...)
	if err != nil {
		return nil, err
	}

	if args.Monitoring != nil {
		monArgs := *args.Monitoring
		monArgs.CENID, monArgs.VBRID = hub.CENID, ec.VBRID
		if ecB != nil {
			monArgs.SecondVBRID = ecB.VBRID
		}
		monArgs.Tags = mergeTags(args.Tags, monArgs.Tags)
		if hc.Monitoring, err = NewStandbyMonitoring(ctx, child(name, "monitoring"), &monArgs, parent); err != nil {
			return nil, err
		}
	}

	hc.ExpressConnect, hc.VPN, hc.Hub = ec, vpnLeg, hub
	hc.VPNInternetIP, hc.VPNDisasterRecoveryInternetIP = vpnLeg.InternetIP, vpnLeg.DisasterRecoveryInternetIP
	hc.VPNGatewayID, hc.VPNConnectionID = vpnLeg.GatewayID, vpnLeg.ConnectionID
	hc.CustomerGatewayID, hc.VPNPreSharedKey = vpnLeg.CustomerGatewayID, vpnLeg.PreSharedKey
	hc.VBRID, hc.VBRRouteTableID = ec.VBRID, ec.VBRRouteTableID
	hc.CENID, hc.TransitRouterID, hc.TransitRouterRouteTableID = hub.CENID, hub.TransitRouterID, hub.SystemRouteTableID
	hc.VPCAttachmentIDs, hc.VBRAttachmentID = hub.VPCAttachmentIDs, hub.VBRAttachmentID
	empty := pulumi.String("").ToStringOutput()
	hc.SecondVBRID, hc.SecondVBRRouteTableID, hc.SecondVBRAttachmentID = empty, empty, empty
	if ecB != nil {
		hc.SecondExpressConnect = ecB
		hc.SecondVBRID, hc.SecondVBRRouteTableID, hc.SecondVBRAttachmentID = ecB.VBRID, ecB.VBRRouteTableID, hub.SecondVBRAttachmentID
	}
	if err := ctx.RegisterResourceOutputs(hc, hc.Outputs()); err != nil {
		return nil, err
	}
	return hc, nil
}

// Outputs are the connection's outputs by name, as a program exports them:
// for name, v := range hc.Outputs() { ctx.Export(name, v) }. The second
// circuit's are there only with a second circuit.
func (hc *HybridConnection) Outputs() pulumi.Map {
	out := pulumi.Map{
		OutputVPNInternetIP:                 hc.VPNInternetIP,
		OutputVPNDisasterRecoveryInternetIP: hc.VPNDisasterRecoveryInternetIP,
		OutputVPNGatewayID:                  hc.VPNGatewayID,
		OutputVPNConnectionID:               hc.VPNConnectionID,
		OutputCustomerGatewayID:             hc.CustomerGatewayID,
		OutputVPNPreSharedKey:               hc.VPNPreSharedKey,
		OutputVBRID:                         hc.VBRID,
		OutputVBRRouteTableID:               hc.VBRRouteTableID,
		OutputCENID:                         hc.CENID,
		OutputTransitRouterID:               hc.TransitRouterID,
		OutputTransitRouterRouteTableID:     hc.TransitRouterRouteTableID,
		OutputVPCAttachmentIDs:              hc.VPCAttachmentIDs,
		OutputVBRAttachmentID:               hc.VBRAttachmentID,
	}
	if hc.SecondExpressConnect != nil {
		out[OutputSecondVBRID] = hc.SecondVBRID
		out[OutputSecondVBRRouteTableID] = hc.SecondVBRRouteTableID
		out[OutputSecondVBRAttachmentID] = hc.SecondVBRAttachmentID
	}
	return out
}

// secondZoneVSwitch is the first vSwitch in a zone other than the first
// vSwitch's, for the gateway's disaster-recovery tunnel.
func secondZoneVSwitch(sws []VSwitch) VSwitch {
	for _, sw := range sws[1:] {
		if sw.ZoneID != sws[0].ZoneID {
			return sw
		}
	}
	return sws[1]
}

func mergeTags(base, extra map[string]string) map[string]string {
	if len(base) == 0 {
		return extra
	}
	out := map[string]string{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

package components

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/expressconnect"
	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hybridlink/hybridlink/internal/bfd"
	"github.com/hybridlink/hybridlink/internal/limits"
)

// DefaultPeeringSubnetMask is a point-to-point /30, as Alibaba Cloud's
// Express Connect guides use.
const DefaultPeeringSubnetMask = "255.255.255.252"

// ExpressConnectLegArgs describes the primary path on an existing circuit.
type ExpressConnectLegArgs struct {
	// PhysicalConnectionID is the Express Connect circuit (pc-…). Required.
	PhysicalConnectionID pulumi.StringInput `pulumi:"physicalConnectionId"`
	// VLANID tags the VBR's traffic on the circuit, 0–2999. Required. It is
	// a pointer because VLAN 0 is valid: write pulumi.IntRef(100).
	VLANID *int `pulumi:"vlanId"`
	// LocalGatewayIP is the cloud side of the peering link (10.1.0.1 in the
	// reference plan). Required.
	LocalGatewayIP netip.Addr `pulumi:"localGatewayIp"`
	// PeerGatewayIP is the on-premises side of the peering link (10.1.0.2
	// in the reference plan). Required.
	PeerGatewayIP netip.Addr `pulumi:"peerGatewayIp"`
	// PeeringSubnetMask is the dotted mask of the peering link; default
	// DefaultPeeringSubnetMask.
	PeeringSubnetMask string `pulumi:"peeringSubnetMask,optional"`
	// BandwidthMbps is the VBR bandwidth on a dedicated circuit, one of the
	// offered tiers; unset leaves the VBR without one, as a shared (hosted)
	// circuit requires.
	BandwidthMbps *int `pulumi:"bandwidthMbps,optional"`
	// PeerASN is the on-premises AS (65530 in the reference plan). Required.
	PeerASN *int `pulumi:"peerAsn"`
	// LocalASN is the Alibaba Cloud side's AS; unset means 45104.
	LocalASN *int `pulumi:"localAsn,optional"`
	// AuthKey is the BGP MD5 key; nil for none. It is stored as a secret.
	AuthKey pulumi.StringInput `pulumi:"authKey,optional" provider:"secret"`
	// EnableBFD turns on BFD for the BGP peer, so a circuit failure is
	// detected within the BFD detection time (BFD.Detection()) instead of
	// after the BGP hold time.
	EnableBFD bool `pulumi:"enableBfd,optional"`
	// BFD are the VBR's BFD timers, used with EnableBFD: intervals
	// 200–1000 ms, multiplier 3–10; unset fields take 1000 ms and 3. They
	// are set on the VBR explicitly, so the on-premises end can be
	// configured to match.
	BFD BFDTimers `pulumi:"bfd,optional"`
	// Tags are applied to the VBR.
	Tags map[string]string `pulumi:"tags,optional"`
}

// BFDTimers are the BFD timers of the BGP session on the circuit; unset
// fields take the defaults (WithDefaults: 1000 ms, multiplier 3).
type BFDTimers = bfd.Timers

// PeeringMask returns the peering subnet mask in effect.
func (a *ExpressConnectLegArgs) PeeringMask() string {
	if a.PeeringSubnetMask == "" {
		return DefaultPeeringSubnetMask
	}
	return a.PeeringSubnetMask
}

// AlibabaASN returns the Alibaba Cloud side's AS in effect.
func (a *ExpressConnectLegArgs) AlibabaASN() int {
	if a.LocalASN == nil {
		return limits.AlibabaASN
	}
	return *a.LocalASN
}

// PeeringSubnet returns the peering link's subnet, or an invalid prefix when
// the addresses or mask are invalid.
func (a *ExpressConnectLegArgs) PeeringSubnet() netip.Prefix {
	p, err := limits.PeeringSubnet(a.LocalGatewayIP, a.PeerGatewayIP, a.PeeringMask())
	if err != nil {
		return netip.Prefix{}
	}
	return p
}

// Validate returns every problem with the arguments as ArgErrors.
func (a *ExpressConnectLegArgs) Validate() error {
	c := newChecker()
	a.validate(c)
	return c.err()
}

func (a *ExpressConnectLegArgs) validate(c checker) {
	if a.PhysicalConnectionID == nil {
		c.missing("PhysicalConnectionID", "give the ID (pc-…) of the Express Connect circuit the VBR runs on")
	}
	checkID(c, "PhysicalConnectionID", a.PhysicalConnectionID, limits.PhysicalConnectionID)
	if a.VLANID == nil {
		c.missing("VLANID", "give the circuit's VLAN ID for the VBR, 0–2999, e.g. pulumi.IntRef(100)")
	} else {
		c.check("VLANID", *a.VLANID, limits.CheckVLAN(*a.VLANID), "use a VLAN ID from 0 to 2999 that is free on the circuit")
	}
	a.validatePeering(c)
	if v := a.BandwidthMbps; v != nil {
		c.check("BandwidthMbps", *v, limits.CheckVBRBandwidth(*v), "pick a listed bandwidth, or leave it unset on a shared circuit")
	}
	if v := a.LocalASN; v != nil {
		c.check("LocalASN", *v, limits.CheckLocalASN(int64(*v)), "leave it unset for 45104 unless Alibaba Cloud support assigned a custom AS")
	}
	const asnFix = "give the on-premises gateway's AS, e.g. a private AS from 64512–65534"
	if v := a.PeerASN; v == nil {
		c.missing("PeerASN", asnFix)
	} else {
		c.check("PeerASN", *v, limits.CheckPeerASN(int64(*v), int64(a.AlibabaASN())), asnFix)
	}
	a.validateBFD(c)
	checkTags(c, a.Tags)
}

func (a *ExpressConnectLegArgs) validateBFD(c checker) {
	if !a.EnableBFD && !a.BFD.IsZero() {
		c.fail("BFD", a.BFD, "BFD timers are set but BFD is not enabled, so the VBR would not use them", "enable BFD, or leave the timers unset")
		return
	}
	for _, err := range a.BFD.Check() {
		fe := err.(*bfd.FieldError)
		c.at("BFD").check(fe.Field, fe.Value, err, fmt.Sprintf("use an interval of 200–1000 ms and a multiplier of 3–10 (detection takes the multiplier times the slower interval), or leave it unset for %d ms and %d", bfd.DefaultIntervalMs, bfd.DefaultMultiplier))
	}
}

func (a *ExpressConnectLegArgs) validatePeering(c checker) {
	if !a.LocalGatewayIP.IsValid() {
		c.missing("LocalGatewayIP", "give the cloud-side IPv4 address of the peering link, e.g. 10.1.0.1")
	}
	if !a.PeerGatewayIP.IsValid() {
		c.missing("PeerGatewayIP", "give the on-premises IPv4 address of the peering link, e.g. 10.1.0.2")
	}
	// The mask's range is checked here too, so that a /31 is reported
	// against the mask rather than against the peering IPs.
	if _, err := limits.CheckPeeringMask(a.PeeringMask()); err != nil {
		c.check("PeeringSubnetMask", a.PeeringMask(), err, "use a dotted mask from 255.255.255.0 to 255.255.255.252 (a point-to-point /30)")
		return
	}
	if !a.LocalGatewayIP.IsValid() || !a.PeerGatewayIP.IsValid() {
		return
	}
	const hostFix = "use addresses of a private /30 such as 10.1.0.0/30 for the peering link"
	if err := limits.CheckHostAddr(a.LocalGatewayIP); err != nil {
		c.check("LocalGatewayIP", a.LocalGatewayIP, err, hostFix)
		return
	}
	if err := limits.CheckHostAddr(a.PeerGatewayIP); err != nil {
		c.check("PeerGatewayIP", a.PeerGatewayIP, err, hostFix)
		return
	}
	if _, err := limits.PeeringSubnet(a.LocalGatewayIP, a.PeerGatewayIP, a.PeeringMask()); err != nil {
		field, value := "PeerGatewayIP", a.PeerGatewayIP
		if pe := (*limits.PeeringError)(nil); errors.As(err, &pe) && pe.CloudSide {
			field, value = "LocalGatewayIP", a.LocalGatewayIP
		}
		c.check(field, value, err, "put both peering IPs in one subnet of the mask, as two distinct host addresses (e.g. 10.1.0.1 and 10.1.0.2 in 10.1.0.0/30)")
	}
}

// ExpressConnectLeg is the primary path: a VBR on the circuit, a BGP group
// toward the on-premises AS and a BGP peer at the on-premises peering IP.
type ExpressConnectLeg struct {
	pulumi.ResourceState

	// VBRID is the Virtual Border Router's ID (vbr-…).
	VBRID pulumi.StringOutput `pulumi:"vbrId"`
	// VBRRouteTableID is the VBR's route table.
	VBRRouteTableID pulumi.StringOutput `pulumi:"vbrRouteTableId"`
	// BGPGroupID is the VBR's BGP group toward the on-premises AS.
	BGPGroupID pulumi.StringOutput `pulumi:"bgpGroupId"`
	// BGPPeerID is the BGP peer at the on-premises peering IP.
	BGPPeerID pulumi.StringOutput `pulumi:"bgpPeerId"`
}

// NewExpressConnectLeg validates args and creates the VBR, BGP group and BGP
// peer as children named <name>-vbr, <name>-bgp-group and <name>-bgp-peer.
//
// The name is the stem of every child's and Alibaba Cloud resource's name:
// 2–64 characters, a letter first, then letters, digits, '.', '_' and '-'.
// On any error the component is nil; invalid arguments (and a bad name) are
// ArgErrors.
func NewExpressConnectLeg(ctx *pulumi.Context, name string, args *ExpressConnectLegArgs, opts ...pulumi.ResourceOption) (*ExpressConnectLeg, error) {
	if args == nil {
		args = &ExpressConnectLegArgs{}
	}
	if err := validated("ExpressConnectLegArgs", name, args.validate); err != nil {
		return nil, err
	}
	leg := &ExpressConnectLeg{}
	if err := registerComponent(ctx, TypeExpressConnectLeg, name, leg, opts); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(leg)

	vbrArgs := &expressconnect.VirtualBorderRouterArgs{
		PhysicalConnectionId:    args.PhysicalConnectionID,
		VlanId:                  pulumi.Int(*args.VLANID),
		LocalGatewayIp:          pulumi.String(args.LocalGatewayIP.String()),
		PeerGatewayIp:           pulumi.String(args.PeerGatewayIP.String()),
		PeeringSubnetMask:       pulumi.String(args.PeeringMask()),
		VirtualBorderRouterName: pulumi.String(child(name, "vbr")),
		Tags:                    tagMap(args.Tags),
	}
	if args.BandwidthMbps != nil {
		vbrArgs.Bandwidth = pulumi.Int(*args.BandwidthMbps)
	}
	if args.EnableBFD {
		t := args.BFD.WithDefaults()
		vbrArgs.MinTxInterval = pulumi.IntPtr(*t.MinTxIntervalMs)
		vbrArgs.MinRxInterval = pulumi.IntPtr(*t.MinRxIntervalMs)
		vbrArgs.DetectMultiplier = pulumi.IntPtr(*t.DetectMultiplier)
	}
	vbr, err := expressconnect.NewVirtualBorderRouter(ctx, child(name, "vbr"), vbrArgs, parent)
	if err != nil {
		return nil, err
	}

	groupArgs := &vpc.BgpGroupArgs{
		RouterId:     vbr.ID(),
		PeerAsn:      pulumi.Int(*args.PeerASN),
		LocalAsn:     pulumi.Int(args.AlibabaASN()),
		BgpGroupName: pulumi.String(child(name, "bgp-group")),
	}
	groupOpts := []pulumi.ResourceOption{parent}
	if args.AuthKey != nil {
		// ToSecret keeps its argument's type: convert first, or an IDOutput
		// (or any other StringInput) would fail the assertion and panic.
		groupArgs.AuthKey = pulumi.ToSecret(args.AuthKey.ToStringOutput()).(pulumi.StringOutput)
		// The SDK does not mark authKey secret; keep its output secret too.
		groupOpts = append(groupOpts, pulumi.AdditionalSecretOutputs([]string{"authKey"}))
	}
	group, err := vpc.NewBgpGroup(ctx, child(name, "bgp-group"), groupArgs, groupOpts...)
	if err != nil {
		return nil, err
	}

	peer, err := vpc.NewBgpPeer(ctx, child(name, "bgp-peer"), &vpc.BgpPeerArgs{
		BgpGroupId:    group.ID(),
		PeerIpAddress: pulumi.String(args.PeerGatewayIP.String()),
		EnableBfd:     pulumi.Bool(args.EnableBFD),
	}, parent)
	if err != nil {
		return nil, err
	}

	leg.VBRID = vbr.ID().ToStringOutput()
	leg.VBRRouteTableID = vbr.RouteTableId
	leg.BGPGroupID = group.ID().ToStringOutput()
	leg.BGPPeerID = peer.ID().ToStringOutput()
	if err := ctx.RegisterResourceOutputs(leg, pulumi.Map{
		"vbrId":           leg.VBRID,
		"vbrRouteTableId": leg.VBRRouteTableID,
		"bgpGroupId":      leg.BGPGroupID,
		"bgpPeerId":       leg.BGPPeerID,
	}); err != nil {
		return nil, err
	}
	return leg, nil
}

package components

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/vpn"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hybridlink/hybridlink/internal/ipsec"
	"github.com/hybridlink/hybridlink/internal/limits"
)

// IKESettings are the IKE (phase 1) parameters of the IPsec connection:
// Version (ikev1, ikev2), EncAlg (aes, aes192, aes256, des, 3des), AuthAlg
// (md5, sha1, sha256, sha384, sha512), PFS (DH group: group1, group2,
// group5, group14) and LifetimeSecs (1–86400). Unset fields take
// hybridlink's defaults (see WithDefaults: IKEv2, AES-256,
// SHA-256, group 14, a day), which the on-premises side must match.
type IKESettings = ipsec.IKESettings

// IPsecSettings are the IPsec (phase 2) parameters: EncAlg, AuthAlg, PFS
// (disabled or a DH group) and LifetimeSecs (1–86400). Unset fields take
// hybridlink's defaults (see WithDefaults: AES-256, SHA-256, group 14, an
// hour).
type IPsecSettings = ipsec.IPsecSettings

// IPsecHealthCheckArgs probes the standby path through the tunnel, so a broken
// VPN is noticed before the circuit fails rather than when it does.
type IPsecHealthCheckArgs struct {
	// SourceIP is an address in the transit VPC the probe is sent from.
	// Required.
	SourceIP netip.Addr `pulumi:"sourceIp"`
	// DestinationIP is an on-premises address that answers ICMP. Required.
	DestinationIP netip.Addr `pulumi:"destinationIp"`
	// IntervalSecs is the time between probes, at least 1 s; unset for 3.
	IntervalSecs *int `pulumi:"intervalSecs,optional"`
	// Retries is how many probes may fail before the tunnel is down, at
	// least 1; unset for 3.
	Retries *int `pulumi:"retries,optional"`
}

// dualTunnelPSKFix says why a dual-tunnel connection needs a given key: a
// key left to Alibaba Cloud is generated per tunnel, and the on-premises
// gateway must be configured with both.
const dualTunnelPSKFix = "give the pre-shared key (as a secret): Alibaba Cloud would generate a different key per tunnel of a dual-tunnel gateway"

// VPNStandbyLegArgs describes the standby path: where the VPN gateway is
// placed and how the IPsec connection to the on-premises gateway is set up.
type VPNStandbyLegArgs struct {
	// VPCID is the transit VPC. Required. (HybridConnection fills it from its
	// TransitVPC; leave it unset there.)
	VPCID pulumi.StringInput `pulumi:"vpcId,optional"`
	// VSwitchID is the VPN gateway's vSwitch in the transit VPC. Required.
	// (HybridConnection: the transit VPC's first vSwitch.)
	VSwitchID pulumi.StringInput `pulumi:"vSwitchId,optional"`
	// DualTunnel gives the gateway a second, disaster-recovery tunnel in
	// DisasterRecoveryVSwitchID, a vSwitch in a second zone; it needs a
	// given PSK. A gateway's vSwitches cannot change in place, so changing
	// DualTunnel on a deployed leg replaces the gateway, deleting it first,
	// and with it the IPsec connection and the routes: the standby path is
	// down until the new ones are up, and the gateway's public IPs change
	// (the on-premises side must be reconfigured with them).
	DualTunnel bool `pulumi:"dualTunnel,optional"`
	// DisasterRecoveryVSwitchID is required with DualTunnel and must be unset
	// without it. (HybridConnection: the first transit vSwitch in another zone.)
	DisasterRecoveryVSwitchID pulumi.StringInput `pulumi:"disasterRecoveryVSwitchId,optional"`
	// IDCPrefixes are the on-premises prefixes routed over the tunnel.
	// Required. (HybridConnection: its own IDCPrefixes.)
	IDCPrefixes []netip.Prefix `pulumi:"idcPrefixes,optional"`
	// BandwidthMbps is the VPN gateway tier: 10, 100, 200, 500 or
	// 1000. Required.
	BandwidthMbps *int `pulumi:"bandwidthMbps"`
	// CustomerGatewayIP is the on-premises gateway's public IPv4 address.
	// Required.
	CustomerGatewayIP netip.Addr `pulumi:"customerGatewayIp"`
	// IKE are the phase-1 parameters; unset fields take hybridlink's
	// defaults.
	IKE IKESettings `pulumi:"ike,optional"`
	// IPsec are the phase-2 parameters; unset fields take hybridlink's
	// defaults.
	IPsec IPsecSettings `pulumi:"ipsec,optional"`
	// PSK is the pre-shared key; nil lets Alibaba Cloud generate one (see
	// VPNStandbyLeg.PreSharedKey) — single-tunnel gateways only. It is stored
	// as a secret.
	PSK pulumi.StringInput `pulumi:"psk,optional" provider:"secret"`
	// HealthCheck probes the on-premises side through the tunnel; nil for
	// none (removing it from a deployed leg disables the health check).
	HealthCheck *IPsecHealthCheckArgs `pulumi:"healthCheck,optional"`
	// Tags are applied to the gateway, customer gateway and connection.
	Tags map[string]string `pulumi:"tags,optional"`
}

// Validate returns every problem with the arguments as ArgErrors.
func (a *VPNStandbyLegArgs) Validate() error {
	c := newChecker()
	a.validate(c)
	return c.err()
}

func (a *VPNStandbyLegArgs) validate(c checker) {
	if a.VPCID == nil {
		c.missing("VPCID", "give the ID of the transit VPC that hosts the VPN gateway")
	}
	if a.VSwitchID == nil {
		c.missing("VSwitchID", "give a vSwitch of the transit VPC for the VPN gateway")
	}
	switch {
	case a.DualTunnel && a.DisasterRecoveryVSwitchID == nil:
		c.missing("DisasterRecoveryVSwitchID", "give a transit vSwitch in a second zone for the second tunnel, or turn DualTunnel off")
	case !a.DualTunnel && a.DisasterRecoveryVSwitchID != nil:
		c.fail("DisasterRecoveryVSwitchID", nil, "is set on a single-tunnel gateway", "set DualTunnel, or leave it unset")
	}
	if len(a.IDCPrefixes) == 0 {
		c.missing("IDCPrefixes", "list the on-premises prefixes to route over the VPN, e.g. 172.16.0.0/16")
	}
	if a.DualTunnel && a.PSK == nil {
		c.missing("PSK", dualTunnelPSKFix)
	}
	checkIDCPrefixes(c, a.IDCPrefixes)
	checkID(c, "VPCID", a.VPCID, limits.VPCID)
	checkID(c, "VSwitchID", a.VSwitchID, limits.VSwitchID)
	checkID(c, "DisasterRecoveryVSwitchID", a.DisasterRecoveryVSwitchID, limits.VSwitchID)
	a.validateSettings(c, a.IDCPrefixes)
}

// validateSettings checks what does not depend on where the gateway is
// placed, which HybridConnection decides.
func (s *VPNStandbyLegArgs) validateSettings(c checker, idc []netip.Prefix) {
	if v := s.BandwidthMbps; v == nil {
		c.missing("BandwidthMbps", "pick a public VPN gateway tier: 10, 100, 200, 500 or 1000")
	} else {
		c.check("BandwidthMbps", *v, limits.CheckVPNBandwidth(*v, "public"), "pick a public VPN gateway tier")
	}
	if !s.CustomerGatewayIP.IsValid() {
		c.missing("CustomerGatewayIP", "give the on-premises gateway's public IPv4 address")
	} else {
		c.check("CustomerGatewayIP", s.CustomerGatewayIP, limits.CheckPublicUnicast(s.CustomerGatewayIP), "give the public address the on-premises gateway terminates IPsec on")
	}
	checkTags(c, s.Tags)
	ike, phase2 := s.IKE.WithDefaults(), s.IPsec.WithDefaults()
	ic, pc := c.at("IKE"), c.at("IPsec")
	ic.check("Version", ike.Version, limits.CheckOneOf("IKE version", ike.Version, limits.IKEVersions), "use ikev1 or ikev2")
	ic.check("EncAlg", ike.EncAlg, limits.CheckOneOf("IKE encryption algorithm", ike.EncAlg, limits.IKEEncAlgs), "use a listed algorithm, preferably aes256")
	ic.check("AuthAlg", ike.AuthAlg, limits.CheckOneOf("IKE authentication algorithm", ike.AuthAlg, limits.IKEAuthAlgs), "use a listed algorithm, preferably sha256")
	ic.check("PFS", ike.PFS, limits.CheckOneOf("IKE DH group", ike.PFS, limits.IKEPFSGroups), "use a listed group, preferably group14")
	checkLifetime(ic, *ike.LifetimeSecs, ipsec.DefaultIKELifetimeSecs)
	pc.check("EncAlg", phase2.EncAlg, limits.CheckOneOf("IPsec encryption algorithm", phase2.EncAlg, limits.IPsecEncAlgs), "use a listed algorithm, preferably aes256")
	pc.check("AuthAlg", phase2.AuthAlg, limits.CheckOneOf("IPsec authentication algorithm", phase2.AuthAlg, limits.IPsecAuthAlgs), "use a listed algorithm, preferably sha256")
	pc.check("PFS", phase2.PFS, limits.CheckOneOf("IPsec PFS group", phase2.PFS, limits.IPsecPFSGroups), "use a listed group, preferably group14")
	checkLifetime(pc, *phase2.LifetimeSecs, ipsec.DefaultIPsecLifetimeSecs)
	if hc := s.HealthCheck; hc != nil {
		hcc := c.at("HealthCheck")
		if !hc.SourceIP.IsValid() {
			hcc.missing("SourceIP", "give an address in the transit VPC to send probes from")
		}
		checkHost(hcc, "SourceIP", hc.SourceIP, "give an unused address of the transit VPC")
		checkHost(hcc, "DestinationIP", hc.DestinationIP, "give an on-premises host's address that answers ICMP")
		if !hc.DestinationIP.IsValid() {
			hcc.missing("DestinationIP", "give an on-premises address that answers ICMP")
		} else if len(idc) > 0 && allValid(idc) && !containedIn(hc.DestinationIP, idc) {
			hcc.fail("DestinationIP", hc.DestinationIP, "is not inside any IDC prefix, so the probe would not cross the tunnel", "pick an address in an IDC prefix")
		}
		checkAtLeast(hcc, "IntervalSecs", hc.IntervalSecs, 1, fmt.Sprintf("use 1 s or more, or leave it unset for %d s", ipsec.DefaultHealthCheckIntervalSecs))
		checkAtLeast(hcc, "Retries", hc.Retries, 1, fmt.Sprintf("use 1 or more, or leave it unset for %d", ipsec.DefaultHealthCheckRetries))
	}
}

// checkLifetime checks an SA lifetime in effect. The API takes 0–86400 s,
// but the on-premises gateways hybridlink configures to match take no
// lifetime of 0 (Cisco IOS, Junos and VRP have a positive minimum), so 0 is
// refused rather than left to the cloud.
func checkLifetime(c checker, secs, def int) {
	fix := fmt.Sprintf("use 1–%d seconds, or leave it unset for %d", limits.LifetimeMaxSecs, def)
	if secs == 0 {
		c.fail("LifetimeSecs", secs, "a lifetime of 0 s cannot be configured on the on-premises gateway (Cisco IOS, Junos and VRP take no 0)", fix)
		return
	}
	c.check("LifetimeSecs", secs, limits.CheckLifetime(secs), fix)
}

// allValid reports whether every prefix is valid, so that checks against
// them do not pile onto a prefix that is already reported.
func allValid(prefixes []netip.Prefix) bool {
	for _, p := range prefixes {
		if !p.IsValid() {
			return false
		}
	}
	return true
}

func containedIn(a netip.Addr, prefixes []netip.Prefix) bool {
	for _, p := range prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// VPNStandbyLeg is the standby path: VPN gateway, customer gateway, IPsec
// connection and one destination route per IDC prefix.
type VPNStandbyLeg struct {
	pulumi.ResourceState

	// GatewayID is the VPN gateway's ID (vpn-…).
	GatewayID pulumi.StringOutput `pulumi:"gatewayId"`
	// InternetIP is the gateway's public IP: the on-premises static route to
	// the VPCs points at it.
	InternetIP pulumi.StringOutput `pulumi:"internetIp"`
	// DisasterRecoveryInternetIP is the second tunnel's public IP, empty on
	// a single-tunnel gateway.
	DisasterRecoveryInternetIP pulumi.StringOutput `pulumi:"disasterRecoveryInternetIp"`
	// CustomerGatewayID is the customer gateway for the on-premises IP.
	CustomerGatewayID pulumi.StringOutput `pulumi:"customerGatewayId"`
	// ConnectionID is the IPsec connection's ID.
	ConnectionID pulumi.StringOutput `pulumi:"connectionId"`
	// RouteEntryIDs are the destination routes, one per IDC prefix.
	RouteEntryIDs pulumi.StringArrayOutput `pulumi:"routeEntryIds"`
	// PreSharedKey is the connection's pre-shared key, given or (single
	// tunnel) generated; the on-premises gateway needs it. Secret.
	PreSharedKey pulumi.StringOutput `pulumi:"preSharedKey" provider:"secret"`

	routes []pulumi.Resource
}

// Routes are the destination routes, which publish the IDC prefixes into
// the transit VPC. Depend on them, not on the leg: the SDK expands a
// dependency on a component to the children registered so far, and a
// child's registration completes asynchronously.
func (l *VPNStandbyLeg) Routes() []pulumi.Resource { return l.routes }

// NewVPNStandbyLeg validates args and creates the gateway (<name>-gateway),
// customer gateway (<name>-customer-gateway), IPsec connection
// (<name>-connection) and a route per IDC prefix (<name>-route-<prefix>).
//
// The name is the stem of every child's and Alibaba Cloud resource's name:
// 2–64 characters, a letter first, then letters, digits, '.', '_' and '-'.
// On any error the component is nil; invalid arguments (and a bad name) are
// ArgErrors.
func NewVPNStandbyLeg(ctx *pulumi.Context, name string, args *VPNStandbyLegArgs, opts ...pulumi.ResourceOption) (*VPNStandbyLeg, error) {
	if args == nil {
		args = &VPNStandbyLegArgs{}
	}
	if err := validated("VPNStandbyLegArgs", name, args.validate); err != nil {
		return nil, err
	}
	leg := &VPNStandbyLeg{}
	if err := registerComponent(ctx, TypeVPNStandbyLeg, name, leg, opts); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(leg)

	gwArgs := &vpn.GatewayArgs{
		VpcId:          args.VPCID,
		VswitchId:      args.VSwitchID,
		Bandwidth:      pulumi.Int(*args.BandwidthMbps),
		EnableIpsec:    pulumi.Bool(true),
		EnableSsl:      pulumi.Bool(false),
		NetworkType:    pulumi.String("public"),
		PaymentType:    pulumi.String("PayAsYouGo"),
		VpnGatewayName: pulumi.String(child(name, "gateway")),
		Tags:           tagMap(args.Tags),
	}
	// The provider accepts a change of the second vSwitch as an in-place
	// update but never sends it (terraform-provider-alicloud v1.285.0,
	// resource_alicloud_vpn_gateway.go: not ForceNew, absent from Update,
	// read back by Read), so the gateway would stay as it was. A change of
	// it replaces the gateway instead, the old one deleted first: the new
	// one takes the same vSwitches, and its routes the same destinations.
	// A single-tunnel gateway says so with an empty value, which the
	// provider does not send at create either, so that turning dual-tunnel
	// off is a change too (an unset Optional+Computed input would be none).
	gwArgs.DisasterRecoveryVswitchId = pulumi.String("")
	if args.DualTunnel {
		gwArgs.DisasterRecoveryVswitchId = args.DisasterRecoveryVSwitchID
	}
	gw, err := vpn.NewGateway(ctx, child(name, "gateway"), gwArgs, parent,
		pulumi.ReplaceOnChanges([]string{"disasterRecoveryVswitchId"}), pulumi.DeleteBeforeReplace(true))
	if err != nil {
		return nil, err
	}

	cgw, err := vpn.NewCustomerGateway(ctx, child(name, "customer-gateway"), &vpn.CustomerGatewayArgs{
		IpAddress:           pulumi.String(args.CustomerGatewayIP.String()),
		CustomerGatewayName: pulumi.String(child(name, "customer-gateway")),
		Tags:                tagMap(args.Tags),
	}, parent)
	if err != nil {
		return nil, err
	}

	conn, err := vpn.NewConnection(ctx, child(name, "connection"), connectionArgs(name, args, gw, cgw), parent,
		// The SDK marks no PSK secret; a generated one must not land in
		// the state in plaintext either.
		pulumi.AdditionalSecretOutputs([]string{"ikeConfig", "tunnelOptionsSpecifications"}))
	if err != nil {
		return nil, err
	}

	routeIDs := pulumi.StringArray{}
	for _, p := range args.IDCPrefixes {
		route, err := vpn.NewRouteEntry(ctx, child(name, "route-"+prefixSlug(p)), &vpn.RouteEntryArgs{
			VpnGatewayId: gw.ID(),
			NextHop:      conn.ID(),
			RouteDest:    pulumi.String(p.String()),
			Weight:       pulumi.Int(limits.WeightActive),
			PublishVpc:   pulumi.Bool(true),
		}, parent,
			// Two weight-100 routes to one destination cannot coexist on a
			// gateway, so a replacement must delete the old route first.
			pulumi.DeleteBeforeReplace(true))
		if err != nil {
			return nil, err
		}
		routeIDs = append(routeIDs, route.ID().ToStringOutput())
		leg.routes = append(leg.routes, route)
	}

	leg.GatewayID = gw.ID().ToStringOutput()
	leg.InternetIP = gw.InternetIp
	leg.DisasterRecoveryInternetIP = gw.DisasterRecoveryInternetIp
	leg.CustomerGatewayID = cgw.ID().ToStringOutput()
	leg.ConnectionID = conn.ID().ToStringOutput()
	leg.RouteEntryIDs = routeIDs.ToStringArrayOutput()
	leg.PreSharedKey = preSharedKey(conn, args.DualTunnel)
	if err := ctx.RegisterResourceOutputs(leg, pulumi.Map{
		"gatewayId":                  leg.GatewayID,
		"internetIp":                 leg.InternetIP,
		"disasterRecoveryInternetIp": leg.DisasterRecoveryInternetIP,
		"customerGatewayId":          leg.CustomerGatewayID,
		"connectionId":               leg.ConnectionID,
		"routeEntryIds":              leg.RouteEntryIDs,
		"preSharedKey":               leg.PreSharedKey,
	}); err != nil {
		return nil, err
	}
	return leg, nil
}

// preSharedKey reads the key the connection uses: the top-level IKE
// config's on a single-tunnel gateway, the first tunnel's on a dual-tunnel
// one (both take the given key).
func preSharedKey(conn *vpn.Connection, dual bool) pulumi.StringOutput {
	psk := conn.IkeConfig.Psk()
	if dual {
		psk = conn.TunnelOptionsSpecifications.Index(pulumi.Int(0)).TunnelIkeConfig().Psk()
	}
	return pulumi.ToSecret(psk.ApplyT(func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	})).(pulumi.StringOutput)
}

// connectionArgs builds the IPsec connection in destination-based routing
// mode (both subnets 0.0.0.0/0), negotiating when traffic arrives. A
// dual-tunnel gateway takes per-tunnel options, a single-tunnel one the
// top-level IKE/IPsec settings.
func connectionArgs(name string, args *VPNStandbyLegArgs, gw *vpn.Gateway, cgw *vpn.CustomerGateway) *vpn.ConnectionArgs {
	ike, phase2 := args.IKE.WithDefaults(), args.IPsec.WithDefaults()
	var psk pulumi.StringPtrInput
	if args.PSK != nil {
		// Convert first: ToSecret keeps its argument's type (see NewExpressConnectLeg).
		psk = pulumi.ToSecret(args.PSK.ToStringOutput()).(pulumi.StringOutput).ToStringPtrOutput()
	}
	ca := &vpn.ConnectionArgs{
		VpnGatewayId:       gw.ID(),
		VpnConnectionName:  pulumi.String(child(name, "connection")),
		LocalSubnets:       pulumi.StringArray{pulumi.String("0.0.0.0/0")},
		RemoteSubnets:      pulumi.StringArray{pulumi.String("0.0.0.0/0")},
		EffectImmediately:  pulumi.Bool(false),
		EnableTunnelsBgp:   pulumi.Bool(false),
		EnableDpd:          pulumi.Bool(true),
		EnableNatTraversal: pulumi.Bool(true),
		Tags:               tagMap(args.Tags),
	}
	// healthCheckConfig is Optional+Computed: left unset, the provider
	// changes nothing, so removing a health check must say to disable it.
	ca.HealthCheckConfig = &vpn.ConnectionHealthCheckConfigArgs{Enable: pulumi.Bool(false)}
	if hc := args.HealthCheck; hc != nil {
		ca.HealthCheckConfig = &vpn.ConnectionHealthCheckConfigArgs{
			Enable:   pulumi.Bool(true),
			Sip:      pulumi.String(hc.SourceIP.String()),
			Dip:      pulumi.String(hc.DestinationIP.String()),
			Interval: pulumi.Int(orDefault(hc.IntervalSecs, ipsec.DefaultHealthCheckIntervalSecs)),
			Retry:    pulumi.Int(orDefault(hc.Retries, ipsec.DefaultHealthCheckRetries)),
		}
	}
	if !args.DualTunnel {
		ca.CustomerGatewayId = cgw.ID()
		ca.IkeConfig = &vpn.ConnectionIkeConfigArgs{
			IkeVersion:  pulumi.String(ike.Version),
			IkeMode:     pulumi.String("main"),
			IkeEncAlg:   pulumi.String(ike.EncAlg),
			IkeAuthAlg:  pulumi.String(ike.AuthAlg),
			IkePfs:      pulumi.String(ike.PFS),
			IkeLifetime: pulumi.Int(*ike.LifetimeSecs),
			Psk:         psk,
		}
		ca.IpsecConfig = &vpn.ConnectionIpsecConfigArgs{
			IpsecEncAlg:   pulumi.String(phase2.EncAlg),
			IpsecAuthAlg:  pulumi.String(phase2.AuthAlg),
			IpsecPfs:      pulumi.String(phase2.PFS),
			IpsecLifetime: pulumi.Int(*phase2.LifetimeSecs),
		}
		return ca
	}
	tunnels := vpn.ConnectionTunnelOptionsSpecificationArray{}
	for _, role := range []string{"master", "slave"} {
		tunnels = append(tunnels, &vpn.ConnectionTunnelOptionsSpecificationArgs{
			Role:               pulumi.String(role),
			CustomerGatewayId:  cgw.ID(),
			EnableDpd:          pulumi.Bool(true),
			EnableNatTraversal: pulumi.Bool(true),
			TunnelIkeConfig: &vpn.ConnectionTunnelOptionsSpecificationTunnelIkeConfigArgs{
				IkeVersion:  pulumi.String(ike.Version),
				IkeMode:     pulumi.String("main"),
				IkeEncAlg:   pulumi.String(ike.EncAlg),
				IkeAuthAlg:  pulumi.String(ike.AuthAlg),
				IkePfs:      pulumi.String(ike.PFS),
				IkeLifetime: pulumi.Int(*ike.LifetimeSecs),
				Psk:         psk,
			},
			TunnelIpsecConfig: &vpn.ConnectionTunnelOptionsSpecificationTunnelIpsecConfigArgs{
				IpsecEncAlg:   pulumi.String(phase2.EncAlg),
				IpsecAuthAlg:  pulumi.String(phase2.AuthAlg),
				IpsecPfs:      pulumi.String(phase2.PFS),
				IpsecLifetime: pulumi.Int(*phase2.LifetimeSecs),
			},
		})
	}
	ca.TunnelOptionsSpecifications = tunnels
	return ca
}

// prefixSlug turns 172.16.0.0/16 into 172-16-0-0-16 for resource names, so a
// route's name depends on its prefix, not on its position in a list.
func prefixSlug(p netip.Prefix) string {
	return strings.NewReplacer(".", "-", "/", "-").Replace(p.String())
}

// orDefault is a number given, or the default when it is not.
func orDefault(v *int, def int) int {
	if v == nil {
		return def
	}
	return *v
}

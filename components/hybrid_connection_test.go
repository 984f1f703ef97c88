package components_test

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/components"
	"github.com/hybridlink/hybridlink/internal/inventory"
)

const typeHybridConnection = "hybridlink:index:HybridConnection"

func vsw(id, zone, cidr string) components.VSwitch {
	return components.VSwitch{VSwitchID: pulumi.String(id), ZoneID: zone, CIDR: pfx(cidr)}
}

// referenceHCArgs is the design's reference plan on existing VPCs.
func referenceHCArgs() *components.HybridConnectionArgs {
	return &components.HybridConnectionArgs{
		Region: "cn-hangzhou",
		WorkloadVPCs: []components.VPC{{
			Name: "workload", VPCID: pulumi.String("vpc-bp1w00000000000001"), CIDR: pfx("192.168.0.0/16"), RouteTableID: pulumi.String("vtb-bp1w00000000000001"),
			VSwitches: []components.VSwitch{
				vsw("vsw-bp1w100000000000001", "cn-hangzhou-h", "192.168.20.0/24"),
				vsw("vsw-bp1w200000000000001", "cn-hangzhou-i", "192.168.21.0/24"),
			},
		}},
		TransitVPC: components.VPC{
			Name: "transit", VPCID: pulumi.String("vpc-bp1t00000000000001"), CIDR: pfx("10.0.0.0/16"), RouteTableID: pulumi.String("vtb-bp1t00000000000001"),
			VSwitches: []components.VSwitch{
				vsw("vsw-bp1t100000000000001", "cn-hangzhou-h", "10.0.1.0/24"),
				vsw("vsw-bp1t200000000000001", "cn-hangzhou-i", "10.0.2.0/24"),
			},
		},
		IDCPrefixes: []netip.Prefix{pfx("172.16.0.0/16")},
		ExpressConnect: components.ExpressConnectLegArgs{
			PhysicalConnectionID: pulumi.String("pc-bp1refcircuit00001"),
			VLANID:               pulumi.IntRef(0),
			LocalGatewayIP:       ip("10.1.0.1"),
			PeerGatewayIP:        ip("10.1.0.2"),
			PeerASN:              pulumi.IntRef(65530),
			EnableBFD:            true,
			Tags:                 map[string]string{"leg": "primary"},
		},
		VPN: components.VPNStandbyLegArgs{
			BandwidthMbps: pulumi.IntRef(100), CustomerGatewayIP: ip("203.0.113.68"), PSK: pulumi.String("ref-psk"), DualTunnel: true,
			Tags: map[string]string{"leg": "standby"},
		},
		VBRHealthCheck: true,
		Protect:        true,
		Tags:           map[string]string{"env": "test"},
	}
}

func TestHybridConnectionComposition(t *testing.T) {
	got := outputs{}
	m, err := run(func(ctx *pulumi.Context) error {
		p, err := newProvider(ctx)
		if err != nil {
			return err
		}
		hc, err := components.NewHybridConnection(ctx, "hl", referenceHCArgs(), pulumi.Providers(p))
		if err != nil {
			return err
		}
		return await(ctx, got, map[string]pulumi.Output{
			"vbrId": hc.VBRID, "vpnInternetIp": hc.VPNInternetIP,
			"transitRouterId": hc.TransitRouterID, "transitRouterRouteTableId": hc.TransitRouterRouteTableID,
		})
	})
	require.NoError(t, err)

	root := component(t, m, typeHybridConnection, "hl")
	assert.Equal(t, stackURN, root.Parent)
	assertChildren(t, m, root.URN,
		child{typeExpressConnectLeg, "hl-expressconnect"},
		child{typeVPNStandbyLeg, "hl-vpn"},
		child{typeCENHub, "hl-hub"})
	ec := component(t, m, typeExpressConnectLeg, "hl-expressconnect")
	vpnLeg := component(t, m, typeVPNStandbyLeg, "hl-vpn")
	hub := component(t, m, typeCENHub, "hl-hub")
	assert.Len(t, m.Children(ec.URN), 3)
	assert.Len(t, m.Children(vpnLeg.URN), 4)
	assert.Len(t, m.Children(hub.URN), 13)
	// Every resource sits under the root: nothing is left at the stack.
	for _, r := range m.Resources() {
		if r.Name != "hz" && r.Name != "hl" {
			assert.Contains(t, []resource.URN{root.URN, ec.URN, vpnLeg.URN, hub.URN}, r.Parent, "%s is in the tree", r.Name)
		}
	}
	assertAllUseProvider(t, m)

	// Protect covers the primary path and the hub, not the standby leg,
	// which must stay replaceable (its vSwitches cannot change in place).
	for _, r := range m.Resources() {
		switch {
		case r.URN == ec.URN || r.Parent == ec.URN, r.URN == hub.URN || r.Parent == hub.URN:
			assert.True(t, r.Protect, "%s is protected", r.Name)
		case r.URN == vpnLeg.URN || r.Parent == vpnLeg.URN, r.Name == "hl", r.Name == "hz":
			assert.False(t, r.Protect, "%s is not protected", r.Name)
		default:
			t.Errorf("unexpected resource %s", r.Name)
		}
	}

	gw := res(t, m, "hl-vpn-gateway")
	assert.Equal(t, "vpc-bp1t00000000000001", input(t, gw, "vpcId"), "the VPN gateway is in the transit VPC")
	assert.Equal(t, "vsw-bp1t100000000000001", input(t, gw, "vswitchId"))
	assert.Equal(t, "vsw-bp1t200000000000001", input(t, gw, "disasterRecoveryVswitchId"))
	assert.Equal(t, map[string]any{"env": "test", "leg": "standby"}, input(t, gw, "tags"), "tags reach the VPN leg too")
	// The tunnels carry the PSK, so the engine holds them as a secret.
	assert.Len(t, secretInput(t, res(t, m, "hl-vpn-connection"), "tunnelOptionsSpecifications"), 2)

	vbr := res(t, m, "hl-expressconnect-vbr")
	assert.Equal(t, map[string]any{"env": "test", "leg": "primary"}, input(t, vbr, "tags"), "the leg's tags are merged over the connection's")
	assert.Equal(t, true, input(t, res(t, m, "hl-expressconnect-bgp-peer"), "enableBfd"))

	assert.Equal(t, "vbr-hl-expressconnect-vbr", input(t, res(t, m, "hl-hub-vbr"), "vbrId"), "the hub attaches the leg's VBR")
	healthCheck := res(t, m, "hl-hub-vbr-health-check")
	assert.Equal(t, "10.1.0.2", input(t, healthCheck, "healthCheckTargetIp"), "CEN probes the customer side")
	assert.Equal(t, "cn-hangzhou", input(t, healthCheck, "vbrInstanceRegionId"))
	assert.Equal(t, "vpc-bp1w00000000000001", input(t, res(t, m, "hl-hub-workload"), "vpcId"))
	assert.Equal(t, "vpc-bp1t00000000000001", input(t, res(t, m, "hl-hub-transit"), "vpcId"))

	advertise := res(t, m, "hl-hub-advertise-172-16-0-0-16")
	assert.Equal(t, "vtb-bp1t00000000000001", input(t, advertise, "routeTableId"), "advertised from the transit VPC's table")
	assert.Contains(t, advertise.DependsOn, res(t, m, "hl-vpn-route-172-16-0-0-16").URN)
	assert.Contains(t, advertise.DependsOn, res(t, m, "hl-hub-transit-propagation").URN)

	assert.Equal(t, outputs{
		"vbrId": "vbr-hl-expressconnect-vbr", "vpnInternetIp": "198.51.100.10",
		"transitRouterId": "tr-hl-hub-tr", "transitRouterRouteTableId": "vtb-sys-hl-hub-tr",
	}, got)
}

func TestHybridConnectionUnprotectedSingleTunnel(t *testing.T) {
	args := referenceHCArgs()
	args.Protect, args.VBRHealthCheck, args.VPN.DualTunnel = false, false, false
	m, err := run(func(ctx *pulumi.Context) error {
		_, err := components.NewHybridConnection(ctx, "hl", args)
		return err
	})
	require.NoError(t, err)
	for _, r := range m.Resources() {
		assert.False(t, r.Protect, "%s", r.Name)
	}
	assert.Empty(t, m.OfType(inventory.VBRHealthCheck))
	assert.Equal(t, "", input(t, res(t, m, "hl-vpn-gateway"), "disasterRecoveryVswitchId"))
	assert.Equal(t, "cgw-hl-vpn-customer-gateway", input(t, res(t, m, "hl-vpn-connection"), "customerGatewayId"))
}

// The disaster-recovery tunnel goes to the first vSwitch in another zone
// than the gateway's, not simply the second one.
func TestHybridConnectionDisasterRecoveryVSwitchIsInAnotherZone(t *testing.T) {
	args := referenceHCArgs()
	args.TransitVPC.VSwitches = []components.VSwitch{
		vsw("vsw-bp1t100000000000001", "cn-hangzhou-h", "10.0.1.0/24"),
		vsw("vsw-bp1t200000000000001", "cn-hangzhou-h", "10.0.2.0/24"),
		vsw("vsw-bp1t300000000000001", "cn-hangzhou-j", "10.0.3.0/24"),
	}
	m, err := run(func(ctx *pulumi.Context) error {
		_, err := components.NewHybridConnection(ctx, "hl", args)
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, "vsw-bp1t300000000000001", input(t, res(t, m, "hl-vpn-gateway"), "disasterRecoveryVswitchId"))
	assert.Len(t, input(t, res(t, m, "hl-hub-transit"), "zoneMappings"), 3)
}

func TestHybridConnectionValidation(t *testing.T) {
	type mut = func(*components.HybridConnectionArgs)
	cases := []struct {
		name   string
		mutate mut
		fields []string
		// ids: the problem is only about IDs, which Validate leaves out.
		ids bool
	}{
		{"region", func(a *components.HybridConnectionArgs) { a.Region = "cn-atlantis" }, []string{"Region"}, false},
		{"no workload VPC", func(a *components.HybridConnectionArgs) { a.WorkloadVPCs = nil }, []string{"WorkloadVPCs"}, false},
		{"zone of another region", func(a *components.HybridConnectionArgs) { a.TransitVPC.VSwitches[1].ZoneID = "cn-shanghai-b" }, []string{"TransitVPC.VSwitches[1].ZoneID"}, false},
		{"one zone", func(a *components.HybridConnectionArgs) { a.WorkloadVPCs[0].VSwitches[1].ZoneID = "cn-hangzhou-h" }, []string{"WorkloadVPCs[0].VSwitches"}, false},
		{"dual tunnel in one zone", func(a *components.HybridConnectionArgs) { a.TransitVPC.VSwitches[1].ZoneID = "cn-hangzhou-h" }, []string{"TransitVPC.VSwitches", "VPN.DualTunnel"}, false},
		{"same VPC name", func(a *components.HybridConnectionArgs) { a.TransitVPC.Name = "workload" }, []string{"TransitVPC.Name"}, false},
		{"VPC mask too narrow, vSwitches equal", func(a *components.HybridConnectionArgs) {
			a.WorkloadVPCs[0].CIDR = pfx("192.168.0.0/29")
			a.WorkloadVPCs[0].VSwitches[0].CIDR = pfx("192.168.0.0/29")
			a.WorkloadVPCs[0].VSwitches[1].CIDR = pfx("192.168.0.0/29")
		}, []string{"WorkloadVPCs[0].CIDR", "WorkloadVPCs[0].VSwitches[1].CIDR"}, false},
		{"vSwitch outside its VPC", func(a *components.HybridConnectionArgs) { a.TransitVPC.VSwitches[0].CIDR = pfx("10.5.1.0/24") }, []string{"TransitVPC.VSwitches[0].CIDR"}, false},
		{"VPC overlaps VPC", func(a *components.HybridConnectionArgs) {
			a.TransitVPC.CIDR = pfx("192.168.128.0/17")
			a.TransitVPC.VSwitches[0].CIDR = pfx("192.168.130.0/24")
			a.TransitVPC.VSwitches[1].CIDR = pfx("192.168.131.0/24")
		}, []string{"TransitVPC.CIDR", "TransitVPC.VSwitches[0].CIDR", "TransitVPC.VSwitches[1].CIDR"}, false},
		{"IDC overlaps a VPC", func(a *components.HybridConnectionArgs) { a.IDCPrefixes = append(a.IDCPrefixes, pfx("10.0.0.0/8")) },
			// The IDC block is the outer one: each block it contains is reported.
			[]string{"ExpressConnect.PeerGatewayIP", "TransitVPC.CIDR", "TransitVPC.VSwitches[0].CIDR", "TransitVPC.VSwitches[1].CIDR"}, false},
		{"peering subnet inside a VPC", func(a *components.HybridConnectionArgs) {
			a.ExpressConnect.LocalGatewayIP, a.ExpressConnect.PeerGatewayIP = ip("10.0.9.1"), ip("10.0.9.2")
		}, []string{"ExpressConnect.PeerGatewayIP"}, false},
		{"no IDC prefix", func(a *components.HybridConnectionArgs) { a.IDCPrefixes = nil }, []string{"IDCPrefixes"}, false},
		{"bad VLAN", func(a *components.HybridConnectionArgs) { a.ExpressConnect.VLANID = pulumi.IntRef(3000) }, []string{"ExpressConnect.VLANID"}, false},
		{"bad IKE", func(a *components.HybridConnectionArgs) { a.VPN.IKE.Version = "ikev3" }, []string{"VPN.IKE.Version"}, false},
		{"health check source outside every VPC", func(a *components.HybridConnectionArgs) {
			a.VPN.HealthCheck = &components.IPsecHealthCheckArgs{SourceIP: ip("10.99.0.1"), DestinationIP: ip("172.16.1.188")}
		}, []string{"VPN.HealthCheck.SourceIP"}, false},
		{"VPC ID missing", func(a *components.HybridConnectionArgs) { a.WorkloadVPCs[0].VPCID = nil }, []string{"WorkloadVPCs[0].VPCID"}, true},
		{"vSwitch ID missing", func(a *components.HybridConnectionArgs) { a.TransitVPC.VSwitches[1].VSwitchID = nil }, []string{"TransitVPC.VSwitches[1].VSwitchID"}, true},
		{"transit route table missing", func(a *components.HybridConnectionArgs) { a.TransitVPC.RouteTableID = nil }, []string{"TransitVPC.RouteTableID"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := referenceHCArgs()
			tc.mutate(args)
			if tc.ids {
				assert.NoError(t, args.Validate(), "Validate does not require IDs")
			} else {
				require.Equal(t, tc.fields, argErrorFields(t, args.Validate()))
			}

			requireRejected(t, tc.fields, func(ctx *pulumi.Context) error {
				_, err := components.NewHybridConnection(ctx, "hl", args)
				return err
			})
		})
	}
}

// An overlap names both blocks: the inner one as the field, the outer one
// in the message and as Related.
func TestHybridConnectionOverlapNamesBothSides(t *testing.T) {
	args := referenceHCArgs()
	args.IDCPrefixes = append(args.IDCPrefixes, pfx("192.168.128.0/17"))
	e := argError(t, args.Validate(), "IDCPrefixes[1]")
	assert.Equal(t, "WorkloadVPCs[0].CIDR", e.Related)
	assert.Equal(t, "192.168.128.0/17", e.Value)
	assert.Contains(t, e.Problem, "WorkloadVPCs[0].CIDR (192.168.0.0/16)")
}

func TestHybridConnectionAddressPlan(t *testing.T) {
	var got []string
	for _, e := range referenceHCArgs().AddressPlan() {
		got = append(got, e.Field+"="+e.Prefix.String())
	}
	assert.ElementsMatch(t, []string{
		"WorkloadVPCs[0].CIDR=192.168.0.0/16",
		"WorkloadVPCs[0].VSwitches[0].CIDR=192.168.20.0/24",
		"WorkloadVPCs[0].VSwitches[1].CIDR=192.168.21.0/24",
		"TransitVPC.CIDR=10.0.0.0/16",
		"TransitVPC.VSwitches[0].CIDR=10.0.1.0/24",
		"TransitVPC.VSwitches[1].CIDR=10.0.2.0/24",
		"ExpressConnect.PeerGatewayIP=10.1.0.0/30",
		"IDCPrefixes[0]=172.16.0.0/16",
	}, got)
}

func TestHybridConnectionNameAndNilArgs(t *testing.T) {
	m, err := run(func(ctx *pulumi.Context) error {
		hc, err := components.NewHybridConnection(ctx, "-hl", referenceHCArgs())
		assert.Nil(t, hc, "a failing constructor returns no component")
		return err
	})
	require.Error(t, err)
	assert.Equal(t, []string{"name"}, argErrorFields(t, err))
	var one *components.ArgError
	require.True(t, errors.As(err, &one), "errors.As reaches each *ArgError")
	assert.Equal(t, "name", one.Field)
	assert.Empty(t, m.Resources())

	m, err = run(func(ctx *pulumi.Context) error {
		_, err := components.NewHybridConnection(ctx, "hl", nil)
		return err
	})
	require.Error(t, err)
	assert.Contains(t, argErrorFields(t, err), "Region")
	assert.Empty(t, m.Resources())
}

// Protect false leaves protection to the caller: a pulumi.Protect(true) on
// the whole connection reaches every child.
func TestHybridConnectionKeepsTheCallersProtect(t *testing.T) {
	args := referenceHCArgs()
	args.Protect = false
	m, err := run(func(ctx *pulumi.Context) error {
		_, err := components.NewHybridConnection(ctx, "hl", args, pulumi.Protect(true))
		return err
	})
	require.NoError(t, err)
	require.NotEmpty(t, m.Resources())
	for _, r := range m.Resources() {
		assert.True(t, r.Protect, "%s inherits the caller's protect", r.Name)
	}
}

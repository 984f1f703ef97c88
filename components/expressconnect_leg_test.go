package components_test

import (
	"net/netip"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/components"
	"github.com/hybridlink/hybridlink/internal/inventory"
)

const typeExpressConnectLeg = "hybridlink:index:ExpressConnectLeg"

// referenceECArgs is the design's reference primary path.
func referenceECArgs() *components.ExpressConnectLegArgs {
	return &components.ExpressConnectLegArgs{
		PhysicalConnectionID: pulumi.String("pc-bp1refcircuit00001"),
		VLANID:               pulumi.IntRef(0),
		LocalGatewayIP:       ip("10.1.0.1"),
		PeerGatewayIP:        ip("10.1.0.2"),
		PeerASN:              pulumi.IntRef(65530),
	}
}

func TestExpressConnectLegResourcesAndInputs(t *testing.T) {
	args := referenceECArgs()
	args.AuthKey = pulumi.String("md5-key")
	args.EnableBFD = true
	args.BFD = components.BFDTimers{MinTxIntervalMs: pulumi.IntRef(200), DetectMultiplier: pulumi.IntRef(4)}
	args.Tags = map[string]string{"env": "test"}
	got := outputs{}
	m, err := run(func(ctx *pulumi.Context) error {
		p, err := newProvider(ctx)
		if err != nil {
			return err
		}
		leg, err := components.NewExpressConnectLeg(ctx, "ec", args, pulumi.Provider(p))
		if err != nil {
			return err
		}
		return await(ctx, got, map[string]pulumi.Output{
			"vbrId": leg.VBRID, "vbrRouteTableId": leg.VBRRouteTableID,
			"bgpGroupId": leg.BGPGroupID, "bgpPeerId": leg.BGPPeerID,
		})
	})
	require.NoError(t, err)

	comp := component(t, m, typeExpressConnectLeg, "ec")
	assert.Equal(t, stackURN, comp.Parent)
	assertChildren(t, m, comp.URN,
		child{inventory.VBR, "ec-vbr"},
		child{inventory.BGPGroup, "ec-bgp-group"},
		child{inventory.BGPPeer, "ec-bgp-peer"})
	assert.Len(t, m.Resources(), 5, "the provider, the component and its three children")
	assertAllUseProvider(t, m)

	vbr := res(t, m, "ec-vbr")
	assert.Equal(t, "pc-bp1refcircuit00001", input(t, vbr, "physicalConnectionId"))
	assert.Equal(t, 0.0, input(t, vbr, "vlanId"), "VLAN 0 is sent, not dropped as a zero value")
	assert.Equal(t, "10.1.0.1", input(t, vbr, "localGatewayIp"))
	assert.Equal(t, "10.1.0.2", input(t, vbr, "peerGatewayIp"))
	assert.Equal(t, "255.255.255.252", input(t, vbr, "peeringSubnetMask"), "default mask is a /30")
	assert.Equal(t, "ec-vbr", input(t, vbr, "virtualBorderRouterName"))
	assert.Equal(t, map[string]any{"env": "test"}, input(t, vbr, "tags"))
	assertAbsent(t, vbr, "bandwidth")
	// The BFD timers are set explicitly, unset ones at their defaults, so
	// the on-premises end can be rendered to match.
	assert.Equal(t, 200.0, input(t, vbr, "minTxInterval"))
	assert.Equal(t, 1000.0, input(t, vbr, "minRxInterval"))
	assert.Equal(t, 4.0, input(t, vbr, "detectMultiplier"))

	group := res(t, m, "ec-bgp-group")
	assert.Equal(t, "vbr-ec-vbr", input(t, group, "routerId"), "the group is on the VBR")
	assert.Equal(t, 65530.0, input(t, group, "peerAsn"))
	assert.Equal(t, 45104.0, input(t, group, "localAsn"), "default Alibaba Cloud side AS")
	assert.Equal(t, "md5-key", secretInput(t, group, "authKey"))
	assert.Contains(t, group.AdditionalSecretOutputs, "authKey")

	peer := res(t, m, "ec-bgp-peer")
	assert.Equal(t, "bgpg-ec-bgp-group", input(t, peer, "bgpGroupId"))
	assert.Equal(t, args.PeerGatewayIP.String(), input(t, peer, "peerIpAddress"), "the BGP peer is the customer-side IP")
	assert.Equal(t, true, input(t, peer, "enableBfd"))

	assert.Equal(t, outputs{
		"vbrId": "vbr-ec-vbr", "vbrRouteTableId": "vtb-ec-vbr",
		"bgpGroupId": "bgpg-ec-bgp-group", "bgpPeerId": "bgp-ec-bgp-peer",
	}, got)
}

func TestExpressConnectLegOptionalInputs(t *testing.T) {
	args := referenceECArgs()
	args.VLANID = pulumi.IntRef(2999)
	args.BandwidthMbps = new(1000)
	args.LocalASN = new(64600)
	args.LocalGatewayIP, args.PeerGatewayIP = ip("10.1.0.1"), ip("10.1.0.6")
	args.PeeringSubnetMask = "255.255.255.248"
	m, err := run(func(ctx *pulumi.Context) error {
		_, err := components.NewExpressConnectLeg(ctx, "ec", args)
		return err
	})
	require.NoError(t, err)

	vbr := res(t, m, "ec-vbr")
	assert.Equal(t, 2999.0, input(t, vbr, "vlanId"))
	assert.Equal(t, 1000.0, input(t, vbr, "bandwidth"))
	assert.Equal(t, "255.255.255.248", input(t, vbr, "peeringSubnetMask"))
	assertAbsent(t, vbr, "tags")
	for _, k := range []string{"minTxInterval", "minRxInterval", "detectMultiplier"} {
		assertAbsent(t, vbr, k)
	}

	group := res(t, m, "ec-bgp-group")
	assert.Equal(t, 64600.0, input(t, group, "localAsn"))
	assertAbsent(t, group, "authKey")
	assert.Empty(t, group.AdditionalSecretOutputs, "nothing to hide without a key")

	peer := res(t, m, "ec-bgp-peer")
	assert.Equal(t, "10.1.0.6", input(t, peer, "peerIpAddress"))
	assert.Equal(t, false, input(t, peer, "enableBfd"), "BFD off is sent explicitly")
	for _, r := range m.Resources() {
		assert.Empty(t, r.Provider, "%s uses the default provider when none is given", r.Name)
	}
}

// An auth key may be any StringInput; an IDOutput used to panic.
func TestExpressConnectLegAuthKeyFromAnyStringInput(t *testing.T) {
	m, err := run(func(ctx *pulumi.Context) error {
		args := referenceECArgs()
		args.AuthKey = pulumi.ID("md5-key").ToIDOutput()
		_, err := components.NewExpressConnectLeg(ctx, "ec", args)
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, "md5-key", secretInput(t, res(t, m, "ec-bgp-group"), "authKey"))
}

func TestExpressConnectLegArgsHelpers(t *testing.T) {
	a := referenceECArgs()
	assert.Equal(t, components.DefaultPeeringSubnetMask, a.PeeringMask())
	assert.Equal(t, 45104, a.AlibabaASN())
	assert.Equal(t, pfx("10.1.0.0/30"), a.PeeringSubnet())
	a.LocalASN = new(65000)
	assert.Equal(t, 65000, a.AlibabaASN())
	a.PeerGatewayIP = ip("10.1.0.9")
	assert.False(t, a.PeeringSubnet().IsValid(), "no subnet for IPs in different /30s")
}

func TestExpressConnectLegValidation(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*components.ExpressConnectLegArgs)
		fields []string
	}{
		{"circuit missing", func(a *components.ExpressConnectLegArgs) { a.PhysicalConnectionID = nil }, []string{"PhysicalConnectionID"}},
		{"VLAN too high", func(a *components.ExpressConnectLegArgs) { a.VLANID = pulumi.IntRef(3000) }, []string{"VLANID"}},
		{"VLAN negative", func(a *components.ExpressConnectLegArgs) { a.VLANID = pulumi.IntRef(-1) }, []string{"VLANID"}},
		{"local IP missing", func(a *components.ExpressConnectLegArgs) { a.LocalGatewayIP = netip.Addr{} }, []string{"LocalGatewayIP"}},
		{"peer outside the /30", func(a *components.ExpressConnectLegArgs) { a.PeerGatewayIP = ip("10.1.0.5") }, []string{"PeerGatewayIP"}},
		{"IPs equal", func(a *components.ExpressConnectLegArgs) { a.PeerGatewayIP = a.LocalGatewayIP }, []string{"PeerGatewayIP"}},
		{"peer is the broadcast address", func(a *components.ExpressConnectLegArgs) { a.PeerGatewayIP = ip("10.1.0.3") }, []string{"PeerGatewayIP"}},
		{"mask not contiguous", func(a *components.ExpressConnectLegArgs) { a.PeeringSubnetMask = "255.0.255.0" }, []string{"PeeringSubnetMask"}},
		{"mask /31", func(a *components.ExpressConnectLegArgs) { a.PeeringSubnetMask = "255.255.255.254" }, []string{"PeeringSubnetMask"}},
		{"mask /23", func(a *components.ExpressConnectLegArgs) { a.PeeringSubnetMask = "255.255.254.0" }, []string{"PeeringSubnetMask"}},
		{"VBR bandwidth not offered", func(a *components.ExpressConnectLegArgs) { a.BandwidthMbps = new(150) }, []string{"BandwidthMbps"}},
		{"reserved local AS", func(a *components.ExpressConnectLegArgs) { a.LocalASN = new(65025) }, []string{"LocalASN"}},
		{"peer AS missing", func(a *components.ExpressConnectLegArgs) { a.PeerASN = nil }, []string{"PeerASN"}},
		{"peer AS = local AS", func(a *components.ExpressConnectLegArgs) { a.LocalASN, a.PeerASN = new(65001), new(65001) }, []string{"PeerASN"}},
		{"peer AS is Alibaba's", func(a *components.ExpressConnectLegArgs) { a.PeerASN = new(45104) }, []string{"PeerASN"}},
		{"peer AS reserved", func(a *components.ExpressConnectLegArgs) { a.PeerASN = new(23456) }, []string{"PeerASN"}},
		{"everything at once", func(a *components.ExpressConnectLegArgs) {
			*a = components.ExpressConnectLegArgs{VLANID: pulumi.IntRef(5000)}
		}, []string{"LocalGatewayIP", "PeerASN", "PeerGatewayIP", "PhysicalConnectionID", "VLANID"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := referenceECArgs()
			tc.mutate(args)
			require.Equal(t, tc.fields, argErrorFields(t, args.Validate()))

			err := requireRejected(t, tc.fields, func(ctx *pulumi.Context) error {
				_, err := components.NewExpressConnectLeg(ctx, "ec", args)
				return err
			})
			assert.Contains(t, err.Error(), `ExpressConnectLegArgs for "ec"`)
		})
	}
}

func TestExpressConnectLegValueOfAnError(t *testing.T) {
	args := referenceECArgs()
	args.VLANID = pulumi.IntRef(4096)
	e := argError(t, args.Validate(), "VLANID")
	assert.Equal(t, "4096", e.Value)
	assert.Contains(t, e.Error(), "VLANID = 4096")

	args = referenceECArgs()
	args.AuthKey = pulumi.String("key with spaces")
	args.PeerASN = new(0)
	err := args.Validate()
	assert.NotContains(t, err.Error(), "key with spaces", "secrets never appear in errors")
}

func TestExpressConnectLegNames(t *testing.T) {
	for _, name := range []string{"", "e", "1ec", "ec leg", "ec/leg"} {
		m, err := run(func(ctx *pulumi.Context) error {
			_, err := components.NewExpressConnectLeg(ctx, name, referenceECArgs())
			return err
		})
		require.Error(t, err, "name %q", name)
		assert.Equal(t, []string{"name"}, argErrorFields(t, err), "a bad name is an ArgError")
		assert.Empty(t, m.Resources())
	}
	m, err := run(func(ctx *pulumi.Context) error {
		_, err := components.NewExpressConnectLeg(ctx, "ec", nil)
		return err
	})
	require.Error(t, err, "nil args are all missing")
	assert.Contains(t, err.Error(), "PhysicalConnectionID")
	assert.Empty(t, m.Resources())
}

func TestExpressConnectLegBFDTimers(t *testing.T) {
	args := referenceECArgs()
	args.EnableBFD = true
	args.BFD = components.BFDTimers{MinTxIntervalMs: pulumi.IntRef(100), MinRxIntervalMs: pulumi.IntRef(1001), DetectMultiplier: pulumi.IntRef(11)}
	var ae components.ArgErrors
	require.ErrorAs(t, args.Validate(), &ae)
	var fields []string
	for _, e := range ae {
		fields = append(fields, e.Field)
	}
	assert.Equal(t, []string{"BFD.MinTxIntervalMs", "BFD.MinRxIntervalMs", "BFD.DetectMultiplier"}, fields)
	assert.Equal(t, "100", ae[0].Value)
	assert.Contains(t, ae[0].Problem, "out of range 200–1000 ms")

	args.BFD = components.BFDTimers{MinTxIntervalMs: pulumi.IntRef(300)}
	args.EnableBFD = false
	require.ErrorAs(t, args.Validate(), &ae)
	require.Len(t, ae, 1)
	assert.Equal(t, "BFD", ae[0].Field)
	assert.Equal(t, "tx 300 ms, rx unset, multiplier unset", ae[0].Value)
	assert.Contains(t, ae[0].Problem, "BFD is not enabled")
}

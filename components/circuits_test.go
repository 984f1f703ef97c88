package components_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/components"
)

// secondCircuit is circuit B of the reference plan: another line, another
// peering subnet, the same on-premises AS.
func secondCircuit() *components.ExpressConnectLegArgs {
	return &components.ExpressConnectLegArgs{
		PhysicalConnectionID: pulumi.String("pc-bp1refcircuit00002"),
		VLANID:               pulumi.IntRef(10),
		LocalGatewayIP:       ip("10.1.0.5"),
		PeerGatewayIP:        ip("10.1.0.6"),
		PeerASN:              pulumi.IntRef(65530),
		EnableBFD:            true,
		Tags:                 map[string]string{"leg": "circuit-b"},
	}
}

// dualHCArgs is the reference plan with two circuits and monitoring.
func dualHCArgs(mode components.CircuitMode) *components.HybridConnectionArgs {
	a := referenceHCArgs()
	a.SecondExpressConnect, a.CircuitMode = secondCircuit(), mode
	m := referenceMonitoringArgs()
	m.CENID, m.VBRID = nil, nil
	a.Monitoring = m
	return a
}

func TestSecondCircuitComposition(t *testing.T) {
	got := outputs{}
	m, err := run(func(ctx *pulumi.Context) error {
		p, err := newProvider(ctx)
		if err != nil {
			return err
		}
		hc, err := components.NewHybridConnection(ctx, "hl", dualHCArgs(""), pulumi.Providers(p))
		if err != nil {
			return err
		}
		require.NotNil(t, hc.SecondExpressConnect)
		assert.Contains(t, hc.Outputs(), components.OutputSecondVBRID)
		return await(ctx, got, map[string]pulumi.Output{
			components.OutputSecondVBRID:           hc.SecondVBRID,
			components.OutputSecondVBRRouteTableID: hc.SecondVBRRouteTableID,
			components.OutputSecondVBRAttachmentID: hc.SecondVBRAttachmentID,
			"secondLossAlarm":                      hc.Monitoring.SecondCircuitLossAlarmID,
		})
	})
	require.NoError(t, err)

	root := component(t, m, typeHybridConnection, "hl")
	assertChildren(t, m, root.URN,
		child{typeExpressConnectLeg, "hl-expressconnect"},
		child{typeExpressConnectLeg, "hl-expressconnect-b"},
		child{typeVPNStandbyLeg, "hl-vpn"},
		child{typeCENHub, "hl-hub"},
		child{typeStandbyMonitoring, "hl-monitoring"})
	b := component(t, m, typeExpressConnectLeg, "hl-expressconnect-b")
	assert.True(t, b.Protect, "the second circuit is protected like the first")
	vbrB := res(t, m, "hl-expressconnect-b-vbr")
	assert.Equal(t, "pc-bp1refcircuit00002", input(t, vbrB, "physicalConnectionId"))
	assert.Equal(t, 10.0, input(t, vbrB, "vlanId"))
	assert.Equal(t, map[string]any{"env": "test", "leg": "circuit-b"}, input(t, vbrB, "tags"))
	assertAllUseProvider(t, m)

	// The hub attaches both VBRs, checks both circuits' health, and ranks
	// A over B with a route map on each.
	assert.Equal(t, "vbr-hl-expressconnect-b-vbr", input(t, res(t, m, "hl-hub-vbr-b"), "vbrId"))
	res(t, m, "hl-hub-vbr-b-association")
	res(t, m, "hl-hub-vbr-b-propagation")
	assert.Equal(t, "10.1.0.6", input(t, res(t, m, "hl-hub-vbr-b-health-check"), "healthCheckTargetIp"))
	for _, c := range []struct {
		name, vbr  string
		preference float64
		priority   float64
	}{
		{"hl-hub-vbr-route-map", "vbr-hl-expressconnect-vbr", 10, 10},
		{"hl-hub-vbr-b-route-map", "vbr-hl-expressconnect-b-vbr", 20, 11},
	} {
		rm := res(t, m, c.name)
		assert.Equal(t, []any{c.vbr}, input(t, rm, "sourceInstanceIds"), c.name)
		assert.Equal(t, []any{"VBR"}, input(t, rm, "sourceChildInstanceTypes"))
		assert.Equal(t, c.preference, input(t, rm, "preference"), c.name)
		assert.Equal(t, c.priority, input(t, rm, "priority"), c.name)
		assert.Equal(t, "RegionIn", input(t, rm, "transmitDirection"))
		assert.Equal(t, "Permit", input(t, rm, "mapResult"))
		assert.Equal(t, "cn-hangzhou", input(t, rm, "cenRegionId"))
		assert.Equal(t, "vtb-sys-hl-hub-tr", input(t, rm, "transitRouterRouteTableId"), "the route maps apply to the system route table")
		assert.Contains(t, rm.DependsOn, res(t, m, "hl-hub-vbr-b").URN)
	}

	// Alarms per circuit.
	lossB := res(t, m, "hl-monitoring-circuit-b-loss")
	assert.Contains(t, input(t, lossB, "metricDimensions"), "vbr-hl-expressconnect-b-vbr")
	assert.Equal(t, "prod-oncall-circuit-b-loss", input(t, lossB, "name"))
	res(t, m, "hl-monitoring-circuit-b-latency")
	assert.NotContains(t, input(t, res(t, m, "hl-monitoring-circuit-loss"), "metricDimensions"), "expressconnect-b")

	assert.Equal(t, "vbr-hl-expressconnect-b-vbr", got[components.OutputSecondVBRID])
	assert.NotEmpty(t, got[components.OutputSecondVBRRouteTableID])
	assert.NotEmpty(t, got[components.OutputSecondVBRAttachmentID])
	assert.NotEmpty(t, got["secondLossAlarm"])
}

// ECMP mode puts no route map on either VBR, so they share the traffic.
func TestECMPHasNoRouteMaps(t *testing.T) {
	m, err := run(func(ctx *pulumi.Context) error {
		_, err := components.NewHybridConnection(ctx, "hl", dualHCArgs(components.ECMP))
		return err
	})
	require.NoError(t, err)
	res(t, m, "hl-hub-vbr-b")
	for _, r := range m.Resources() {
		assert.NotContains(t, r.Name, "route-map")
	}
}

// One circuit registers what it always did: no second leg, no route map,
// and none of the second circuit's outputs.
func TestOneCircuitHasNoSecondCircuitParts(t *testing.T) {
	var hc *components.HybridConnection
	m, err := run(func(ctx *pulumi.Context) error {
		var err error
		hc, err = components.NewHybridConnection(ctx, "hl", referenceHCArgs())
		return err
	})
	require.NoError(t, err)
	for _, r := range m.Resources() {
		assert.NotContains(t, r.Name, "route-map")
		assert.NotContains(t, r.Name, "-b-")
		assert.False(t, strings.HasSuffix(r.Name, "-b"), r.Name)
	}
	assert.Nil(t, hc.SecondExpressConnect)
	for _, name := range []string{components.OutputSecondVBRID, components.OutputSecondVBRRouteTableID, components.OutputSecondVBRAttachmentID} {
		assert.NotContains(t, hc.Outputs(), name)
	}
}

func TestSecondCircuitValidation(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(*components.HybridConnectionArgs)
		field  string
		says   string
	}{
		{"same line", func(a *components.HybridConnectionArgs) {
			a.SecondExpressConnect.PhysicalConnectionID = a.ExpressConnect.PhysicalConnectionID
		}, "SecondExpressConnect.PhysicalConnectionID", "the first circuit's too"},
		{"another on-premises AS", func(a *components.HybridConnectionArgs) { a.SecondExpressConnect.PeerASN = pulumi.IntRef(65531) },
			"SecondExpressConnect.PeerASN", "differs from the first circuit's 65530"},
		{"overlapping peering subnets", func(a *components.HybridConnectionArgs) {
			a.SecondExpressConnect.LocalGatewayIP, a.SecondExpressConnect.PeerGatewayIP = ip("10.1.0.2"), ip("10.1.0.1")
		}, "SecondExpressConnect.PeerGatewayIP", "overlaps ExpressConnect.PeerGatewayIP"},
		{"the second circuit's own rules", func(a *components.HybridConnectionArgs) { a.SecondExpressConnect.VLANID = pulumi.IntRef(3000) },
			"SecondExpressConnect.VLANID", "out of range"},
		{"unknown mode", func(a *components.HybridConnectionArgs) { a.CircuitMode = "hot-standby" }, "CircuitMode", `"ecmp"`},
		{"mode without a second circuit", func(a *components.HybridConnectionArgs) {
			a.SecondExpressConnect = nil
			a.CircuitMode = components.ECMP
		},
			"CircuitMode", "there is one circuit"},
		{"ECMP over two Alibaba Cloud ASes", func(a *components.HybridConnectionArgs) {
			a.CircuitMode = components.ECMP
			a.SecondExpressConnect.LocalASN = pulumi.IntRef(64600)
		}, "SecondExpressConnect.LocalASN", "same AS path"},
		{"the monitoring's second VBR", func(a *components.HybridConnectionArgs) { a.Monitoring.SecondVBRID = pulumi.String("vbr-x") },
			"Monitoring.SecondVBRID", "is set"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := dualHCArgs("")
			c.change(a)
			e := argError(t, a.Validate(), c.field)
			assert.Contains(t, e.Problem+" "+e.Fix, c.says)
		})
	}
	require.NoError(t, dualHCArgs(components.ECMP).Validate())
}

// The hub on its own: a second VBR needs the first, and in active-standby
// mode the region its route maps apply in.
func TestHubSecondVBRValidation(t *testing.T) {
	a := referenceHubArgs()
	a.SecondVBRID = pulumi.String("vbr-2")
	assert.Contains(t, argErrorFields(t, a.Validate()), "Region")
	a.Region = "cn-hangzhou"
	require.NoError(t, a.Validate())
	a.CircuitMode = components.ECMP
	a.Region = ""
	require.NoError(t, a.Validate(), "ECMP needs no route map, so no region")
	a.VBRID = nil
	a.VBRHealthCheck = nil
	assert.Contains(t, argErrorFields(t, a.Validate()), "SecondVBRID")
}

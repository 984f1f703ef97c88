package components_test

import (
	"net/netip"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/components"
	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/mockcloud"
)

const typeCENHub = "hybridlink:index:CenHub"

func zones(a, b string) []components.ZoneVSwitch {
	return []components.ZoneVSwitch{
		{ZoneID: "cn-hangzhou-h", VSwitchID: pulumi.String(a)},
		{ZoneID: "cn-hangzhou-i", VSwitchID: pulumi.String(b)},
	}
}

// referenceHubArgs attaches a workload and a transit VPC and the VBR. The
// advertisement waits for after, the standby leg's routes in a real program.
func referenceHubArgs(after ...pulumi.Resource) *components.CENHubArgs {
	return &components.CENHubArgs{
		VPCs: []components.VPCAttachmentArgs{
			{Name: "workload", VPCID: pulumi.String("vpc-bp1w00000000000001"), ZoneMappings: zones("vsw-bp1w100000000000001", "vsw-bp1w200000000000001")},
			{Name: "transit", VPCID: pulumi.String("vpc-bp1t00000000000001"), ZoneMappings: zones("vsw-bp1t100000000000001", "vsw-bp1t200000000000001")},
		},
		VBRID:          pulumi.String("vbr-1"),
		VBRHealthCheck: &components.VBRHealthCheckArgs{Region: "cn-hangzhou", TargetIP: ip("10.1.0.2")},
		Advertise: &components.RouteAdvertisementArgs{
			VPC:          "transit",
			RouteTableID: pulumi.String("vtb-bp1t00000000000001"),
			Prefixes:     []netip.Prefix{pfx("172.16.0.0/16")},
			After:        after,
		},
		Tags: map[string]string{"env": "test"},
	}
}

func TestCenHubResourcesAndWiring(t *testing.T) {
	got := outputs{}
	m, err := run(func(ctx *pulumi.Context) error {
		p, err := newProvider(ctx)
		if err != nil {
			return err
		}
		// The advertisement must wait for the standby leg that puts the
		// route into the transit VPC.
		vpnLeg, err := components.NewVPNStandbyLeg(ctx, "vpn", referenceVPNArgs(), pulumi.Provider(p))
		if err != nil {
			return err
		}
		hub, err := components.NewCENHub(ctx, "hub", referenceHubArgs(vpnLeg.Routes()...), pulumi.Provider(p))
		if err != nil {
			return err
		}
		return await(ctx, got, map[string]pulumi.Output{
			"cenId": hub.CENID, "transitRouterId": hub.TransitRouterID,
			"systemRouteTableId": hub.SystemRouteTableID, "vpcAttachmentIds": hub.VPCAttachmentIDs,
			"vbrAttachmentId": hub.VBRAttachmentID,
		})
	})
	require.NoError(t, err)

	comp := component(t, m, typeCENHub, "hub")
	assert.Equal(t, stackURN, comp.Parent)
	assertChildren(t, m, comp.URN,
		child{inventory.CEN, "hub-cen"},
		child{inventory.TransitRouter, "hub-tr"},
		child{inventory.TRVPCAttachment, "hub-workload"},
		child{inventory.TRAssociation, "hub-workload-association"},
		child{inventory.TRPropagation, "hub-workload-propagation"},
		child{inventory.TRVPCAttachment, "hub-transit"},
		child{inventory.TRAssociation, "hub-transit-association"},
		child{inventory.TRPropagation, "hub-transit-propagation"},
		child{inventory.TRVBRAttachment, "hub-vbr"},
		child{inventory.TRAssociation, "hub-vbr-association"},
		child{inventory.TRPropagation, "hub-vbr-propagation"},
		child{inventory.VBRHealthCheck, "hub-vbr-health-check"},
		child{inventory.CENRouteEntry, "hub-advertise-172-16-0-0-16"})
	assertAllUseProvider(t, m)

	// The System route table comes from the invoke, through the hub.
	invokes := m.Invokes()
	require.Len(t, invokes, 1)
	assert.Equal(t, inventory.GetTRRouteTables, invokes[0].Token)
	assert.Equal(t, "tr-hub-tr", invokes[0].Args["transitRouterId"].StringValue())
	assert.Equal(t, "System", invokes[0].Args["transitRouterRouteTableType"].StringValue())
	system := mockcloud.SystemRouteTableID("tr-hub-tr")

	cen := res(t, m, "hub-cen")
	assert.Equal(t, "hub-cen", input(t, cen, "cenInstanceName"))
	assert.Equal(t, map[string]any{"env": "test"}, input(t, cen, "tags"))
	tr := res(t, m, "hub-tr")
	assert.Equal(t, "cen-hub-cen", input(t, tr, "cenId"))

	attachments := map[string]string{}
	for _, v := range []struct{ name, vpc, sw1, sw2 string }{
		{"workload", "vpc-bp1w00000000000001", "vsw-bp1w100000000000001", "vsw-bp1w200000000000001"},
		{"transit", "vpc-bp1t00000000000001", "vsw-bp1t100000000000001", "vsw-bp1t200000000000001"},
	} {
		att := res(t, m, "hub-"+v.name)
		assert.Equal(t, "cen-hub-cen", input(t, att, "cenId"))
		assert.Equal(t, "tr-hub-tr", input(t, att, "transitRouterId"))
		assert.Equal(t, v.vpc, input(t, att, "vpcId"))
		assert.Equal(t, true, input(t, att, "autoPublishRouteEnabled"), "TR routes (the IDC) reach the VPC")
		assert.Equal(t, []any{
			map[string]any{"zoneId": "cn-hangzhou-h", "vswitchId": v.sw1},
			map[string]any{"zoneId": "cn-hangzhou-i", "vswitchId": v.sw2},
		}, input(t, att, "zoneMappings"))
		attachments[v.name] = "tr-attach-hub-" + v.name
	}
	vbrAtt := res(t, m, "hub-vbr")
	assert.Equal(t, "vbr-1", input(t, vbrAtt, "vbrId"))
	assert.Equal(t, "tr-hub-tr", input(t, vbrAtt, "transitRouterId"))
	assert.Equal(t, true, input(t, vbrAtt, "autoPublishRouteEnabled"), "the IDC learns the VPCs over BGP")
	attachments["vbr"] = "tr-attach-hub-vbr"

	for role, attachmentID := range attachments {
		for _, kind := range []string{"association", "propagation"} {
			r := res(t, m, "hub-"+role+"-"+kind)
			assert.Equal(t, attachmentID, input(t, r, "transitRouterAttachmentId"), "%s %s", role, kind)
			assert.Equal(t, system, input(t, r, "transitRouterRouteTableId"), "%s %s uses the System table", role, kind)
		}
	}

	hc := res(t, m, "hub-vbr-health-check")
	assert.Equal(t, "10.1.0.2", input(t, hc, "healthCheckTargetIp"))
	assert.Equal(t, "vbr-1", input(t, hc, "vbrInstanceId"))
	assert.Equal(t, "cn-hangzhou", input(t, hc, "vbrInstanceRegionId"))
	assert.Equal(t, "cen-hub-cen", input(t, hc, "cenId"))
	assert.Equal(t, 2.0, input(t, hc, "healthCheckInterval"))
	assert.Equal(t, 8.0, input(t, hc, "healthyThreshold"))
	assertAbsent(t, hc, "healthCheckSourceIp")
	assert.Contains(t, hc.DependsOn, res(t, m, "hub-vbr").URN, "CEN probes a VBR only once it is attached")

	route := res(t, m, "hub-advertise-172-16-0-0-16")
	assert.Equal(t, "cen-hub-cen", input(t, route, "instanceId"))
	assert.Equal(t, "vtb-bp1t00000000000001", input(t, route, "routeTableId"))
	assert.Equal(t, "172.16.0.0/16", input(t, route, "cidrBlock"))
	for _, dep := range []string{"vpn-route-172-16-0-0-16", "hub-transit", "hub-transit-association", "hub-transit-propagation"} {
		assert.Contains(t, route.DependsOn, res(t, m, dep).URN, "the advertisement waits for %s", dep)
	}
	// and, through the VPN route, for the connection and the gateway.
	vpnRoute := res(t, m, "vpn-route-172-16-0-0-16")
	for _, dep := range []string{"vpn-connection", "vpn-gateway"} {
		assert.Contains(t, vpnRoute.DependsOn, res(t, m, dep).URN, "the advertisement waits for %s", dep)
	}
	assert.NotContains(t, route.DependsOn, res(t, m, "hub-workload").URN, "only the transit VPC's attachment matters")

	assert.Equal(t, outputs{
		"cenId": "cen-hub-cen", "transitRouterId": "tr-hub-tr", "systemRouteTableId": system,
		"vpcAttachmentIds": map[string]string{"workload": attachments["workload"], "transit": attachments["transit"]},
		"vbrAttachmentId":  "tr-attach-hub-vbr",
	}, got)
}

func TestCenHubExistingCENNoVBR(t *testing.T) {
	args := referenceHubArgs()
	args.CENID = pulumi.String("cen-existing000000001")
	args.VBRID, args.VBRHealthCheck, args.Advertise, args.Tags = nil, nil, nil, nil
	got := outputs{}
	m, err := run(func(ctx *pulumi.Context) error {
		hub, err := components.NewCENHub(ctx, "hub", args)
		if err != nil {
			return err
		}
		return await(ctx, got, map[string]pulumi.Output{"cenId": hub.CENID, "vbrAttachmentId": hub.VBRAttachmentID})
	})
	require.NoError(t, err)
	assert.Empty(t, m.OfType(inventory.CEN), "an existing CEN is used, not created")
	assert.Empty(t, m.OfType(inventory.TRVBRAttachment))
	assert.Empty(t, m.OfType(inventory.VBRHealthCheck))
	assert.Empty(t, m.OfType(inventory.CENRouteEntry))
	assert.Len(t, m.OfType(inventory.TRAssociation), 2)
	assert.Len(t, m.OfType(inventory.TRPropagation), 2)
	assert.Equal(t, "cen-existing000000001", input(t, res(t, m, "hub-tr"), "cenId"))
	assert.Equal(t, "cen-existing000000001", input(t, res(t, m, "hub-workload"), "cenId"))
	assertAbsent(t, res(t, m, "hub-tr"), "tags")
	assert.Equal(t, outputs{"cenId": "cen-existing000000001", "vbrAttachmentId": ""}, got)
}

func TestCenHubHealthCheckSettings(t *testing.T) {
	args := referenceHubArgs()
	args.VBRHealthCheck = &components.VBRHealthCheckArgs{
		Region: "cn-hangzhou", TargetIP: ip("10.1.0.2"), SourceIP: ip("10.1.0.1"), IntervalSecs: pulumi.IntRef(3), HealthyThreshold: pulumi.IntRef(3),
	}
	m, err := run(func(ctx *pulumi.Context) error {
		_, err := components.NewCENHub(ctx, "hub", args)
		return err
	})
	require.NoError(t, err)
	hc := res(t, m, "hub-vbr-health-check")
	assert.Equal(t, "10.1.0.1", input(t, hc, "healthCheckSourceIp"))
	assert.Equal(t, 3.0, input(t, hc, "healthCheckInterval"))
	assert.Equal(t, 3.0, input(t, hc, "healthyThreshold"))
}

func TestCenHubValidation(t *testing.T) {
	type mut = func(*components.CENHubArgs)
	cases := []struct {
		name   string
		mutate mut
		fields []string
	}{
		{"one zone", func(a *components.CENHubArgs) { a.VPCs[0].ZoneMappings[1].ZoneID = "cn-hangzhou-h" }, []string{"VPCs[0].ZoneMappings"}},
		{"one vSwitch", func(a *components.CENHubArgs) { a.VPCs[1].ZoneMappings = a.VPCs[1].ZoneMappings[:1] }, []string{"VPCs[1].ZoneMappings"}},
		{"zone missing", func(a *components.CENHubArgs) { a.VPCs[0].ZoneMappings[0].ZoneID = "" }, []string{"VPCs[0].ZoneMappings[0].ZoneID"}},
		{"vSwitch missing", func(a *components.CENHubArgs) { a.VPCs[0].ZoneMappings[1].VSwitchID = nil }, []string{"VPCs[0].ZoneMappings[1].VSwitchID"}},
		{"VPC missing", func(a *components.CENHubArgs) { a.VPCs[1].VPCID = nil }, []string{"VPCs[1].VPCID"}},
		{"same name twice", func(a *components.CENHubArgs) { a.VPCs[1].Name = "workload"; a.Advertise.VPC = "workload" }, []string{"VPCs[1].Name"}},
		{"bad name", func(a *components.CENHubArgs) { a.VPCs[0].Name = "work load" }, []string{"VPCs[0].Name"}},
		{"health check without a VBR", func(a *components.CENHubArgs) { a.VBRID = nil }, []string{"VBRHealthCheck"}},
		{"health check region", func(a *components.CENHubArgs) { a.VBRHealthCheck.Region = "mars-1" }, []string{"VBRHealthCheck.Region"}},
		{"health check target", func(a *components.CENHubArgs) { a.VBRHealthCheck.TargetIP = netip.Addr{} }, []string{"VBRHealthCheck.TargetIP"}},
		{"health check interval", func(a *components.CENHubArgs) { a.VBRHealthCheck.IntervalSecs = new(4) }, []string{"VBRHealthCheck.IntervalSecs"}},
		{"health check threshold", func(a *components.CENHubArgs) { a.VBRHealthCheck.HealthyThreshold = new(9) }, []string{"VBRHealthCheck.HealthyThreshold"}},
		{"advertise from an unknown VPC", func(a *components.CENHubArgs) { a.Advertise.VPC = "idc" }, []string{"Advertise.VPC"}},
		{"advertise without a table", func(a *components.CENHubArgs) { a.Advertise.RouteTableID = nil }, []string{"Advertise.RouteTableID"}},
		{"advertise a non-canonical prefix", func(a *components.CENHubArgs) {
			a.Advertise.Prefixes = append(a.Advertise.Prefixes, netip.PrefixFrom(ip("172.17.1.0"), 16))
		}, []string{"Advertise.Prefixes[1]"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := referenceHubArgs()
			tc.mutate(args)
			require.Equal(t, tc.fields, argErrorFields(t, args.Validate()))

			requireRejected(t, tc.fields, func(ctx *pulumi.Context) error {
				_, err := components.NewCENHub(ctx, "hub", args)
				return err
			})
		})
	}
}

// Two components of one name collide, as they would in the engine; this
// also guards the mocks' own duplicate check, which the stack tests rely on.
func TestCenHubNameCollision(t *testing.T) {
	_, err := run(func(ctx *pulumi.Context) error {
		if _, err := components.NewCENHub(ctx, "hub", referenceHubArgs()); err != nil {
			return err
		}
		_, err := components.NewCENHub(ctx, "hub", referenceHubArgs())
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "duplicate resource URN")
}

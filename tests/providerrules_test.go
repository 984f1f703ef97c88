package tests

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/cen"
	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/expressconnect"
	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/vpc"
	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/vpn"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rulesWorld is a small program of plain alicloud resources whose inputs a
// case edits: a VPC with two vSwitches, a VPN gateway, a customer gateway,
// an IPsec connection, a VBR with a BGP group and peer.
type rulesWorld struct {
	vpcName, vswitchName, vswitchBlock string
	gatewayVSwitch                     bool // give the gateway its vSwitch
	secondVSwitch                      bool // and the second, for a dual-tunnel gateway
	localSubnets                       []string
	// edit changes the arguments before registration.
	edit func(*rulesArgs)
}

type rulesArgs struct {
	vpc     *vpc.NetworkArgs
	sw      *vpc.SwitchArgs
	gateway *vpn.GatewayArgs
	conn    *vpn.ConnectionArgs
	vbr     *expressconnect.VirtualBorderRouterArgs
	peer    *vpc.BgpPeerArgs
	// routeTables, when set, are the arguments of a read of a transit
	// router's route tables.
	routeTables *cen.GetTransitRouterRouteTablesArgs
}

func defaultRulesWorld() rulesWorld {
	return rulesWorld{vpcName: "rules", vswitchName: "a", vswitchBlock: "10.30.1.0/24", gatewayVSwitch: true,
		localSubnets: []string{"10.30.0.0/16", "10.31.0.0/16"}}
}

func (w rulesWorld) program(ctx *pulumi.Context) error {
	a := rulesArgs{
		vpc: &vpc.NetworkArgs{VpcName: pulumi.String(w.vpcName), CidrBlock: pulumi.String("10.30.0.0/16")},
		sw: &vpc.SwitchArgs{CidrBlock: pulumi.String(w.vswitchBlock), ZoneId: pulumi.String("cn-hangzhou-h"),
			VswitchName: pulumi.String(w.vswitchName)},
		gateway: &vpn.GatewayArgs{Bandwidth: pulumi.Int(10)},
		conn:    &vpn.ConnectionArgs{LocalSubnets: pulumi.ToStringArray(w.localSubnets), RemoteSubnets: pulumi.ToStringArray([]string{"172.16.0.0/16"})},
		vbr: &expressconnect.VirtualBorderRouterArgs{PhysicalConnectionId: pulumi.String("pc-bp1rules0000000001"), VlanId: pulumi.Int(300),
			LocalGatewayIp: pulumi.String("10.3.0.1"), PeerGatewayIp: pulumi.String("10.3.0.2"), PeeringSubnetMask: pulumi.String("255.255.255.252")},
		peer: &vpc.BgpPeerArgs{PeerIpAddress: pulumi.String("10.3.0.2")},
	}
	if w.edit != nil {
		w.edit(&a)
	}
	net, err := vpc.NewNetwork(ctx, "vpc", a.vpc)
	if err != nil {
		return err
	}
	a.sw.VpcId, a.gateway.VpcId = net.ID(), net.ID()
	sw, err := vpc.NewSwitch(ctx, "sw", a.sw)
	if err != nil {
		return err
	}
	sw2, err := vpc.NewSwitch(ctx, "sw2", &vpc.SwitchArgs{VpcId: net.ID(), CidrBlock: pulumi.String("10.30.2.0/24"),
		ZoneId: pulumi.String("cn-hangzhou-i")})
	if err != nil {
		return err
	}
	if w.gatewayVSwitch {
		a.gateway.VswitchId = sw.ID()
	}
	if w.secondVSwitch {
		a.gateway.DisasterRecoveryVswitchId = sw2.ID()
	}
	gw, err := vpn.NewGateway(ctx, "gw", a.gateway)
	if err != nil {
		return err
	}
	cgw, err := vpn.NewCustomerGateway(ctx, "cgw", &vpn.CustomerGatewayArgs{IpAddress: pulumi.String("203.0.113.30")})
	if err != nil {
		return err
	}
	a.conn.VpnGatewayId, a.conn.CustomerGatewayId = gw.ID(), cgw.ID()
	if _, err := vpn.NewConnection(ctx, "conn", a.conn); err != nil {
		return err
	}
	vbr, err := expressconnect.NewVirtualBorderRouter(ctx, "vbr", a.vbr)
	if err != nil {
		return err
	}
	group, err := vpc.NewBgpGroup(ctx, "bgp-group", &vpc.BgpGroupArgs{RouterId: vbr.ID(), PeerAsn: pulumi.Int(65530)})
	if err != nil {
		return err
	}
	a.peer.BgpGroupId = group.ID()
	if _, err := vpc.NewBgpPeer(ctx, "bgp-peer", a.peer); err != nil {
		return err
	}
	if a.routeTables != nil {
		_, err = cen.GetTransitRouterRouteTables(ctx, a.routeTables)
	}
	return err
}

// TestProviderRulesThroughTheEngine deploys plain alicloud resources into
// the local cloud with the real engine and shows, one case per class, that
// previews follow the real provider's rules (internal/alicloudspec): a
// ForceNew change replaces, an updatable one updates, a removed
// Optional+Computed input and a reordered set are no change, and each
// validator form and conflict rule refuses at preview with the provider's
// message.
func TestProviderRulesThroughTheEngine(t *testing.T) {
	skipShort(t)
	b := openBox(t, copyProject(t), "dev")
	base := defaultRulesWorld()
	b.withProgram(base.program, func() { b.mustSucceed("up", b.up()) })

	preview := func(w rulesWorld) opResult {
		t.Helper()
		var r opResult
		b.withProgram(w.program, func() { r = b.preview() })
		return r
	}

	changes := []struct {
		name  string
		world func(w *rulesWorld)
		res   string
		want  apitype.OpType
	}{
		{"a ForceNew change replaces", func(w *rulesWorld) { w.vswitchBlock = "10.30.3.0/24" }, "sw", apitype.OpReplace},
		{"an updatable change updates", func(w *rulesWorld) { w.vswitchName = "b" }, "sw", apitype.OpUpdate},
		{"a removed Optional+Computed input is no change", func(w *rulesWorld) { w.gatewayVSwitch = false }, "gw", apitype.OpSame},
		{"a reordered set is no change", func(w *rulesWorld) { w.localSubnets = []string{"10.31.0.0/16", "10.30.0.0/16"} }, "conn", apitype.OpSame},
		{"a changed set updates", func(w *rulesWorld) { w.localSubnets = []string{"10.31.0.0/16"} }, "conn", apitype.OpUpdate},
	}
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			w := defaultRulesWorld()
			c.world(&w)
			r := preview(w)
			b.mustSucceed("preview", r)
			assert.Contains(t, opsNamed(r, c.res), c.want, "%s:\n%s", c.res, r.output)
		})
	}

	// An update the provider accepts but never sends: the gateway's second
	// vSwitch, added in place. The preview shows an update, the up
	// "succeeds", the gateway stays single-tunnel, and every later preview
	// shows the same update again — what a real account does.
	t.Run("an update the provider never sends changes nothing", func(t *testing.T) {
		w := defaultRulesWorld()
		w.secondVSwitch = true
		var first, up, again opResult
		b.withProgram(w.program, func() { first, up, again = b.preview(), b.up(), b.preview() })
		b.mustSucceed("up", up)
		assert.Contains(t, opsNamed(first, "gw"), apitype.OpUpdate, first.output)
		assert.Contains(t, opsNamed(again, "gw"), apitype.OpUpdate, "the same change shows again:\n%s", again.output)
		for _, r := range b.snapshot() {
			if r.Type == "alicloud:vpn/gateway:Gateway" {
				dr, _ := r.String("disasterRecoveryVswitchId")
				ip, _ := r.String("disasterRecoveryInternetIp")
				assert.Empty(t, dr+ip, "the gateway has no second vSwitch nor second IP")
			}
		}
	})

	const note = "[NOTE] set env variable TF_SKIP_RESOURCE_SCHEMA_VALIDATION to true can skip the error and get a warning"
	refusals := []struct {
		name string
		edit func(*rulesArgs)
		want []string
	}{
		{"StringInSlice", func(a *rulesArgs) { a.gateway.VpnType = pulumi.String("Standard") },
			[]string{"expected vpn_type to be one of [Normal NationalStandard], got Standard", note}},
		{"IntInSlice", func(a *rulesArgs) { a.vbr.Mtu = pulumi.Int(1400) }, []string{"expected mtu to be one of [0 1500 8500], got 1400"}},
		{"Any of IntBetween and IntInSlice", func(a *rulesArgs) { a.gateway.Period = pulumi.Int(10) },
			[]string{"expected period to be in the range (1 - 9), got 10", "expected period to be one of [12 24 36], got 10"}},
		{"a CIDR network", func(a *rulesArgs) { a.conn.RemoteSubnets = pulumi.ToStringArray([]string{"172.16.0.1/16"}) },
			[]string{`"remote_subnet.0" must contain a valid network CIDR, expected "172.16.0.0/16", got "172.16.0.1/16"`}},
		{"MinItems", func(a *rulesArgs) { a.conn.LocalSubnets = pulumi.StringArray{} },
			[]string{"local_subnet: attribute supports 1 item as a minimum, config has 0 declared"}},
		{"IntBetween", func(a *rulesArgs) { a.peer.EnableBfd, a.peer.BfdMultiHop = pulumi.Bool(true), pulumi.Int(256) },
			[]string{"expected bfd_multi_hop to be in the range (1 - 255), got 256", note}},
		{"a data source's ValidRegExp", func(a *rulesArgs) {
			a.routeTables = &cen.GetTransitRouterRouteTablesArgs{TransitRouterId: "tr-bp1rules0000000001", NameRegex: pulumi.StringRef("(")}
		}, []string{"\"name_regex\": error parsing regexp: missing closing ): `(`"}},
		{"ConflictsWith", func(a *rulesArgs) { a.vpc.Name = pulumi.String("old-style") },
			[]string{`"vpc_name": conflicts with name. Examine values at 'vpc.vpcName'.`}},
		{"ExactlyOneOf, neither", func(a *rulesArgs) { a.sw.ZoneId, a.sw.AvailabilityZone = nil, nil },
			[]string{"\"zone_id\": one of `availability_zone,zone_id` must be specified"}},
		{"ExactlyOneOf, both", func(a *rulesArgs) { a.sw.AvailabilityZone = pulumi.String("cn-hangzhou-h") },
			[]string{"\"zone_id\": only one of `availability_zone,zone_id` can be specified, but `availability_zone,zone_id` were specified."}},
	}
	for _, c := range refusals {
		t.Run("refuses "+c.name, func(t *testing.T) {
			w := defaultRulesWorld()
			w.edit = c.edit
			r := preview(w)
			require.Error(t, r.err, "the preview must fail")
			for _, want := range c.want {
				assert.True(t, strings.Contains(r.output, want), "the preview shows %q:\n%s", want, r.output)
			}
		})
	}
	b.withProgram(base.program, func() { b.mustSucceed("destroy", b.destroy(false)) })
}

package localcloud

import (
	"context"
	"net/netip"
	"regexp"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/hybridlink/hybridlink/internal/inventory"
)

// Real ID shapes: a prefix, the region code (bp1 for cn-hangzhou) and 18
// characters, or 18 characters for unregional ones.
const (
	regional = `-bp1[a-z0-9]{18}`
	global   = `-[a-z0-9]{18}`
)

var idFormats = map[tokens.Type]string{
	inventory.VPC:             `vpc` + regional,
	inventory.VSwitch:         `vsw` + regional,
	inventory.VBR:             `vbr` + regional,
	inventory.BGPGroup:        `bgpg` + regional,
	inventory.BGPPeer:         `bgp` + regional,
	inventory.VPNGateway:      `vpn` + regional,
	inventory.CustomerGateway: `cgw` + regional,
	inventory.VPNConnection:   `vco` + regional,
	inventory.VPNRouteEntry:   `vpn` + regional + `:vco` + regional + `:172\.16\.0\.0/16`,
	inventory.CEN:             `cen` + global,
	inventory.TransitRouter:   `cen` + global + `:tr` + regional,
	inventory.TRVPCAttachment: `cen` + global + `:tr-attach` + global,
	inventory.TRVBRAttachment: `cen` + global + `:tr-attach` + global,
	inventory.TRAssociation:   `tr-attach` + global + `:vtb` + regional,
	inventory.TRPropagation:   `tr-attach` + global + `:vtb` + regional,
	inventory.CENRouteEntry:   `cen` + global + `:vtb` + regional + `:172\.16\.0\.0/16`,
	inventory.VBRHealthCheck:  `vbr` + regional + `:cn-hangzhou`,
	inventory.RouteMap:        `cen` + global + `:cenrmap` + global,
}

func TestEveryTypeCreatesWithTheAPIsIDFormat(t *testing.T) {
	h := newHarness(t)
	w := newWorld(h)
	seen := map[tokens.Type]bool{}
	for _, c := range w.all() {
		seen[c.t] = true
		assert.Regexp(t, "^"+idFormats[c.t]+"$", c.id, "%s", c.t)
	}
	assert.Len(t, seen, len(idFormats), "the world creates every type")
	schema := loadSchema(t)
	for _, c := range w.all() {
		for _, p := range schema.Resources[string(c.t)].Required {
			v, ok := c.out[resource.PropertyKey(p)]
			assert.True(t, ok && !v.IsNull(), "%s output %s", c.t, p)
		}
		for k := range c.inputs {
			assert.Contains(t, c.out, resource.PropertyKey(k), "%s echoes input %s", c.t, k)
		}
	}
}

func TestComputedOutputs(t *testing.T) {
	h := newHarness(t)
	w := newWorld(h)

	id := func(prefix string) *regexp.Regexp { return regexp.MustCompile("^" + prefix + regional + "$") }
	assert.Regexp(t, id("vtb"), w.vpc1.str("routeTableId"))
	assert.Regexp(t, id("vrt"), w.vpc1.str("routerId"))
	assert.Equal(t, w.vpc1.str("routeTableId"), w.vpc1.str("routerTableId"))
	assert.Equal(t, "Available", w.vpc1.str("status"))
	assert.Equal(t, "VPC1", w.vpc1.str("name"), "deprecated name mirrors vpcName")
	assert.NotEqual(t, w.vpc1.str("routeTableId"), w.vpc2.str("routeTableId"))
	assert.Equal(t, "cn-hangzhou-h", w.sw1h.str("availabilityZone"))
	assert.Regexp(t, id("vtb"), w.vbr.str("routeTableId"))
	assert.Equal(t, "active", w.vbr.str("status"))
	assert.Equal(t, float64(45104), w.bgpGroup.out["localAsn"].NumberValue())
	assert.True(t, w.bgpGroup.out["authKey"].IsSecret(), "the BGP key stays secret")

	// The gateway's two public IPs are distinct documentation addresses.
	ip1, ip2 := w.gw.str("internetIp"), w.gw.str("disasterRecoveryInternetIp")
	for _, ip := range []string{ip1, ip2} {
		assert.True(t, publicIPs.Contains(netip.MustParseAddr(ip)), ip)
	}
	assert.NotEqual(t, ip1, ip2)
	assert.Equal(t, "Active", w.gw.str("status"))
	single := h.create(inventory.VPNGateway, "gw-single", props{"vpcId": w.vpc1.id, "bandwidth": 10, "vswitchId": w.sw1h.id})
	assert.Equal(t, "", single.str("disasterRecoveryInternetIp"))
	assert.NotContains(t, []string{ip1, ip2}, single.str("internetIp"))

	// Each tunnel gets its ID, its gateway IP, the zone of its vSwitch and,
	// when none is given, a generated 16-character key, returned as a
	// secret; the API's defaults fill the settings not given.
	sparse := h.create(inventory.VPNConnection, "sparse", props{"vpnGatewayId": w.gw.id, "localSubnets": []string{"0.0.0.0/0"},
		"remoteSubnets": []string{"0.0.0.0/0"}, "tunnelOptionsSpecifications": []any{
			props{"role": "master", "customerGatewayId": w.cgw.id, "tunnelIkeConfig": props{"ikeVersion": "ikev2"}},
			props{"role": "slave", "customerGatewayId": w.cgw.id, "tunnelIkeConfig": props{"ikeVersion": "ikev2"}}}})
	for i, want := range []struct{ ip, zone string }{{ip1, "cn-hangzhou-h"}, {ip2, "cn-hangzhou-i"}} {
		tun := sparse.out["tunnelOptionsSpecifications"].ArrayValue()[i].ObjectValue()
		assert.Regexp(t, "^tun"+global+"$", tun["tunnelId"].StringValue())
		assert.Equal(t, want.ip, tun["internetIp"].StringValue())
		assert.Equal(t, want.zone, tun["zoneNo"].StringValue())
		assert.Equal(t, "ipsec_sa_established", tun["status"].StringValue())
		ike := tun["tunnelIkeConfig"].ObjectValue()
		require.True(t, ike["psk"].IsSecret())
		assert.Len(t, ike["psk"].SecretValue().Element.StringValue(), 16)
		assert.Equal(t, "ikev2", ike["ikeVersion"].StringValue(), "given values win")
		assert.Equal(t, "group2", ike["ikePfs"].StringValue(), "defaults fill the rest")
		assert.Equal(t, "203.0.113.68", ike["remoteId"].StringValue())
	}
	assert.Equal(t, "published", w.route.str("status"))
	assert.Equal(t, "custom", w.route.str("routeEntryType"))

	assert.Regexp(t, "^tr"+regional+"$", w.tr.str("transitRouterId"))
	assert.Equal(t, "Enterprise", w.tr.str("type"))
	assert.Equal(t, "cn-hangzhou", w.tr.str("regionId"))
	assert.Regexp(t, "^vtb"+regional+"$", w.systemTable)
	for _, a := range []created{w.att1, w.att2, w.vbrAtt} {
		assert.Regexp(t, "^tr-attach"+global+"$", a.str("transitRouterAttachmentId"))
		assert.Equal(t, "Attached", a.str("status"))
		assert.Equal(t, a.id, w.cen.id+":"+a.str("transitRouterAttachmentId"))
	}
	assert.Equal(t, "Active", w.assoc1.str("status"))
	assert.Equal(t, "Active", w.prop1.str("status"))
	assert.Equal(t, float64(8), w.health.out["healthyThreshold"].NumberValue())
}

func TestSingleTunnelConnection(t *testing.T) {
	h := newHarness(t)
	vpc := h.create(inventory.VPC, "vpc", props{"cidrBlock": "10.0.0.0/16"})
	sw := h.create(inventory.VSwitch, "sw", props{"vpcId": vpc.id, "cidrBlock": "10.0.1.0/24", "zoneId": "cn-hangzhou-h"})
	gw := h.create(inventory.VPNGateway, "gw", props{"vpcId": vpc.id, "bandwidth": 10, "vswitchId": sw.id})
	cgw := h.create(inventory.CustomerGateway, "cgw", props{"ipAddress": "203.0.113.10"})
	in := props{"vpnGatewayId": gw.id, "customerGatewayId": cgw.id, "localSubnets": []string{"0.0.0.0/0"}, "remoteSubnets": []string{"0.0.0.0/0"}}
	conn := h.create(inventory.VPNConnection, "conn", in)
	ike := conn.out["ikeConfig"].ObjectValue()
	require.True(t, ike["psk"].IsSecret(), "a generated key is a secret")
	assert.Len(t, ike["psk"].SecretValue().Element.StringValue(), 16)
	assert.Equal(t, gw.str("internetIp"), ike["ikeLocalId"].StringValue())
	assert.Equal(t, "203.0.113.10", ike["ikeRemoteId"].StringValue())

	// A dual-tunnel body on a single-tunnel gateway is what the API rejects.
	_, err := h.tryCreate(inventory.VPNConnection, "conn2", dualTunnel(gw.id, cgw.id))
	require.ErrorContains(t, err, "InvalidParameter.TunnelOptionsSpecification")
}

func TestPreviewAndProtocol(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	info, err := h.client.GetPluginInfo(ctx, &emptypb.Empty{})
	require.NoError(t, err)
	assert.Equal(t, "3.105.0", info.Version)
	_, err = h.client.Attach(ctx, &pulumirpc.PluginAttach{Address: "127.0.0.1:1"})
	require.NoError(t, err)
	hs, err := h.client.Handshake(ctx, &pulumirpc.ProviderHandshakeRequest{})
	require.NoError(t, err)
	assert.True(t, hs.AcceptSecrets)
	cfg, err := h.client.Configure(ctx, &pulumirpc.ConfigureRequest{Variables: map[string]string{"alicloud:config:region": "cn-hangzhou"}})
	require.NoError(t, err)
	assert.True(t, cfg.AcceptSecrets && cfg.SupportsPreview)
	sch, err := h.client.GetSchema(ctx, &pulumirpc.GetSchemaRequest{})
	require.NoError(t, err)
	assert.Contains(t, sch.Schema, `"alicloud:vpn/gateway:Gateway"`, "the SDK subset's schema")
	_, err = h.client.Cancel(ctx, &emptypb.Empty{})
	require.NoError(t, err)

	// Preview creates nothing and knows only the inputs.
	resp, err := h.client.Create(ctx, &pulumirpc.CreateRequest{Urn: urnOf(inventory.VPC, "v"), Preview: true,
		Properties: h.marshal(props{"cidrBlock": "10.0.0.0/16", "vpcName": unknown})})
	require.NoError(t, err)
	assert.Empty(t, resp.Id)
	snap, err := h.cloud.Snapshot()
	require.NoError(t, err)
	assert.Empty(t, snap)

	// Unknown types are refused by name.
	_, err = h.client.Check(ctx, &pulumirpc.CheckRequest{Urn: urnOf("alicloud:ecs/instance:Instance", "i"), News: h.marshal(props{})})
	require.ErrorContains(t, err, `"alicloud:ecs/instance:Instance"`)
	_, err = h.tryCreate(trRouteTable, "rt", props{"transitRouterId": "tr-x"})
	require.ErrorContains(t, err, "does not implement")

	fails, err := h.client.CheckConfig(ctx, &pulumirpc.CheckRequest{Urn: "urn:pulumi:dev::hybridlink::pulumi:providers:alicloud::default", News: h.marshal(props{"region": "mars-1"})})
	require.NoError(t, err)
	requireFailure(t, fails.Failures, "region", "InvalidRegionId.Malformed")
	d, err := h.client.DiffConfig(ctx, &pulumirpc.DiffRequest{Olds: h.marshal(props{"region": "cn-hangzhou"}),
		News: h.marshal(props{"region": "cn-shanghai"}), OldInputs: h.marshal(props{"region": "cn-hangzhou"})})
	require.NoError(t, err)
	assert.Equal(t, []string{"region"}, d.Replaces)
}

func TestRegionFollowsConfiguration(t *testing.T) {
	h := newHarness(t)
	_, err := h.client.Configure(context.Background(), &pulumirpc.ConfigureRequest{Args: h.marshal(props{"region": "cn-shanghai"})})
	require.NoError(t, err)
	vpc := h.create(inventory.VPC, "vpc", props{"cidrBlock": "10.0.0.0/16"})
	assert.Regexp(t, "^vpc-uf6", vpc.id)
	assert.Equal(t, "cn-shanghai", vpc.str("regionId"))
	_, err = h.tryCreate(inventory.VSwitch, "sw", props{"vpcId": vpc.id, "cidrBlock": "10.0.1.0/24", "zoneId": "cn-hangzhou-h"})
	requireAPIError(t, err, "zoneId", "InvalidZoneId.NotFound", "cn-shanghai")
}

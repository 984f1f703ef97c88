package localcloud

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/inventory"
)

func TestDiffReplaceOrUpdate(t *testing.T) {
	h := newHarness(t)
	w := newWorld(h)
	tunnels := func(cgw1, cgw2 string, psk string) props {
		return with(w.conn.inputs, props{"tunnelOptionsSpecifications": []any{
			props{"role": "master", "customerGatewayId": cgw1, "tunnelIkeConfig": props{"psk": psk}},
			props{"role": "slave", "customerGatewayId": cgw2}}})
	}
	cases := []struct {
		name     string
		res      created
		news     props
		replaces []string // nil: an in-place update
	}{
		{"VPC block", w.vpc1, props{"vpcName": "VPC1", "cidrBlock": "192.168.0.0/15"}, nil},
		{"VPC user CIDRs", w.vpc1, with(w.vpc1.inputs, props{"userCidrs": []string{"10.0.0.0/8"}}), []string{"userCidrs"}},
		{"vSwitch VPC", w.sw1h, with(w.sw1h.inputs, props{"vpcId": w.vpc2.id}), []string{"vpcId"}},
		{"vSwitch block and zone", w.sw1h, with(w.sw1h.inputs, props{"cidrBlock": "192.168.30.0/24", "zoneId": "cn-hangzhou-j"}), []string{"cidrBlock", "zoneId"}},
		{"vSwitch name", w.sw1h, with(w.sw1h.inputs, props{"vswitchName": "web"}), nil},
		{"VBR circuit", w.vbr, with(w.vbr.inputs, props{"physicalConnectionId": "pc-bp1other"}), []string{"physicalConnectionId"}},
		{"VBR VLAN", w.vbr, with(w.vbr.inputs, props{"vlanId": 10}), nil},
		{"BGP group router", w.bgpGroup, with(w.bgpGroup.inputs, props{"routerId": "vbr-bp1other"}), []string{"routerId"}},
		{"BGP group peer ASN", w.bgpGroup, with(w.bgpGroup.inputs, props{"peerAsn": 65531}), nil},
		{"BGP peer group", w.bgpPeer, with(w.bgpPeer.inputs, props{"bgpGroupId": "bgpg-bp1other"}), []string{"bgpGroupId"}},
		{"BGP peer IP version", w.bgpPeer, with(w.bgpPeer.inputs, props{"ipVersion": "IPV6"}), []string{"ipVersion"}},
		{"BGP peer BFD", w.bgpPeer, with(w.bgpPeer.inputs, props{"enableBfd": true}), nil},
		// The provider replaces for the first vSwitch only; the second is an
		// update it never sends (see TestNeverSentUpdate).
		{"gateway vSwitches", w.gw, with(w.gw.inputs, props{"vswitchId": w.sw2i.id, "disasterRecoveryVswitchId": w.sw2h.id}), []string{"vswitchId"}},
		{"gateway bandwidth", w.gw, with(w.gw.inputs, props{"bandwidth": 20}), []string{"bandwidth"}},
		{"gateway name", w.gw, with(w.gw.inputs, props{"vpnGatewayName": "vpn"}), nil},
		{"customer gateway IP", w.cgw, props{"ipAddress": "203.0.113.69"}, []string{"ipAddress"}},
		{"customer gateway ASN", w.cgw, props{"ipAddress": "203.0.113.68", "asn": "65530"}, []string{"asn"}},
		{"customer gateway description", w.cgw, props{"ipAddress": "203.0.113.68", "description": "idc"}, nil},
		{"connection gateway", w.conn, with(w.conn.inputs, props{"vpnGatewayId": "vpn-bp1other"}), []string{"vpnGatewayId"}},
		{"connection tunnel customer gateway", w.conn, tunnels(w.cgw.id, "cgw-bp1other", "k"), []string{"tunnelOptionsSpecifications"}},
		{"connection tunnel key", w.conn, tunnels(w.cgw.id, w.cgw.id, "k"), nil},
		{"connection subnets", w.conn, with(w.conn.inputs, props{"remoteSubnets": []string{"172.16.0.0/16"}}), nil},
		{"route destination", w.route, with(w.route.inputs, props{"routeDest": "172.17.0.0/16"}), []string{"routeDest"}},
		{"route next hop", w.route, with(w.route.inputs, props{"nextHop": "vco-bp1other"}), []string{"nextHop"}},
		{"route weight", w.route, with(w.route.inputs, props{"weight": 0}), nil},
		{"CEN name", w.cen, props{"cenInstanceName": "hub2"}, nil},
		{"transit router CEN", w.tr, props{"cenId": "cen-other"}, []string{"cenId"}},
		{"transit router name", w.tr, with(w.tr.inputs, props{"transitRouterName": "tr"}), nil},
		{"VPC attachment VPC", w.att1, with(w.att1.inputs, props{"vpcId": w.vpc2.id}), []string{"vpcId"}},
		{"VPC attachment zones", w.att1, with(w.att1.inputs, props{"zoneMappings": []any{props{"zoneId": "cn-hangzhou-h", "vswitchId": w.sw1h.id}}}), nil},
		{"VBR attachment VBR", w.vbrAtt, with(w.vbrAtt.inputs, props{"vbrId": "vbr-bp1other"}), []string{"vbrId"}},
		{"VBR attachment auto-publish", w.vbrAtt, with(w.vbrAtt.inputs, props{"autoPublishRouteEnabled": false}), nil},
		{"association table", w.assoc1, with(w.assoc1.inputs, props{"transitRouterRouteTableId": "vtb-bp1other"}), []string{"transitRouterRouteTableId"}},
		{"propagation attachment", w.prop1, with(w.prop1.inputs, props{"transitRouterAttachmentId": "tr-attach-other"}), []string{"transitRouterAttachmentId"}},
		{"CEN route CIDR", w.cenRoute, with(w.cenRoute.inputs, props{"cidrBlock": "172.17.0.0/16"}), []string{"cidrBlock"}},
		{"health check VBR", w.health, with(w.health.inputs, props{"vbrInstanceId": "vbr-bp1other"}), []string{"vbrInstanceId"}},
		{"health check interval", w.health, with(w.health.inputs, props{"healthCheckInterval": 3}), nil},
		{"route map preference", w.routeMap, with(w.routeMap.inputs, props{"preference": 20}), nil},
		{"route map direction", w.routeMap, with(w.routeMap.inputs, props{"transmitDirection": "RegionOut"}), []string{"transmitDirection"}},
		{"unknown force-new value", w.sw1h, with(w.sw1h.inputs, props{"vpcId": unknown}), []string{"vpcId"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := h.diff(tc.res, tc.news)
			assert.Equal(t, pulumirpc.DiffResponse_DIFF_SOME, d.Changes)
			assert.Equal(t, tc.replaces, d.Replaces)
			assert.True(t, d.HasDetailedDiff)
			for path, pd := range d.DetailedDiff {
				isReplace := pd.Kind == pulumirpc.PropertyDiff_ADD_REPLACE || pd.Kind == pulumirpc.PropertyDiff_DELETE_REPLACE ||
					pd.Kind == pulumirpc.PropertyDiff_UPDATE_REPLACE
				if isReplace {
					assert.Contains(t, tc.replaces, string(topKey(path)), "%s is %s", path, pd.Kind)
				}
			}
		})
	}
}

func TestDiffNoChange(t *testing.T) {
	h := newHarness(t)
	w := newWorld(h)
	for _, c := range w.all() {
		d := h.diff(c, c.inputs)
		assert.Equal(t, pulumirpc.DiffResponse_DIFF_NONE, d.Changes, "%s", c.t)
	}
	// Setting an input to what the cloud already reports changes nothing;
	// neither does a secret wrapper around the same value.
	assert.Equal(t, pulumirpc.DiffResponse_DIFF_NONE, h.diff(w.gw, with(w.gw.inputs, props{"paymentType": "PayAsYouGo", "networkType": "public"})).Changes)
	assert.Equal(t, pulumirpc.DiffResponse_DIFF_NONE,
		h.diff(w.vpc1, with(w.vpc1.inputs, props{"cidrBlock": resource.MakeSecret(resource.NewStringProperty("192.168.0.0/16"))})).Changes)
	// Removing an input is a change.
	d := h.diff(w.vbr, with(w.vbr.inputs, props{"virtualBorderRouterName": nil}))
	assert.Equal(t, pulumirpc.PropertyDiff_DELETE, d.DetailedDiff["virtualBorderRouterName"].GetKind())
}

func TestUpdateInPlace(t *testing.T) {
	h := newHarness(t)
	w := newWorld(h)

	// A VPC block may grow; shrinking it below its vSwitches is refused.
	grown, err := h.update(w.vpc1, with(w.vpc1.inputs, props{"cidrBlock": "192.168.0.0/15"}))
	require.NoError(t, err)
	assert.Equal(t, w.vpc1.str("routeTableId"), grown.str("routeTableId"), "generated outputs survive an update")
	_, err = h.update(grown, with(w.vpc1.inputs, props{"cidrBlock": "192.168.0.0/24"}))
	require.ErrorContains(t, err, "InvalidCidrBlock.InUse")

	// The same rules as Create apply.
	_, err = h.update(w.vbr, with(w.vbr.inputs, props{"vlanId": 4000}))
	require.ErrorContains(t, err, "InvalidVlanId.Malformed")

	// New keys replace generated ones; tunnels and IPs are kept.
	conn, err := h.update(w.conn, with(w.conn.inputs, props{"tunnelOptionsSpecifications": []any{
		props{"role": "master", "customerGatewayId": w.cgw.id, "tunnelIkeConfig": props{"psk": resource.MakeSecret(resource.NewStringProperty("given-key"))}},
		props{"role": "slave", "customerGatewayId": w.cgw.id}}}))
	require.NoError(t, err)
	oldTunnels := w.conn.out["tunnelOptionsSpecifications"].ArrayValue()
	for i, tun := range conn.out["tunnelOptionsSpecifications"].ArrayValue() {
		assert.Equal(t, oldTunnels[i].ObjectValue()["tunnelId"], tun.ObjectValue()["tunnelId"])
	}
	psk := func(c created, i int) resource.PropertyValue {
		return c.out["tunnelOptionsSpecifications"].ArrayValue()[i].ObjectValue()["tunnelIkeConfig"].ObjectValue()["psk"]
	}
	assert.Equal(t, "given-key", psk(conn, 0).SecretValue().Element.StringValue())
	assert.Equal(t, psk(w.conn, 1), psk(conn, 1), "the generated key of the other tunnel is kept")

	_, err = h.update(created{t: inventory.VPC, id: "vpc-bp1gone", inputs: props{}}, props{"cidrBlock": "10.0.0.0/16"})
	require.ErrorContains(t, err, "InvalidVpcId.NotFound")
}

package localcloud

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/inventory"
)

// A vSwitch lies in its VPC's block (docCreateVSwitch): the API says so at
// Create; the provider's Check, which calls no API, lets it through.
func TestVSwitchMustLieInItsVPC(t *testing.T) {
	h := newHarness(t)
	vpc := h.create(inventory.VPC, "vpc", props{"cidrBlock": "10.0.0.0/16"})
	outside := props{"vpcId": vpc.id, "cidrBlock": "10.1.0.0/24", "zoneId": "cn-hangzhou-h"}
	assert.Empty(t, h.check(inventory.VSwitch, "sw", outside))
	_, err := h.tryCreate(inventory.VSwitch, "sw", outside)
	requireAPIError(t, err, "cidrBlock", "InvalidCidrBlock.NotInVpc", "10.0.0.0/16", vpc.id)

	// Shrinking the VPC's block in place must keep its vSwitches'
	// (docModifyVpcAttribute).
	h.create(inventory.VSwitch, "sw1", props{"vpcId": vpc.id, "cidrBlock": "10.0.200.0/24", "zoneId": "cn-hangzhou-h"})
	_, err = h.update(vpc, props{"cidrBlock": "10.0.0.0/17"})
	require.ErrorContains(t, err, "10.0.200.0/24")
}

func TestOneActiveRoutePerDestination(t *testing.T) {
	h := newHarness(t)
	w := newWorld(h)
	second := props{"vpnGatewayId": w.gw.id, "nextHop": w.conn.id, "routeDest": "172.16.9.0/16", "weight": 100, "publishVpc": true}

	// Check makes no API call, as the real provider's does not, so a preview
	// reaches the policy pack, which names the conflict; the API refuses it
	// at Create, and host bits do not hide the same destination.
	assert.Empty(t, h.check(inventory.VPNRouteEntry, "route2", second))
	_, err := h.tryCreate(inventory.VPNRouteEntry, "route2", second)
	require.ErrorContains(t, err, "VpnRouteEntry.WeightConflict")
	require.ErrorContains(t, err, "172.16.0.0/16")

	// A standby route to the same destination is fine, and so is checking an
	// update of the active route itself.
	standby := h.create(inventory.VPNRouteEntry, "route2", with(second, props{"weight": 0}))
	assert.Empty(t, h.check(inventory.VPNRouteEntry, "route", w.route.inputs))
	// Raising the standby to 100 is refused at Update too.
	_, err = h.update(standby, with(second, props{"weight": 100}))
	require.ErrorContains(t, err, "VpnRouteEntry.WeightConflict")
	// Once the active route is standby, the other may become active.
	_, err = h.update(w.route, with(w.route.inputs, props{"weight": 0}))
	require.NoError(t, err)
	_, err = h.update(standby, with(second, props{"weight": 100}))
	require.NoError(t, err)
}

func TestCreateChecksReferences(t *testing.T) {
	h := newHarness(t)
	w := newWorld(h)
	cases := []struct {
		name string
		c    func() error
		want string
	}{
		{"vSwitch in a missing VPC", func() error {
			_, err := h.tryCreate(inventory.VSwitch, "x", with(vswitchBase, props{"vpcId": "vpc-bp1missing"}))
			return err
		}, "InvalidVpcId.NotFound: the specified Vpc vpc-bp1missing does not exist"},
		{"BGP group on a missing VBR", func() error {
			_, err := h.tryCreate(inventory.BGPGroup, "x", with(groupBase, props{"routerId": "vbr-bp1missing"}))
			return err
		}, "InvalidRouterId.NotFound"},
		{"VLAN used twice on a circuit", func() error {
			_, err := h.tryCreate(inventory.VBR, "x", with(vbrProps(), props{"localGatewayIp": "10.2.0.1", "peerGatewayIp": "10.2.0.2"}))
			return err
		}, "InvalidVlanId.Used"},
		{"gateway vSwitch of another VPC", func() error {
			_, err := h.tryCreate(inventory.VPNGateway, "x", props{"vpcId": w.vpc2.id, "bandwidth": 10, "vswitchId": w.sw1h.id})
			return err
		}, "InvalidVSwitchId.NotInVpc"},
		{"single-tunnel body on a dual-tunnel gateway", func() error {
			_, err := h.tryCreate(inventory.VPNConnection, "x", with(connBase, props{"vpnGatewayId": w.gw.id, "customerGatewayId": w.cgw.id}))
			return err
		}, "MissingParameter"},
		{"tunnel without customer gateway", func() error {
			_, err := h.tryCreate(inventory.VPNConnection, "x", with(dualTunnel(w.gw.id, w.cgw.id), props{"tunnelOptionsSpecifications": []any{props{"role": "master", "customerGatewayId": w.cgw.id}, props{"role": "slave"}}}))
			return err
		}, "tunnelOptionsSpecifications[1].customerGatewayId"},
		{"attachment zone of another vSwitch", func() error {
			vpc := h.create(inventory.VPC, "vpc3", props{"cidrBlock": "10.50.0.0/16"})
			sw := h.create(inventory.VSwitch, "sw3", props{"vpcId": vpc.id, "cidrBlock": "10.50.1.0/24", "zoneId": "cn-hangzhou-h"})
			_, err := h.tryCreate(inventory.TRVPCAttachment, "x", props{"vpcId": vpc.id, "cenId": w.cen.id,
				"zoneMappings": []any{props{"zoneId": "cn-hangzhou-j", "vswitchId": sw.id}}})
			return err
		}, "InvalidZoneId.Mismatch"},
		{"attachment of a CEN without transit router", func() error {
			other := h.create(inventory.CEN, "cen2", props{})
			_, err := h.tryCreate(inventory.TRVBRAttachment, "x", props{"vbrId": w.vbr.id, "cenId": other.id})
			return err
		}, "LocalCloud.NotModelled"},
		{"attachment associated twice", func() error {
			_, err := h.tryCreate(inventory.TRAssociation, "x", w.assoc1.inputs)
			return err
		}, "TransitRouterRouteTableAssociation.AlreadyExists"},
		{"route table of a missing transit router", func() error {
			_, err := h.tryCreate(inventory.TRPropagation, "x", props{"transitRouterAttachmentId": w.att1.str("transitRouterAttachmentId"), "transitRouterRouteTableId": "vtb-bp1missing"})
			return err
		}, "InvalidTransitRouterRouteTableId.NotFound"},
		{"advertising a route the VPC does not have", func() error {
			_, err := h.tryCreate(inventory.CENRouteEntry, "x", props{"instanceId": w.cen.id, "routeTableId": w.vpc2.str("routeTableId"), "cidrBlock": "172.17.0.0/16"})
			return err
		}, "InvalidRouteEntry.NotFound"},
		{"advertising from a route table that does not exist", func() error {
			_, err := h.tryCreate(inventory.CENRouteEntry, "x", props{"instanceId": w.cen.id, "routeTableId": w.gw.str("vpcId") + "-not-a-table", "cidrBlock": "172.16.0.0/16"})
			return err
		}, "InvalidRouteTableId.NotFound"},
		{"health check of another region", func() error {
			_, err := h.tryCreate(inventory.VBRHealthCheck, "x", with(w.health.inputs, props{"vbrInstanceRegionId": "cn-shanghai"}))
			return err
		}, "InvalidVbrInstanceRegionId.Mismatch"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorContains(t, tc.c(), tc.want)
		})
	}
}

// The API refuses the steps of the design out of order: a route is
// advertised only once the VPC is attached and the route exists
// (docPublishRouteEntries).
func TestOrderMatters(t *testing.T) {
	h := newHarness(t)
	vpc := h.create(inventory.VPC, "vpc", props{"cidrBlock": "10.0.0.0/16"})
	sw := h.create(inventory.VSwitch, "sw", props{"vpcId": vpc.id, "cidrBlock": "10.0.1.0/24", "zoneId": "cn-hangzhou-h"})
	cen := h.create(inventory.CEN, "cen", props{})
	tr := h.create(inventory.TransitRouter, "tr", props{"cenId": cen.id})
	advertise := props{"instanceId": cen.id, "routeTableId": vpc.str("routeTableId"), "cidrBlock": "172.16.0.0/16"}
	// Check lets it through: the attachment may be created in the same update.
	assert.Empty(t, h.check(inventory.CENRouteEntry, "adv", advertise))
	_, err := h.tryCreate(inventory.CENRouteEntry, "adv", advertise)
	require.ErrorContains(t, err, "InvalidOperation.VpcNotAttached")
	require.ErrorContains(t, err, "InvalidRouteEntry.NotFound")

	h.create(inventory.TRVPCAttachment, "att", props{"vpcId": vpc.id, "transitRouterId": tr.str("transitRouterId"),
		"zoneMappings": []any{props{"zoneId": "cn-hangzhou-h", "vswitchId": sw.id}}})
	gw := h.create(inventory.VPNGateway, "gw", props{"vpcId": vpc.id, "bandwidth": 10, "vswitchId": sw.id})
	cgw := h.create(inventory.CustomerGateway, "cgw", props{"ipAddress": "203.0.113.5"})
	conn := h.create(inventory.VPNConnection, "conn", with(connBase, props{"vpnGatewayId": gw.id, "customerGatewayId": cgw.id}))
	route := props{"vpnGatewayId": gw.id, "nextHop": conn.id, "routeDest": "172.16.0.0/16", "weight": 100, "publishVpc": false}
	h.create(inventory.VPNRouteEntry, "route", route)
	_, err = h.tryCreate(inventory.CENRouteEntry, "adv", advertise)
	require.ErrorContains(t, err, "InvalidRouteEntry.NotFound", "a route not advertised to the VPC is not in its table")
	// Advertising it to the VPC (an in-place update) makes it publishable.
	_, err = h.update(created{t: inventory.VPNRouteEntry, id: gw.id + ":" + conn.id + ":172.16.0.0/16", inputs: route}, with(route, props{"publishVpc": true}))
	require.NoError(t, err)
	h.create(inventory.CENRouteEntry, "adv", advertise)
}

// An attachment is associated with one route table
// (docAssociateTRRouteTable) but learns routes into any number, of its
// transit router or another (the CEN route-learning guide).
func TestOneAssociationManyPropagations(t *testing.T) {
	h := newHarness(t)
	w := newWorld(h)
	trID := w.tr.str("transitRouterId")
	// A custom route table on the transit router, as the API would hold one.
	const custom = "vtb-bp1customcustomcustom"
	require.NoError(t, h.cloud.modify(func(st *state) error {
		st.Resources = append(st.Resources, &record{Type: trRouteTable, ID: resource.ID(trID + ":" + custom), Owner: resource.ID(w.tr.id),
			Outputs: resource.PropertyMap{"transitRouterId": str(trID), "transitRouterRouteTableId": str(custom),
				"transitRouterRouteTableType": str("Custom"), "transitRouterRouteTableName": str("blue"), "status": str("Active")}})
		return nil
	}))
	attID := w.att1.str("transitRouterAttachmentId")
	_, err := h.tryCreate(inventory.TRAssociation, "x", props{"transitRouterAttachmentId": attID, "transitRouterRouteTableId": custom})
	require.ErrorContains(t, err, "Forbidden.AttachmentAssociated")
	// An attachment propagates to as many tables as it likes.
	h.create(inventory.TRPropagation, "p", props{"transitRouterAttachmentId": attID, "transitRouterRouteTableId": custom})

	resp, err := h.invoke(props{"transitRouterId": trID, "transitRouterRouteTableType": "Custom", "nameRegex": "^bl"})
	require.NoError(t, err)
	assert.Equal(t, []string{custom}, inventory.Resource{Props: h.unmarshal(resp.Return)}.Strings("ids"))

	cen2 := h.create(inventory.CEN, "cen2", props{})
	tr2 := h.create(inventory.TransitRouter, "tr2", props{"cenId": cen2.id})
	resp, err = h.invoke(props{"transitRouterId": tr2.str("transitRouterId")})
	require.NoError(t, err)
	other := field(h.unmarshal(resp.Return), "tables[0].transitRouterRouteTableId")
	h.create(inventory.TRPropagation, "y", props{"transitRouterAttachmentId": attID, "transitRouterRouteTableId": other})
}

// TestRouteMapPriorities: route maps of one CEN, region and direction take
// distinct priorities (docCreateCenRouteMap); another direction or another
// CEN may reuse one.
func TestRouteMapPriorities(t *testing.T) {
	h := newHarness(t)
	w := newWorld(h)
	_, err := h.tryCreate(inventory.RouteMap, "again", routeMapProps(w, 10))
	require.ErrorContains(t, err, "Forbidden.DuplicatedPriority")
	require.ErrorContains(t, err, "priority 10")
	h.create(inventory.RouteMap, "next", routeMapProps(w, 11))
	h.create(inventory.RouteMap, "outbound", with(routeMapProps(w, 10), props{"transmitDirection": "RegionOut"}))

	cen2 := h.create(inventory.CEN, "cen2", props{})
	h.create(inventory.RouteMap, "elsewhere", with(routeMapProps(w, 10), props{"cenId": cen2.id, "transitRouterRouteTableId": nil}))
}

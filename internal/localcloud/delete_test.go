package localcloud

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/inventory"
)

func TestDeleteRespectsDependencies(t *testing.T) {
	h := newHarness(t)
	w := newWorld(h)
	cases := []struct {
		victim created
		want   string
	}{
		{w.vpc1, "DependencyViolation.VSwitch"},
		{w.sw2h, "DependencyViolation.VpnGateway"},
		{w.sw1h, "DependencyViolation.TransitRouterVpcAttachment"},
		{w.vbr, "DependencyViolation.BgpGroup"},
		{w.bgpGroup, "DependencyViolation.BgpPeer"},
		{w.gw, "DependencyViolation.VpnConnection"},
		{w.cgw, "DependencyViolation.VpnConnection"},
		{w.conn, "DependencyViolation.VpnRouteEntry"},
		{w.cen, "DependencyViolation.TransitRouter"},
		{w.tr, "DependencyViolation.TransitRouterVpcAttachment"},
		{w.att1, "DependencyViolation.TransitRouterRouteTableAssociation"},
		{w.vbrAtt, "DependencyViolation.TransitRouterRouteTableAssociation"},
	}
	for _, tc := range cases {
		err := h.delete(tc.victim)
		require.ErrorContains(t, err, tc.want, "%s", tc.victim.t)
		require.ErrorContains(t, err, tc.victim.id)
		id, _ := h.read(tc.victim)
		assert.Equal(t, tc.victim.id, id, "a refused delete leaves %s in place", tc.victim.t)
	}

	// Deleting in the engine's order (dependents first) empties the cloud;
	// the transit router takes its system route table with it.
	all := w.all()
	slices.Reverse(all)
	for _, c := range all {
		require.NoError(t, h.delete(c), "%s", c.t)
		id, out := h.read(c)
		assert.Empty(t, id, "Read after delete reports %s gone", c.t)
		assert.Nil(t, out)
	}
	snap, err := h.cloud.Snapshot()
	require.NoError(t, err)
	assert.Empty(t, snap)
	// Deleting what is gone succeeds, as the provider treats NotFound.
	require.NoError(t, h.delete(w.vpc1))
}

func TestDeleteHealthCheckedVBR(t *testing.T) {
	h := newHarness(t)
	w := newWorld(h)
	for _, c := range []created{w.bgpPeer, w.bgpGroup, w.assocVbr, w.prop3, w.vbrAtt} {
		require.NoError(t, h.delete(c))
	}
	require.ErrorContains(t, h.delete(w.vbr), "DependencyViolation.VbrHealthCheck")
	require.NoError(t, h.delete(w.health))
	require.NoError(t, h.delete(w.vbr))
}

func TestForceDeleteTakesAssociations(t *testing.T) {
	h := newHarness(t)
	w := newWorld(h)
	forced, err := h.update(w.att1, with(w.att1.inputs, props{"forceDelete": true}))
	require.NoError(t, err)
	require.NoError(t, h.delete(forced))
	for _, c := range []created{w.assoc1, w.prop1} {
		id, _ := h.read(c)
		assert.Empty(t, id, "%s went with its attachment", c.t)
	}
	id, _ := h.read(w.assoc2)
	assert.Equal(t, w.assoc2.id, id, "other attachments' associations stay")
}

// A Subscription gateway cannot be released before it expires: the
// provider forgets it, the cloud keeps it, and its VPC stays blocked.
func TestSubscriptionGatewayOutlivesDelete(t *testing.T) {
	h := newHarness(t)
	vpc := h.create(inventory.VPC, "vpc", props{"cidrBlock": "10.0.0.0/16"})
	gw := h.create(inventory.VPNGateway, "gw", props{"vpcId": vpc.id, "bandwidth": 10, "paymentType": "Subscription", "period": 1})
	assert.Equal(t, "PrePaid", gw.str("instanceChargeType"))
	require.NoError(t, h.delete(gw))
	id, _ := h.read(gw)
	assert.Equal(t, gw.id, id)
	require.ErrorContains(t, h.delete(vpc), "DependencyViolation.VpnGateway")
}

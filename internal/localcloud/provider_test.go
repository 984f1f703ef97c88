package localcloud

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/alicloudspec"
	"github.com/hybridlink/hybridlink/internal/inventory"
)

// modelledForms are the validator forms validationErrors applies.
var modelledForms = []string{alicloudspec.StringInSlice, alicloudspec.IntInSlice, alicloudspec.IntBetween, alicloudspec.IntAtLeast,
	alicloudspec.IntAtMost, alicloudspec.StringLenBetween, alicloudspec.StringMatch, alicloudspec.CIDRNetwork, alicloudspec.ValidRegExp,
	alicloudspec.Any}

// TestTheExtractIsModelled fails when the extract has a rule the local
// cloud does not apply: a validator form it does not know, a custom
// validator or a diff suppressor without its hand-written copy.
func TestTheExtractIsModelled(t *testing.T) {
	var validate func(path string, v *alicloudspec.Validate)
	validate = func(path string, v *alicloudspec.Validate) {
		if v == nil {
			return
		}
		assert.Contains(t, modelledForms, v.Form, "%s: validator %s", path, v)
		for _, o := range v.Of {
			validate(path, o)
		}
	}
	suppressed := map[string]bool{}
	for tok, r := range merged(spec.Resources, spec.Functions) {
		r.Walk(func(path string, p *alicloudspec.Property) {
			where := tok + " " + path
			validate(where, p.Validate)
			if p.Elem != nil {
				validate(where, p.Elem.Validate)
			}
			if p.DiffSuppress != nil && p.InSubset {
				suppressed[where] = true
				assert.Contains(t, suppressors, where, "%s has a DiffSuppressFunc (%s:%d) the local cloud does not model", where, p.DiffSuppress.File, p.DiffSuppress.Line)
			}
		})
	}
	for key := range suppressors {
		assert.True(t, suppressed[key], "suppressors[%q] models no DiffSuppressFunc of the extract", key)
	}
	for tok, k := range servedKinds() {
		assert.Same(t, spec.Resources[string(tok)], k.spec, "%s", tok)
	}
}

// merged is the union of two maps with distinct keys.
func merged[K comparable, V any](a, b map[K]V) map[K]V {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}

// TestDiffFollowsTheProvider shows the bridge's diff semantics, one case
// per class the sandbox used to get wrong.
func TestDiffFollowsTheProvider(t *testing.T) {
	h := newHarness(t)
	w := newWorld(h)
	sgw := h.create(inventory.VPNGateway, "sgw", props{"vpcId": w.vpc1.id, "bandwidth": 10, "vswitchId": w.sw1h.id})
	conn := h.create(inventory.VPNConnection, "single", props{"vpnGatewayId": sgw.id, "customerGatewayId": w.cgw.id,
		"localSubnets": []string{"10.0.0.0/16", "10.1.0.0/16"}, "remoteSubnets": []string{"172.16.0.0/16"}})
	cases := []struct {
		name    string
		res     created
		news    props
		changes []string // detailed-diff paths; none: no change
		replace bool
	}{
		{"removed Optional+Computed ForceNew input", w.gw, with(w.gw.inputs, props{"vswitchId": nil}), nil, false},
		{"removed Optional+Computed ForceNew input of an attachment", w.att1, with(w.att1.inputs, props{"transitRouterId": nil}), nil, false},
		{"reordered set", conn, with(conn.inputs, props{"localSubnets": []string{"10.1.0.0/16", "10.0.0.0/16"}}), nil, false},
		{"set changed", conn, with(conn.inputs, props{"localSubnets": []string{"10.1.0.0/16"}}), []string{"localSubnets"}, false},
		{"removed Optional input", w.vbr, with(w.vbr.inputs, props{"virtualBorderRouterName": nil}), []string{"virtualBorderRouterName"}, false},
		{"a default stands in for an unset input", w.vbrAtt, with(w.vbrAtt.inputs, props{"resourceType": nil}), nil, false},
		{"a default the program sets otherwise", w.gw, with(w.gw.inputs, props{"enableIpsec": false}), []string{"enableIpsec"}, false},
		{"a change the provider suppresses", w.gw, with(w.gw.inputs, props{"period": 3}), nil, false},
		{"a nested ForceNew field", w.conn, with(w.conn.inputs, props{"tunnelOptionsSpecifications": []any{
			w.conn.inputs["tunnelOptionsSpecifications"].([]any)[0],
			with(w.conn.inputs["tunnelOptionsSpecifications"].([]any)[1].(props), props{"customerGatewayId": "cgw-bp1other"})}}),
			[]string{"tunnelOptionsSpecifications[1].customerGatewayId"}, true},
		{"a nested updatable field", w.conn, with(w.conn.inputs, props{"tunnelOptionsSpecifications": []any{
			with(w.conn.inputs["tunnelOptionsSpecifications"].([]any)[0].(props), props{"enableDpd": false}),
			w.conn.inputs["tunnelOptionsSpecifications"].([]any)[1]}}),
			[]string{"tunnelOptionsSpecifications[0].enableDpd"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := h.diff(tc.res, tc.news)
			var paths []string
			for p := range d.DetailedDiff {
				paths = append(paths, p)
			}
			assert.ElementsMatch(t, tc.changes, paths)
			if tc.changes == nil {
				assert.Equal(t, pulumirpc.DiffResponse_DIFF_NONE, d.Changes)
			}
			assert.Equal(t, tc.replace, len(d.Replaces) > 0, "replaces %v", d.Replaces)
		})
	}
}

// TestAnUpdateTheProviderNeverSends shows what the real provider leaves
// after changing the VPN gateway's second vSwitch in place: it accepts the
// update, its Update never sends the vSwitch, and the next Read reports
// the gateway as it was — so the gateway stays single-tunnel and every
// preview shows the same change again.
func TestAnUpdateTheProviderNeverSends(t *testing.T) {
	h := newHarness(t)
	w := newWorld(h)
	single := h.create(inventory.VPNGateway, "single", props{"vpcId": w.vpc2.id, "bandwidth": 10, "vswitchId": w.sw2h.id})
	require.Equal(t, "", single.str("disasterRecoveryVswitchId"))

	dual := with(single.inputs, props{"disasterRecoveryVswitchId": w.sw2i.id})
	d := h.diff(single, dual)
	assert.Equal(t, []string{"disasterRecoveryVswitchId"}, d.Diffs)
	assert.Empty(t, d.Replaces, "the provider does not mark it ForceNew")

	after, err := h.update(single, dual)
	require.NoError(t, err)
	assert.Equal(t, "", after.str("disasterRecoveryVswitchId"), "the API never heard of the second vSwitch")
	assert.Equal(t, "", after.str("disasterRecoveryInternetIp"), "so the gateway has no second IP")
	assert.Equal(t, []string{"disasterRecoveryVswitchId"}, h.diff(after, dual).Diffs, "and the change shows again")
	_, out := h.read(after)
	assert.Equal(t, "", field(out, "disasterRecoveryVswitchId"))

	// Turning it off on a dual-tunnel gateway is no change at all: the
	// input is Optional+Computed.
	assert.Equal(t, pulumirpc.DiffResponse_DIFF_NONE, h.diff(w.gw, with(w.gw.inputs, props{"disasterRecoveryVswitchId": nil})).Changes)
	// An explicit empty value is a change, which the provider also never
	// sends.
	off := with(w.gw.inputs, props{"disasterRecoveryVswitchId": ""})
	assert.Equal(t, []string{"disasterRecoveryVswitchId"}, h.diff(w.gw, off).Diffs)
	after, err = h.update(w.gw, off)
	require.NoError(t, err)
	assert.Equal(t, w.sw2i.id, after.str("disasterRecoveryVswitchId"))
	assert.Equal(t, w.gw.str("disasterRecoveryInternetIp"), after.str("disasterRecoveryInternetIp"))
}

// TestCheckFillsInDefaults shows the inputs Check returns: the provider's
// schema defaults and auto-names, listed under __defaults, and a default
// kept from the old inputs.
func TestCheckFillsInDefaults(t *testing.T) {
	h := newHarness(t)
	in := h.checked(inventory.VPNGateway, "gw", nil, gatewayBase)
	assert.Equal(t, true, in["enableIpsec"].BoolValue())
	assert.Equal(t, false, in["enableSsl"].BoolValue())
	assert.Equal(t, 1.0, in["period"].NumberValue())
	assert.ElementsMatch(t, []resource.PropertyValue{resource.NewStringProperty("enableIpsec"), resource.NewStringProperty("enableSsl"),
		resource.NewStringProperty("period")}, in[defaultsKey].ArrayValue())
	given := h.checked(inventory.VPNGateway, "gw", nil, with(gatewayBase, props{"enableIpsec": false}))
	assert.Equal(t, false, given["enableIpsec"].BoolValue(), "a given value wins")

	// A deprecated optional attribute gets no default, nor one that
	// conflicts with a given attribute.
	attIn := h.checked(inventory.TRVBRAttachment, "att", nil, props{"vbrId": "vbr-x"})
	assert.Equal(t, "VBR", attIn["resourceType"].StringValue())

	// An alarm is auto-named after the resource, and keeps its name.
	alarm := h.checked(inventory.Alarm, "loss", nil, alarmBase)
	name := alarm["name"].StringValue()
	assert.Regexp(t, `^loss-[0-9a-f]{7}$`, name)
	assert.Equal(t, name, h.checked(inventory.Alarm, "loss", alarm, alarmBase)["name"].StringValue())
	assert.Equal(t, "a", h.checked(inventory.Alarm, "loss", alarm, with(alarmBase, props{"name": "a"}))["name"].StringValue())
	// Nested defaults fill a given block.
	crit := alarm["escalationsCritical"].ObjectValue()
	assert.Equal(t, ">", crit["comparisonOperator"].StringValue())
	assert.Equal(t, "Average", crit["statistics"].StringValue())
	assert.Equal(t, 3.0, crit["times"].NumberValue())
}

// TestSecretsStayOutOfProviderMessages: the provider's messages quote the
// value; a secret one is not shown.
func TestSecretsStayOutOfProviderMessages(t *testing.T) {
	h := newHarness(t)
	const secretValue = "Standard-secret"
	fails := h.check(inventory.VPNGateway, "gw", with(gatewayBase, props{"vpnType": resource.MakeSecret(resource.NewStringProperty(secretValue))}))
	require.Len(t, fails, 1)
	assert.False(t, strings.Contains(fails[0].Reason, secretValue), fails[0].Reason)
	assert.True(t, slices.ContainsFunc(fails, func(f *pulumirpc.CheckFailure) bool { return strings.Contains(f.Reason, "vpnType") }))
}

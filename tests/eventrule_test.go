package tests

import (
	"testing"

	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/cen"
	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/cms"
	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/expressconnect"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/components"
	"github.com/hybridlink/hybridlink/internal/inventory"
)

// hookedRules is a plain event rule and a StandbyMonitoring, each calling
// a webhook or not.
type hookedRules struct{ webhook bool }

const testWebhook = "https://hooks.example.com/hybridlink?token=rule-test"

func (w hookedRules) program(ctx *pulumi.Context) error {
	inst, err := cen.NewInstance(ctx, "cen", &cen.InstanceArgs{CenInstanceName: pulumi.String("hooks")})
	if err != nil {
		return err
	}
	vbr, err := expressconnect.NewVirtualBorderRouter(ctx, "vbr", &expressconnect.VirtualBorderRouterArgs{
		PhysicalConnectionId: pulumi.String("pc-bp1hooks00000000001"), VlanId: pulumi.Int(310),
		LocalGatewayIp: pulumi.String("10.3.1.1"), PeerGatewayIp: pulumi.String("10.3.1.2"), PeeringSubnetMask: pulumi.String("255.255.255.252")})
	if err != nil {
		return err
	}
	group, err := cms.NewAlarmContactGroup(ctx, "plain-contacts", &cms.AlarmContactGroupArgs{
		AlarmContactGroupName: pulumi.String("plain-oncall"), Contacts: pulumi.ToStringArray([]string{"netops"})})
	if err != nil {
		return err
	}
	rule := &cms.EventRuleArgs{
		RuleName: pulumi.String("plain-vpn-events"),
		EventPattern: &cms.EventRuleEventPatternArgs{Product: pulumi.String("VPN"),
			NameLists: pulumi.ToStringArray([]string{"IpsecPhase1NegoFailed"}), LevelLists: pulumi.ToStringArray([]string{"WARN"})},
		ContactParameters: cms.EventRuleContactParameterArray{&cms.EventRuleContactParameterArgs{ContactGroupName: group.AlarmContactGroupName}},
	}
	mon := &components.StandbyMonitoringArgs{
		ContactGroup: components.ContactGroupArgs{Name: "hooks-oncall", Contacts: []string{"netops"}},
		CENID:        inst.ID().ToStringOutput(),
		VBRID:        vbr.ID().ToStringOutput(),
	}
	if w.webhook {
		rule.WebhookParameters = cms.EventRuleWebhookParameterArray{&cms.EventRuleWebhookParameterArgs{
			Protocol: pulumi.String("http"), Method: pulumi.String("post"), Url: pulumi.String(testWebhook)}}
		mon.Webhook = pulumi.ToSecret(pulumi.String(testWebhook)).(pulumi.StringOutput)
	}
	if _, err := cms.NewEventRule(ctx, "plain-rule", rule); err != nil {
		return err
	}
	_, err = components.NewStandbyMonitoring(ctx, "mon", mon)
	return err
}

// TestWebhookRemovedFromADeployedEventRule removes the webhook from a
// deployed event rule and shows what the real provider does: a plain rule
// previews an in-place update, the up "succeeds", the webhook stays on the
// rule (the provider puts the remaining targets and never deletes one) and
// every later preview shows the update again; StandbyMonitoring's rule is
// replaced, deleted first, and converges without the webhook.
func TestWebhookRemovedFromADeployedEventRule(t *testing.T) {
	skipShort(t)
	b := openBox(t, copyProject(t), "dev")
	b.withProgram(hookedRules{webhook: true}.program, func() { b.mustSucceed("up", b.up()) })

	var preview, up, again opResult
	b.withProgram(hookedRules{}.program, func() { preview, up, again = b.preview(), b.up(), b.preview() })
	b.mustSucceed("preview", preview)
	b.mustSucceed("up", up)
	b.mustSucceed("preview again", again)

	assert.Equal(t, []apitype.OpType{apitype.OpUpdate}, opsNamed(preview, "plain-rule"), preview.output)
	mon := opsNamed(preview, "mon-vpn-events")
	assert.Contains(t, mon, apitype.OpDeleteReplaced, "StandbyMonitoring replaces its rule:\n%s", preview.output)
	assert.Contains(t, mon, apitype.OpCreateReplacement)

	hooks := map[string]string{}
	for _, r := range ofType(b.snapshot(), inventory.EventRule) {
		url, _ := r.String("webhookParameters[0].url")
		hooks[r.URN.Name()] = url
	}
	assert.Equal(t, map[string]string{"plain-rule": testWebhook, "mon-vpn-events": ""}, hooks,
		"the plain rule still calls the webhook; the replaced one does not")

	assert.Equal(t, []apitype.OpType{apitype.OpUpdate}, opsNamed(again, "plain-rule"), "the plain rule's change shows again:\n%s", again.output)
	require.Equal(t, 1, again.summary[apitype.OpUpdate], again.output)
	assert.Equal(t, []apitype.OpType{apitype.OpSame}, opsNamed(again, "mon-vpn-events"), "StandbyMonitoring converged")

	b.withProgram(hookedRules{}.program, func() { b.mustSucceed("destroy", b.destroy(false)) })
}

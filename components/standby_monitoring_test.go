package components_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/components"
	"github.com/hybridlink/hybridlink/internal/inventory"
)

const typeStandbyMonitoring = "hybridlink:index:StandbyMonitoring"

func referenceMonitoringArgs() *components.StandbyMonitoringArgs {
	return &components.StandbyMonitoringArgs{
		ContactGroup: components.ContactGroupArgs{Name: "prod-oncall", Contacts: []string{"netops-a", "netops-b"}},
		Webhook:      pulumi.ToSecret(pulumi.String("https://hooks.example.com/hybridlink?token=t0k3n")).(pulumi.StringOutput),
		CENID:        pulumi.String("cen-mon000000000001"),
		VBRID:        pulumi.String("vbr-1"),
		Tags:         map[string]string{"env": "test"},
	}
}

func TestStandbyMonitoringResourcesAndInputs(t *testing.T) {
	got := outputs{}
	m, err := run(func(ctx *pulumi.Context) error {
		p, err := newProvider(ctx)
		if err != nil {
			return err
		}
		mon, err := components.NewStandbyMonitoring(ctx, "mon", referenceMonitoringArgs(), pulumi.Provider(p))
		if err != nil {
			return err
		}
		return await(ctx, got, map[string]pulumi.Output{
			"group": mon.ContactGroupName, "loss": mon.CircuitLossAlarmID,
			"latency": mon.CircuitLatencyAlarmID, "rule": mon.VPNEventRuleName,
		})
	})
	require.NoError(t, err)

	comp := component(t, m, typeStandbyMonitoring, "mon")
	assert.Equal(t, stackURN, comp.Parent)
	assertChildren(t, m, comp.URN,
		child{inventory.AlarmContactGroup, "mon-contacts"},
		child{inventory.Alarm, "mon-circuit-loss"},
		child{inventory.Alarm, "mon-circuit-latency"},
		child{inventory.EventRule, "mon-vpn-events"})
	assertAllUseProvider(t, m)

	group := res(t, m, "mon-contacts")
	assert.Equal(t, "prod-oncall", input(t, group, "alarmContactGroupName"))
	assert.Equal(t, []any{"netops-a", "netops-b"}, input(t, group, "contacts"))

	dims := `[{"cenId":"cen-mon000000000001","vbrInstanceId":"vbr-1"}]`
	loss := res(t, m, "mon-circuit-loss")
	assert.Equal(t, map[string]any{
		"name": "prod-oncall-circuit-loss", "project": "acs_cen", "metric": "VBRHealthyCheckLossRate", "metricDimensions": dims,
		"period": 60.0, "contactGroups": []any{"prod-oncall"}, "silenceTime": 3600.0, "enabled": true,
		"tags":                map[string]any{"env": "test"},
		"escalationsCritical": map[string]any{"comparisonOperator": ">=", "statistics": "Value", "threshold": "10", "times": 3.0},
	}, withoutKey(loss.Inputs.Mappable(), "webhook"), "the circuit pages when its health check loses 10 % for 3 minutes")
	assert.Equal(t, "https://hooks.example.com/hybridlink?token=t0k3n", secretInput(t, loss, "webhook"), "the webhook's token stays secret")
	assert.Contains(t, loss.DependsOn, group.URN, "the group exists before the alarm names it")

	latency := res(t, m, "mon-circuit-latency")
	assert.Equal(t, "VBRHealthyCheckLatency", input(t, latency, "metric"))
	assert.Equal(t, "prod-oncall-circuit-latency", input(t, latency, "name"))
	assert.Equal(t, dims, input(t, latency, "metricDimensions"))
	assert.Equal(t, map[string]any{"comparisonOperator": ">", "statistics": "Value", "threshold": "100", "times": 3.0}, input(t, latency, "escalationsWarn"))
	assertAbsent(t, latency, "escalationsCritical")

	rule := res(t, m, "mon-vpn-events")
	assert.Equal(t, map[string]any{
		"ruleName":    "prod-oncall-vpn-events",
		"description": "The standby IPsec-VPN of mon cannot negotiate or fails its health check",
		"eventPattern": map[string]any{"product": "VPN", "levelLists": []any{"WARN"},
			"nameLists": []any{"IpsecPhase1NegoFailed", "IpsecPhase2NegoFailed", "IpsecHealthCheckFailed"}},
		"contactParameters": []any{map[string]any{"contactGroupName": "prod-oncall"}},
		"silenceTime":       3600.0,
		"status":            "ENABLED",
	}, withoutKey(rule.Inputs.Mappable(), "webhookParameters"))
	assert.Equal(t, "https://hooks.example.com/hybridlink?token=t0k3n", secretInput(t, rule, "webhookParameters[0].url"))
	assert.Equal(t, "post", input(t, rule, "webhookParameters[0].method"))
	assert.Equal(t, "http", input(t, rule, "webhookParameters[0].protocol"))
	assert.Equal(t, []string{"webhookParameters"}, rule.ReplaceOnChanges, "the provider never deletes a target in place")
	assert.True(t, rule.DeleteBeforeReplace, "the new rule has the old one's name")

	assert.Equal(t, outputs{"group": "prod-oncall", "loss": "mon-circuit-loss-id", "latency": "mon-circuit-latency-id", "rule": "prod-oncall-vpn-events"}, got)
}

func TestStandbyMonitoringThresholds(t *testing.T) {
	m, err := run(func(ctx *pulumi.Context) error {
		a := referenceMonitoringArgs()
		a.Webhook, a.LossRatePercent, a.LatencyMs, a.Times, a.SilenceSecs = nil, new(50), new(20), new(1), new(300)
		_, err := components.NewStandbyMonitoring(ctx, "mon", a)
		return err
	})
	require.NoError(t, err)
	loss := res(t, m, "mon-circuit-loss")
	assert.Equal(t, "50", input(t, loss, "escalationsCritical.threshold"))
	assert.Equal(t, 1.0, input(t, loss, "escalationsCritical.times"))
	assert.Equal(t, 300.0, input(t, loss, "silenceTime"))
	assertAbsent(t, loss, "webhook")
	assert.Equal(t, "20", input(t, res(t, m, "mon-circuit-latency"), "escalationsWarn.threshold"))
	assertAbsent(t, res(t, m, "mon-vpn-events"), "webhookParameters")
}

func TestStandbyMonitoringRejectsBadArgs(t *testing.T) {
	err := requireRejected(t, []string{"CENID", "ContactGroup.Contacts", "ContactGroup.Name", "LatencyMs", "LossRatePercent", "SilenceSecs", "Times", "VBRID"},
		func(ctx *pulumi.Context) error {
			_, err := components.NewStandbyMonitoring(ctx, "mon", &components.StandbyMonitoringArgs{
				ContactGroup:    components.ContactGroupArgs{Name: "on call!"},
				LossRatePercent: pulumi.IntRef(101), LatencyMs: pulumi.IntRef(10001), Times: pulumi.IntRef(-1), SilenceSecs: pulumi.IntRef(60),
			})
			return err
		})
	assert.Equal(t, "use 300–86400 seconds, or leave it unset for 3600", argError(t, err, "SilenceSecs").Fix)
}

func TestHybridConnectionWithMonitoring(t *testing.T) {
	m, err := run(func(ctx *pulumi.Context) error {
		a := referenceHCArgs()
		a.Monitoring = &components.StandbyMonitoringArgs{ContactGroup: components.ContactGroupArgs{Name: "oncall", Contacts: []string{"netops"}}}
		hc, err := components.NewHybridConnection(ctx, "hl", a)
		if err != nil {
			return err
		}
		require.NotNil(t, hc.Monitoring)
		return nil
	})
	require.NoError(t, err)
	root := component(t, m, typeHybridConnection, "hl")
	mon := component(t, m, typeStandbyMonitoring, "hl-monitoring")
	assert.Equal(t, root.URN, mon.Parent)
	assert.False(t, mon.Protect, "alarms stay replaceable")
	loss := res(t, m, "hl-monitoring-circuit-loss")
	assert.Equal(t, `[{"cenId":"cen-hl-hub-cen","vbrInstanceId":"vbr-hl-expressconnect-vbr"}]`, input(t, loss, "metricDimensions"),
		"the alarms watch the connection's own CEN and VBR")
	assert.Equal(t, map[string]any{"env": "test"}, input(t, loss, "tags"))

	requireRejected(t, []string{"Monitoring", "Monitoring.CENID"}, func(ctx *pulumi.Context) error {
		a := referenceHCArgs()
		a.VBRHealthCheck = false
		a.Monitoring = &components.StandbyMonitoringArgs{CENID: pulumi.String("cen-x"),
			ContactGroup: components.ContactGroupArgs{Name: "oncall", Contacts: []string{"netops"}}}
		_, err := components.NewHybridConnection(ctx, "hl", a)
		return err
	})
}

// withoutKey is m without one key, for comparing the rest of a resource's
// inputs exactly.
func withoutKey(m map[string]any, key string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}

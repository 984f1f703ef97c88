package components

import (
	"fmt"

	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/cms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hybridlink/hybridlink/internal/cloudmonitor"
	"github.com/hybridlink/hybridlink/internal/limits"
)

// ContactGroupArgs is the CloudMonitor alarm contact group that
// StandbyMonitoring creates and notifies.
type ContactGroupArgs struct {
	// Name of the group, unique in the account: 1–128 letters, digits, '_',
	// '-' or '.'. Required.
	Name string `pulumi:"name"`
	// Contacts are the names of existing CloudMonitor alarm contacts (the
	// people on call). Required: at least one.
	Contacts []string `pulumi:"contacts"`
}

// StandbyMonitoringArgs pages an operator when a link of the hybrid
// connection fails, above all the standby one, which carries no traffic and
// so fails silently: CloudMonitor alarms on the CEN health check of the VBR
// (the circuit) and an event rule on the IPsec connection's negotiation and
// health-check failures (the VPN). The metrics and events, and the pages
// that document them, are listed in docs/monitoring.md.
type StandbyMonitoringArgs struct {
	// ContactGroup is created and receives every alarm. Required.
	ContactGroup ContactGroupArgs `pulumi:"contactGroup"`
	// Webhook is an http or https URL the alarms and the event rule also
	// call; nil for none. A webhook URL usually carries a token: pass a
	// secret (pulumi.ToSecret, config.GetSecret), and the resources keep it
	// secret in the state. Changing or removing it on a deployed monitoring
	// replaces the event rule (deleting it first).
	Webhook pulumi.StringInput `pulumi:"webhook,optional" provider:"secret"`
	// CENID is the CEN instance whose health check of the VBR the circuit
	// alarms read (CENHubArgs.VBRHealthCheck must be configured, or they
	// have no data). Required (HybridConnection sets it: leave it unset
	// there).
	CENID pulumi.StringInput `pulumi:"cenId,optional"`
	// VBRID is the VBR that health check probes. Required (HybridConnection
	// sets it: leave it unset there).
	VBRID pulumi.StringInput `pulumi:"vbrId,optional"`
	// SecondVBRID is a second circuit's VBR, with its own CEN health check:
	// it gets alarms of its own (a standby circuit that fails carries no
	// traffic, so only an alarm tells). Nil for none (HybridConnection sets
	// it: leave it unset there).
	SecondVBRID pulumi.StringInput `pulumi:"secondVbrId,optional"`
	// LossRatePercent pages (Critical) when the health check loses at least
	// that share of its probes: 1–100, unset for the default 10.
	LossRatePercent *int `pulumi:"lossRatePercent,optional"`
	// LatencyMs warns when the health check's round trip exceeds it:
	// 1–10000, unset for the default 100.
	LatencyMs *int `pulumi:"latencyMs,optional"`
	// Times is how many one-minute periods in a row a condition must hold:
	// at least 1, unset for the default 3.
	Times *int `pulumi:"times,optional"`
	// SilenceSecs is how long a firing alarm waits before it notifies
	// again: 300–86400, unset for the default 3600.
	SilenceSecs *int `pulumi:"silenceSecs,optional"`
	// Tags are set on the alarms.
	Tags map[string]string `pulumi:"tags,optional"`
}

// Validate returns every problem with the arguments as ArgErrors.
func (a *StandbyMonitoringArgs) Validate() error {
	c := newChecker()
	a.validate(c)
	return c.err()
}

func (a *StandbyMonitoringArgs) validate(c checker) {
	a.validateSettings(c)
	if a.CENID == nil {
		c.missing("CENID", "give the CEN instance the VBR is attached to")
	}
	checkID(c, "CENID", a.CENID, limits.CENID)
	if a.VBRID == nil {
		c.missing("VBRID", "give the VBR whose CEN health check the alarms read")
	}
}

// validateSettings checks all but the resources the alarms watch, which
// HybridConnection supplies.
func (a *StandbyMonitoringArgs) validateSettings(c checker) {
	checkTags(c, a.Tags)
	g := c.at("ContactGroup")
	if a.ContactGroup.Name == "" {
		g.missing("Name", "name the contact group hybridlink creates, e.g. prod-hybrid-oncall")
	} else {
		g.check("Name", a.ContactGroup.Name, cloudmonitor.CheckContactGroupName(a.ContactGroup.Name), "use 1–128 letters, digits, '_', '-' or '.'")
	}
	if len(a.ContactGroup.Contacts) == 0 {
		g.missing("Contacts", "list the CloudMonitor alarm contacts who are on call for the connection")
	}
	for i, name := range a.ContactGroup.Contacts {
		if name == "" {
			g.fail(fmt.Sprintf("Contacts[%d]", i), nil, "is empty", "give the name of an existing CloudMonitor alarm contact")
		}
	}
	checkInRange(c, "LossRatePercent", a.LossRatePercent, 1, 100, fmt.Sprintf("use a percentage, or leave it unset for %d", cloudmonitor.DefaultLossRatePercent))
	checkInRange(c, "LatencyMs", a.LatencyMs, 1, cloudmonitor.LatencyMaxMs, fmt.Sprintf("use milliseconds, or leave it unset for %d", cloudmonitor.DefaultLatencyMs))
	checkAtLeast(c, "Times", a.Times, 1, fmt.Sprintf("use 1 or more periods, or leave it unset for %d", cloudmonitor.DefaultTimes))
	if v := a.SilenceSecs; v != nil {
		c.check("SilenceSecs", *v, cloudmonitor.CheckSilence(*v), fmt.Sprintf("use %d–%d seconds, or leave it unset for %d", cloudmonitor.SilenceMinSecs, cloudmonitor.SilenceMaxSecs, cloudmonitor.DefaultSilenceSecs))
	}
}

// StandbyMonitoring is the contact group, the circuit's alarms and the VPN's
// event rule of one hybrid connection.
type StandbyMonitoring struct {
	pulumi.ResourceState

	// ContactGroupName is the contact group the alarms notify.
	ContactGroupName pulumi.StringOutput `pulumi:"contactGroupName"`
	// CircuitLossAlarmID is the alarm rule on the loss rate of the CEN
	// health check of the VBR.
	CircuitLossAlarmID pulumi.StringOutput `pulumi:"circuitLossAlarmId"`
	// CircuitLatencyAlarmID is the alarm rule on its latency.
	CircuitLatencyAlarmID pulumi.StringOutput `pulumi:"circuitLatencyAlarmId"`
	// VPNEventRuleName is the event rule on the IPsec connection.
	VPNEventRuleName pulumi.StringOutput `pulumi:"vpnEventRuleName"`
	// SecondCircuitLossAlarmID is the loss alarm on the second circuit's
	// VBR; empty without one.
	SecondCircuitLossAlarmID pulumi.StringOutput `pulumi:"secondCircuitLossAlarmId"`
	// SecondCircuitLatencyAlarmID is the latency alarm on the second
	// circuit's VBR; empty without one.
	SecondCircuitLatencyAlarmID pulumi.StringOutput `pulumi:"secondCircuitLatencyAlarmId"`
}

// NewStandbyMonitoring validates args and creates the monitoring. Children:
// <name>-contacts (the contact group), <name>-circuit-loss (Critical when the
// CEN health check of the VBR loses LossRatePercent of its probes: the
// circuit is down), <name>-circuit-latency (Warn above LatencyMs) and
// <name>-vpn-events (the IPsec connection's phase-1 and phase-2 negotiation
// and health-check failures: the standby path is down). In CloudMonitor the
// alarms and the rule are named <contact group>-<role>: the group's name is
// unique in the account, so two connections' rules never collide.
func NewStandbyMonitoring(ctx *pulumi.Context, name string, args *StandbyMonitoringArgs, opts ...pulumi.ResourceOption) (*StandbyMonitoring, error) {
	if args == nil {
		args = &StandbyMonitoringArgs{}
	}
	if err := validated("StandbyMonitoringArgs", name, args.validate); err != nil {
		return nil, err
	}
	m := &StandbyMonitoring{}
	if err := registerComponent(ctx, TypeStandbyMonitoring, name, m, opts); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(m)

	group, err := cms.NewAlarmContactGroup(ctx, child(name, "contacts"), &cms.AlarmContactGroupArgs{
		AlarmContactGroupName: pulumi.String(args.ContactGroup.Name),
		Contacts:              pulumi.ToStringArray(args.ContactGroup.Contacts),
		Describe:              pulumi.String("On call for the hybrid connection " + name),
	}, parent)
	if err != nil {
		return nil, err
	}
	times := orDefault(args.Times, cloudmonitor.DefaultTimes)
	// circuitAlarms are the loss (Critical) and latency (Warn) alarms on the
	// CEN health check of one VBR.
	circuitAlarms := func(role string, vbrID pulumi.StringInput) (loss, latency *cms.Alarm, err error) {
		dims := pulumi.All(args.CENID, vbrID).ApplyT(func(ids []any) string {
			return cloudmonitor.Dimensions(map[string]string{"cenId": ids[0].(string), "vbrInstanceId": ids[1].(string)})
		}).(pulumi.StringOutput)
		alarm := func(role string, metric cloudmonitor.Metric, configure func(*cms.AlarmArgs)) (*cms.Alarm, error) {
			a := &cms.AlarmArgs{
				Name:             pulumi.String(child(args.ContactGroup.Name, role)),
				Project:          pulumi.String(metric.Namespace),
				Metric:           pulumi.String(metric.Name),
				MetricDimensions: dims,
				Period:           pulumi.Int(metric.PeriodSecs),
				ContactGroups:    pulumi.StringArray{group.AlarmContactGroupName},
				SilenceTime:      pulumi.Int(orDefault(args.SilenceSecs, cloudmonitor.DefaultSilenceSecs)),
				Enabled:          pulumi.Bool(true),
				Tags:             tagMap(args.Tags),
			}
			if args.Webhook != nil {
				a.Webhook = args.Webhook
			}
			configure(a)
			return cms.NewAlarm(ctx, child(name, role), a, parent)
		}
		loss, err = alarm(role+"-loss", cloudmonitor.CENVBRLossRate, func(a *cms.AlarmArgs) {
			a.EscalationsCritical = &cms.AlarmEscalationsCriticalArgs{
				ComparisonOperator: pulumi.String(">="),
				Statistics:         pulumi.String(cloudmonitor.CENVBRLossRate.Statistics[0]),
				Threshold:          pulumi.String(fmt.Sprint(orDefault(args.LossRatePercent, cloudmonitor.DefaultLossRatePercent))),
				Times:              pulumi.Int(times),
			}
		})
		if err != nil {
			return nil, nil, err
		}
		latency, err = alarm(role+"-latency", cloudmonitor.CENVBRLatency, func(a *cms.AlarmArgs) {
			a.EscalationsWarn = &cms.AlarmEscalationsWarnArgs{
				ComparisonOperator: pulumi.String(">"),
				Statistics:         pulumi.String(cloudmonitor.CENVBRLatency.Statistics[0]),
				Threshold:          pulumi.String(fmt.Sprint(orDefault(args.LatencyMs, cloudmonitor.DefaultLatencyMs))),
				Times:              pulumi.Int(times),
			}
		})
		return loss, latency, err
	}
	loss, latency, err := circuitAlarms("circuit", args.VBRID)
	if err != nil {
		return nil, err
	}

	var events pulumi.StringArray
	for _, e := range vpnFailureEvents {
		events = append(events, pulumi.String(e.Name))
	}
	ruleArgs := &cms.EventRuleArgs{
		RuleName:    pulumi.String(child(args.ContactGroup.Name, "vpn-events")),
		Description: pulumi.String("The standby IPsec-VPN of " + name + " cannot negotiate or fails its health check"),
		EventPattern: &cms.EventRuleEventPatternArgs{
			Product:    pulumi.String(cloudmonitor.IPsecPhase1NegoFailed.Product),
			NameLists:  events,
			LevelLists: pulumi.StringArray{pulumi.String(cloudmonitor.IPsecPhase1NegoFailed.Level)},
		},
		ContactParameters: cms.EventRuleContactParameterArray{&cms.EventRuleContactParameterArgs{
			ContactGroupName: group.AlarmContactGroupName,
		}},
		SilenceTime: pulumi.Int(orDefault(args.SilenceSecs, cloudmonitor.DefaultSilenceSecs)),
		Status:      pulumi.String("ENABLED"),
	}
	if args.Webhook != nil {
		ruleArgs.WebhookParameters = cms.EventRuleWebhookParameterArray{&cms.EventRuleWebhookParameterArgs{
			Protocol: pulumi.String("http"),
			Method:   pulumi.String("post"),
			Url:      args.Webhook,
		}}
	}
	// The provider's Update puts the rule's targets and never deletes one
	// (terraform-provider-alicloud v1.285.0, resource_alicloud_cms_event_rule.go:
	// PutEventRuleTargets only), so a webhook removed in place would go on
	// being called. A change of the webhook replaces the rule instead,
	// deleting the old one first: the new one has the same name.
	rule, err := cms.NewEventRule(ctx, child(name, "vpn-events"), ruleArgs, parent,
		pulumi.ReplaceOnChanges([]string{"webhookParameters"}), pulumi.DeleteBeforeReplace(true))
	if err != nil {
		return nil, err
	}
	empty := pulumi.String("").ToStringOutput()
	m.SecondCircuitLossAlarmID, m.SecondCircuitLatencyAlarmID = empty, empty
	if args.SecondVBRID != nil {
		lossB, latencyB, err := circuitAlarms("circuit-b", args.SecondVBRID)
		if err != nil {
			return nil, err
		}
		m.SecondCircuitLossAlarmID, m.SecondCircuitLatencyAlarmID = lossB.ID().ToStringOutput(), latencyB.ID().ToStringOutput()
	}

	m.ContactGroupName = group.AlarmContactGroupName
	m.CircuitLossAlarmID = loss.ID().ToStringOutput()
	m.CircuitLatencyAlarmID = latency.ID().ToStringOutput()
	m.VPNEventRuleName = rule.RuleName
	outputs := pulumi.Map{
		"contactGroupName":      m.ContactGroupName,
		"circuitLossAlarmId":    m.CircuitLossAlarmID,
		"circuitLatencyAlarmId": m.CircuitLatencyAlarmID,
		"vpnEventRuleName":      m.VPNEventRuleName,
	}
	if args.SecondVBRID != nil {
		outputs["secondCircuitLossAlarmId"] = m.SecondCircuitLossAlarmID
		outputs["secondCircuitLatencyAlarmId"] = m.SecondCircuitLatencyAlarmID
	}
	if err := ctx.RegisterResourceOutputs(m, outputs); err != nil {
		return nil, err
	}
	return m, nil
}

// vpnFailureEvents are the IPsec connection's events that mean the standby
// path is down.
var vpnFailureEvents = []cloudmonitor.Event{cloudmonitor.IPsecPhase1NegoFailed, cloudmonitor.IPsecPhase2NegoFailed, cloudmonitor.IPsecHealthCheckFailed}

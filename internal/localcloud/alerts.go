package localcloud

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/hybridlink/hybridlink/internal/cloudmonitor"
	"github.com/hybridlink/hybridlink/internal/inventory"
)

// The local cloud evaluates CloudMonitor's alarms and event rules against
// the state of its links: the fault switch and the failover tests. What it
// measures is modelled, not sampled:
//   - acs_cen VBRHealthyCheckLossRate of a VBR with a CEN health check is
//     100 % while its circuit is down and 0 % otherwise;
//     VBRHealthyCheckLatency has no data while the circuit is down and
//     nominalLatencyMs otherwise. A VBR without a health check has no data.
//   - while the VPN is down, every IPsec connection of the account raises
//     IpsecPhase1NegoFailed (its IKE SA cannot be negotiated) and, when its
//     health check is enabled, IpsecHealthCheckFailed. Nothing is raised
//     while the VPN is up: events come on a change of state, and the
//     recovery events (…Success, INFO) are not modelled.
// An alarm fires when an enabled escalation's condition holds on the
// value (the local cloud does not wait for Times periods); an event rule
// fires when an event it matches is raised.

// nominalLatencyMs is the modelled round-trip time of a healthy circuit.
const nominalLatencyMs = 2

// Alert is the state of one alarm or event rule.
type Alert struct {
	// Kind is "alarm" or "event rule"; Name the resource's name in its
	// stack; Rule the rule's own name.
	Kind, Name, Rule string
	// State is OK, ALARM or INSUFFICIENT_DATA for an alarm, ALARM or OK
	// for an event rule.
	State string
	// Level is the level that fired (Critical, Warn, Info, or the event's).
	Level string
	// Reason says what was measured or raised.
	Reason string
}

// Fired reports whether the alert notifies.
func (a Alert) Fired() bool { return a.State == cloudmonitor.StateAlarm }

func (a Alert) String() string {
	s := fmt.Sprintf("%s %s (%s): %s", a.Kind, a.Name, a.Rule, a.State)
	if a.Level != "" {
		s += " [" + a.Level + "]"
	}
	if a.Reason != "" {
		s += " — " + a.Reason
	}
	return s
}

// Alerts evaluates one stack's alarms and event rules now, in creation
// order.
func (c *Cloud) Alerts(stack string) ([]Alert, error) {
	var out []Alert
	err := c.view(func(st *state) error {
		for _, r := range st.Resources {
			if r.URN.Stack() != tokens.QName(stack) {
				continue
			}
			switch r.Type {
			case inventory.Alarm:
				out = append(out, st.alarmState(r.Outputs))
			case inventory.EventRule:
				out = append(out, st.eventRuleState(r.Outputs))
			default:
				continue
			}
			out[len(out)-1].Name = r.URN.Name()
		}
		return nil
	})
	return out, err
}

// alarmState evaluates an alarm's outputs.
func (st *state) alarmState(out resource.PropertyMap) Alert {
	r := inventory.Resource{Props: out}
	a := Alert{Kind: "alarm", Rule: field(out, "name"), State: cloudmonitor.StateNoData}
	if on, ok := r.Bool("enabled"); ok && !on {
		a.State, a.Reason = cloudmonitor.StateOK, "disabled"
		return a
	}
	metric, err := cloudmonitor.LookupMetric(field(out, "project"), field(out, "metric"))
	if err != nil {
		a.Reason = err.Error()
		return a
	}
	dims, err := cloudmonitor.ParseDimensions(metric, field(out, "metricDimensions"))
	if err != nil {
		a.Reason = err.Error()
		return a
	}
	var reasons []string
	measured := false
	for _, d := range dims {
		v, ok, what := st.measure(metric, d)
		if !ok {
			reasons = append(reasons, what+": no data")
			continue
		}
		measured = true
		for _, lvl := range escalationLevels {
			op, threshold := field(out, lvl+".comparisonOperator"), field(out, lvl+".threshold")
			if threshold == "" {
				continue
			}
			if op == "" {
				op = ">" // the API's default
			}
			if hit, _ := cloudmonitor.Compare(op, v, threshold); hit && a.State != cloudmonitor.StateAlarm {
				a.State, a.Level = cloudmonitor.StateAlarm, strings.TrimPrefix(lvl, "escalations")
				reasons = append(reasons, fmt.Sprintf("%s %s = %g %s (%s %s)", metric.Name, what, v, metric.Unit, op, threshold))
			}
		}
	}
	if measured && a.State != cloudmonitor.StateAlarm {
		a.State = cloudmonitor.StateOK
	}
	a.Reason = strings.Join(reasons, "; ")
	return a
}

// measure models a metric of the resource the dimensions pick; ok is false
// when there is no data. what names the resource.
func (st *state) measure(m cloudmonitor.Metric, dims map[string]string) (v float64, ok bool, what string) {
	switch {
	case m.Is(cloudmonitor.CENVBRLossRate), m.Is(cloudmonitor.CENVBRLatency):
		what = "of VBR " + dims["vbrInstanceId"]
		vbr := st.get(inventory.VBR, resource.ID(dims["vbrInstanceId"]))
		if vbr == nil || !st.healthChecked(dims["cenId"], vbr.ID) {
			return 0, false, what
		}
		down := st.circuitDown(vbr)
		if m.Is(cloudmonitor.CENVBRLossRate) {
			if down {
				return 100, true, what
			}
			return 0, true, what
		}
		return nominalLatencyMs, !down, what
	}
	return 0, false, "of " + fmt.Sprint(dims)
}

// healthChecked reports whether CEN health-checks a VBR.
func (st *state) healthChecked(cenID string, vbr resource.ID) bool {
	for _, h := range st.ofType(inventory.VBRHealthCheck) {
		if field(h.Outputs, "cenId") == cenID && field(h.Outputs, "vbrInstanceId") == string(vbr) {
			return true
		}
	}
	return false
}

// raised are the system events being raised now.
func (st *state) raised() []raisedEvent {
	if !st.Faults.VPNDown {
		return nil
	}
	var out []raisedEvent
	for _, conn := range st.ofType(inventory.VPNConnection) {
		out = append(out, raisedEvent{cloudmonitor.IPsecPhase1NegoFailed, conn.ID})
		if on, _ := (inventory.Resource{Props: conn.Outputs}).Bool("healthCheckConfig.enable"); on {
			out = append(out, raisedEvent{cloudmonitor.IPsecHealthCheckFailed, conn.ID})
		}
	}
	return out
}

type raisedEvent struct {
	cloudmonitor.Event
	resource resource.ID
}

// eventRuleState evaluates an event rule's outputs against the events
// raised now. A rule with an SQL filter never matches here: the local cloud
// does not evaluate SQL.
func (st *state) eventRuleState(out resource.PropertyMap) Alert {
	r := inventory.Resource{Props: out}
	a := Alert{Kind: "event rule", Rule: field(out, "ruleName"), State: cloudmonitor.StateOK}
	if field(out, "status") == "DISABLED" || field(out, "eventPattern.sqlFilter") != "" {
		return a
	}
	product := field(out, "eventPattern.product")
	names, levels := r.Strings("eventPattern.nameLists"), r.Strings("eventPattern.levelLists")
	var reasons []string
	for _, e := range st.raised() {
		if !strings.EqualFold(e.Product, product) ||
			(len(names) > 0 && !slices.Contains(names, e.Name)) ||
			(len(levels) > 0 && !slices.Contains(levels, e.Level) && !slices.Contains(levels, "*")) {
			continue
		}
		a.State, a.Level = cloudmonitor.StateAlarm, e.Level
		reasons = append(reasons, fmt.Sprintf("%s on %s", e.Name, e.resource))
	}
	a.Reason = strings.Join(reasons, "; ")
	return a
}

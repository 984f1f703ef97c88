package drill

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hybridlink/hybridlink/internal/localcloud"
	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// SilentStandby is the finding of a standby failure that the stack's
// alarms do not report: monitoring that is configured and would stay
// silent is broken, and the drill fails.
const SilentStandby = "the standby path is down and nothing would tell you"

// UnmonitoredStandby is the warning of a stack that configures no alarms
// at all (dev, as committed): its failover works, so the drill passes, but
// a failed VPN would go unnoticed until the circuit fails too. Calling that
// a failed failover would make the drill fail by design on such a stack,
// and a drill that always fails teaches operators to ignore it.
const UnmonitoredStandby = SilentStandby + ": " + noAlarms

const noAlarms = "the stack configures no alarm or event rule"

// judgeAlerts checks the alerts of a step: when a link is down but traffic
// keeps the links it has with every link up (the VPN, or a standby circuit,
// fails), nothing else shows the failure, so an alert must fire — a failure
// when the stack has alarms and none fires, a warning when it configures
// none; with every link up, none may (an alarm that always fires is ignored
// when it matters).
func judgeAlerts(n *routemodel.Network, sc routemodel.Scenario, alerts []localcloud.Alert) (findings, warnings []routemodel.Finding) {
	var fired []string
	for _, a := range alerts {
		if a.Fired() {
			fired = append(fired, a.Name)
		}
	}
	switch {
	case sc.Faults == routemodel.Faults{} && len(fired) > 0:
		return []routemodel.Finding{{Scenario: sc.Name, Message: fmt.Sprintf(
			"%s fire(s) while every link is up: a page nobody can act on hides the real one; check the thresholds", strings.Join(fired, ", "))}}, nil
	case len(fired) > 0 || !silent(n, sc.Faults):
		return nil, nil
	}
	what, fix := SilentStandby, "configure hybridlink:alarms, with an event rule on the IPsec connection"
	if down := downLinks(n, sc.Faults); len(down) > 0 {
		verb := "is"
		if len(down) > 1 {
			verb = "are"
		}
		what = fmt.Sprintf("%s %s down and nothing would tell you", strings.Join(down, " and "), verb)
		fix = "configure hybridlink:alarms (with hybridlink:vbrHealthCheck, each circuit gets a loss alarm; the VPN an event rule)"
	}
	if len(alerts) == 0 {
		return nil, []routemodel.Finding{{Scenario: sc.Name, Message: fmt.Sprintf(
			"%s: %s; the failover works, but this failure goes unnoticed until another link fails too: %s (docs/monitoring.md)", what, noAlarms, fix)}}
	}
	return []routemodel.Finding{{Scenario: sc.Name, Message: fmt.Sprintf(
		"%s: no alarm or event rule of the stack fired (%d configured); %s", what, len(alerts), fix)}}, nil
}

// silent reports a failure traffic does not show: some link is down, yet
// every link traffic takes is one it takes with every link up.
func silent(n *routemodel.Network, f routemodel.Faults) bool {
	if f == (routemodel.Faults{}) {
		return false
	}
	want, normal := n.Expect(f), n.Expect(routemodel.Faults{}).Parts()
	if want == routemodel.NoLink {
		return false
	}
	for _, l := range want.Parts() {
		if !slices.Contains(normal, l) {
			return false
		}
	}
	return true
}

// downLinks names the links the faults shut ("circuit B", "the VPN"); none
// on a stack with one circuit, whose only silent failure is the standby's.
func downLinks(n *routemodel.Network, f routemodel.Faults) []string {
	if len(n.Circuits()) < 2 {
		return nil
	}
	var out []string
	for i, l := range n.Circuits() {
		if f.Down(i) {
			out = append(out, "circuit "+strings.TrimPrefix(string(l), string(routemodel.Circuit)+" "))
		}
	}
	if f.VPNDown {
		out = append(out, "the VPN")
	}
	return out
}

// alertLines lists the alerts that fired, or says that none did.
func alertLines(alerts []localcloud.Alert) []string {
	if len(alerts) == 0 {
		return nil
	}
	var out []string
	for _, a := range alerts {
		if a.Fired() {
			out = append(out, "🔔 "+a.String())
		}
	}
	if len(out) == 0 {
		out = append(out, fmt.Sprintf("no alarm fired (%d alarms and event rules)", len(alerts)))
	}
	return out
}

package drill

import (
	"fmt"
	"strings"

	"github.com/hybridlink/hybridlink/internal/localcloud"
	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// SilentStandby is the finding of a standby failure no alarm reports.
const SilentStandby = "the standby path is down and nothing would tell you"

// judgeAlerts checks the alerts of a step: with the VPN down and the
// circuit up, traffic is unaffected, so an alert must fire; with every link
// up, none may (an alarm that always fires is ignored when it matters).
func judgeAlerts(sc routemodel.Scenario, alerts []localcloud.Alert) []routemodel.Finding {
	var fired []string
	for _, a := range alerts {
		if a.Fired() {
			fired = append(fired, a.Name)
		}
	}
	switch {
	case sc.Faults.VPNDown && !sc.Faults.CircuitDown && len(fired) == 0:
		return []routemodel.Finding{{Scenario: sc.Name, Message: fmt.Sprintf(
			"%s: no alarm or event rule of the stack fired (%d configured); configure hybridlink:alarms, with an event rule on the IPsec connection", SilentStandby, len(alerts))}}
	case sc.Faults == routemodel.Faults{} && len(fired) > 0:
		return []routemodel.Finding{{Scenario: sc.Name, Message: fmt.Sprintf(
			"%s fire(s) while every link is up: a page nobody can act on hides the real one; check the thresholds", strings.Join(fired, ", "))}}
	}
	return nil
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

package drill

import (
	"fmt"
	"net/netip"

	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// RouteEntry is a route entry of the transit router's route table, as
// getTransitRouterRouteEntries reports it.
type RouteEntry struct {
	Destination, NextHop, NextHopType, Type, Status string
}

func (e RouteEntry) String() string {
	return fmt.Sprintf("%s → %s %s (%s): %s", e.Destination, e.NextHopType, e.NextHop, e.Type, e.Status)
}

// entriesOf reads the route entries from the test stack's output.
func entriesOf(v any) ([]RouteEntry, error) {
	objs, err := objectsOf(v, "route entries")
	out := make([]RouteEntry, len(objs))
	for i, m := range objs {
		out[i] = RouteEntry{
			Destination: m["transitRouterRouteEntryDestinationCidrBlock"], NextHop: m["transitRouterRouteEntryNextHopId"],
			NextHopType: m["transitRouterRouteEntryNextHopType"], Type: m["transitRouterRouteEntryType"], Status: m["status"],
		}
	}
	return out, err
}

// objectsOf reads a stack output that is a list of objects, keeping their
// string fields.
func objectsOf(v any, what string) ([]map[string]string, error) {
	list, ok := v.([]any)
	if !ok && v != nil {
		return nil, fmt.Errorf("drill: the %s are a %T, not a list", what, v)
	}
	out := make([]map[string]string, 0, len(list))
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("drill: one of the %s is a %T, not an object", what, item)
		}
		fields := map[string]string{}
		for k, v := range m {
			if s, ok := v.(string); ok {
				fields[k] = s
			}
		}
		out = append(out, fields)
	}
	return out, nil
}

// Attachments name the transit router's attachments the drill expects the
// IDC prefixes to leave by.
type Attachments struct {
	// VBR is the VBR's attachment; Transit the transit VPC's, whose
	// advertised route is the standby.
	VBR, Transit string
}

// judgeEntries checks one step's route entries (the Active ones, which is
// what the data source lists): every IDC prefix has an Active entry via the
// VBR while the circuit is up and via the transit VPC — its advertised route
// taking over, so neither rejected as a conflict nor prohibited by a policy
// — while it is down.
func judgeEntries(sc routemodel.Scenario, entries []RouteEntry, att Attachments, prefixes []netip.Prefix) []routemodel.Finding {
	want, via := att.VBR, "the VBR"
	if sc.Faults.CircuitDown {
		want, via = att.Transit, "the transit VPC (its advertised route)"
	}
	var out []routemodel.Finding
	fail := func(format string, args ...any) {
		out = append(out, routemodel.Finding{Scenario: sc.Name, Message: fmt.Sprintf(format, args...)})
	}
	for _, p := range prefixes {
		var active *RouteEntry
		for i, e := range entries {
			if e.Destination != p.String() {
				continue
			}
			if e.Status == "Active" {
				active = &entries[i]
			}
		}
		switch {
		case active == nil:
			fail("the transit router has no Active route to %s; expected one via %s (%s)", p, via, want)
		case active.NextHop != want:
			fail("the transit router's Active route to %s leaves by %s, not by %s (%s)", p, active.NextHop, via, want)
		}
	}
	return out
}

// AlarmState is an alarm rule's state as the failover test read it through
// the engine: OK, ALARM or INSUFFICIENT_DATA.
type AlarmState struct{ Name, State string }

func (a AlarmState) String() string { return fmt.Sprintf("alarm %s: %s", a.Name, a.State) }

// alarmStatesOf reads the alarms' states from the test stack's output.
func alarmStatesOf(v any) ([]AlarmState, error) {
	objs, err := objectsOf(v, "alarm states")
	out := make([]AlarmState, len(objs))
	for i, m := range objs {
		out[i] = AlarmState{Name: m["name"], State: m["state"]}
	}
	return out, err
}

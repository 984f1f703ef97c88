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
	list, ok := v.([]any)
	if !ok && v != nil {
		return nil, fmt.Errorf("drill: route entries are a %T, not a list", v)
	}
	out := make([]RouteEntry, 0, len(list))
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("drill: a route entry is a %T, not an object", item)
		}
		s := func(k string) string { v, _ := m[k].(string); return v }
		out = append(out, RouteEntry{
			Destination: s("transitRouterRouteEntryDestinationCidrBlock"), NextHop: s("transitRouterRouteEntryNextHopId"),
			NextHopType: s("transitRouterRouteEntryNextHopType"), Type: s("transitRouterRouteEntryType"), Status: s("status"),
		})
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

// judgeEntries checks one step's route entries: every IDC prefix has an
// Active entry via the VBR while the circuit is up and via the transit VPC
// — its advertised route taking over — while it is down; and the transit
// VPC's route is never rejected as a conflict or prohibited by a policy,
// which would leave the standby path dead whatever the route tables of the
// VPCs say.
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
			if e.NextHop == att.Transit && (e.Status == "Rejected" || e.Status == "Prohibited") {
				fail("the transit router holds the transit VPC's route to %s as %s: the standby path would not take over", p, e.Status)
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
	list, ok := v.([]any)
	if !ok && v != nil {
		return nil, fmt.Errorf("drill: alarm states are a %T, not a list", v)
	}
	out := make([]AlarmState, 0, len(list))
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("drill: an alarm state is a %T, not an object", item)
		}
		name, _ := m["name"].(string)
		state, _ := m["state"].(string)
		out = append(out, AlarmState{Name: name, State: state})
	}
	return out, nil
}

// Package circuits holds the facts of a stack with two Express Connect
// circuits: how they share the traffic (Mode) and the priorities that make
// the choice explicit in both directions — one home, side by side, so that
// the two directions cannot drift apart.
//
// Cloud → IDC: the transit router ranks routes to one prefix learned from
// two VBRs of its region by route type (BGP over static), AS path length,
// the region, then the route map's preference (1–100, default 50, lower
// wins); equal routes form ECMP (CEN documentation, "Multi-region VBR ECMP
// routing", route selection rules; "Configure active/standby static routes
// for same-region VBRs", which sets the preference with a route map). In
// active-standby mode hybridlink attaches a route map to each VBR's routes,
// PrimaryRoutePreference to circuit A's and StandbyRoutePreference to
// circuit B's; in ECMP mode none, so both stay at the default and form ECMP.
//
// IDC → cloud: the on-premises gateway prefers the BGP route with the
// higher local preference; the rendered configuration sets
// PrimaryLocalPreference on the session to circuit A's VBR and
// StandbyLocalPreference on circuit B's (ECMP: both EqualLocalPreference,
// and BGP multipath over the two).
//
// The VPN's static routes stay below both circuits on either side: the
// transit router prefers routes learned from a VBR to the one advertised
// from the transit VPC, and the gateway's static routes have a worse
// administrative distance than BGP.
package circuits

import (
	"fmt"
	"strings"
)

// Mode is how two circuits share the traffic.
type Mode string

const (
	// ActiveStandby: circuit A carries both directions; B takes over when
	// A fails; the VPN when both have.
	ActiveStandby Mode = "active-standby"
	// ECMP: both circuits carry both directions (per flow); one carries
	// everything when the other fails; the VPN when both have.
	ECMP Mode = "ecmp"
)

// Modes lists the modes, the default first.
var Modes = []Mode{ActiveStandby, ECMP}

// Check reports a mode that is not one of Modes ("" is not: callers apply
// the default first).
func (m Mode) Check() error {
	for _, ok := range Modes {
		if m == ok {
			return nil
		}
	}
	names := make([]string, len(Modes))
	for i, ok := range Modes {
		names[i] = string(ok)
	}
	return fmt.Errorf("mode %q is not one of %s", string(m), strings.Join(names, ", "))
}

// OrDefault is the mode in effect: ActiveStandby when unset.
func (m Mode) OrDefault() Mode {
	if m == "" {
		return ActiveStandby
	}
	return m
}

// Max is how many circuits a stack takes.
const Max = 2

// Name names a circuit by its position: "A" for the first, "B" for the
// second.
func Name(i int) string { return string(rune('A' + i)) }

// The transit router's side: route map preferences (1–100, lower wins; a
// route no route map sets keeps DefaultRoutePreference).
const (
	DefaultRoutePreference = 50
	PrimaryRoutePreference = 10
	StandbyRoutePreference = 20
	MinRoutePreference     = 1
	MaxRoutePreference     = 100
)

// RouteMapPriority is the priority of the route map on circuit A's routes;
// circuit B's takes the next. Route maps of one CEN that apply in the same
// region and direction need distinct priorities (1–100).
const RouteMapPriority = 10

// The on-premises gateway's side: BGP local preference of the routes
// learned on each circuit's session (higher wins; every vendor's default
// is 100).
const (
	PrimaryLocalPreference = 200
	StandbyLocalPreference = 100
	EqualLocalPreference   = 100
)

// RoutePreferences are the route map preferences of circuits A and B in a
// mode; ok is false when the mode sets none (ECMP).
func RoutePreferences(m Mode) (a, b int, ok bool) {
	if m.OrDefault() == ECMP {
		return 0, 0, false
	}
	return PrimaryRoutePreference, StandbyRoutePreference, true
}

// LocalPreferences are the local preferences the gateway gives circuits A
// and B in a mode.
func LocalPreferences(m Mode) (a, b int) {
	if m.OrDefault() == ECMP {
		return EqualLocalPreference, EqualLocalPreference
	}
	return PrimaryLocalPreference, StandbyLocalPreference
}

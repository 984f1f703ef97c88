package routemodel

import (
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Scenario is a named state of the links.
type Scenario struct {
	Name   string
	Faults Faults
}

// Expect is the link both directions must use in the scenario: the circuit
// while it is up, the VPN while only the circuit is down, none with both
// down.
func (sc Scenario) Expect() Link {
	switch {
	case !sc.Faults.CircuitDown:
		return Circuit
	case !sc.Faults.VPNDown:
		return Tunnel
	}
	return NoLink
}

// The states of the links. VPN down checks that a broken standby does not
// disturb the primary.
var (
	Normal          = Scenario{Name: "normal"}
	CircuitDown     = Scenario{Name: "circuit down", Faults: Faults{CircuitDown: true}}
	CircuitRestored = Scenario{Name: "circuit restored"}
	VPNDown         = Scenario{Name: "VPN down", Faults: Faults{VPNDown: true}}

	// Drill is the design's test: the circuit fails, then recovers.
	Drill = []Scenario{Normal, CircuitDown, CircuitRestored}
	// Distinct are the distinct fault sets (restored routes as normal does),
	// for judging a stack without repeating a finding per state.
	Distinct = []Scenario{Normal, CircuitDown, VPNDown}
)

// Finding is a way the network fails the failover expectation.
type Finding struct {
	Scenario  string
	Direction Direction // "" when the finding is about both directions
	IDC       netip.Prefix
	VPC       string
	VPCURN    resource.URN
	VPCCIDR   netip.Prefix
	Message   string
}

func (f Finding) String() string { return fmt.Sprintf("%s: %s", f.Scenario, f.Message) }

// Verify checks every scenario: in each, for every IDC prefix and VPC, both
// directions are delivered, over the link the scenario expects, and never
// over different links (asymmetric routing resets connections and drops
// traffic at stateful devices).
//
// A pair whose primary path is already broken is not judged again with only
// the VPN down: that state matters only while the circuit carries traffic.
func (n *Network) Verify(scenarios []Scenario) []Finding {
	var out []Finding
	primaryBroken := map[[2]string]bool{}
	for _, sc := range scenarios {
		want := sc.Expect()
		if want == NoLink {
			continue
		}
		paths := n.Paths(sc.Faults)
		for i := 0; i+1 < len(paths); i += 2 {
			fwd, ret := paths[i], paths[i+1]
			pair := [2]string{fwd.IDC.String(), fwd.VPC}
			if sc.Faults.VPNDown && primaryBroken[pair] {
				continue
			}
			add := func(dir Direction, format string, args ...any) {
				if sc.Faults == (Faults{}) {
					primaryBroken[pair] = true
				}
				out = append(out, Finding{Scenario: sc.Name, Direction: dir, IDC: fwd.IDC, VPC: fwd.VPC, VPCURN: fwd.VPCURN, VPCCIDR: fwd.VPCCIDR, Message: fmt.Sprintf(format, args...)})
			}
			for _, p := range []Path{fwd, ret} {
				if p.Problem != "" {
					add(p.Direction, "%s has no path: %s", endpoints(p), p.Problem)
				}
			}
			if fwd.Problem != "" || ret.Problem != "" {
				continue
			}
			switch {
			case fwd.Link != ret.Link:
				add("", "asymmetric routing: %s uses %s but %s uses %s: %s", endpoints(fwd), fwd.Link, endpoints(ret), ret.Link, n.why(sc, fwd, ret, want))
			case fwd.Link != want:
				add("", "%s and back use %s, expected %s: %s", endpoints(fwd), fwd.Link, want, n.why(sc, fwd, ret, want))
			}
		}
	}
	return out
}

func endpoints(p Path) string {
	if p.Direction == Forward {
		return fmt.Sprintf("IDC %s → VPC %s %s", p.IDC, p.VPC, p.VPCCIDR)
	}
	return fmt.Sprintf("VPC %s %s → IDC %s", p.VPC, p.VPCCIDR, p.IDC)
}

// why explains a path that took the wrong link.
func (n *Network) why(sc Scenario, fwd, ret Path, want Link) string {
	s := n.under(sc.Faults)
	if fwd.Link != want && want == Circuit {
		if s.bgpUp && n.onprem.StaticPreference <= n.onprem.BGPPreference {
			return fmt.Sprintf("the on-prem gateway prefers its static route via the VPN (preference %d) to BGP (preference %d); give the static routes a worse preference, e.g. 255", n.onprem.StaticPreference, n.onprem.BGPPreference)
		}
		return "the on-prem gateway learns no BGP route to the VPC: " + s.onPremGap(fwd.VPCCIDR)
	}
	if ret.Link != want && want == Circuit {
		if gap := s.primaryGap(); gap != "" {
			return "the transit router has no BGP route from the VBR: " + gap
		}
		return "the transit router prefers the route advertised from the transit VPC"
	}
	return "the " + string(want) + " path is not taken"
}

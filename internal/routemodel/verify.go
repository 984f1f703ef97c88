package routemodel

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/hybridlink/hybridlink/internal/circuits"
)

// Scenario is a named state of the links.
type Scenario struct {
	Name   string
	Faults Faults
}

// Expect is the link both directions must use under the faults: the first
// circuit still up (with ECMP, every circuit still up), the VPN when every
// circuit is down, none when the VPN is down too.
func (n *Network) Expect(f Faults) Link {
	var up []Link
	for i := range max(len(n.vbrs), len(n.onprem.Sessions), 1) {
		if !f.Down(i) {
			up = append(up, n.circuitLink(i))
		}
	}
	switch {
	case len(up) > 1 && n.onprem.ECMP:
		return JoinLinks(up...)
	case len(up) > 0:
		return up[0]
	case !f.VPNDown:
		return Tunnel
	}
	return NoLink
}

// circuitLink is the link of the circuit at position i.
func (n *Network) circuitLink(i int) Link {
	switch {
	case i < len(n.vbrs):
		return n.vbrs[i].link
	case len(n.onprem.Sessions) > 1:
		return CircuitLink(i)
	}
	return Circuit
}

// CircuitOf is the position (0: A) of the circuit a VBR terminates; false
// for a resource that is no VBR of the network.
func (n *Network) CircuitOf(vbr resource.URN) (int, bool) {
	for i, v := range n.vbrs {
		if v.res.URN == vbr {
			return i, true
		}
	}
	return 0, false
}

// Circuits are the links of the network's circuits, in order: its VBRs', or
// the on-premises sessions' where it has fewer VBRs.
func (n *Network) Circuits() []Link {
	var out []Link
	for i := range max(len(n.vbrs), len(n.onprem.Sessions)) {
		out = append(out, n.circuitLink(i))
	}
	return out
}

// Failures are every single and double failure of the network's links — a
// circuit, the VPN, two circuits, a circuit and the VPN — named for the
// drill ("circuit B and the VPN down"). With one circuit they are the
// circuit down and the VPN down.
func (n *Network) Failures() []Scenario {
	links := n.Circuits()
	if len(links) < 2 {
		return []Scenario{CircuitDown, VPNDown}
	}
	var out []Scenario
	name := func(i int) string { return "circuit " + circuits.Name(i) }
	for i := range links {
		out = append(out, Scenario{Name: name(i) + " down", Faults: Faults{}.WithDown(i)})
	}
	out = append(out, Scenario{Name: "VPN down", Faults: Faults{VPNDown: true}})
	out = append(out, Scenario{Name: "circuits A and B down", Faults: Faults{}.WithDown(0).WithDown(1)})
	for i := range links {
		out = append(out, Scenario{Name: name(i) + " and the VPN down", Faults: Faults{VPNDown: true}.WithDown(i)})
	}
	return out
}

// Distinct are the network's normal state and every failure
// (Failures): what the policy judges.
func (n *Network) Distinct() []Scenario { return append([]Scenario{Normal}, n.Failures()...) }

// The states of the links. VPN down checks that a broken standby does not
// disturb the primary.
var (
	Normal          = Scenario{Name: "normal"}
	CircuitDown     = Scenario{Name: "circuit down", Faults: Faults{CircuitDown: true}}
	CircuitRestored = Scenario{Name: "circuit restored"}
	VPNDown         = Scenario{Name: "VPN down", Faults: Faults{VPNDown: true}}

	// Drill is the design's test: the circuit fails, then recovers.
	Drill = []Scenario{Normal, CircuitDown, CircuitRestored}
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
// directions are delivered, over the link the scenario expects (Expect),
// and never over different links (asymmetric routing resets connections
// and drops traffic at stateful devices).
//
// A pair whose normal path is already broken is not judged again in a state
// that expects the same link (the VPN down, or a standby circuit): that
// state matters only while the normal path carries traffic.
func (n *Network) Verify(scenarios []Scenario) []Finding {
	var out []Finding
	primaryBroken := map[[2]string]bool{}
	normal := n.Expect(Faults{})
	for _, sc := range scenarios {
		want := n.Expect(sc.Faults)
		if want == NoLink {
			continue
		}
		paths := n.Paths(sc.Faults)
		for i := 0; i+1 < len(paths); i += 2 {
			fwd, ret := paths[i], paths[i+1]
			pair := [2]string{fwd.IDC.String(), fwd.VPC}
			if sc.Faults != (Faults{}) && want == normal && primaryBroken[pair] {
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
	if len(n.vbrs) > 1 {
		var parts []string
		if fwd.Link != want {
			parts = append(parts, fmt.Sprintf("%s takes %s, not %s: %s", Forward, fwd.Link, want, s.whyForward(fwd, want)))
		}
		if ret.Link != want {
			parts = append(parts, fmt.Sprintf("%s takes %s, not %s: %s", Return, ret.Link, want, s.whyReturn(ret, want)))
		}
		return strings.Join(parts, "; ")
	}
	if fwd.Link != want && want == Circuit {
		return s.whyForward(fwd, want)
	}
	if ret.Link != want && want == Circuit {
		return s.whyReturn(ret, want)
	}
	return "the " + string(want) + " path is not taken"
}

// wanted are the VBRs of the circuits a link names.
func (s *state) wanted(want Link) []*vbrNode {
	var out []*vbrNode
	for _, v := range s.n.vbrs {
		if slices.Contains(want.Parts(), v.link) {
			out = append(out, v)
		}
	}
	return out
}

// whyForward explains why the on-premises gateway sends traffic to a VPC
// over another link than want.
func (s *state) whyForward(fwd Path, want Link) string {
	o := s.n.onprem
	if want == Tunnel {
		return "the " + string(want) + " path is not taken"
	}
	if fwd.Link == Tunnel || len(s.n.vbrs) < 2 {
		if slices.ContainsFunc(s.n.vbrs, s.bgpUp) && o.StaticPreference <= o.BGPPreference {
			return fmt.Sprintf("the on-prem gateway prefers its static route via the VPN (preference %d) to BGP (preference %d); give the static routes a worse preference, e.g. 255", o.StaticPreference, o.BGPPreference)
		}
		return "the on-prem gateway learns no BGP route to the VPC: " + s.onPremGap(fwd.VPCCIDR)
	}
	for _, v := range s.wanted(want) {
		if !slices.ContainsFunc(s.onprem, func(r Route) bool { return r.vbr == v && r.Dest == fwd.VPCCIDR }) {
			return fmt.Sprintf("the on-prem gateway learns no BGP route to the VPC from %s: %s", v.label(), cmp.Or(s.bgpGap(v, fwd.VPCCIDR), noRoute))
		}
	}
	how := "the local preferences are"
	if len(want.Parts()) > 1 {
		if !o.ECMP {
			return "the on-prem gateway does not balance over the circuits (no BGP multipath)"
		}
		how = "ECMP needs equal local preferences; they are"
	}
	var prefs []string
	for _, v := range s.n.vbrs {
		prefs = append(prefs, fmt.Sprintf("%d on the session to %s (%s)", v.localPref, v.label(), v.link))
	}
	return fmt.Sprintf("the on-prem gateway ranks the circuits' BGP routes by local preference (the higher wins), and %s %s", how, strings.Join(prefs, ", "))
}

// whyReturn explains why the transit router sends traffic to the IDC over
// another link than want.
func (s *state) whyReturn(ret Path, want Link) string {
	if want == Tunnel {
		return "the " + string(want) + " path is not taken"
	}
	wanted := s.wanted(want)
	for _, v := range wanted {
		if gap := s.primaryGap(v); gap != "" {
			if len(s.n.vbrs) > 1 {
				return fmt.Sprintf("the transit router has no BGP route from %s: %s", v.label(), gap)
			}
			return "the transit router has no BGP route from the VBR: " + gap
		}
	}
	if ret.Link == Tunnel || len(s.n.vbrs) < 2 {
		return "the transit router prefers the route advertised from the transit VPC"
	}
	var prefs []string
	for _, v := range s.n.vbrs {
		set := "the default, no route map"
		if v.routeMap != "" {
			set = "route map " + v.routeMap
		}
		prefs = append(prefs, fmt.Sprintf("%d on %s's routes (%s, %s)", v.preference, v.label(), v.link, set))
	}
	how := "the preferences are"
	if len(want.Parts()) > 1 {
		how = "ECMP needs equal preferences; they are"
	}
	return fmt.Sprintf("the transit router ranks the VBRs' routes by route-map preference (the lower wins), and %s %s", how, strings.Join(prefs, ", "))
}

package review

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/hybridlink/hybridlink/internal/drill"
	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// Paths compares the drill at the base with the drill at the head: the same
// steps (whatever drill.Steps holds), each path's link on both sides.
type Paths struct {
	// Base and Head are the drills; nil where there is none, and
	// BaseNote or HeadNote says why.
	Base, Head         *drill.Report
	BaseNote, HeadNote string
	Steps              []StepPaths
}

// StepPaths is one drill step on both sides.
type StepPaths struct {
	Name string
	// Expect is the link the step expects both directions to use.
	Expect routemodel.Link
	// BaseRan, HeadRan: the step ran on that side; BasePassed, HeadPassed
	// its verdict there.
	BaseRan, HeadRan       bool
	BasePassed, HeadPassed bool
	Rows                   []PathRow
	// BaseFindings and HeadFindings say what failed, in the drill's words;
	// NewFindings are the head's that the base's step did not have: what
	// the change breaks, rather than what was broken before it.
	BaseFindings, HeadFindings, NewFindings []string
	// BaseWarnings, HeadWarnings and NewWarnings are the same for what the
	// step warns of without failing (an unmonitored standby): a warning new
	// at the head is a finding the change brings, such as alarms removed.
	BaseWarnings, HeadWarnings, NewWarnings []string
	// Asymmetric says, per IDC prefix and VPC whose two directions take
	// different links at the head, which direction takes which.
	Asymmetric []string
}

// PathRow is one direction between an IDC prefix and a VPC in a step.
type PathRow struct {
	Direction  routemodel.Direction
	From, To   string
	Base, Head string
	// Changed: the path exists on both sides and its link differs; Added,
	// Removed: it exists at the head only (a new IDC prefix or VPC), at
	// the base only.
	Changed, Added, Removed bool
}

// noPath is how a side without the path shows it.
const noPath = "—"

// Count counts the paths (a direction between an IDC prefix and a VPC)
// whose link changes in some step, that are new, and that are gone.
func (p Paths) Count() (changed, added, removed int) {
	sets := [3]map[string]bool{{}, {}, {}}
	for _, s := range p.Steps {
		for _, r := range s.Rows {
			key := string(r.Direction) + r.From + r.To
			switch {
			case r.Changed:
				sets[0][key] = true
			case r.Added:
				sets[1][key] = true
			case r.Removed:
				sets[2][key] = true
			}
		}
	}
	return len(sets[0]), len(sets[1]), len(sets[2])
}

// HeadAsymmetric lists, once each, the pairs whose directions take
// different links at the head, in any step.
func (p Paths) HeadAsymmetric() []string {
	var out []string
	for _, s := range p.Steps {
		for _, a := range s.Asymmetric {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out
}

// HeadPassed reports whether the drill ran at the head and passed.
func (p Paths) HeadPassed() bool { return p.Head != nil && p.Head.Passed() }

// Remark is a finding or a warning of the head's drill, once, with the
// steps it recurs in (a finding recurs in every step with the same faults)
// and whether some step has it and the base's does not.
type Remark struct {
	Message string
	Steps   []string
	New     bool
}

// HeadFindings are the head's findings, HeadWarnings its warnings, as
// remarks.
func (p Paths) HeadFindings() []Remark {
	return p.remarks(func(s StepPaths) ([]string, []string) { return s.HeadFindings, s.NewFindings })
}

func (p Paths) HeadWarnings() []Remark {
	return p.remarks(func(s StepPaths) ([]string, []string) { return s.HeadWarnings, s.NewWarnings })
}

func (p Paths) remarks(of func(StepPaths) (head, new []string)) []Remark {
	var out []Remark
	at := map[string]int{}
	for _, s := range p.Steps {
		head, fresh := of(s)
		for _, m := range head {
			i, ok := at[m]
			if !ok {
				i, at[m] = len(out), len(out)
				out = append(out, Remark{Message: m})
			}
			out[i].Steps = append(out[i].Steps, s.Name)
			out[i].New = out[i].New || slices.Contains(fresh, m)
		}
	}
	return out
}

// Broken lists the steps in which the head fails in a way the base did not.
func (p Paths) Broken() []string {
	var out []string
	for _, s := range p.Steps {
		if len(s.NewFindings) > 0 {
			out = append(out, s.Name)
		}
	}
	return out
}

// pathKey pairs a path at the base with the same one at the head: VPCs by
// their name in the program, as their IDs change when they are replaced.
type pathKey struct {
	dir routemodel.Direction
	idc netip.Prefix
	vpc string
}

func keyOf(p routemodel.Path) pathKey {
	return pathKey{p.Direction, p.IDC, p.VPCURN.Name()}
}

// comparePaths lines up the two drills step by step.
func comparePaths(base, head *drill.Report, baseNote, headNote string) Paths {
	p := Paths{Base: base, Head: head, BaseNote: baseNote, HeadNote: headNote}
	var baseSteps, headSteps []drill.Step
	if base != nil {
		baseSteps = base.Steps
	}
	if head != nil {
		headSteps = head.Steps
	}
	for i := range max(len(baseSteps), len(headSteps)) {
		var s StepPaths
		var b, h *drill.Step
		if i < len(baseSteps) {
			b = &baseSteps[i]
			s.Name, s.Expect, s.BaseRan, s.BasePassed = b.Scenario.Name, b.Expect, true, b.Passed()
			s.BaseFindings, s.BaseWarnings = messages(b.Findings), messages(b.Warnings)
		}
		if i < len(headSteps) {
			h = &headSteps[i]
			s.Name, s.Expect, s.HeadRan, s.HeadPassed = h.Scenario.Name, h.Expect, true, h.Passed()
			s.HeadFindings, s.HeadWarnings = messages(h.Findings), messages(h.Warnings)
			s.Asymmetric = asymmetric(h.Paths)
			s.NewFindings, s.NewWarnings = without(s.HeadFindings, s.BaseFindings), without(s.HeadWarnings, s.BaseWarnings)
		}
		s.Rows = rows(b, h)
		p.Steps = append(p.Steps, s)
	}
	return p
}

// without is what of head is not in base.
func without(head, base []string) []string {
	var out []string
	for _, m := range head {
		if !slices.Contains(base, m) {
			out = append(out, m)
		}
	}
	return out
}

func messages(fs []routemodel.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Message
	}
	return out
}

// rows pairs the paths of a step on both sides, in the head's order, then
// those only the base has.
func rows(b, h *drill.Step) []PathRow {
	links := map[pathKey]string{}
	if b != nil {
		for _, p := range b.Paths {
			links[keyOf(p)] = linkOf(p)
		}
	}
	var out []PathRow
	seen := map[pathKey]bool{}
	add := func(p routemodel.Path, base, head string) {
		from, to := ends(p)
		out = append(out, PathRow{Direction: p.Direction, From: from, To: to, Base: base, Head: head,
			Added: base == noPath, Removed: head == noPath, Changed: base != noPath && head != noPath && base != head})
	}
	if h != nil {
		for _, p := range h.Paths {
			k := keyOf(p)
			seen[k] = true
			base, ok := links[k]
			if !ok {
				base = noPath
			}
			add(p, base, linkOf(p))
		}
	}
	if b != nil {
		for _, p := range b.Paths {
			if !seen[keyOf(p)] {
				add(p, linkOf(p), noPath)
			}
		}
	}
	return out
}

// linkOf is the link a path takes, or why it goes nowhere.
func linkOf(p routemodel.Path) string {
	if p.Problem != "" {
		return "no path: " + p.Problem
	}
	return string(p.Link)
}

// ends names a path's two ends in its direction.
func ends(p routemodel.Path) (from, to string) {
	idc, vpc := "IDC "+p.IDC.String(), fmt.Sprintf("VPC %s %s", p.VPCURN.Name(), p.VPCCIDR)
	if p.Direction == routemodel.Return {
		return vpc, idc
	}
	return idc, vpc
}

// asymmetric names the pairs whose directions take different links, and
// which direction takes which.
func asymmetric(paths []routemodel.Path) []string {
	type pair struct {
		idc netip.Prefix
		vpc string
	}
	byPair := map[pair]map[routemodel.Direction]routemodel.Path{}
	var order []pair
	for _, p := range paths {
		k := pair{p.IDC, p.VPCURN.Name()}
		if byPair[k] == nil {
			byPair[k] = map[routemodel.Direction]routemodel.Path{}
			order = append(order, k)
		}
		byPair[k][p.Direction] = p
	}
	var out []string
	for _, k := range order {
		fwd, okF := byPair[k][routemodel.Forward]
		ret, okR := byPair[k][routemodel.Return]
		if !okF || !okR || fwd.Problem != "" || ret.Problem != "" || fwd.Link == ret.Link {
			continue
		}
		ff, ft := ends(fwd)
		rf, rt := ends(ret)
		out = append(out, fmt.Sprintf("%s → %s goes over %s, but %s → %s returns over %s", ff, ft, fwd.Link, rf, rt, ret.Link))
	}
	return out
}

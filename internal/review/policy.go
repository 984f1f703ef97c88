package review

import (
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/hybridlink/hybridlink/policy/rules"
)

// Policy is the policy pack's verdict on the head, as the engine reported
// it while previewing the change: every rule's outcome, and its violations.
type Policy struct {
	// Ran: the engine reported the pack's results (it did not when the
	// preview failed before the pack ran).
	Ran   bool
	Rules []RuleResult
}

// RuleResult is one rule's outcome.
type RuleResult struct {
	Name string
	// Stack: a stack rule (judged once on the whole stack), else a
	// resource rule; Checked counts the resources a resource rule judged.
	Stack      bool
	Checked    int
	Violations []Violation
}

// Passed reports whether the rule found nothing.
func (r RuleResult) Passed() bool { return len(r.Violations) == 0 }

// Violation is one finding of a rule.
type Violation struct {
	// Level is the enforcement level: mandatory fails the review.
	Level    apitype.EnforcementLevel
	Resource resource.URN
	Message  string
	// Fix is the rule's remediation, from the pack's rules.
	Fix string
	// Excepted names the policy exceptions that waive it.
	Excepted []string
}

// Blocks reports whether the violation fails the review, as it fails
// `pulumi up`: mandatory and not excepted.
func (v Violation) Blocks() bool { return v.Level == apitype.Mandatory && len(v.Excepted) == 0 }

// policyOf reads the pack's results from the engine's events.
func policyOf(events []apitype.EngineEvent, m *masker) Policy {
	var p Policy
	byName := map[string]*RuleResult{}
	rule := func(name string, stack bool) *RuleResult {
		r, ok := byName[name]
		if !ok {
			r = &RuleResult{Name: name, Stack: stack}
			if def, ok := rules.Lookup(name); ok {
				r.Stack = def.IsStack()
			}
			byName[name] = r
		}
		return r
	}
	for _, e := range events {
		switch {
		case e.PolicyAnalyzeSummaryEvent != nil:
			p.Ran = true
			s := e.PolicyAnalyzeSummaryEvent
			for _, n := range append(slices.Clone(s.Passed), s.Failed...) {
				r := rule(n, false)
				if applies(n, resource.URN(s.ResourceURN)) {
					r.Checked++
				}
			}
		case e.PolicyAnalyzeStackSummaryEvent != nil:
			p.Ran = true
			s := e.PolicyAnalyzeStackSummaryEvent
			for _, n := range append(slices.Clone(s.Passed), s.Failed...) {
				rule(n, true)
			}
		case e.PolicyEvent != nil:
			p.Ran = true
			v := e.PolicyEvent
			r := rule(v.PolicyName, false)
			viol := Violation{Level: apitype.EnforcementLevel(v.EnforcementLevel), Resource: resource.URN(v.ResourceURN), Message: m.mask(plainMessage(v.Message))}
			if def, ok := rules.Lookup(v.PolicyName); ok {
				viol.Fix = def.Remediation
			}
			for _, x := range v.Exceptions {
				viol.Excepted = append(viol.Excepted, x.ID+": "+x.Reason)
			}
			r.Violations = append(r.Violations, viol)
		}
	}
	for _, n := range slices.Sorted(maps.Keys(byName)) {
		p.Rules = append(p.Rules, *byName[n])
	}
	// Failing rules first, then in name order.
	slices.SortStableFunc(p.Rules, func(a, b RuleResult) int {
		switch {
		case a.Passed() == b.Passed():
			return 0
		case !a.Passed():
			return -1
		}
		return 1
	})
	return p
}

// applies reports whether a resource rule judges a resource's type: the
// engine reports every rule of the pack as passed on every resource.
func applies(rule string, urn resource.URN) bool {
	def, ok := rules.Lookup(rule)
	if !ok || len(def.Types) == 0 || !urn.IsValid() {
		return true
	}
	return slices.Contains(def.Types, urn.Type())
}

// plainMessage is a violation's message without the engine's color tags and
// the trailing newline.
func plainMessage(s string) string {
	return strings.TrimSpace(colors.Never.Colorize(s))
}

// Blocking counts the violations that fail the review.
func (p Policy) Blocking() int {
	n := 0
	for _, r := range p.Rules {
		for _, v := range r.Violations {
			if v.Blocks() {
				n++
			}
		}
	}
	return n
}

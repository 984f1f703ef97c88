// Package rules is hybridlink's policy rules as plain Go: the analyzer in
// ./policy, the tests and offline checks all call Check, CheckResource or
// CheckStack on inventory resources, so every caller judges the same way.
//
// A rule never fails on unknown (computed) values: what is not known yet is
// skipped, and references are compared through the engine's property
// dependencies while IDs are unknown (inventory.Stack.Target), so that a first
// preview of a new stack is already checked. Adding a rule is one file that
// defines a Rule and one entry in registry.
package rules

import (
	"net/netip"
	"slices"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/routemodel"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// Rule is one policy. Exactly one of resourceCheck and stackCheck is set.
type Rule struct {
	// Name is the stable, URL-safe name used in config and exceptions.
	Name string
	// Description says in one sentence what must hold.
	Description string
	// Level is the default enforcement level; Config.Policies overrides it.
	Level apitype.EnforcementLevel
	// Severity ranks the damage a violation does.
	Severity apitype.PolicySeverity
	// Remediation says how to fix a violation.
	Remediation string
	// Types are the resource types a resource rule checks.
	Types []tokens.Type
	// ConfigSchema is the JSON schema of each config property the rule reads
	// (besides enforcementLevel), with its default; nil when it reads none.
	ConfigSchema map[string]map[string]any

	resourceCheck func(r inventory.Resource, in input) []finding
	stackCheck    func(s *inventory.Stack, in input) []finding
}

// IsStack reports whether the rule judges the stack as a whole (the engine's
// AnalyzeStack) rather than one resource at a time (Analyze).
func (r *Rule) IsStack() bool { return r.stackCheck != nil }

// Violation is one finding of one rule.
type Violation struct {
	Rule     string
	Level    apitype.EnforcementLevel
	Severity apitype.PolicySeverity
	// URN is the resource the violation is reported against, so that a
	// per-URN exception can match it; empty means the stack as a whole.
	URN     resource.URN
	Message string
}

// input is what a check reads besides the resources.
type input struct {
	idcPrefixes []netip.Prefix
	onprem      routemodel.OnPrem
	props       map[string]any
}

// finding is a violation before the rule's name and level are attached.
type finding struct {
	urn resource.URN
	msg string
}

// Check runs every enabled rule on a stack's resources: resource rules on
// each resource, then stack rules on the whole.
func Check(resources []inventory.Resource, cfg Config) []Violation {
	var out []Violation
	for _, r := range resources {
		out = append(out, CheckResource(r, cfg)...)
	}
	return append(out, CheckStack(inventory.NewStack(resources), cfg)...)
}

// CheckResource runs the enabled resource rules that apply to r's type.
func CheckResource(r inventory.Resource, cfg Config) []Violation {
	var out []Violation
	for _, rule := range registry {
		if rule.IsStack() || !slices.Contains(rule.Types, r.Type) {
			continue
		}
		out = append(out, cfg.run(rule, func(in input) []finding { return rule.resourceCheck(r, in) })...)
	}
	return out
}

// CheckStack runs the enabled stack rules.
func CheckStack(s *inventory.Stack, cfg Config) []Violation {
	var out []Violation
	for _, rule := range registry {
		if rule.IsStack() {
			out = append(out, cfg.run(rule, func(in input) []finding { return rule.stackCheck(s, in) })...)
		}
	}
	return out
}

// run runs one check at the rule's configured level, unless it is disabled.
func (c Config) run(rule *Rule, check func(input) []finding) []Violation {
	level := c.Level(rule)
	if level == apitype.Disabled {
		return nil
	}
	var out []Violation
	for _, f := range check(input{idcPrefixes: c.IDCPrefixes, onprem: c.OnPrem, props: c.Policies[rule.Name].Properties}) {
		out = append(out, Violation{Rule: rule.Name, Level: level, Severity: rule.Severity, URN: f.urn, Message: f.msg})
	}
	return out
}

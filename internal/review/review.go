// Package review judges a change to hybridlink's stacks as a reviewer of
// the pull request needs it: what the change does to each deployed stack
// (every create, update, replacement and deletion, property by property),
// the policy pack's results, what the replacements and deletions break on
// the primary and standby paths, the change the on-premises gateway needs,
// and the failover drill at the base and at the head. It renders the
// verdict first, as Markdown for a pull-request comment and as text for a
// terminal.
//
// It runs nothing: the caller (hybridlink review) deploys the base, previews
// and deploys the head in a scratch sandbox, and hands over what the
// engine, the programs and the drills reported (Facts).
package review

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/hybridlink/hybridlink/internal/drill"
)

// Facts are what the caller gathered about one stack.
type Facts struct {
	Stack string
	// AtBase, AtHead: the stack exists on that side (a stack file).
	AtBase, AtHead bool
	// ConfigError is why the head's stack file does not load ("" when it
	// does); nothing else about the head is known then.
	ConfigError string
	// Events are the engine's events of the head's preview against the
	// base's deployment (of a destroy preview when the stack is removed);
	// PreviewError is why that preview failed, "" when it passed.
	Events       []apitype.EngineEvent
	PreviewError string
	// Base is the base's deployment; empty for a new stack.
	Base Base
	// BaseOnPrem and HeadOnPrem are the rendered on-premises configurations.
	BaseOnPrem, HeadOnPrem Rendered
	// BaseDrill and HeadDrill are the drills of the base's and the head's
	// deployments; BaseNote and HeadNote say why one is missing.
	BaseDrill, HeadDrill *drill.Report
	BaseNote, HeadNote   string
	// ApplyError is why the head could not be deployed onto the base in the
	// scratch sandbox: the change would fail to apply.
	ApplyError string
	// Secrets are the values to mask wherever they appear: both sides'
	// secret configuration and secret outputs.
	Secrets []string
}

// Stack is the review of one stack.
type Stack struct {
	Name   string
	Status Status
	// ConfigError, PreviewError, ApplyError: as in Facts.
	ConfigError, PreviewError, ApplyError string
	Changes                               []Change
	Policy                                Policy
	Breaks                                []Break
	OnPrem                                OnPrem
	Paths                                 Paths
}

// Status is what happens to a stack as a whole.
type Status string

// The statuses of a stack.
const (
	Changed   Status = "changed"
	Unchanged Status = "no change"
	New       Status = "new stack"
	Removed   Status = "stack removed"
	// Unloadable: the head's stack file does not load.
	Unloadable Status = "stack file does not load"
)

// Judge reviews one stack. allow names the protected resources the
// author means to replace or delete (--allow-replace).
func Judge(f Facts, allow []string) *Stack {
	m := newMasker(f.Secrets)
	s := &Stack{Name: f.Stack, ConfigError: m.mask(f.ConfigError), PreviewError: m.mask(f.PreviewError), ApplyError: m.mask(f.ApplyError)}
	protected := map[resource.URN]bool{}
	for _, r := range f.Base.Resources {
		protected[r.URN] = r.Protect
	}
	s.Changes = changesOf(f.Events, protected, m)
	s.Policy = policyOf(f.Events, m)
	s.Breaks = breaksOf(s.Changes, indexBase(f.Base), allow)
	s.OnPrem = OnPrem{Files: diffOnPrem(f.BaseOnPrem, f.HeadOnPrem, m)}
	switch {
	case f.AtHead && f.HeadOnPrem == nil:
		s.OnPrem.Note = "the head's configuration was not rendered: " + firstNonEmpty(s.ApplyError, s.ConfigError, f.HeadNote, "the head was not deployed")
	case f.AtBase && f.BaseOnPrem == nil:
		s.OnPrem.Note = "the base's configuration was not rendered: " + firstNonEmpty(f.BaseNote, "the base exports none")
	}
	s.Paths = comparePaths(f.BaseDrill, f.HeadDrill, m.mask(f.BaseNote), m.mask(f.HeadNote))
	switch {
	case f.ConfigError != "":
		s.Status = Unloadable
	case !f.AtBase:
		s.Status = New
	case !f.AtHead:
		s.Status = Removed
	case len(s.Changes) == 0 && len(s.OnPrem.Files) == 0:
		s.Status = Unchanged
	default:
		s.Status = Changed
	}
	return s
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// Blocking lists what fails the review of the stack: a head that does not
// load, preview or deploy onto the base, a mandatory policy violation, a
// protected resource replaced or deleted without --allow-replace, and a
// drill that fails at the head.
func (s *Stack) Blocking() []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if s.ConfigError != "" {
		add("the stack file does not load: %s", firstLine(s.ConfigError))
		return out
	}
	if s.PreviewError != "" && s.Policy.Blocking() == 0 {
		add("the preview of the change fails: %s", firstLine(s.PreviewError))
	}
	for _, r := range s.Policy.Rules {
		for _, v := range r.Violations {
			if v.Blocks() {
				add("mandatory policy %s fails on %s: %s", r.Name, resourceName(v.Resource), firstLine(v.Message))
			}
		}
	}
	var refused []string
	var effects []Effect
	for _, b := range s.Breaks {
		if b.Change.Protected && !b.Allowed {
			refused = append(refused, "`"+b.Change.Name()+"`")
			for _, e := range b.Effects {
				if !slices.Contains(effects, e) {
					effects = append(effects, e)
				}
			}
		}
	}
	if len(refused) > 0 {
		add("%d protected %s would be replaced or deleted (%s): %s; if that is intended, review again with --allow-replace naming each (a pattern such as `'hybridlink-hub-*'` names several)",
			len(refused), plural(len(refused), "resource", "resources"), effectList(effects), strings.Join(refused, ", "))
	}
	if s.ApplyError != "" {
		add("the change fails to apply onto the base's deployment: %s", firstLine(s.ApplyError))
	}
	if broken := s.Paths.Broken(); s.Status != Removed && len(broken) > 0 {
		add("the change breaks the failover drill at the head in step %s", quoteAll(broken))
	}
	return out
}

// Warnings lists what a reviewer should weigh but does not fail the review:
// replacements and deletions that disrupt traffic, advisory violations,
// drills that already failed at the base, what the head's drill newly warns
// of (alarms removed: a failed standby would go unnoticed).
func (s *Stack) Warnings() []string {
	var out []string
	for _, b := range s.Breaks {
		if b.Change.Protected && !b.Allowed {
			continue // blocking
		}
		if len(b.Effects) == 0 {
			continue
		}
		note := ""
		if b.Allowed {
			note = " (allowed by --allow-replace)"
		}
		out = append(out, fmt.Sprintf("%s %s would be %s: %s%s", b.Change.Kind(), b.Change.Name(), pastTense(b.Change), effectList(b.Effects), note))
	}
	for _, r := range s.Policy.Rules {
		for _, v := range r.Violations {
			if !v.Blocks() {
				out = append(out, fmt.Sprintf("%s policy %s on %s: %s", v.Level, r.Name, resourceName(v.Resource), firstLine(v.Message)))
			}
		}
	}
	if s.Paths.Base != nil && !s.Paths.Base.Passed() {
		out = append(out, "the failover drill already fails at the base, before this change (see the drill below)")
	}
	if s.Status != Removed {
		for _, w := range s.Paths.HeadWarnings() {
			switch {
			case s.Status == New:
				out = append(out, fmt.Sprintf("the new stack's failover drill warns (%s): %s", strings.Join(w.Steps, ", "), w.Message))
			case w.New:
				out = append(out, fmt.Sprintf("the failover drill warns, which it did not at the base (%s): %s", strings.Join(w.Steps, ", "), w.Message))
			}
		}
	}
	if len(s.OnPrem.Files) > 0 {
		out = append(out, fmt.Sprintf("the on-premises gateway's configuration changes (%s): the network team must load it", strings.Join(s.OnPrem.Vendors(), ", ")))
	}
	return out
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func pastTense(c Change) string {
	switch {
	case c.Op == Delete:
		return "deleted"
	case c.DeleteFirst:
		return "deleted, then replaced"
	}
	return "replaced"
}

func effectList(es []Effect) string {
	if len(es) == 0 {
		return "no effect on traffic"
	}
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = string(e)
	}
	return strings.Join(parts, ", ")
}

func resourceName(urn resource.URN) string {
	if urn == "" || !urn.IsValid() {
		return "the stack"
	}
	return urn.Name()
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

// Side is the base or the head of a review.
type Side struct {
	// Commit is the commit's hash; Ref how it was named (a branch, "HEAD").
	Commit, Ref string
	// Dirty: the head includes the working tree's uncommitted changes.
	Dirty bool
}

// Short is the commit's short hash.
func (s Side) Short() string {
	if len(s.Commit) > 12 {
		return s.Commit[:12]
	}
	return s.Commit
}

// Report is the review of a change: every stack's.
type Report struct {
	Base, Head Side
	Stacks     []*Stack
	// UnusedAllow lists --allow-replace names that match no protected
	// resource the change replaces or deletes: most likely a typo.
	UnusedAllow []string
}

// NewReport assembles the stacks' reviews, noting --allow-replace names
// that matched nothing.
func NewReport(base, head Side, stacks []*Stack, allow []string) *Report {
	r := &Report{Base: base, Head: head, Stacks: stacks}
	for _, a := range allow {
		used := false
		for _, s := range stacks {
			for _, b := range s.Breaks {
				used = used || (b.Allowed && allows([]string{a}, b.Change.URN))
			}
		}
		if !used {
			r.UnusedAllow = append(r.UnusedAllow, a)
		}
	}
	return r
}

// Passed reports whether nothing blocks the change.
func (r *Report) Passed() bool {
	return !slices.ContainsFunc(r.Stacks, func(s *Stack) bool { return len(s.Blocking()) > 0 })
}

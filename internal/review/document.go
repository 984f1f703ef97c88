package review

import (
	"fmt"
	"strings"
)

// Marker starts every review's Markdown, so that a workflow finds its own
// comment on a pull request and edits it instead of adding one per push.
const Marker = "<!-- hybridlink-review -->"

// CommentLimit is the most a review's Markdown may hold to fit a
// pull-request comment (GitHub takes 65,536 characters), with room for what
// a workflow adds.
const CommentLimit = 60000

// Markdown is the review for a pull-request comment or a job summary, at
// most limit bytes (0: no limit): over it, the details are left out.
func (r *Report) Markdown(limit int) string {
	md := Marker + "\n" + markdown(r.document(), false)
	if limit > 0 && len(md) > limit {
		md = Marker + "\n" + markdown(r.document(), true)
	}
	if limit > 0 && len(md) > limit {
		cut := strings.LastIndexByte(md[:limit-200], '\n')
		md = md[:cut+1] + "\n*The review is longer than a comment can hold: run it locally to read the rest.*\n"
	}
	return md
}

// Text is the review for a terminal.
func (r *Report) Text() string { return text(r.document()) }

// document is the whole review: the verdict and what decides it first, one
// summary row per stack, then each stack in detail.
func (r *Report) document() []block {
	var blocking, warnings []string
	for _, s := range r.Stacks {
		for _, b := range s.Blocking() {
			blocking = append(blocking, fmt.Sprintf("**%s**: %s", s.Name, b))
		}
		for _, w := range s.Warnings() {
			warnings = append(warnings, fmt.Sprintf("**%s**: %s", s.Name, w))
		}
	}
	for _, a := range r.UnusedAllow {
		warnings = append(warnings, fmt.Sprintf("--allow-replace %s matches no protected resource that this change replaces or deletes", a))
	}
	verdict := "✅ hybridlink review: nothing blocks this change"
	if len(blocking) > 0 {
		verdict = fmt.Sprintf("❌ hybridlink review: %d %s this change", len(blocking), plural(len(blocking), "problem blocks", "problems block"))
	}
	head := fmt.Sprintf("`%s`", r.Head.Short())
	if r.Head.Dirty {
		head += " with uncommitted changes"
	}
	doc := []block{
		heading{3, verdict},
		para(fmt.Sprintf("Base `%s` (%s) → head %s. Every stack of the base was deployed into a scratch sandbox (the real Pulumi engine, the local Alibaba Cloud); "+
			"the head was previewed against it with the policy pack, then applied, and the failover drill run on both.", r.Base.Short(), r.Base.Ref, head)),
	}
	if len(blocking) > 0 {
		doc = append(doc, para("**Blocking**"), list(blocking))
	}
	if len(warnings) > 0 {
		doc = append(doc, para("**To weigh**"), list(warnings))
	}
	summary := table{head: []string{"stack", "change", "policy", "breaks", "on-premises", "failover drill"}}
	for _, s := range r.Stacks {
		summary.rows = append(summary.rows, []string{s.Name, s.changeSummary(), s.policySummary(), s.breakSummary(), s.onPremSummary(), s.pathsSummary()})
	}
	doc = append(doc, summary)
	for _, s := range r.Stacks {
		doc = append(doc, s.document()...)
	}
	return doc
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// counted is "1 replace, 2 updates"-style counting in opOrder.
func (s *Stack) counted() string {
	n := map[Op]int{}
	for _, c := range s.Changes {
		n[c.Op]++
	}
	var parts []string
	for _, op := range opOrder {
		if n[op] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[op], plural(n[op], string(op), string(op)+"s")))
		}
	}
	return strings.Join(parts, ", ")
}

func (s *Stack) changeSummary() string {
	switch {
	case s.ConfigError != "":
		return "❌ stack file does not load"
	case s.Status == Unchanged:
		return "no change"
	case s.Status == New || s.Status == Removed:
		return fmt.Sprintf("%s: %s", s.Status, s.counted())
	case len(s.Changes) == 0:
		return "no resource changes"
	}
	return s.counted()
}

func (s *Stack) policySummary() string {
	p := s.Policy
	if !p.Ran {
		if s.Status == Removed {
			return "— (stack removed)"
		}
		return "❌ did not run"
	}
	passed, mandatory, advisory := 0, 0, 0
	for _, r := range p.Rules {
		if r.Passed() {
			passed++
		}
		for _, v := range r.Violations {
			if v.Blocks() {
				mandatory++
			} else {
				advisory++
			}
		}
	}
	out := fmt.Sprintf("%d of %d rules passed", passed, len(p.Rules))
	switch {
	case mandatory > 0:
		out = "❌ " + out + fmt.Sprintf(", %d mandatory %s", mandatory, plural(mandatory, "violation", "violations"))
	case advisory > 0:
		out = "⚠️ " + out
	default:
		out = "✅ " + out
	}
	if advisory > 0 {
		out += fmt.Sprintf(", %d advisory", advisory)
	}
	return out
}

func (s *Stack) breakSummary() string {
	var effects []string
	refused := false
	for _, b := range s.Breaks {
		refused = refused || (b.Change.Protected && !b.Allowed)
		for _, e := range b.Effects {
			if !containsString(effects, string(e)) {
				effects = append(effects, string(e))
			}
		}
	}
	switch {
	case len(s.Breaks) == 0:
		return "nothing"
	case len(effects) == 0:
		return "nothing (replacements without effect on traffic)"
	case refused:
		return "❌ " + strings.Join(effects, ", ") + " (protected)"
	}
	return "⚠️ " + strings.Join(effects, ", ")
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func (s *Stack) onPremSummary() string {
	switch {
	case len(s.OnPrem.Files) > 0:
		return "⚠️ changes: " + strings.Join(s.OnPrem.Vendors(), ", ")
	case s.OnPrem.Note != "":
		return "unknown"
	}
	return "no change"
}

func (s *Stack) pathsSummary() string {
	p := s.Paths
	var verdict string
	switch {
	case s.Status == Removed:
		return "— (stack removed)"
	case p.Head == nil:
		return "❌ not run at the head"
	case len(p.Broken()) > 0:
		verdict = "❌ fails at the head"
		if a := p.HeadAsymmetric(); len(a) > 0 {
			return verdict + ": asymmetric routing — " + strings.Join(a, "; ")
		}
	case !p.Head.Passed():
		verdict = "⚠️ fails as it did at the base"
	default:
		verdict = "✅ passes"
		if n := len(p.Head.Warnings()); n > 0 {
			verdict += fmt.Sprintf(", with %d %s", n, plural(n, "warning", "warnings"))
		}
	}
	changed, added, removed := p.Count()
	paths := "paths unchanged"
	if changed > 0 {
		paths = fmt.Sprintf("%d %s change link", changed, plural(changed, "path", "paths"))
	}
	if added > 0 {
		paths += fmt.Sprintf(", %d new", added)
	}
	if removed > 0 {
		paths += fmt.Sprintf(", %d gone", removed)
	}
	return verdict + "; " + paths
}

// document is one stack in detail.
func (s *Stack) document() []block {
	doc := []block{heading{4, fmt.Sprintf("%s — %s", s.Name, s.Status)}}
	if s.ConfigError != "" {
		return append(doc, para("The head's stack file does not load, so nothing else was checked:"), code{"", s.ConfigError})
	}
	if s.PreviewError != "" && s.Policy.Blocking() == 0 {
		doc = append(doc, para("The preview of the change failed (what it reported before failing is below):"), code{"", s.PreviewError})
	}
	if s.ApplyError != "" {
		doc = append(doc, para("Applying the change onto the base's deployment failed in the scratch sandbox, as `pulumi up` would:"), code{"", s.ApplyError})
	}
	doc = append(doc, s.changeDocument()...)
	doc = append(doc, s.policyDocument()...)
	doc = append(doc, s.breakDocument()...)
	doc = append(doc, s.onPremDocument()...)
	return append(doc, s.pathsDocument()...)
}

func (s *Stack) changeDocument() []block {
	if len(s.Changes) == 0 {
		return []block{para("**The change**: none to the stack's resources.")}
	}
	t := table{head: []string{"", "resource", "kind", "what changes"}}
	var diff strings.Builder
	for _, c := range s.Changes {
		name := "`" + c.Name() + "`"
		if c.Protected {
			name += " 🔒"
		}
		t.rows = append(t.rows, []string{string(c.Op), name, c.Kind(), c.what()})
		diff.WriteString(c.diffText())
	}
	return []block{
		para(fmt.Sprintf("**The change**: %s.", s.counted())), t,
		details{"Property diff", []block{code{"diff", diff.String()}}},
	}
}

// what summarizes a change's properties in a table cell.
func (c Change) what() string {
	switch c.Op {
	case Create:
		return fmt.Sprintf("%d %s", len(c.Props), plural(len(c.Props), "input", "inputs"))
	case Delete:
		return ""
	}
	var parts []string
	for _, p := range c.Props {
		// The top-level property: a table cell has no room for every leaf.
		part := p.Path
		if i := strings.IndexAny(part, ".["); i > 0 {
			part = part[:i]
		}
		if p.Replaces {
			part += " (forces replacement)"
		}
		if !containsString(parts, part) {
			parts = append(parts, part)
		}
	}
	if len(parts) > 6 {
		parts = append(parts[:6], fmt.Sprintf("%d more", len(parts)-6))
	}
	return strings.Join(parts, ", ")
}

// diffText is a change in diff form: "-" the base's values, "+" the head's.
func (c Change) diffText() string {
	sign := map[Op]string{Create: "+", Delete: "-", Update: "~", Replace: "+-"}[c.Op]
	var b strings.Builder
	var notes []string
	if c.Protected {
		notes = append(notes, "protected")
	}
	if c.DeleteFirst {
		notes = append(notes, "deleted before its replacement is created")
	}
	note := ""
	if len(notes) > 0 {
		note = " (" + strings.Join(notes, "; ") + ")"
	}
	fmt.Fprintf(&b, "%s %s %s %s%s\n", sign, c.Op, c.Kind(), c.Name(), note)
	for _, p := range c.Props {
		forces := ""
		if p.Replaces {
			forces = "   (forces replacement)"
		}
		if !p.Added {
			fmt.Fprintf(&b, "-     %s: %s%s\n", p.Path, p.Old, forces)
		}
		if !p.Removed {
			fmt.Fprintf(&b, "+     %s: %s%s\n", p.Path, p.New, forces)
		}
	}
	return b.String()
}

func (s *Stack) policyDocument() []block {
	p := s.Policy
	if !p.Ran {
		if s.Status == Removed {
			return nil
		}
		return []block{para("**Policy**: the policy pack did not run (the preview failed before it).")}
	}
	t := table{head: []string{"rule", "kind", "outcome"}}
	var violations []string
	for _, r := range p.Rules {
		kind, outcome := "resource", "✅ passed"
		if r.Stack {
			kind = "stack"
		} else {
			outcome += fmt.Sprintf(" on %d %s", r.Checked, plural(r.Checked, "resource", "resources"))
		}
		if !r.Passed() {
			outcome = fmt.Sprintf("❌ %d %s", len(r.Violations), plural(len(r.Violations), "violation", "violations"))
			if !r.Violations[0].Blocks() {
				outcome = fmt.Sprintf("⚠️ %d %s %s", len(r.Violations), r.Violations[0].Level, plural(len(r.Violations), "violation", "violations"))
			}
		}
		t.rows = append(t.rows, []string{"`" + r.Name + "`", kind, outcome})
		for _, v := range r.Violations {
			item := fmt.Sprintf("`%s` (%s) on `%s`: %s", r.Name, v.Level, resourceName(v.Resource), v.Message)
			if v.Fix != "" {
				item += "<br>**Fix**: " + v.Fix
			}
			for _, x := range v.Excepted {
				item += "<br>Excepted: " + x
			}
			violations = append(violations, item)
		}
	}
	doc := []block{para(fmt.Sprintf("**Policy**: %s.", strings.TrimLeft(s.policySummary(), "✅❌⚠️ "))), t}
	if len(violations) > 0 {
		doc = append(doc, para("Violations:"), list(violations))
	}
	return doc
}

func (s *Stack) breakDocument() []block {
	if len(s.Breaks) == 0 {
		return []block{para("**What it breaks**: nothing — no resource is replaced or deleted.")}
	}
	t := table{head: []string{"resource", "kind", "", "effect", "why"}}
	for _, b := range s.Breaks {
		name := "`" + b.Change.Name() + "`"
		switch {
		case b.Change.Protected && b.Allowed:
			name += " 🔒 allowed"
		case b.Change.Protected:
			name += " 🔒 refused"
		}
		op := string(b.Change.Op)
		if b.Change.DeleteFirst {
			op += ", deleted first"
		}
		t.rows = append(t.rows, []string{name, b.Change.Kind(), op, effectList(b.Effects), b.Why})
	}
	return []block{para("**What it breaks** while the resources are replaced (for good when deleted):"), t}
}

func (s *Stack) onPremDocument() []block {
	if s.OnPrem.Note != "" && len(s.OnPrem.Files) == 0 {
		return []block{para("**On-premises gateway**: " + s.OnPrem.Note + ".")}
	}
	if len(s.OnPrem.Files) == 0 {
		return []block{para("**On-premises gateway**: no change.")}
	}
	var diffs []block
	for _, f := range s.OnPrem.Files {
		diffs = append(diffs, code{"diff", f.Diff})
	}
	return []block{
		para(fmt.Sprintf("**On-premises gateway**: the configuration changes for %s — the network team must load it (secrets masked; `hybridlink render onprem --stack %s --vendor <v>` after the merge renders it whole).",
			strings.Join(s.OnPrem.Vendors(), ", "), s.Name)),
		details{"Configuration diff, base → head", diffs},
	}
}

func (s *Stack) pathsDocument() []block {
	p := s.Paths
	if s.Status == Removed {
		return []block{para("**Failover drill**: the stack is removed; nothing to drill at the head.")}
	}
	doc := []block{para("**Failover drill**: " + strings.TrimLeft(s.pathsSummary(), "✅❌⚠️ ") + ".")}
	if p.BaseNote != "" {
		doc = append(doc, para("Not drilled at the base: "+p.BaseNote+"."))
	}
	if p.HeadNote != "" {
		doc = append(doc, para("Not drilled at the head: "+p.HeadNote+"."))
	}
	if len(p.Steps) == 0 {
		return doc
	}
	steps := table{head: []string{"step", "expects", "base", "head"}}
	var detail []block
	for _, st := range p.Steps {
		steps.rows = append(steps.rows, []string{st.Name, string(st.Expect),
			verdictOf(st.BaseRan, st.BasePassed, len(st.BaseWarnings)), verdictOf(st.HeadRan, st.HeadPassed, len(st.HeadWarnings))})
		rows := table{head: []string{"direction", "from", "to", "base", "head"}}
		for _, r := range st.Rows {
			head := r.Head
			switch {
			case r.Changed:
				head = "**" + head + "** (changed)"
			case r.Added:
				head += " (new)"
			}
			rows.rows = append(rows.rows, []string{string(r.Direction), r.From, r.To, r.Base, head})
		}
		detail = append(detail, para(fmt.Sprintf("Step %s, expecting %s:", st.Name, st.Expect)), rows)
	}
	doc = append(doc, steps)
	if f := p.HeadFindings(); len(f) > 0 {
		doc = append(doc, para("What fails at the head, and in which steps:"), list(remarkItems(f)))
	}
	if w := p.HeadWarnings(); len(w) > 0 {
		doc = append(doc, para("What the drill warns of at the head, without failing, and in which steps:"), list(remarkItems(w)))
	}
	return append(doc, details{"Paths per step, base and head", detail})
}

// remarkItems lists remarks with their steps, marking those the base had.
func remarkItems(rs []Remark) []string {
	var items []string
	for _, r := range rs {
		was := ""
		if !r.New {
			was = " *(as at the base)*"
		}
		items = append(items, fmt.Sprintf("%s: %s%s", strings.Join(r.Steps, ", "), r.Message, was))
	}
	return items
}

func verdictOf(ran, passed bool, warnings int) string {
	switch {
	case !ran:
		return "—"
	case !passed:
		return "❌ failed"
	case warnings > 0:
		return fmt.Sprintf("✅ passed, with %d %s", warnings, plural(warnings, "warning", "warnings"))
	}
	return "✅ passed"
}

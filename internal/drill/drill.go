// Package drill runs the failover test the design asks operators to run
// every quarter — traffic on the circuit, the circuit shut, the circuit
// restored — and checks at each step that both directions between every IDC
// prefix and workload VPC take the link the step expects and the same link,
// and that the standby path cannot fail unnoticed: with the VPN down and the
// circuit up, traffic is unaffected, so an alarm is the only evidence.
//
// Two methods shut the circuit. The fault switch (Run) is the local
// Alibaba Cloud's own; the failover test (RunFailoverTest) is Alibaba
// Cloud's Express Connect failover test job, driven through the Pulumi
// engine exactly as on a real account.
package drill

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hybridlink/hybridlink/internal/localcloud"
	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// Step is one state of the drill and what the traffic did in it.
type Step struct {
	Scenario routemodel.Scenario
	// Expect is the link both directions must use.
	Expect   routemodel.Link
	Paths    []routemodel.Path
	Findings []routemodel.Finding
	// Warnings are what the step found that does not fail it (a standby
	// no alarm watches).
	Warnings []routemodel.Finding
	// Tables are the route tables the cloud held in the step.
	Tables routemodel.Tables
	// Alerts are the stack's alarms and event rules as evaluated in the
	// step (the local cloud only).
	Alerts []localcloud.Alert
	// Entries are the transit router's route entries, and AlarmStates the
	// environment's alarms, that the failover-test method read through the
	// engine in the step.
	Entries     []RouteEntry
	AlarmStates []AlarmState
}

// Passed reports whether every path of the step was as expected.
func (s Step) Passed() bool { return len(s.Findings) == 0 }

// Method is how a drill shuts the circuit.
type Method string

const (
	// FaultSwitch throws the local cloud's fault switch (the default).
	FaultSwitch Method = "fault-switch"
	// FailoverTest runs Alibaba Cloud's Express Connect failover test.
	FailoverTest Method = "failover-test"
)

// Report is a whole drill.
type Report struct {
	Stack  string
	Method Method
	When   time.Time
	Steps  []Step
	// Cleanup says how the failover-test method left the cloud.
	Cleanup string
}

// Passed reports whether every step passed.
func (r *Report) Passed() bool {
	for _, s := range r.Steps {
		if !s.Passed() {
			return false
		}
	}
	return true
}

// Warnings are every step's warnings.
func (r *Report) Warnings() []routemodel.Finding {
	var out []routemodel.Finding
	for _, s := range r.Steps {
		out = append(out, s.Warnings...)
	}
	return out
}

// StandbyFails is the step that matters most: the VPN fails while the
// circuit carries the traffic.
var StandbyFails = routemodel.Scenario{Name: "VPN fails while the circuit is up", Faults: routemodel.Faults{VPNDown: true}}

// Steps are the fault-switch drill's steps on a stack with one circuit: the
// design's test, then the silent failure of the standby.
var Steps = append(append([]routemodel.Scenario{}, routemodel.Drill...), StandbyFails)

// StepsFor are the fault-switch drill's steps for a network: Steps with one
// circuit; with two, the normal state, then every single and double failure
// (routemodel.Network.Failures) each followed by its restoration.
func StepsFor(n *routemodel.Network) []routemodel.Scenario {
	if len(n.Circuits()) < 2 {
		return Steps
	}
	out := []routemodel.Scenario{routemodel.Normal}
	for _, f := range n.Failures() {
		out = append(out, f, routemodel.Scenario{Name: strings.TrimSuffix(f.Name, " down") + " restored"})
	}
	return out
}

// Run drills the stack deployed in the cloud with the fault switch: for
// each of its steps (StepsFor) it injects the step's faults and records the
// paths traffic takes and the alarms that fire. The links are left as they
// were, pass or fail.
func Run(stack string, cloud *localcloud.Cloud, onprem routemodel.OnPrem) (r *Report, err error) {
	before, err := cloud.Faults()
	if err != nil {
		return nil, err
	}
	defer func() {
		if rerr := cloud.SetFaults(before); err == nil && rerr != nil {
			err = rerr
		}
	}()
	n, _, err := cloud.Routing(stack, onprem)
	if err != nil {
		return nil, err
	}
	r = &Report{Stack: stack, Method: FaultSwitch, When: time.Now().UTC()}
	for _, sc := range StepsFor(n) {
		if err := cloud.SetFaults(sc.Faults); err != nil {
			return nil, err
		}
		step, err := observe(stack, cloud, onprem, sc)
		if err != nil {
			return nil, err
		}
		r.Steps = append(r.Steps, step)
	}
	return r, nil
}

// observe records a step from the local cloud: the paths and tables under
// the faults in force, which must be the step's, and the alerts.
func observe(stack string, cloud *localcloud.Cloud, onprem routemodel.OnPrem, sc routemodel.Scenario) (Step, error) {
	n, faults, err := cloud.Routing(stack, onprem)
	if err != nil {
		return Step{}, err
	}
	if faults != sc.Faults {
		return Step{}, fmt.Errorf("drill: the cloud reports faults %+v in step %q, which sets %+v", faults, sc.Name, sc.Faults)
	}
	step := Step{Scenario: sc, Expect: n.Expect(faults), Paths: n.Paths(faults), Findings: n.Verify([]routemodel.Scenario{sc}), Tables: n.Tables(faults)}
	if len(step.Paths) == 0 {
		step.Findings = append(step.Findings, routemodel.Finding{Scenario: sc.Name, Message: "no workload VPC and IDC prefix to drill: is the stack deployed?"})
	}
	if step.Alerts, err = cloud.Alerts(stack); err != nil {
		return Step{}, err
	}
	findings, warnings := judgeAlerts(n, sc, step.Alerts)
	step.Findings, step.Warnings = append(step.Findings, findings...), warnings
	return step, nil
}

// Text renders the report for a terminal: a table per step.
func (r *Report) Text() string {
	var b strings.Builder
	for i, s := range r.Steps {
		fmt.Fprintf(&b, "step %d: %s — expect %s both ways: %s\n", i+1, s.Scenario.Name, s.Expect, verdict(s.Passed(), s.Warnings))
		table(&b, s, "  ", " | ")
		for _, e := range s.Entries {
			fmt.Fprintf(&b, "  transit router: %s\n", e)
		}
		for _, a := range s.AlarmStates {
			fmt.Fprintf(&b, "  read: %s\n", a)
		}
		for _, line := range alertLines(s.Alerts) {
			fmt.Fprintf(&b, "  %s\n", line)
		}
		for _, f := range s.Findings {
			fmt.Fprintf(&b, "  ✗ %s\n", f.Message)
		}
		for _, w := range s.Warnings {
			fmt.Fprintf(&b, "  ⚠ %s\n", w.Message)
		}
		b.WriteString("\n")
	}
	if r.Cleanup != "" {
		fmt.Fprintf(&b, "cleanup: %s\n", r.Cleanup)
	}
	fmt.Fprintf(&b, "drill of %s (%s): %s\n", r.Stack, r.method(), verdict(r.Passed(), r.Warnings()))
	return b.String()
}

// Markdown renders the report as a document: per step a table and a
// Mermaid diagram of the paths.
func (r *Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Failover drill: %s\n\n", r.Stack)
	fmt.Fprintf(&b, "Run %s, method %s. Result: **%s**.\n\n", r.When.Format(time.RFC3339), r.method(), verdict(r.Passed(), r.Warnings()))
	b.WriteString("Each step sets the links' state, then follows both directions between every IDC prefix and workload VPC through the route tables. Both must use the expected link, and the same one: otherwise traffic leaves on one link and returns on the other.\n\n")
	for i, s := range r.Steps {
		fmt.Fprintf(&b, "## Step %d: %s — expect %s both ways: %s\n\n", i+1, s.Scenario.Name, s.Expect, verdict(s.Passed(), s.Warnings))
		b.WriteString("| direction | from | to | link | path |\n|---|---|---|---|---|\n")
		table(&b, s, "| ", " | ")
		b.WriteString("\n")
		if len(s.Entries) > 0 {
			b.WriteString("Transit router route entries (getTransitRouterRouteEntries):\n\n")
			for _, e := range s.Entries {
				fmt.Fprintf(&b, "- %s\n", e)
			}
			b.WriteString("\n")
		}
		if len(s.AlarmStates) > 0 {
			b.WriteString("Alarm states read through the engine:\n\n")
			for _, a := range s.AlarmStates {
				fmt.Fprintf(&b, "- %s\n", a)
			}
			b.WriteString("\n")
		}
		if lines := alertLines(s.Alerts); len(lines) > 0 {
			b.WriteString("Alarms and event rules:\n\n")
			for _, line := range lines {
				fmt.Fprintf(&b, "- %s\n", line)
			}
			b.WriteString("\n")
		}
		for _, f := range s.Findings {
			fmt.Fprintf(&b, "- ✗ %s\n", f.Message)
		}
		for _, w := range s.Warnings {
			fmt.Fprintf(&b, "- ⚠ %s\n", w.Message)
		}
		if len(s.Findings)+len(s.Warnings) > 0 {
			b.WriteString("\n")
		}
		b.WriteString(mermaid(s.Paths))
		b.WriteString("<details><summary>Route tables</summary>\n\n")
		b.WriteString(MarkdownTables(s.Tables))
		b.WriteString("</details>\n\n")
	}
	return b.String()
}

// MarkdownTables renders route tables, the active route of each destination
// marked (several with ECMP). The on-premises gateway ranks its routes by
// preference and, with two circuits, its BGP routes by local preference;
// the transit router its routes from two VBRs by route-map preference.
func MarkdownTables(t routemodel.Tables) string {
	var b strings.Builder
	two := len(t.VBRs) > 1
	section := func(title string, routes []routemodel.Route, pref func(routemodel.Route) string) {
		fmt.Fprintf(&b, "**%s**\n\n| destination | next hop | learned | preference | active |\n|---|---|---|---|---|\n", title)
		for _, r := range routes {
			active := ""
			if r.Active {
				active = "✓"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.Dest, r.Via, r.Source, pref(r), active)
		}
		b.WriteString("\n")
	}
	none := func(routemodel.Route) string { return "" }
	section("Transit router", t.TransitRouter, func(r routemodel.Route) string {
		if two && r.FromVBR() {
			return fmt.Sprint(r.Preference)
		}
		return ""
	})
	names := make([]string, 0, len(t.VPCs))
	for name := range t.VPCs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		section("VPC "+name, t.VPCs[name], none)
	}
	for _, v := range t.VBRs {
		title := "VBR"
		if two {
			title = fmt.Sprintf("%s (%s)", v.Name, v.Circuit)
		}
		section(title, v.Routes, none)
	}
	section("VPN gateway", t.VPNGateway, none)
	section("On-premises gateway", t.OnPrem, func(r routemodel.Route) string {
		if two && r.LocalPreference != 0 {
			return fmt.Sprintf("%d, local preference %d", r.Preference, r.LocalPreference)
		}
		return fmt.Sprint(r.Preference)
	})
	return b.String()
}

// table writes one row per path.
func table(b *strings.Builder, s Step, lead, sep string) {
	for _, p := range s.Paths {
		from, to := "IDC "+p.IDC.String(), fmt.Sprintf("VPC %s %s", p.VPC, p.VPCCIDR)
		if p.Direction == routemodel.Return {
			from, to = to, from
		}
		link := string(p.Link)
		if p.Problem != "" {
			link = "none: " + p.Problem
		}
		fmt.Fprintf(b, "%s%s%s%s%s%s%s%s%s%s\n", lead, p.Direction, sep, from, sep, to, sep, link, sep, strings.Join(p.Hops, " → "))
	}
}

// mermaid draws the step's paths: forward solid, return dashed.
func mermaid(paths []routemodel.Path) string {
	var b strings.Builder
	b.WriteString("```mermaid\nflowchart LR\n")
	ids := map[string]string{}
	node := func(label string) string {
		if id, ok := ids[label]; ok {
			return id
		}
		id := fmt.Sprintf("n%d", len(ids)+1)
		ids[label] = id
		fmt.Fprintf(&b, "  %s[\"%s\"]\n", id, strings.ReplaceAll(label, `"`, "'"))
		return id
	}
	seen := map[string]bool{}
	for _, p := range paths {
		arrow := "-->"
		if p.Direction == routemodel.Return {
			arrow = "-.->"
		}
		for i := 0; i+1 < len(p.Hops); i++ {
			from, to := node(p.Hops[i]), node(p.Hops[i+1])
			edge := fmt.Sprintf("  %s %s|%s| %s\n", from, arrow, p.Direction, to)
			if !seen[edge] {
				seen[edge] = true
				b.WriteString(edge)
			}
		}
		if p.Problem != "" && len(p.Hops) > 0 {
			fail := node("✗ " + p.Problem)
			fmt.Fprintf(&b, "  %s %s|%s| %s\n", node(p.Hops[len(p.Hops)-1]), arrow, p.Direction, fail)
		}
	}
	b.WriteString("```\n\n")
	return b.String()
}

func (r *Report) method() Method {
	if r.Method == "" {
		return FaultSwitch
	}
	return r.Method
}

// verdict is a step's or a drill's result: FAILED, or passed, with the
// number of warnings.
func verdict(ok bool, warnings []routemodel.Finding) string {
	switch {
	case !ok:
		return "FAILED"
	case len(warnings) == 1:
		return "passed, with 1 warning"
	case len(warnings) > 1:
		return fmt.Sprintf("passed, with %d warnings", len(warnings))
	}
	return "passed"
}

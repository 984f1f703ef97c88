// Package drill runs the failover test the design asks operators to run
// every quarter — traffic on the circuit, the circuit shut, the circuit
// restored — against the local Alibaba Cloud: it throws the cloud's fault
// switch at each step and checks, with the route model, that both
// directions between every IDC prefix and workload VPC take the link the
// step expects and the same link.
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
	// Tables are the route tables the cloud held in the step.
	Tables routemodel.Tables
}

// Passed reports whether every path of the step was as expected.
func (s Step) Passed() bool { return len(s.Findings) == 0 }

// Report is a whole drill.
type Report struct {
	Stack string
	When  time.Time
	Steps []Step
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

// Run drills the stack deployed in the cloud: for each step of
// routemodel.Drill it injects the step's faults and records the paths
// traffic takes. The links are left as they were, pass or fail.
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
	r = &Report{Stack: stack, When: time.Now().UTC()}
	for _, sc := range routemodel.Drill {
		if err := cloud.SetFaults(sc.Faults); err != nil {
			return nil, err
		}
		n, faults, err := cloud.Routing(stack, onprem)
		if err != nil {
			return nil, err
		}
		if faults != sc.Faults {
			return nil, fmt.Errorf("drill: the cloud reports faults %+v after %s set %+v", faults, sc.Name, sc.Faults)
		}
		step := Step{Scenario: sc, Expect: sc.Expect(), Paths: n.Paths(faults), Findings: n.Verify([]routemodel.Scenario{sc}), Tables: n.Tables(faults)}
		if len(step.Paths) == 0 {
			step.Findings = append(step.Findings, routemodel.Finding{Scenario: sc.Name, Message: "no workload VPC and IDC prefix to drill: is the stack deployed?"})
		}
		r.Steps = append(r.Steps, step)
	}
	return r, nil
}

// Text renders the report for a terminal: a table per step.
func (r *Report) Text() string {
	var b strings.Builder
	for i, s := range r.Steps {
		fmt.Fprintf(&b, "step %d: %s — expect %s both ways: %s\n", i+1, s.Scenario.Name, s.Expect, verdict(s.Passed()))
		table(&b, s, "  ", " | ")
		for _, f := range s.Findings {
			fmt.Fprintf(&b, "  ✗ %s\n", f.Message)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "drill of %s: %s\n", r.Stack, verdict(r.Passed()))
	return b.String()
}

// Markdown renders the report as a document: per step a table and a
// Mermaid diagram of the paths.
func (r *Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Failover drill: %s\n\n", r.Stack)
	fmt.Fprintf(&b, "Run %s against the local Alibaba Cloud. Result: **%s**.\n\n", r.When.Format(time.RFC3339), verdict(r.Passed()))
	b.WriteString("Each step sets the links' state, then follows both directions between every IDC prefix and workload VPC through the route tables. Both must use the expected link, and the same one: otherwise traffic leaves on one link and returns on the other.\n\n")
	for i, s := range r.Steps {
		fmt.Fprintf(&b, "## Step %d: %s — expect %s both ways: %s\n\n", i+1, s.Scenario.Name, s.Expect, verdict(s.Passed()))
		b.WriteString("| direction | from | to | link | path |\n|---|---|---|---|---|\n")
		table(&b, s, "| ", " | ")
		b.WriteString("\n")
		for _, f := range s.Findings {
			fmt.Fprintf(&b, "- ✗ %s\n", f.Message)
		}
		if len(s.Findings) > 0 {
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
// marked.
func MarkdownTables(t routemodel.Tables) string {
	var b strings.Builder
	// Only the on-premises gateway ranks routes by preference.
	section := func(title string, routes []routemodel.Route) {
		onprem := title == "On-premises gateway"
		fmt.Fprintf(&b, "**%s**\n\n| destination | next hop | learned | preference | active |\n|---|---|---|---|---|\n", title)
		for _, r := range routes {
			pref := ""
			if onprem {
				pref = fmt.Sprint(r.Preference)
			}
			active := ""
			if r.Active {
				active = "✓"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.Dest, r.Via, r.Source, pref, active)
		}
		b.WriteString("\n")
	}
	section("Transit router", t.TransitRouter)
	names := make([]string, 0, len(t.VPCs))
	for name := range t.VPCs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		section("VPC "+name, t.VPCs[name])
	}
	section("VBR", t.VBR)
	section("VPN gateway", t.VPNGateway)
	section("On-premises gateway", t.OnPrem)
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

func verdict(ok bool) string {
	if ok {
		return "passed"
	}
	return "FAILED"
}

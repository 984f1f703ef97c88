package drill

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hybridlink/hybridlink/internal/routemodel"
)

func path(dir routemodel.Direction, link routemodel.Link, problem string, hops ...string) routemodel.Path {
	return routemodel.Path{Direction: dir, IDC: netip.MustParsePrefix("172.16.0.0/16"), VPC: "workload (vpc-1)",
		VPCCIDR: netip.MustParsePrefix("192.168.0.0/16"), Hops: hops, Link: link, Problem: problem}
}

func report() *Report {
	return &Report{Stack: "prod", Steps: []Step{
		{Scenario: routemodel.Normal, Expect: routemodel.Circuit, Paths: []routemodel.Path{
			path(routemodel.Forward, routemodel.Circuit, "", "on-prem gateway", "VBR 10.1.0.1", "transit router", "VPC workload (vpc-1)"),
			path(routemodel.Return, routemodel.Circuit, "", "VPC workload (vpc-1)", "transit router", "VBR 10.1.0.1", "on-prem gateway"),
		}},
		{Scenario: routemodel.CircuitDown, Expect: routemodel.Tunnel, Paths: []routemodel.Path{
			path(routemodel.Return, routemodel.NoLink, "VPC workload has no route to 172.16.0.0/16: the VPN route is not advertised from VPC transit to CEN", "VPC workload (vpc-1)"),
		}, Findings: []routemodel.Finding{{Scenario: "circuit down", Message: "VPC workload (vpc-1) 192.168.0.0/16 → IDC 172.16.0.0/16 has no path"}}},
	}}
}

func TestReportVerdicts(t *testing.T) {
	r := report()
	assert.True(t, r.Steps[0].Passed())
	assert.False(t, r.Steps[1].Passed())
	assert.False(t, r.Passed())
	r.Steps = r.Steps[:1]
	assert.True(t, r.Passed())
}

func TestReportText(t *testing.T) {
	text := report().Text()
	for _, want := range []string{
		"step 1: normal — expect Express Connect both ways: passed\n",
		"  IDC → cloud | IDC 172.16.0.0/16 | VPC workload (vpc-1) 192.168.0.0/16 | Express Connect | on-prem gateway → VBR 10.1.0.1 → transit router → VPC workload (vpc-1)\n",
		"  cloud → IDC | VPC workload (vpc-1) 192.168.0.0/16 | IDC 172.16.0.0/16 | Express Connect | VPC workload (vpc-1) → transit router → VBR 10.1.0.1 → on-prem gateway\n",
		"step 2: circuit down — expect IPsec-VPN both ways: FAILED\n",
		"| none: VPC workload has no route to 172.16.0.0/16: the VPN route is not advertised from VPC transit to CEN |",
		"  ✗ VPC workload (vpc-1) 192.168.0.0/16 → IDC 172.16.0.0/16 has no path\n",
		"drill of prod: FAILED\n",
	} {
		assert.Contains(t, text, want)
	}
}

func TestReportMarkdownDrawsBothDirections(t *testing.T) {
	md := report().Markdown()
	assert.True(t, strings.HasPrefix(md, "# Failover drill: prod\n"))
	assert.Contains(t, md, "## Step 1: normal — expect Express Connect both ways: passed\n")
	assert.Contains(t, md, "| direction | from | to | link | path |\n")
	assert.Contains(t, md, "```mermaid\nflowchart LR\n")
	// Forward hops are solid arrows, return hops dashed; each edge once.
	assert.Contains(t, md, `n1["on-prem gateway"]`)
	assert.Contains(t, md, "  n1 -->|IDC → cloud| n2\n")
	assert.Contains(t, md, "  n3 -.->|cloud → IDC| n2\n")
	assert.Equal(t, 1, strings.Count(md, "  n1 -->|IDC → cloud| n2\n"))
	// A path that stops shows where and why.
	assert.Contains(t, md, `["✗ VPC workload has no route to 172.16.0.0/16: the VPN route is not advertised from VPC transit to CEN"]`)
}

func TestMarkdownTables(t *testing.T) {
	p := netip.MustParsePrefix("192.168.0.0/16")
	md := MarkdownTables(routemodel.Tables{
		TransitRouter: []routemodel.Route{{Dest: netip.MustParsePrefix("172.16.0.0/16"), Via: "attachment of the VBR", Source: "BGP, propagated from the VBR", Active: true}},
		VPCs:          map[string][]routemodel.Route{"workload": {{Dest: p, Via: "local", Source: "system", Active: true}}},
		OnPrem: []routemodel.Route{
			{Dest: p, Via: "VBR 10.1.0.1", Source: "BGP", Preference: 20, Active: true},
			{Dest: p, Via: "IPsec tunnel to 198.51.100.1", Source: "static", Preference: 255},
		},
	})
	for _, want := range []string{
		"**Transit router**\n\n| destination | next hop | learned | preference | active |\n",
		"| 172.16.0.0/16 | attachment of the VBR | BGP, propagated from the VBR |  | ✓ |\n",
		"**VPC workload**\n",
		"| 192.168.0.0/16 | VBR 10.1.0.1 | BGP | 20 | ✓ |\n",
		"| 192.168.0.0/16 | IPsec tunnel to 198.51.100.1 | static | 255 |  |\n",
	} {
		assert.Contains(t, md, want)
	}
}

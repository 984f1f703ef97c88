package drill

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/localcloud"
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
		"drill of prod (fault-switch): FAILED\n",
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

func TestJudgeAlerts(t *testing.T) {
	n := routemodel.Build(nil, routemodel.OnPrem{})
	vpn := localcloud.Alert{Kind: "event rule", Name: "vpn-events", State: "ALARM"}
	quiet := localcloud.Alert{Kind: "alarm", Name: "loss", State: "OK"}
	f, w := judgeAlerts(n, StandbyFails, []localcloud.Alert{quiet, vpn})
	assert.Empty(t, f)
	assert.Empty(t, w)
	f, w = judgeAlerts(n, StandbyFails, []localcloud.Alert{quiet})
	assert.Len(t, f, 1, "alarms that stay silent are broken monitoring")
	assert.Empty(t, w)
	assert.True(t, strings.HasPrefix(f[0].Message, SilentStandby+": no alarm or event rule of the stack fired (1 configured)"), f[0].Message)
	f, w = judgeAlerts(n, StandbyFails, nil)
	assert.Empty(t, f, "a stack with no alarms has a working failover")
	require.Len(t, w, 1, "and an unmonitored standby, which the drill reports")
	assert.True(t, strings.HasPrefix(w[0].Message, UnmonitoredStandby), w[0].Message)
	assert.Contains(t, w[0].Message, "configure hybridlink:alarms")
	f, w = judgeAlerts(n, routemodel.CircuitDown, nil)
	assert.Empty(t, f, "a dead circuit shows in the traffic")
	assert.Empty(t, w)
	noisy, _ := judgeAlerts(n, routemodel.Normal, []localcloud.Alert{{Name: "latency", State: "ALARM"}})
	assert.Len(t, noisy, 1)
	assert.Contains(t, noisy[0].Message, "latency fire(s) while every link is up")
}

// With two circuits a standby circuit's failure is as silent as the VPN's:
// active-standby, B down (alone or with the VPN) leaves traffic on A; ECMP,
// either circuit down leaves traffic on the other, which it already took.
func TestJudgeAlertsTwoCircuits(t *testing.T) {
	sessions := []routemodel.Session{{VBRIP: netip.MustParseAddr("10.1.0.9")}, {VBRIP: netip.MustParseAddr("10.1.0.13")}}
	n := routemodel.Build(nil, routemodel.OnPrem{Sessions: sessions})
	bDown := routemodel.Scenario{Name: "circuit B down", Faults: routemodel.Faults{CircuitBDown: true}}
	quiet := []localcloud.Alert{{Name: "circuit-b-loss", State: "OK"}}
	f, _ := judgeAlerts(n, bDown, quiet)
	require.Len(t, f, 1)
	assert.True(t, strings.HasPrefix(f[0].Message, "circuit B is down and nothing would tell you: no alarm"), f[0].Message)
	f, w := judgeAlerts(n, bDown, nil)
	assert.Empty(t, f, "no alarms at all: a warning, as with one circuit")
	require.Len(t, w, 1)
	assert.True(t, strings.HasPrefix(w[0].Message, "circuit B is down and nothing would tell you: the stack configures no alarm"), w[0].Message)
	f, _ = judgeAlerts(n, routemodel.Scenario{Faults: routemodel.Faults{CircuitBDown: true, VPNDown: true}}, quiet)
	require.Len(t, f, 1)
	assert.Contains(t, f[0].Message, "circuit B and the VPN are down and nothing would tell you")
	f, w = judgeAlerts(n, bDown, []localcloud.Alert{{Name: "circuit-b-loss", State: "ALARM"}})
	assert.Empty(t, f)
	assert.Empty(t, w)
	f, w = judgeAlerts(n, routemodel.Scenario{Faults: routemodel.Faults{CircuitDown: true}}, nil)
	assert.Empty(t, f, "A down moves the traffic to B")
	assert.Empty(t, w)

	ecmp := routemodel.Build(nil, routemodel.OnPrem{Sessions: sessions, ECMP: true})
	f, _ = judgeAlerts(ecmp, routemodel.Scenario{Faults: routemodel.Faults{CircuitDown: true}}, quiet)
	assert.Len(t, f, 1, "ECMP: B already carried traffic")

	var names []string
	for _, sc := range StepsFor(n) {
		names = append(names, sc.Name)
	}
	assert.Equal(t, []string{"normal",
		"circuit A down", "circuit A restored", "circuit B down", "circuit B restored", "VPN down", "VPN restored",
		"circuits A and B down", "circuits A and B restored", "circuit A and the VPN down", "circuit A and the VPN restored",
		"circuit B and the VPN down", "circuit B and the VPN restored"}, names)
	assert.Equal(t, Steps, StepsFor(routemodel.Build(nil, routemodel.OnPrem{})))
}

// A drill whose only finding is an unmonitored standby passes, and says so
// in every rendering.
func TestReportWithAWarning(t *testing.T) {
	r := report()
	r.Steps = r.Steps[:1]
	r.Steps[0].Warnings = []routemodel.Finding{{Scenario: "normal", Message: UnmonitoredStandby + "; configure hybridlink:alarms"}}
	assert.True(t, r.Passed())
	text := r.Text()
	assert.Contains(t, text, "step 1: normal — expect Express Connect both ways: passed, with 1 warning\n")
	assert.Contains(t, text, "  ⚠ "+UnmonitoredStandby)
	assert.Contains(t, text, "drill of prod (fault-switch): passed, with 1 warning\n")
	md := r.Markdown()
	assert.Contains(t, md, "Result: **passed, with 1 warning**")
	assert.Contains(t, md, "- ⚠ "+UnmonitoredStandby)
}

func TestJudgeEntries(t *testing.T) {
	att := Attachments{VBR: "tr-attach-vbr", Transit: "tr-attach-transit"}
	idc := []netip.Prefix{netip.MustParsePrefix("172.16.0.0/16")}
	entry := func(next, status string) RouteEntry {
		return RouteEntry{Destination: "172.16.0.0/16", NextHop: next, NextHopType: "Attachment", Type: "Propagated", Status: status}
	}
	assert.Empty(t, judgeEntries(routemodel.Normal, []RouteEntry{entry(att.VBR, "Active")}, att, idc))
	assert.Empty(t, judgeEntries(routemodel.CircuitDown, []RouteEntry{entry(att.Transit, "Active")}, att, idc))

	f := judgeEntries(routemodel.CircuitDown, []RouteEntry{entry(att.VBR, "Active")}, att, idc)
	assert.Equal(t, []string{"the transit router's Active route to 172.16.0.0/16 leaves by tr-attach-vbr, not by the transit VPC (its advertised route) (tr-attach-transit)"}, messages(f))
	f = judgeEntries(routemodel.CircuitDown, nil, att, idc)
	assert.Equal(t, []string{"the transit router has no Active route to 172.16.0.0/16; expected one via the transit VPC (its advertised route) (tr-attach-transit)"}, messages(f))
	f = judgeEntries(routemodel.CircuitRestored, []RouteEntry{entry(att.Transit, "Active")}, att, idc)
	assert.Equal(t, []string{"the transit router's Active route to 172.16.0.0/16 leaves by tr-attach-transit, not by the VBR (tr-attach-vbr)"}, messages(f),
		"restored, the VBR's route must win again")
}

func messages(fs []routemodel.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Message)
	}
	return out
}

func TestEntriesOf(t *testing.T) {
	got, err := entriesOf([]any{map[string]any{
		"transitRouterRouteEntryDestinationCidrBlock": "172.16.0.0/16", "transitRouterRouteEntryNextHopId": "tr-attach-1",
		"transitRouterRouteEntryNextHopType": "Attachment", "transitRouterRouteEntryType": "Propagated", "status": "Active",
	}})
	assert.NoError(t, err)
	assert.Equal(t, []RouteEntry{{"172.16.0.0/16", "tr-attach-1", "Attachment", "Propagated", "Active"}}, got)
	assert.Equal(t, "172.16.0.0/16 → Attachment tr-attach-1 (Propagated): Active", got[0].String())
	_, err = entriesOf("nope")
	assert.Error(t, err)
	got, err = entriesOf(nil)
	assert.NoError(t, err, "no entries while the table is empty")
	assert.Empty(t, got)
}

func TestReportShowsAlertsEntriesAndCleanup(t *testing.T) {
	r := report()
	r.Method, r.Cleanup = FailoverTest, "the failover test job was stopped and removed"
	r.Steps[1].Alerts = []localcloud.Alert{{Kind: "alarm", Name: "loss", Rule: "oncall-circuit-loss", State: "ALARM", Level: "Critical", Reason: "VBRHealthyCheckLossRate = 100 %"}}
	r.Steps[1].Entries = []RouteEntry{{"172.16.0.0/16", "tr-attach-t", "Attachment", "Propagated", "Active"}}
	text := r.Text()
	assert.Contains(t, text, "  🔔 alarm loss (oncall-circuit-loss): ALARM [Critical] — VBRHealthyCheckLossRate = 100 %\n")
	assert.Contains(t, text, "  transit router: 172.16.0.0/16 → Attachment tr-attach-t (Propagated): Active\n")
	assert.Contains(t, text, "cleanup: the failover test job was stopped and removed\n")
	assert.Contains(t, text, "drill of prod (failover-test): FAILED\n")
	md := r.Markdown()
	assert.Contains(t, md, "method failover-test")
	assert.Contains(t, md, "- 🔔 alarm loss (oncall-circuit-loss)")
	assert.Contains(t, md, "Transit router route entries (getTransitRouterRouteEntries):\n\n- 172.16.0.0/16 → Attachment tr-attach-t")
}

func TestAlarmStatesOf(t *testing.T) {
	got, err := alarmStatesOf([]any{map[string]any{"name": "oncall-circuit-loss", "state": "ALARM"}})
	assert.NoError(t, err)
	assert.Equal(t, []AlarmState{{Name: "oncall-circuit-loss", State: "ALARM"}}, got)
	assert.Equal(t, "alarm oncall-circuit-loss: ALARM", got[0].String())
	_, err = alarmStatesOf(map[string]any{})
	assert.Error(t, err)
}

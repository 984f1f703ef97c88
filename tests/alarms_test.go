package tests

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/components"
	"github.com/hybridlink/hybridlink/internal/drill"
	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/routemodel"
	"github.com/hybridlink/hybridlink/stacks"
)

// openProd deploys prod to a fresh sandbox whose local cloud knows the
// on-premises side (the prefixes its gateway advertises over BGP).
func openProd(t *testing.T) (*box, *stacks.Environment) {
	t.Helper()
	b := openBox(t, copyProject(t), "prod")
	env := loadEnv(t, b.dir, "prod")
	require.NoError(t, b.sb.Cloud.SetOnPrem("prod", env.OnPremModel()))
	b.mustSucceed("up", b.up())
	return b, env
}

// fired are the names of the alerts that fired in each step.
func fired(r *drill.Report) [][]string {
	out := make([][]string, len(r.Steps))
	for i, s := range r.Steps {
		for _, a := range s.Alerts {
			if a.Fired() {
				out[i] = append(out[i], a.Name)
			}
		}
	}
	return out
}

// failoverTestOptions are the options the CLI builds for the sandbox.
func failoverTestOptions(t *testing.T, b *box, env *stacks.Environment, log *bytes.Buffer) drill.FailoverTestOptions {
	t.Helper()
	out := b.outputs()
	atts := out[components.OutputVPCAttachmentIDs].Value.(map[string]any)
	return drill.FailoverTestOptions{
		Stack: "prod", Circuit: env.Config.ExpressConnect.Items[0].PhysicalConnectionID, Region: env.Config.Region,
		RouteTableID: out[components.OutputTransitRouterRouteTableID].Value.(string),
		Attachments: drill.Attachments{VBR: out[components.OutputVBRAttachmentID].Value.(string),
			Transit: atts[env.Config.TransitVPC.Name].(string)},
		IDCPrefixes: env.Args.IDCPrefixes, Minutes: drill.DefaultTestMinutes, AlarmIDs: alarmIDs(out),
		Pulumi: b.sb.PulumiCommand(), Env: b.sb.EngineEnv(), Cloud: b.sb.Cloud, OnPrem: env.OnPremModel(), Log: log,
	}
}

// assertTestRemoved checks that the failover test left nothing behind: no
// job in the cloud, the circuit up, the test stack gone from the backend.
func assertTestRemoved(t *testing.T, b *box, env *stacks.Environment) {
	t.Helper()
	for _, r := range b.snapshot() {
		assert.NotEqual(t, inventory.FailoverTestJob, r.Type, "the job %s was removed", r.URN)
	}
	_, faults, err := b.sb.Cloud.Routing("prod", env.OnPremModel())
	require.NoError(t, err)
	assert.Equal(t, routemodel.Faults{}, faults, "the circuit is up again")
	matches, err := filepath.Glob(filepath.Join(b.state, "backend", ".pulumi", "stacks", drill.TestProject, "*.json"))
	require.NoError(t, err)
	assert.Empty(t, matches, "the test stack was removed")
}

// Prod's drill passes with both methods and reports which alarms fired in
// which step; removing the VPN's event rule makes the standby step fail.
func TestDrillWithAlarms(t *testing.T) {
	skipShort(t)
	b, env := openProd(t)
	const (
		loss = "hybridlink-monitoring-circuit-loss"
		vpn  = "hybridlink-monitoring-vpn-events"
	)

	t.Run("fault switch", func(t *testing.T) {
		r := runDrill(t, b, env.OnPremModel())
		require.True(t, r.Passed(), r.Text())
		assert.Equal(t, [][]string{nil, {loss}, nil, {vpn}}, fired(r))
		assert.Contains(t, r.Text(), "🔔 event rule "+vpn+" (hybridlink-prod-oncall-vpn-events): ALARM [WARN] — IpsecPhase1NegoFailed on vco-")
	})

	t.Run("failover test", func(t *testing.T) {
		var log bytes.Buffer
		r, err := drill.RunFailoverTest(t.Context(), failoverTestOptions(t, b, env, &log))
		require.NoError(t, err, log.String())
		require.True(t, r.Passed(), r.Text())
		require.Len(t, r.Steps, 3)
		assert.Equal(t, [][]string{nil, {loss}, nil}, fired(r))
		out := b.outputs()
		vbrAtt := out[components.OutputVBRAttachmentID].Value.(string)
		transitAtt := out[components.OutputVPCAttachmentIDs].Value.(map[string]any)["transit"].(string)
		assert.Contains(t, r.Steps[0].Entries, drill.RouteEntry{Destination: "172.16.0.0/16", NextHop: vbrAtt, NextHopType: "Attachment", Type: "Propagated", Status: "Active"})
		assert.Contains(t, r.Steps[1].Entries, drill.RouteEntry{Destination: "172.16.0.0/16", NextHop: transitAtt, NextHopType: "Attachment", Type: "Propagated", Status: "Active"},
			"the transit VPC's advertised route takes over while the circuit is shut")
		assert.Contains(t, r.Steps[2].Entries, drill.RouteEntry{Destination: "172.16.0.0/16", NextHop: vbrAtt, NextHopType: "Attachment", Type: "Propagated", Status: "Active"})
		assert.Equal(t, []drill.AlarmState{{Name: "hybridlink-prod-oncall-circuit-loss", State: "OK"}, {Name: "hybridlink-prod-oncall-circuit-latency", State: "OK"}}, r.Steps[0].AlarmStates,
			"the health checks as the engine reads the alarms")
		assert.Equal(t, []drill.AlarmState{{Name: "hybridlink-prod-oncall-circuit-loss", State: "ALARM"}, {Name: "hybridlink-prod-oncall-circuit-latency", State: "INSUFFICIENT_DATA"}}, r.Steps[1].AlarmStates)
		assert.Equal(t, r.Steps[0].AlarmStates, r.Steps[2].AlarmStates)
		for _, p := range r.Steps[1].Paths {
			assert.Equal(t, routemodel.Tunnel, p.Link, "%s", p)
		}
		assert.Contains(t, r.Cleanup, "stopped and removed")
		assertTestRemoved(t, b, env)
		f, err := b.sb.Cloud.Faults()
		require.NoError(t, err)
		assert.Equal(t, routemodel.Faults{}, f, "the fault switch was never thrown")
		assert.Contains(t, log.String(), "expressconnect:EcFailoverTestJob failover-test", "the job went through the engine")
	})

	t.Run("without the VPN's event rule the standby fails silently", func(t *testing.T) {
		var rule string
		for _, r := range b.snapshot() {
			if r.Type == inventory.EventRule {
				rule = string(r.URN)
			}
		}
		require.NotEmpty(t, rule)
		_, err := b.sb.Stack.Destroy(t.Context(), optdestroy.Target([]string{rule}))
		require.NoError(t, err)
		r := runDrill(t, b, env.OnPremModel())
		assert.False(t, r.Passed())
		for _, s := range r.Steps[:3] {
			assert.True(t, s.Passed(), "%s\n%s", s.Scenario.Name, r.Text())
		}
		require.Len(t, r.Steps[3].Findings, 1, r.Text())
		assert.Equal(t, "the standby path is down and nothing would tell you: no alarm or event rule of the stack fired (2 configured); configure hybridlink:alarms, with an event rule on the IPsec connection",
			r.Steps[3].Findings[0].Message)
	})
}

// cancelOn cancels a context (Ctrl-C) once the engine's output shows a
// text.
type cancelOn struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	text   string
	cancel context.CancelFunc
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf.Write(p)
	if strings.Contains(c.buf.String(), c.text) {
		c.cancel()
	}
	return len(p), nil
}

// An interrupted failover test (Ctrl-C as soon as the job is testing) still
// stops the job — the API deletes only a stopped one — removes it, and the
// circuit comes back.
func TestFailoverTestInterrupted(t *testing.T) {
	skipShort(t)
	b, env := openProd(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	log := &cancelOn{text: "EcFailoverTestJob failover-test updated", cancel: cancel}
	o := failoverTestOptions(t, b, env, nil)
	o.Log = log
	start := time.Now()
	r, err := drill.RunFailoverTest(ctx, o)
	require.Error(t, err, "the drill was interrupted")
	require.NotNil(t, r)
	assert.Less(t, len(r.Steps), 3, "it stopped early")
	assert.Contains(t, r.Cleanup, "stopped and removed", "%s\n%s", err, log.buf.String())
	assertTestRemoved(t, b, env)
	t.Logf("interrupted drill and cleanup took %s", time.Since(start).Round(time.Second))
}

func alarmIDs(out auto.OutputMap) []string {
	var ids []string
	for _, id := range out[stacks.OutputAlarmIDs].Value.([]any) {
		ids = append(ids, id.(string))
	}
	return ids
}

package localcloud

import (
	"context"
	"net/netip"
	"testing"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/cloudmonitor"
	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// monitored is the reference world with the standby path's alarms: a
// contact group, the CEN health check's loss-rate alarm and event rules on
// the IPsec negotiation and health check.
type monitored struct {
	*world
	group, loss, latency, nego, health created
}

func lossAlarm(w *world) props {
	return props{"project": "acs_cen", "metric": "VBRHealthyCheckLossRate", "name": "circuit-loss",
		"metricDimensions": cloudmonitor.Dimensions(map[string]string{"cenId": w.cen.id, "vbrInstanceId": w.vbr.id}),
		"contactGroups":    []string{"oncall"}, "period": 60,
		"escalationsCritical": props{"comparisonOperator": ">=", "statistics": "Value", "threshold": "10", "times": 3}}
}

func eventRule(name string, events ...string) props {
	return props{"ruleName": name, "eventPattern": props{"product": "VPN", "nameLists": events, "levelLists": []string{"WARN"}},
		"contactParameters": []any{props{"contactGroupName": "oncall", "level": "3"}}}
}

func newMonitored(h *harness) *monitored {
	h.t.Helper()
	m := &monitored{world: newWorld(h)}
	m.group = h.create(inventory.AlarmContactGroup, "oncall", props{"alarmContactGroupName": "oncall", "contacts": []string{"netops"}})
	m.loss = h.create(inventory.Alarm, "loss", lossAlarm(m.world))
	latency := lossAlarm(m.world)
	latency["metric"], latency["name"] = "VBRHealthyCheckLatency", "circuit-latency"
	latency["escalationsCritical"] = props{"comparisonOperator": ">", "statistics": "Value", "threshold": "100"}
	m.latency = h.create(inventory.Alarm, "latency", latency)
	m.nego = h.create(inventory.EventRule, "nego", eventRule("ipsec-nego", "IpsecPhase1NegoFailed", "IpsecPhase2NegoFailed"))
	m.health = h.create(inventory.EventRule, "hc", eventRule("ipsec-hc", "IpsecHealthCheckFailed"))
	return m
}

// fired returns the names of the stack's alerts that fire.
func fired(t *testing.T, c *Cloud) []string {
	t.Helper()
	alerts, err := c.Alerts("dev")
	require.NoError(t, err)
	var out []string
	for _, a := range alerts {
		if a.Fired() {
			out = append(out, a.Name)
		}
	}
	return out
}

func TestAlarmsAndEventRulesFollowTheLinks(t *testing.T) {
	h := newHarness(t)
	m := newMonitored(h)
	assert.Equal(t, cloudmonitor.StateOK, m.loss.str("status"), "a healthy circuit loses nothing")
	assert.Empty(t, fired(t, h.cloud))

	require.NoError(t, h.cloud.SetFaults(routemodel.Faults{CircuitDown: true}))
	assert.Equal(t, []string{"loss"}, fired(t, h.cloud), "the loss alarm fires; latency has no data while the circuit is down")
	alerts, err := h.cloud.Alerts("dev")
	require.NoError(t, err)
	assert.Equal(t, cloudmonitor.StateNoData, alerts[1].State)
	assert.Contains(t, alerts[0].String(), "VBRHealthyCheckLossRate of VBR "+m.vbr.id+" = 100 % (>= 10)")
	_, out := h.read(m.loss)
	assert.Equal(t, cloudmonitor.StateAlarm, field(out, "status"), "a refresh reads the alarm's state")

	require.NoError(t, h.cloud.SetFaults(routemodel.Faults{VPNDown: true}))
	assert.Equal(t, []string{"nego"}, fired(t, h.cloud),
		"the IKE negotiation fails; the health-check rule stays quiet: the connection has no health check")

	// With the health check enabled, its rule fires too.
	withHC := dualTunnel(m.gw.id, m.cgw.id)
	withHC["healthCheckConfig"] = props{"enable": true, "sip": "10.0.1.10", "dip": "172.16.1.1"}
	_, err = h.update(m.conn, withHC)
	require.NoError(t, err)
	assert.Equal(t, []string{"nego", "hc"}, fired(t, h.cloud))

	require.NoError(t, h.cloud.SetFaults(routemodel.Faults{}))
	assert.Empty(t, fired(t, h.cloud), "restored: nothing fires")

	// Without the health check the loss alarm has no data: it cannot fire.
	require.NoError(t, h.delete(m.health))
	require.NoError(t, h.delete(m.world.health))
	require.NoError(t, h.cloud.SetFaults(routemodel.Faults{CircuitDown: true}))
	assert.Empty(t, fired(t, h.cloud))
}

func TestAlarmRulesOfTheAPI(t *testing.T) {
	h := newHarness(t)
	w := newWorld(h)
	h.create(inventory.AlarmContactGroup, "oncall", props{"alarmContactGroupName": "oncall"})
	for _, tc := range []struct {
		name       string
		change     props
		prop, code string
		fragments  []string
	}{
		{"unknown namespace", props{"project": "acs_vpc_router"}, "project", "InvalidProject.NotFound", []string{`namespace "acs_vpc_router" is unknown`}},
		{"unknown metric", props{"metric": "VBRHealthyCheckLoss"}, "metric", "InvalidMetric.NotFound", []string{`metric "VBRHealthyCheckLoss" is unknown in namespace acs_cen`}},
		{"foreign dimension", props{"metricDimensions": `[{"instanceId":"vbr-1"}]`}, "metricDimensions", "InvalidMetricDimensions.Malformed", []string{`dimension "instanceId" is not one of`}},
		{"statistics", props{"escalationsCritical": props{"statistics": "Average", "threshold": "10"}}, "escalationsCritical.statistics", "InvalidStatistics.Malformed", nil},
		{"no escalation", props{"escalationsCritical": nil}, "escalationsCritical", "MissingParameter", nil},
		{"no resources", props{"metricDimensions": nil}, "metricDimensions", "MissingParameter", nil},
		{"contact group", props{"contactGroups": []string{"nobody"}}, "contactGroups[0]", "InvalidContactGroups.NotFound", []string{"AlarmContactGroup nobody does not exist"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := with(lossAlarm(w), tc.change)
			for _, f := range h.check(inventory.Alarm, "a", in) {
				assert.Empty(t, f.Property, "Check applies no API rule: %s", f.Reason)
			}
			_, err := h.tryCreate(inventory.Alarm, "a", in)
			requireAPIError(t, err, tc.prop, tc.code, tc.fragments...)
		})
	}
	_, err := h.tryCreate(inventory.Alarm, "ok", lossAlarm(w))
	require.NoError(t, err)
}

func TestEventRuleRulesOfTheAPI(t *testing.T) {
	h := newHarness(t)
	h.create(inventory.AlarmContactGroup, "oncall", props{"alarmContactGroupName": "oncall"})
	_, err := h.tryCreate(inventory.EventRule, "r", eventRule("r", "IpsecTunnelDown"))
	requireAPIError(t, err, "eventPattern.nameLists[0]", "InvalidEventName.NotFound", `event "IpsecTunnelDown" is not a VPN system event`)
	bad := eventRule("r", "IpsecPhase1NegoFailed")
	bad["eventPattern"].(props)["levelLists"] = []string{"ERROR"}
	_, err = h.tryCreate(inventory.EventRule, "r", bad)
	requireAPIError(t, err, "eventPattern.levelLists[0]", "InvalidLevelLists.Malformed")
	h.create(inventory.EventRule, "r", eventRule("r", "IpsecPhase1NegoFailed"))
	_, err = h.tryCreate(inventory.EventRule, "r2", eventRule("r", "IpsecPhase1NegoFailed"))
	require.ErrorContains(t, err, "EventRule.AlreadyExists", "rule names are unique in the account")
}

func failoverJob(pc string, change props) props {
	in := props{"resourceType": "PHYSICALCONNECTION", "resourceIds": []string{pc}, "jobType": "StartLater", "jobDuration": 60,
		"ecFailoverTestJobName": "drill"}
	for k, v := range change {
		in[k] = v
	}
	return in
}

// The failover test job's life cycle: Init changes nothing, Testing shuts
// the circuit, Stopped or the end of its duration restores it; a job that is
// testing cannot be deleted, so an interrupted drill must stop it first.
func TestFailoverTestJobLifeCycle(t *testing.T) {
	h := newHarness(t)
	m := newMonitored(h)
	pc := m.vbr.str("physicalConnectionId")
	onprem := routemodel.OnPrem{IDCPrefixes: []netip.Prefix{netip.MustParsePrefix("172.16.0.0/16")}}
	circuitDown := func() bool {
		_, f, err := h.cloud.Routing("dev", onprem)
		require.NoError(t, err)
		return f.CircuitDown
	}

	job := h.create(inventory.FailoverTestJob, "job", failoverJob(pc, nil))
	assert.Equal(t, "Init", job.str("status"))
	assert.False(t, circuitDown())

	job, err := h.update(job, failoverJob(pc, props{"status": "Testing"}))
	require.NoError(t, err)
	assert.Equal(t, "Testing", job.str("status"))
	assert.True(t, circuitDown(), "the test shuts the circuit")
	assert.Equal(t, []string{"loss"}, fired(t, h.cloud), "and the circuit's alarm fires")
	f, err := h.cloud.Faults()
	require.NoError(t, err)
	assert.Equal(t, routemodel.Faults{}, f, "the fault switch is untouched")

	_, err = h.tryCreate(inventory.FailoverTestJob, "second", failoverJob(pc, props{"jobType": "StartNow"}))
	require.ErrorContains(t, err, "OperationFailed.FailoverTestJobRunning")
	require.ErrorContains(t, err, "OperationFailed.ResourceInTest")

	job, err = h.update(job, failoverJob(pc, props{"status": "Stopped"}))
	require.NoError(t, err)
	assert.Equal(t, "Stopped", job.str("status"))
	assert.False(t, circuitDown(), "stopping restores the circuit")
	_, err = h.update(job, failoverJob(pc, props{"status": "Testing"}))
	require.ErrorContains(t, err, "IncorrectStatus.OnlyForInit", "a stopped job cannot start again")
	require.NoError(t, h.delete(job))

	// A StartNow job tests at once and expires after its duration.
	start := h.cloud.clock()
	now := start
	h.cloud.clock = func() time.Time { return now }
	job = h.create(inventory.FailoverTestJob, "now", failoverJob(pc, props{"jobType": "StartNow", "jobDuration": 1}))
	assert.Equal(t, "Testing", job.str("status"))
	now = start.Add(59 * time.Second)
	assert.True(t, circuitDown())
	now = start.Add(time.Minute)
	assert.False(t, circuitDown(), "the test ends with its duration")
	_, out := h.read(job)
	assert.Equal(t, "Stopped", field(out, "status"))
	require.NoError(t, h.delete(job))

	// A job that is testing is not deleted: an interrupted drill's cleanup
	// stops it first.
	job = h.create(inventory.FailoverTestJob, "interrupted", failoverJob(pc, props{"jobType": "StartNow"}))
	assert.True(t, circuitDown())
	require.ErrorContains(t, h.delete(job), "IncorrectStatus.OnlyForInitOrStopped")
	assert.True(t, circuitDown())
	job, err = h.update(job, failoverJob(pc, props{"jobType": "StartNow", "status": "Stopped"}))
	require.NoError(t, err)
	require.NoError(t, h.delete(job))
	assert.False(t, circuitDown())
}

func TestFailoverTestJobRulesOfTheAPI(t *testing.T) {
	h := newHarness(t)
	w := newWorld(h)
	pc := w.vbr.str("physicalConnectionId")
	_, err := h.tryCreate(inventory.FailoverTestJob, "j", failoverJob(pc, props{"resourceIds": []string{}}))
	requireAPIError(t, err, "resourceIds", "InvalidResourceIds.Malformed", "give 1–16")
	const note = " \n[NOTE] set env variable TF_SKIP_RESOURCE_SCHEMA_VALIDATION to true can skip the error and get a warning"
	for _, tc := range []struct {
		change props
		want   string
	}{
		{props{"jobDuration": 4321}, "expected job_duration to be in the range (0 - 4320), got 4321" + note},
		{props{"resourceType": "VBR"}, "expected resource_type to be one of [PHYSICALCONNECTION], got VBR" + note},
		{props{"jobType": "Later"}, "expected job_type to be one of [StartNow StartLater], got Later" + note},
		{props{"status": "Pending"}, "expected status to be one of [Init Starting Testing Stopping Stopped Deleted], got Pending" + note},
	} {
		requireProviderFailure(t, h.check(inventory.FailoverTestJob, "j", failoverJob(pc, tc.change)), tc.want)
	}
	_, err = h.tryCreate(inventory.FailoverTestJob, "j", failoverJob("pc-elsewhere", nil))
	require.ErrorContains(t, err, "InvalidResourceId.NotFound: physical connection pc-elsewhere has no VBR in cn-hangzhou")
	for _, d := range []int{1, 4320} {
		_, err = h.tryCreate(inventory.FailoverTestJob, "ok", failoverJob(pc, props{"jobDuration": d}))
		require.NoError(t, err, "%d minutes", d)
	}
}

func routeEntries(t *testing.T, h *harness, table string, extra props) []props {
	t.Helper()
	args := props{"transitRouterRouteTableId": table}
	for k, v := range extra {
		args[k] = v
	}
	resp, err := h.client.Invoke(context.Background(), &pulumirpc.InvokeRequest{Tok: inventory.GetTRRouteEntries, Args: h.marshal(args)})
	require.NoError(t, err)
	require.Empty(t, resp.Failures)
	var out []props
	for _, e := range h.unmarshal(resp.Return)["entries"].ArrayValue() {
		p := props{}
		for k, v := range e.ObjectValue() {
			p[string(k)] = v.StringValue()
		}
		out = append(out, p)
	}
	return out
}

// entryFor returns the entries to a destination as "status next-hop".
func entryFor(entries []props, dest string) []string {
	var out []string
	for _, e := range entries {
		if e["transitRouterRouteEntryDestinationCidrBlock"] == dest {
			out = append(out, e["status"].(string)+" "+e["transitRouterRouteEntryNextHopId"].(string))
		}
	}
	return out
}

func TestRouteEntriesFollowTheRouting(t *testing.T) {
	h := newHarness(t)
	w := newWorld(h)
	require.NoError(t, h.cloud.SetOnPrem("dev", routemodel.OnPrem{IDCPrefixes: []netip.Prefix{netip.MustParsePrefix("172.16.0.0/16")}}))
	vbrAtt, vpc2Att := w.vbrAtt.str("transitRouterAttachmentId"), w.att2.str("transitRouterAttachmentId")

	entries := routeEntries(t, h, w.systemTable, nil)
	assert.Equal(t, []string{"Active " + vbrAtt}, entryFor(entries, "172.16.0.0/16"),
		"the VBR's BGP route is active; the transit VPC's advertised one stands by, and the API lists Active entries only")
	assert.Equal(t, []string{"Active " + w.att1.str("transitRouterAttachmentId")}, entryFor(entries, "192.168.0.0/16"))
	assert.Len(t, entries, 3, "the two VPCs and the IDC")
	assert.Empty(t, routeEntries(t, h, w.systemTable, props{"transitRouterRouteEntryStatus": "Creating"}))

	require.NoError(t, h.cloud.SetFaults(routemodel.Faults{CircuitDown: true}))
	entries = routeEntries(t, h, w.systemTable, props{"transitRouterRouteEntryStatus": "Active"})
	assert.Equal(t, []string{"Active " + vpc2Att}, entryFor(entries, "172.16.0.0/16"), "the advertised route takes over")

	// The provider validates the status before it calls the API.
	resp, err := h.client.Invoke(context.Background(), &pulumirpc.InvokeRequest{Tok: inventory.GetTRRouteEntries,
		Args: h.marshal(props{"transitRouterRouteTableId": w.systemTable, "transitRouterRouteEntryStatus": "All"})})
	require.NoError(t, err)
	require.Len(t, resp.Failures, 1)
	assert.Equal(t, "expected transit_router_route_entry_status to be one of [Active Creating Deleting Updating], got All", resp.Failures[0].Reason)

	resp, err = h.client.Invoke(context.Background(), &pulumirpc.InvokeRequest{Tok: inventory.GetTRRouteEntries, Args: h.marshal(props{"transitRouterRouteTableId": "vtb-nope"})})
	require.ErrorContains(t, err, "InvalidTransitRouterRouteTableId.NotFound")
	assert.Nil(t, resp)
}

// TestAnEventRuleKeepsTheTargetsItsUpdateDrops shows what the real
// provider leaves when an update drops a target of an event rule: it puts
// the remaining targets, never deletes one, so the dropped webhook stays on
// the rule and every later diff shows the change again. A target with an
// ID modifies the old one with that ID.
func TestAnEventRuleKeepsTheTargetsItsUpdateDrops(t *testing.T) {
	h := newHarness(t)
	newMonitored(h) // the contact group the rules notify
	hook := props{"protocol": "http", "method": "post", "url": "https://hooks.example.com/a"}
	rule := h.create(inventory.EventRule, "hooked", with(eventRule("hooked", "IpsecPhase1NegoFailed"), props{"webhookParameters": []any{hook}}))

	dropped := eventRule("hooked", "IpsecPhase1NegoFailed")
	assert.Equal(t, []string{"webhookParameters"}, h.diff(rule, dropped).Diffs, "an in-place update, not a replacement")
	after, err := h.update(rule, dropped)
	require.NoError(t, err)
	assert.Equal(t, "https://hooks.example.com/a", field(after.out, "webhookParameters[0].url"), "the webhook is still called")
	assert.Equal(t, "oncall", field(after.out, "contactParameters[0].contactGroupName"))
	_, out := h.read(after)
	assert.Equal(t, "https://hooks.example.com/a", field(out, "webhookParameters[0].url"))
	assert.Equal(t, []string{"webhookParameters"}, h.diff(after, dropped).Diffs, "and the change shows again")

	// Targets with IDs: the new one modifies the old one.
	withID := func(url string) props {
		return with(eventRule("by-id", "IpsecPhase1NegoFailed"), props{"webhookParameters": []any{with(hook, props{"webhookParametersId": "1", "url": url})}})
	}
	byID := h.create(inventory.EventRule, "by-id", withID("https://hooks.example.com/a"))
	after, err = h.update(byID, withID("https://hooks.example.com/b"))
	require.NoError(t, err)
	v, _, _ := inventory.Lookup(after.out, "webhookParameters")
	require.Len(t, v.ArrayValue(), 1)
	assert.Equal(t, "https://hooks.example.com/b", field(after.out, "webhookParameters[0].url"))
}

package drill

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"time"

	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/cen"
	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/cms"
	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/expressconnect"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/hybridlink/hybridlink/internal/limits"
	"github.com/hybridlink/hybridlink/internal/localcloud"
	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// The failover-test method shuts the circuit with Alibaba Cloud's Express
// Connect failover test, through the Pulumi engine: a stack beside the
// environment's (project TestProject, stack TestStackName) holds only the
// test job and reads the transit router's route entries and the state of
// the environment's alarms (the health checks they watch). Each step updates
// the job — created in Init, then Testing (the circuit is shut), then
// Stopped (restored) — and reads the entries until they show what the step
// expects; then the job is stopped and removed, also when the drill is
// interrupted. The same code runs against the sandbox's local cloud and a
// real account; only the engine's environment differs.

// TestProject is the Pulumi project of the failover test's stack.
const TestProject = "hybridlink-failover-test"

// TestStackName is the failover test's stack beside an environment's.
func TestStackName(stack string) string { return stack + "-failover-test" }

// DefaultTestMinutes bounds the test: if the drill dies outright, the cloud
// restores the circuit by itself after this long.
const DefaultTestMinutes = 30

// FailoverTestOptions configure a failover-test drill.
type FailoverTestOptions struct {
	// Stack is the environment's stack.
	Stack string
	// Circuit is its physical connection; RouteTableID its transit
	// router's route table; Attachments those of its VBR and transit VPC.
	Circuit, RouteTableID string
	Attachments           Attachments
	IDCPrefixes           []netip.Prefix
	Region                string
	// AlarmIDs are the environment's alarm rules, whose state each step
	// reads (stacks.OutputAlarmIDs); none when its alarms are off.
	AlarmIDs []string
	// Minutes is the job's duration (limits.FailoverTestMinutesMin–Max).
	Minutes int
	// Pulumi runs the engine (nil: the pulumi on PATH); Env is its
	// environment: the backend, the passphrase and, in the sandbox, the
	// local cloud it attaches to.
	Pulumi auto.PulumiCommand
	Env    map[string]string
	// Settle is how long a step waits for the route entries to show what it
	// expects (BGP and the transit router converging), reading every Poll.
	Settle, Poll time.Duration
	// Cloud, in the sandbox, is read at each step too: the paths, route
	// tables and alarms. Nil on a real account.
	Cloud  *localcloud.Cloud
	OnPrem routemodel.OnPrem
	// Log receives the engine's progress.
	Log io.Writer
}

// testStep is a step of the failover test: the job's requested status ("":
// created in Init).
type testStep struct {
	sc     routemodel.Scenario
	status string
}

var testSteps = []testStep{
	{routemodel.Normal, ""},
	{routemodel.CircuitDown, limits.FailoverTestTesting},
	{routemodel.CircuitRestored, limits.FailoverTestStopped},
}

// RunFailoverTest drills the environment with the failover test. It
// returns the report so far with any error; Cleanup says how the job was
// left.
func RunFailoverTest(ctx context.Context, o FailoverTestOptions) (r *Report, err error) {
	if err := limits.CheckFailoverTestMinutes(o.Minutes); err != nil {
		return nil, fmt.Errorf("drill: failover test %w", err)
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	opts := []auto.LocalWorkspaceOption{auto.EnvVars(o.Env)}
	if o.Pulumi != nil {
		opts = append(opts, auto.Pulumi(o.Pulumi))
	}
	st, err := auto.UpsertStackInlineSource(ctx, TestStackName(o.Stack), TestProject, testProgram, opts...)
	if err != nil {
		return nil, fmt.Errorf("drill: the failover test's stack %s: %w", TestStackName(o.Stack), err)
	}
	t := &testStack{o: o, st: st}
	r = &Report{Stack: o.Stack, Method: FailoverTest, When: time.Now().UTC()}
	defer func() {
		// Cleanup must run even when ctx was cancelled (Ctrl-C), with its
		// own bound.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Minute)
		defer cancel()
		var cerr error
		r.Cleanup, cerr = t.cleanup(cctx, ctx.Err() != nil)
		err = errors.Join(err, cerr)
	}()
	if err := t.configure(ctx); err != nil {
		return r, err
	}
	for _, ts := range testSteps {
		step, err := t.step(ctx, ts)
		if err != nil {
			return r, err
		}
		r.Steps = append(r.Steps, step)
	}
	return r, nil
}

type testStack struct {
	o  FailoverTestOptions
	st auto.Stack
	// touched: the job may exist, or be testing; cleanup must stop and
	// remove it.
	touched bool
}

func (t *testStack) configure(ctx context.Context) error {
	alarms, err := json.Marshal(t.o.AlarmIDs)
	if err != nil {
		return err
	}
	return t.st.SetAllConfig(ctx, auto.ConfigMap{
		"alarmIds":        {Value: string(alarms)},
		"alicloud:region": {Value: t.o.Region},
		"circuit":         {Value: t.o.Circuit},
		"routeTableId":    {Value: t.o.RouteTableID},
		"minutes":         {Value: strconv.Itoa(t.o.Minutes)},
		"jobName":         {Value: "hybridlink-drill-" + t.o.Stack},
	})
}

// step sets the job's status and reads the route entries until they show
// what the step expects or Settle has passed.
func (t *testStack) step(ctx context.Context, ts testStep) (Step, error) {
	if err := t.st.SetConfig(ctx, "status", auto.ConfigValue{Value: ts.status}); err != nil {
		return Step{}, err
	}
	t.touched = true
	deadline := time.Now().Add(t.o.Settle)
	for {
		res, err := t.st.Up(ctx, optup.ProgressStreams(t.o.Log))
		if err != nil {
			return Step{}, fmt.Errorf("drill: step %q of the failover test: %w", ts.sc.Name, err)
		}
		entries, err := entriesOf(res.Outputs["routeEntries"].Value)
		if err != nil {
			return Step{}, err
		}
		alarms, err := alarmStatesOf(res.Outputs["alarms"].Value)
		if err != nil {
			return Step{}, err
		}
		findings := judgeEntries(ts.sc, entries, t.o.Attachments, t.o.IDCPrefixes)
		if want := jobStatusAfter(ts.status); res.Outputs["jobStatus"].Value != want {
			findings = append(findings, routemodel.Finding{Scenario: ts.sc.Name,
				Message: fmt.Sprintf("the failover test job is %v, not %s", res.Outputs["jobStatus"].Value, want)})
		}
		if len(findings) == 0 || !time.Now().Before(deadline) {
			return t.observe(ts.sc, entries, alarms, findings)
		}
		select {
		case <-ctx.Done():
			return Step{}, ctx.Err()
		case <-time.After(t.o.Poll):
		}
	}
}

func jobStatusAfter(requested string) string {
	if requested == "" {
		return limits.FailoverTestInit
	}
	return requested
}

// observe completes a step: from the local cloud when there is one, else
// from the route entries alone.
func (t *testStack) observe(sc routemodel.Scenario, entries []RouteEntry, alarms []AlarmState, findings []routemodel.Finding) (Step, error) {
	step := Step{Scenario: sc, Expect: routemodel.Build(nil, t.o.OnPrem).Expect(sc.Faults)}
	if t.o.Cloud != nil {
		var err error
		if step, err = observe(t.o.Stack, t.o.Cloud, t.o.OnPrem, sc); err != nil {
			return Step{}, err
		}
	}
	step.Entries, step.AlarmStates = entries, alarms
	step.Findings = append(step.Findings, findings...)
	return step, nil
}

// cleanup stops the job if it may be testing, destroys the stack (deleting
// the job) and removes it. After an interruption it first releases the
// stack's lock, which an update killed by the interrupt can leave behind.
func (t *testStack) cleanup(ctx context.Context, interrupted bool) (string, error) {
	if !t.touched {
		return "nothing to clean up: the failover test job was never created", t.st.Workspace().RemoveStack(ctx, t.st.Name())
	}
	if interrupted {
		_ = t.st.Cancel(ctx) // fails harmlessly when nothing is locked
	}
	var errs []error
	if err := t.st.SetConfig(ctx, "status", auto.ConfigValue{Value: limits.FailoverTestStopped}); err != nil {
		errs = append(errs, err)
	} else if _, err := t.st.Up(ctx, optup.ProgressStreams(t.o.Log)); err != nil {
		// An interrupted update leaves pending operations behind; clear
		// them and try once more.
		_, _ = t.st.Refresh(ctx, optrefresh.ClearPendingCreates(), optrefresh.ProgressStreams(t.o.Log))
		if _, err := t.st.Up(ctx, optup.ProgressStreams(t.o.Log)); err != nil {
			errs = append(errs, fmt.Errorf("stopping the failover test: %w", err))
		}
	}
	if _, err := t.st.Destroy(ctx, optdestroy.ProgressStreams(t.o.Log)); err != nil {
		errs = append(errs, fmt.Errorf("removing the failover test job: %w", err))
	} else if err := t.st.Workspace().RemoveStack(ctx, t.st.Name()); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Sprintf("FAILED: the failover test job %s may still be testing; it stops by itself %d minutes after it started — check the Express Connect console, and run `pulumi destroy --stack %s` in the project %s",
			"hybridlink-drill-"+t.o.Stack, t.o.Minutes, t.st.Name(), TestProject), err
	}
	return fmt.Sprintf("the failover test job was stopped and removed, and the stack %s with it", t.st.Name()), nil
}

// testProgram is the failover test's Pulumi program: the job on the
// circuit and the route entries, read after
// the job has changed.
func testProgram(ctx *pulumi.Context) error {
	minutes, err := strconv.Atoi(config.Require(ctx, "minutes"))
	if err != nil {
		return fmt.Errorf("minutes: %w", err)
	}
	args := &expressconnect.EcFailoverTestJobArgs{
		EcFailoverTestJobName: pulumi.String(config.Require(ctx, "jobName")),
		Description:           pulumi.String("hybridlink failover drill: shuts the circuit so traffic moves to the IPsec-VPN"),
		ResourceType:          pulumi.String(limits.FailoverTestResourceType),
		ResourceIds:           pulumi.StringArray{pulumi.String(config.Require(ctx, "circuit"))},
		JobType:               pulumi.String(limits.FailoverTestStartLater),
		JobDuration:           pulumi.Int(minutes),
	}
	if status := config.Get(ctx, "status"); status != "" {
		args.Status = pulumi.String(status)
	}
	job, err := expressconnect.NewEcFailoverTestJob(ctx, "failover-test", args)
	if err != nil {
		return err
	}
	table := config.Require(ctx, "routeTableId")
	entries := cen.GetTransitRouterRouteEntriesOutput(ctx, cen.GetTransitRouterRouteEntriesOutputArgs{
		// Read once the job has changed: the argument waits for it.
		TransitRouterRouteTableId: job.Status.ApplyT(func(string) string { return table }).(pulumi.StringOutput),
	})
	ctx.Export("jobStatus", job.Status)
	ctx.Export("routeEntries", entries.Entries())

	// The alarms are read, like the entries, once the job has changed;
	// reading one refreshes its state (OK, ALARM, INSUFFICIENT_DATA).
	var ids []string
	if err := json.Unmarshal([]byte(config.Require(ctx, "alarmIds")), &ids); err != nil {
		return fmt.Errorf("alarmIds: %w", err)
	}
	alarms := pulumi.Array{}
	for i, id := range ids {
		a, err := cms.GetAlarm(ctx, fmt.Sprintf("alarm-%d", i), job.Status.ApplyT(func(string) pulumi.ID { return pulumi.ID(id) }).(pulumi.IDOutput), nil)
		if err != nil {
			return err
		}
		alarms = append(alarms, pulumi.Map{"name": a.Name, "state": a.Status})
	}
	ctx.Export("alarms", alarms)
	return nil
}

package sandbox

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// Up runs `pulumi up` with the policy pack as an operator's `pulumi up`
// runs: one CLI run that previews with the pack, stops there when the
// preview fails, and updates otherwise. The preview matters: the pack's
// stack policies (cidr-no-overlap, vpn-route-single-weight-100, …) run
// only at the end of an operation, so an update without it would create
// every resource before a mandatory stack-policy violation failed it. The
// Automation API's Up skips the preview and then reads the stack's outputs
// twice and its history — four CLI runs of its own — so the sandbox runs
// the CLI itself (programHost serves the program) and takes the update's
// changes and outputs from the engine's events.
//
// It takes the options `pulumi up` does here: progress and event streams,
// --diff, --target, --target-dependents, --expect-no-changes. The result's
// Summary holds the update's resource changes, and Outputs the stack's
// outputs, secrets masked ("[secret]", Secret set); Stack.Outputs reads
// them decrypted. The events streamed are the update's, or the preview's
// when the preview stops it.
func (s *Sandbox) Up(ctx context.Context, opts ...optup.Option) (auto.UpResult, error) {
	var o optup.Options
	for _, opt := range opts {
		opt.ApplyOption(&o)
	}
	args, err := s.upArgs(o)
	if err != nil {
		return auto.UpResult{}, err
	}
	if err := s.recoverRun(ctx, "sandbox up"); err != nil {
		return auto.UpResult{}, err
	}
	host, err := serveProgram(s.opts.Program)
	if err != nil {
		return auto.UpResult{}, err
	}
	defer host.Close()
	// In the system's temporary directory: a run killed outright leaves
	// it, and a state directory would gather them.
	log, err := os.CreateTemp("", "hybridlink-up-events-*.json")
	if err != nil {
		return auto.UpResult{}, fmt.Errorf("sandbox: %w", err)
	}
	log.Close()
	defer os.Remove(log.Name())
	args = append(args, "--client="+host.addr, "--exec-kind=auto.inline", "--event-log", log.Name())

	out, errOut := o.ProgressStreams, o.ErrorProgressStreams
	if len(out) == 0 {
		out = []io.Writer{s.opts.Out}
	}
	if len(errOut) == 0 {
		errOut = []io.Writer{s.opts.Err}
	}
	args = append(args, "--stack", s.opts.Stack)
	// The CLI has --event-log only with PULUMI_DEBUG_COMMANDS, as the
	// Automation API sets it.
	env := append(EnvList(s.env), "PULUMI_DEBUG_COMMANDS=true")
	stdout, stderr, code, runErr := s.cli.Run(ctx, s.workDir, nil, out, errOut, env, args...)
	ev, evErr := readEvents(log.Name())
	ev.stream(o.EventStreams)
	if runErr != nil {
		// The CLI prints policy violations and the program's errors to
		// stdout, its own failures to stderr: explain reads both.
		err := s.explain(ctx, "sandbox up", fmt.Errorf("pulumi up (exit %d): %w\n%s\n%s", code, runErr, stdout, stderr))
		var f *Failure
		if !ev.updated && errors.As(err, &f) {
			f.Cause += " (found by the preview before the update: nothing was changed)"
		}
		return auto.UpResult{StdOut: stdout, StdErr: stderr}, err
	}
	if evErr != nil {
		return auto.UpResult{}, fmt.Errorf("sandbox up: the engine's events: %w", evErr)
	}
	changes := map[string]int{}
	for op, n := range ev.changes {
		changes[string(op)] = n
	}
	return auto.UpResult{
		StdOut:  stdout,
		StdErr:  stderr,
		Outputs: ev.outputs,
		Summary: auto.UpdateSummary{Kind: "update", Result: "succeeded", ResourceChanges: &changes},
	}, nil
}

// upArgs are the `pulumi up` arguments of the options, the policy pack's
// among them; an option the sandbox's up does not take is an error rather
// than ignored.
func (s *Sandbox) upArgs(o optup.Options) ([]string, error) {
	args := []string{"up", "--yes"}
	for _, p := range s.policyPacks() {
		args = append(args, "--policy-pack="+p)
	}
	if o.Diff {
		args = append(args, "--diff")
	}
	for _, t := range o.Target {
		args = append(args, "--target="+t)
	}
	if o.TargetDependents {
		args = append(args, "--target-dependents")
	}
	if o.ExpectNoChanges {
		args = append(args, "--expect-no-changes")
	}
	rest := o
	rest.Diff, rest.Target, rest.TargetDependents, rest.ExpectNoChanges = false, nil, false, false
	rest.ProgressStreams, rest.ErrorProgressStreams, rest.EventStreams = nil, nil, nil
	if rest.ShowSecrets != nil && !*rest.ShowSecrets {
		rest.ShowSecrets = nil // the CLI's default: secrets masked
	}
	if !reflect.ValueOf(rest).IsZero() {
		return nil, fmt.Errorf("sandbox up: an option it does not take: %+v", rest)
	}
	return args, nil
}

// upEvents is what the engine's events of an up tell.
type upEvents struct {
	// updated: the update began (the preview passed).
	updated bool
	// changes are the update's resource changes; outputs the stack's.
	changes map[apitype.OpType]int
	outputs auto.OutputMap
	events  []events.EngineEvent
}

// readEvents reads the event log `pulumi up --event-log` wrote: the
// update's events, told apart from any of the preview's by their Planning
// and IsPreview flags.
func readEvents(path string) (upEvents, error) {
	var ev upEvents
	f, err := os.Open(path)
	if err != nil {
		return ev, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for sc.Scan() {
		var e apitype.EngineEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return ev, err
		}
		ev.events = append(ev.events, events.EngineEvent{EngineEvent: e})
		switch {
		case e.ResourcePreEvent != nil && !e.ResourcePreEvent.Planning:
			ev.updated = true
		case e.SummaryEvent != nil && !e.SummaryEvent.IsPreview:
			ev.updated, ev.changes = true, e.SummaryEvent.ResourceChanges
		case e.ResOutputsEvent != nil && !e.ResOutputsEvent.Planning && e.ResOutputsEvent.Metadata.Type == "pulumi:pulumi:Stack":
			ev.outputs = outputMap(e.ResOutputsEvent.Metadata.New)
		}
	}
	return ev, sc.Err()
}

// stream sends the events to each channel and closes it, as the
// Automation API's operations do.
func (ev upEvents) stream(chans []chan<- events.EngineEvent) {
	for _, ch := range chans {
		for _, e := range ev.events {
			ch <- e
		}
		close(ch)
	}
}

// secretMask is how an event shows a secret value.
const secretMask = "[secret]"

// outputMap turns the stack's state in an event into its outputs.
func outputMap(st *apitype.StepEventStateMetadata) auto.OutputMap {
	out := auto.OutputMap{}
	if st == nil {
		return out
	}
	for k, v := range st.Outputs {
		b, _ := json.Marshal(v)
		out[k] = auto.OutputValue{Value: v, Secret: strings.Contains(string(b), secretMask)}
	}
	return out
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/hybridlink/hybridlink/internal/atomicfile"
	"github.com/hybridlink/hybridlink/internal/drill"
	"github.com/hybridlink/hybridlink/internal/review"
	"github.com/hybridlink/hybridlink/internal/sandbox"
	"github.com/hybridlink/hybridlink/internal/stackfile"
	"github.com/hybridlink/hybridlink/internal/toolbuild"
	"github.com/hybridlink/hybridlink/stacks"
)

// reviewRun is one `hybridlink review`.
type reviewRun struct {
	project, rel, cache string
	base, head          review.Side
	scratch             *scratch
	tools               *toolbuild.Tools
	// engineLog receives the engines' output: discarded unless --verbose.
	engineLog io.Writer
	timings   []string
	start     time.Time
}

func (rv *reviewRun) logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "review: "+format+"\n", args...)
}

// timed runs fn and records how long it took under name.
func (rv *reviewRun) timed(name string, fn func()) {
	t := time.Now()
	fn()
	rv.timings = append(rv.timings, fmt.Sprintf("%s=%.1fs", name, time.Since(t).Seconds()))
}

// reviewCmd is the pull-request review: the base deployed into a scratch
// sandbox, the working tree's program and stack files previewed and applied
// onto it, each stack judged (internal/review), the verdict on stdout, in
// Markdown for a comment, and in the exit code.
func reviewCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("review", flag.ContinueOnError)
	dir := fs.String("dir", "", "project directory; default: the nearest one at or above the working directory")
	baseRef := fs.String("base", "", "git ref of the base (default: the merge base of HEAD with main, else with origin/main)")
	var only, allow stringList
	fs.Var(&only, "stack", "review only this stack (repeatable; default: every stack of the base and the head)")
	fs.Var(&allow, "allow-replace", "a protected resource the change may replace or delete, by name or URN (repeatable)")
	mdOut := fs.String("markdown", "", "also write the review as Markdown for a pull-request comment (at most 60,000 characters) to this file")
	cache := fs.String("cache", "", "where deployed bases are kept between reviews and each review's scratch goes (default <project>/.cache/review)")
	verbose := fs.Bool("verbose", false, "show the engines' output")
	if err := fs.Parse(args); err != nil {
		return exitError{2}
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("review takes no arguments (got %q): name stacks with --stack", fs.Args())
	}
	rv := &reviewRun{start: time.Now(), engineLog: io.Discard}
	if *verbose {
		rv.engineLog = os.Stderr
	}
	var err error
	if rv.project, err = projectRoot(*dir); err != nil {
		return err
	}
	if rv.base, rv.head, rv.rel, err = gitSides(ctx, rv.project, *baseRef); err != nil {
		return err
	}
	rv.cache = *cache
	if rv.cache == "" {
		rv.cache = filepath.Join(rv.project, ".cache", "review")
	}
	if rv.cache, err = filepath.Abs(rv.cache); err != nil {
		return err
	}
	if rv.scratch, err = newScratch(rv.cache); err != nil {
		return fmt.Errorf("review: %w", err)
	}
	defer func() {
		if err := rv.scratch.remove(); err != nil {
			rv.logf("could not remove its scratch %s: %v", rv.scratch.dir, err)
		}
	}()
	rep, err := rv.run(ctx, only, allow)
	if err != nil {
		return err
	}
	fmt.Print(rep.Text())
	if *mdOut != "" {
		if err := atomicfile.Write(filepath.Dir(*mdOut), filepath.Base(*mdOut), []byte(rep.Markdown(review.CommentLimit))); err != nil {
			return fmt.Errorf("--markdown: %w", err)
		}
		rv.logf("wrote %s", *mdOut)
	}
	if summary := os.Getenv("GITHUB_STEP_SUMMARY"); summary != "" {
		if err := appendFile(summary, rep.Markdown(jobSummaryLimit)); err != nil {
			return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
		}
	}
	rv.logf("took %.1fs: %s", time.Since(rv.start).Seconds(), strings.Join(rv.timings, " "))
	if !rep.Passed() {
		return exitError{1}
	}
	return nil
}

// jobSummaryLimit keeps a review within GitHub's 1 MiB job summary.
const jobSummaryLimit = 1000000

func appendFile(path, s string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = f.WriteString(s)
	return errors.Join(err, f.Close())
}

// run deploys the base, then reviews each stack on a copy of it.
func (rv *reviewRun) run(ctx context.Context, only, allow []string) (*review.Report, error) {
	head := "HEAD " + rv.head.Short()
	if rv.head.Dirty {
		head += " with uncommitted changes"
	}
	rv.logf("base %s (%s) → head %s", rv.base.Short(), rv.base.Ref, head)
	// Which stacks first, so that a wrong --stack costs nothing.
	atBase, err := baseStacks(ctx, rv.project, rv.base.Commit, rv.rel)
	if err != nil {
		return nil, err
	}
	atHead, err := stackfile.List(filepath.Join(rv.project, "stacks"))
	if err != nil {
		return nil, err
	}
	names := slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(atHead), atBase...))))
	for _, s := range only {
		if !slices.Contains(names, s) {
			return nil, fmt.Errorf("--stack %s: no such stack at the base or the head (stacks: %s)", s, strings.Join(names, ", "))
		}
	}
	rv.timed("tools", func() { rv.tools, err = toolbuild.Build(ctx, rv.project, os.Stderr) })
	if err != nil {
		return nil, err
	}
	var base *baseDeployment
	rv.timed("base", func() { base, err = rv.deployBase(ctx) })
	if err != nil {
		return nil, err
	}
	state := filepath.Join(rv.scratch.dir, "state")
	if err := copyTree(base.state, state); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("review: copying the base's deployment: %w", err)
	}
	var reviews []*review.Stack
	for _, name := range names {
		if len(only) > 0 && !slices.Contains(only, name) {
			continue
		}
		f, err := rv.stack(ctx, name, state, base, slices.Contains(base.stacks, name), slices.Contains(atHead, name))
		if err != nil {
			return nil, err
		}
		reviews = append(reviews, review.Judge(f, allow))
	}
	return review.NewReport(rv.base, rv.head, reviews, allow), nil
}

// stack gathers the facts of one stack: the base's deployment as it is (its
// state, outputs and drill), then the head previewed against it with the
// policy pack, applied onto it (without the pack, so that paths are known
// whatever the pack says), and drilled. An error is the review's own
// failure; the change's failures are facts.
func (rv *reviewRun) stack(ctx context.Context, name, state string, base *baseDeployment, atBase, atHead bool) (review.Facts, error) {
	f := review.Facts{Stack: name, AtBase: atBase, AtHead: atHead}
	rv.logf("%s: reviewing", name)
	// headEnv is the head's environment; for a removed stack, the base's.
	project, headEnv := rv.project, (*stacks.Environment)(nil)
	if atHead {
		env, secrets, err := environment(rv.project, name)
		f.Secrets = append(f.Secrets, secrets...)
		if err != nil {
			f.ConfigError = err.Error()
			return f, nil
		}
		headEnv = env
	} else {
		project = base.project // a removed stack: its destroy is previewed from the base's files
	}
	var baseEnv *stacks.Environment
	if atBase {
		env, secrets, err := environment(base.project, name)
		f.Secrets = append(f.Secrets, secrets...)
		if err != nil {
			f.BaseNote = "the base's stack file does not load with the head's code: " + err.Error()
		}
		baseEnv = env
		if headEnv == nil {
			headEnv = env
		}
	}
	opts := sandbox.Options{ProjectDir: project, StateDir: state, Stack: name, Program: stacks.Program, Tools: rv.tools,
		NoPolicy: true, Passphrase: passphrase(), KeepStackFile: true, Out: rv.engineLog, Err: rv.engineLog, Force: forced}
	if headEnv != nil {
		opts.OnPrem = headEnv.OnPremModel()
	}
	var s *sandbox.Sandbox
	var err error
	rv.timed(name+".open", func() { s, err = sandbox.Open(ctx, opts) })
	if err != nil {
		return f, err
	}
	defer s.Close()
	if atBase {
		if err := rv.timedErr(name+".base", func() error { return rv.baseFacts(ctx, s, &f, baseEnv) }); err != nil {
			return f, err
		}
	}
	if !atHead {
		rv.timed(name+".preview", func() {
			f.Events, f.PreviewError = previewEvents(ctx, func(ch chan<- events.EngineEvent) error {
				_, err := s.Stack.PreviewDestroy(ctx, optdestroy.EventStreams(ch), optdestroy.ProgressStreams(rv.engineLog), optdestroy.ErrorProgressStreams(rv.engineLog))
				return err
			})
		})
		f.HeadNote = "the stack is removed"
		return f, ctx.Err()
	}
	rv.timed(name+".preview", func() {
		f.Events, f.PreviewError = previewEvents(ctx, func(ch chan<- events.EngineEvent) error {
			_, err := s.Preview(ctx, optpreview.PolicyPacks(rv.tools.PolicyPack), optpreview.EventStreams(ch))
			return err
		})
	})
	if err := ctx.Err(); err != nil {
		return f, err
	}
	var upErr error
	rv.timed(name+".apply", func() { _, upErr = s.Up(ctx) })
	if err := ctx.Err(); err != nil {
		return f, err
	}
	if upErr != nil {
		f.ApplyError = failureCause(upErr)
		f.HeadNote = "the change does not apply onto the base's deployment"
		return f, nil
	}
	return f, rv.timedErr(name+".head", func() error {
		outputs, err := s.Stack.Outputs(ctx)
		if err != nil {
			return err
		}
		f.HeadOnPrem, f.Secrets = rendered(outputs), append(f.Secrets, secretOutputs(outputs)...)
		f.HeadDrill, err = drill.Run(name, s.Cloud, headEnv.OnPremModel())
		return err
	})
}

func (rv *reviewRun) timedErr(name string, fn func() error) error {
	var err error
	rv.timed(name, func() { err = fn() })
	return err
}

// baseFacts reads the base's deployment of the stack: its state, outputs
// and drill (the head's drill, so that both sides run the same steps, on
// the base's on-premises side). It then lifts the protection in the
// scratch state: what the review reports of protected resources comes from
// the state read here, and the head must apply in full to be drilled.
func (rv *reviewRun) baseFacts(ctx context.Context, s *sandbox.Sandbox, f *review.Facts, env *stacks.Environment) error {
	export, err := s.Stack.Export(ctx)
	if err != nil {
		return fmt.Errorf("review: reading the base's state of %s: %w", f.Stack, err)
	}
	var dep apitype.DeploymentV3
	if err := json.Unmarshal(export.Deployment, &dep); err != nil {
		return fmt.Errorf("review: the base's state of %s: %w", f.Stack, err)
	}
	f.Base.Resources = dep.Resources
	outputs, err := s.Stack.Outputs(ctx)
	if err != nil {
		return fmt.Errorf("review: reading the base's outputs of %s: %w", f.Stack, err)
	}
	f.BaseOnPrem, f.Secrets = rendered(outputs), append(f.Secrets, secretOutputs(outputs)...)
	f.Base.VPCNames = map[string]string{}
	if ids, ok := outputs[stacks.OutputVPCIDs].Value.(map[string]any); ok {
		for name, id := range ids {
			if id, ok := id.(string); ok {
				f.Base.VPCNames[id] = name
			}
		}
	}
	if env != nil {
		if f.BaseDrill, err = drill.Run(f.Stack, s.Cloud, env.OnPremModel()); err != nil {
			return fmt.Errorf("review: drilling the base's %s: %w", f.Stack, err)
		}
	}
	if slices.ContainsFunc(dep.Resources, func(r apitype.ResourceV3) bool { return r.Protect }) {
		return s.Unprotect(ctx)
	}
	return nil
}

// environment loads a stack file with the head's code, and lists its
// secret values for the review to mask.
func environment(project, stack string) (*stacks.Environment, []string, error) {
	file, err := stackfile.Read(filepath.Join(project, "stacks"), stack)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := file.Config(passphrase())
	if err != nil {
		return nil, nil, err
	}
	var secrets []string
	for _, k := range cfg.Keys() {
		if cfg.IsSecret(k) {
			secrets = append(secrets, cfg.Values[k])
		}
	}
	env, err := stacks.Load(stack, cfg)
	return env, secrets, err
}

// previewEvents runs a preview and collects the engine's events; the
// preview's failure is a fact of the change, returned as its cause.
func previewEvents(ctx context.Context, preview func(chan<- events.EngineEvent) error) ([]apitype.EngineEvent, string) {
	ch := make(chan events.EngineEvent)
	collected := make(chan []apitype.EngineEvent)
	go func() {
		var evs []apitype.EngineEvent
		for e := range ch {
			if e.Error == nil {
				evs = append(evs, e.EngineEvent)
			}
		}
		collected <- evs
	}()
	err := preview(ch)
	evs := <-collected
	if err != nil {
		return evs, failureCause(err)
	}
	return evs, ""
}

// failureCause is what a sandbox operation's error says went wrong, without
// the sandbox's advice on commands to run next, which does not fit a review.
func failureCause(err error) string {
	var f *sandbox.Failure
	if errors.As(err, &f) {
		return f.Cause
	}
	return err.Error()
}

// rendered reads the on-premises configuration the program exports (every
// vendor, secrets included: the review masks them).
func rendered(outputs auto.OutputMap) review.Rendered {
	vendors, ok := outputs[stacks.OutputOnPremConfig].Value.(map[string]any)
	if !ok {
		return nil
	}
	out := review.Rendered{}
	for vendor, files := range vendors {
		fm, ok := files.(map[string]any)
		if !ok {
			continue
		}
		out[vendor] = map[string]string{}
		for name, content := range fm {
			if s, ok := content.(string); ok {
				out[vendor][name] = s
			}
		}
	}
	return out
}

// secretOutputs lists the string values of a stack's secret outputs.
func secretOutputs(outputs auto.OutputMap) []string {
	var out []string
	for _, o := range outputs {
		if s, ok := o.Value.(string); ok && o.Secret {
			out = append(out, s)
		}
	}
	return out
}

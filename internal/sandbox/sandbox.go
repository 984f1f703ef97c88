// Package sandbox runs the hybridlink program through the real Pulumi engine
// on one machine, with no cloud account: the Automation API drives the
// pinned Pulumi CLI with the program inline (the function main.go runs),
// the stack files from stacks/, the policy pack, a backend — the sandbox's
// own file backend, or a team's bucket — and a local Alibaba Cloud
// (internal/localcloud) the engine attaches to as the alicloud provider.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hybridlink/hybridlink/internal/localcloud"
	"github.com/hybridlink/hybridlink/internal/routemodel"
	"github.com/hybridlink/hybridlink/internal/stackfile"
	"github.com/hybridlink/hybridlink/internal/statebackend"
	"github.com/hybridlink/hybridlink/internal/toolbuild"
)

// Options configure a sandbox.
type Options struct {
	// ProjectDir holds Pulumi.yaml and stacks/Pulumi.<Stack>.yaml.
	ProjectDir string
	Stack      string
	// StateDir holds the file backend and the local cloud; default
	// <ProjectDir>/.sandbox. Both stacks of a project share one local cloud,
	// as they share one Alibaba Cloud account.
	StateDir string
	// Backend is the URL of the backend that keeps the stacks' state:
	// empty for the file backend in StateDir, or a self-managed backend
	// such as a team's bucket (s3://…; see internal/statebackend).
	Backend string
	// Program is the Pulumi program to run inline. Required: the CLI passes
	// stacks.Program, the program main.go runs.
	Program pulumi.RunFunc
	Tools   *toolbuild.Tools
	// NoPolicy runs without the policy pack (for measurements).
	NoPolicy bool
	// Passphrase decrypts the stack's secrets; default the sandbox one.
	Passphrase string
	// Out receives the engine's progress output; default os.Stdout.
	Out io.Writer
	// OnPrem is the on-premises side the sandbox stands in for: the
	// prefixes its gateway advertises over BGP, which the local cloud's
	// transit router then holds (getTransitRouterRouteEntries).
	OnPrem routemodel.OnPrem
	// Err receives what the CLI writes to stderr: errors that are no
	// resource's diagnostic, such as a --target missing a dependency;
	// default os.Stderr.
	Err io.Writer
	// KeepStackFile runs the engine on a copy of Pulumi.yaml and the stack
	// file, so that nothing it writes (a missing encryptionsalt) reaches
	// them: for checks, which must not change what they check.
	KeepStackFile bool
	// Force, once closed, stops the engine at once (Pulumi's forced stop)
	// instead of letting it finish what is in flight, as ending an
	// operation's context does; the next run settles what it left.
	Force <-chan struct{}
}

// Sandbox is one stack's sandbox, with its local cloud serving.
type Sandbox struct {
	opts      Options
	Cloud     *localcloud.Cloud
	Stack     auto.Stack
	stopCloud func() error
	env       map[string]string
	stateDir  string
	cli       *cli
	workDir   string
	run       *runLock
	// backend is the backend's URL; store reads its checkpoints and
	// locks.
	backend string
	store   *statebackend.Store
}

// Open starts the local cloud and selects (or creates) the stack in the
// backend. The cloud serves until Close: an operation whose
// context ends is cancelled gracefully, and the engine needs the cloud to
// finish what is in flight. Only one Sandbox of a stack and state directory
// is open at a time; a second Open fails with ErrStackInUse.
func Open(ctx context.Context, opts Options) (*Sandbox, error) {
	if opts.Tools == nil {
		return nil, fmt.Errorf("sandbox: no tools; call toolbuild.Build first")
	}
	opts.StateDir = StateDir(opts.ProjectDir, opts.StateDir)
	if opts.Program == nil {
		return nil, fmt.Errorf("sandbox: no program; set Options.Program, e.g. to stacks.Program")
	}
	if opts.Passphrase == "" {
		opts.Passphrase = stackfile.SandboxPassphrase
	}
	if opts.Out == nil {
		opts.Out = os.Stdout
	}
	if opts.Err == nil {
		opts.Err = os.Stderr
	}
	project, err := filepath.Abs(opts.ProjectDir)
	if err != nil {
		return nil, err
	}
	state, err := filepath.Abs(opts.StateDir)
	if err != nil {
		return nil, err
	}
	if _, err := stackfile.Read(filepath.Join(project, "stacks"), opts.Stack); err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	run, err := lockRun(state, opts.Stack)
	if err != nil {
		return nil, err
	}
	s, err := open(ctx, opts, project, state, run)
	if err != nil {
		_ = run.release()
		return nil, err
	}
	return s, nil
}

// open is Open once the stack's run lock is held: it serves the cloud and
// selects the stack, clearing what a dead run left on the way.
func open(ctx context.Context, opts Options, project, state string, run *runLock) (*Sandbox, error) {
	workDir := project
	if opts.KeepStackFile {
		var err error
		if workDir, err = copyProject(project, state, opts.Stack); err != nil {
			return nil, err
		}
	}
	if opts.Backend == BackendURL(state, "") {
		opts.Backend = "" // the sandbox's own, named
	}
	backend := BackendURL(state, opts.Backend)
	cloud, env, stop, err := ServeCloud(context.WithoutCancel(ctx), state, opts.Backend, opts.Passphrase)
	if err != nil {
		return nil, err
	}
	store, err := statebackend.Open(ctx, backend)
	if err != nil {
		_ = stop()
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	stop = closeBoth(stop, store.Close)
	if len(opts.OnPrem.IDCPrefixes) > 0 {
		// Before the engine's first operation, which the cloud answers
		// with the on-premises gateway's routes in mind.
		if err := cloud.SetOnPrem(opts.Stack, opts.OnPrem); err != nil {
			_ = stop()
			return nil, err
		}
	}
	s := &Sandbox{opts: opts, Cloud: cloud, stopCloud: stop, stateDir: state, run: run, env: env, backend: backend, store: store}
	s.cli = &cli{path: opts.Tools.PulumiPath, version: opts.Tools.PulumiVersion, force: opts.Force}
	s.workDir = workDir
	// A killed run's lock would stop even the selection of the stack.
	if err := s.cancelStaleLocks(ctx, false); err != nil {
		_ = stop()
		return nil, err
	}
	ws, err := auto.NewLocalWorkspace(ctx, auto.Program(opts.Program), auto.WorkDir(workDir), auto.Pulumi(s.cli), auto.EnvVars(s.env))
	if err == nil {
		s.Stack, err = auto.UpsertStack(ctx, opts.Stack, workspace{ws, s})
	}
	if err == nil {
		err = s.markKnown(ctx)
	}
	if err != nil {
		_ = stop()
		return nil, s.explain(ctx, "opening the sandbox", err)
	}
	return s, nil
}

// workspace is the sandbox's Automation API workspace: selecting a stack
// whose checkpoint the backend holds runs no CLI (every command names its
// stack with --stack), and a stack without one is created as usual.
type workspace struct {
	auto.Workspace
	s *Sandbox
}

func (w workspace) SelectStack(ctx context.Context, stack string) error {
	if _, found, err := w.s.checkpoint(ctx); err == nil && found {
		return nil
	}
	return w.Workspace.SelectStack(ctx, stack)
}

// StateDir is the sandbox state directory: stateDir, or by default
// <projectDir>/.sandbox.
func StateDir(projectDir, stateDir string) string {
	if stateDir == "" {
		return filepath.Join(projectDir, ".sandbox")
	}
	return stateDir
}

// OpenCloud opens the local cloud of a sandbox state directory without
// serving it: to read its resources or throw its fault switch.
func OpenCloud(stateDir string) (*localcloud.Cloud, error) {
	latency, err := localcloud.LatencyFromEnv()
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	c, err := localcloud.Open(filepath.Join(stateDir, "cloud"))
	if err != nil {
		return nil, err
	}
	c.Latency = latency
	return c, nil
}

// Backend is the URL of the backend the sandbox works on.
func (s *Sandbox) Backend() string { return s.backend }

// EngineEnv is the environment the sandbox runs the engine with: its
// backend, passphrase and the local cloud as the alicloud provider. Another
// stack run with it — the drill's failover test — shares the backend and
// the cloud.
func (s *Sandbox) EngineEnv() map[string]string {
	env := make(map[string]string, len(s.env))
	for k, v := range s.env {
		env[k] = v
	}
	return env
}

// PulumiCommand is the Pulumi CLI the sandbox runs, in its own process
// group and dying with hybridlink (see cli).
func (s *Sandbox) PulumiCommand() auto.PulumiCommand { return s.cli }

// Close stops the local cloud and ends the run's hold on the stack; the
// state stays in the state directory.
func (s *Sandbox) Close() error {
	err := s.stopCloud()
	return errors.Join(err, s.run.release())
}

func (s *Sandbox) policyPacks() []string {
	if s.opts.NoPolicy {
		return nil
	}
	return []string{s.opts.Tools.PolicyPack}
}

// Preview runs `pulumi preview` with the policy pack.
func (s *Sandbox) Preview(ctx context.Context, opts ...optpreview.Option) (auto.PreviewResult, error) {
	if err := s.cancelStaleLocks(ctx, false); err != nil {
		return auto.PreviewResult{}, err
	}
	opts = append([]optpreview.Option{optpreview.ProgressStreams(s.opts.Out), optpreview.ErrorProgressStreams(s.opts.Err), optpreview.PolicyPacks(s.policyPacks()...)}, opts...)
	res, err := s.Stack.Preview(ctx, opts...)
	return res, s.explain(ctx, "sandbox preview", err)
}

// Refresh runs `pulumi refresh`.
func (s *Sandbox) Refresh(ctx context.Context, opts ...optrefresh.Option) (auto.RefreshResult, error) {
	if err := s.recoverRun(ctx, "sandbox refresh"); err != nil {
		return auto.RefreshResult{}, err
	}
	opts = append([]optrefresh.Option{optrefresh.ProgressStreams(s.opts.Out), optrefresh.ErrorProgressStreams(s.opts.Err)}, opts...)
	res, err := s.Stack.Refresh(ctx, opts...)
	return res, s.explain(ctx, "sandbox refresh", err)
}

// Destroy runs `pulumi destroy`; with unprotect it first lifts the
// protection prod sets on the circuit-facing and hub resources.
func (s *Sandbox) Destroy(ctx context.Context, unprotect bool, opts ...optdestroy.Option) (auto.DestroyResult, error) {
	if err := s.recoverRun(ctx, "sandbox destroy"); err != nil {
		return auto.DestroyResult{}, err
	}
	if unprotect {
		if err := s.Unprotect(ctx); err != nil {
			return auto.DestroyResult{}, err
		}
	}
	opts = append([]optdestroy.Option{optdestroy.ProgressStreams(s.opts.Out), optdestroy.ErrorProgressStreams(s.opts.Err)}, opts...)
	res, err := s.Stack.Destroy(ctx, opts...)
	return res, s.explain(ctx, "sandbox destroy", err)
}

// Unprotect runs `pulumi state unprotect --all`.
func (s *Sandbox) Unprotect(ctx context.Context) error {
	_, stderr, code, err := s.Pulumi(ctx, "state", "unprotect", "--all", "--yes")
	if err != nil {
		return fmt.Errorf("sandbox: unprotect (exit %d): %w\n%s", code, err, stderr)
	}
	return nil
}

// Pulumi runs another pulumi command against the sandbox's stack.
func (s *Sandbox) Pulumi(ctx context.Context, args ...string) (stdout, stderr string, code int, err error) {
	return s.pulumiWithInput(ctx, nil, args...)
}

func (s *Sandbox) pulumiWithInput(ctx context.Context, stdin io.Reader, args ...string) (stdout, stderr string, code int, err error) {
	args = append(args, "--stack", s.opts.Stack, "--non-interactive")
	return s.cli.Run(ctx, s.workDir, stdin, nil, nil, EnvList(s.env), args...)
}

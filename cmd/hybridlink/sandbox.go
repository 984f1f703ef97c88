package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"

	"github.com/hybridlink/hybridlink/internal/sandbox"
	"github.com/hybridlink/hybridlink/internal/toolbuild"
	"github.com/hybridlink/hybridlink/stacks"
)

// sandboxFlags are the flags every sandbox command takes.
type sandboxFlags struct {
	stack, dir, state string
	// backend is the backend's URL, "" for the sandbox's file backend;
	// backendFlag reports that --backend gave it (not the environment).
	backend     string
	backendFlag bool
	noPolicy    bool
	// keepStackFile: the engine must not write to the stack file (check).
	keepStackFile bool
}

func (f *sandboxFlags) register(fs *flag.FlagSet) {
	f.registerStack(fs)
	fs.BoolVar(&f.noPolicy, "no-policy", false, "run without the policy pack")
}

// registerStack registers the flags that name a stack's sandbox: --stack,
// and the project's and state's directories.
func (f *sandboxFlags) registerStack(fs *flag.FlagSet) {
	fs.StringVar(&f.stack, "stack", "", "stack to run: dev or prod (required)")
	f.registerState(fs)
}

// registerState registers the flags that locate a sandbox: the project's
// and the state's directories.
func (f *sandboxFlags) registerState(fs *flag.FlagSet) {
	fs.StringVar(&f.dir, "dir", "", "project directory (Pulumi.yaml, stacks/, go.mod); default: the nearest one at or above the working directory")
	fs.StringVar(&f.state, "state", "", "sandbox state directory (default <project>/.sandbox)")
}

// backendEnv names the variable that gives the backend, as for pulumi.
const backendEnv = "PULUMI_BACKEND_URL"

// registerBackend registers --backend, for the commands that read or write
// a stack's state.
func (f *sandboxFlags) registerBackend(fs *flag.FlagSet) {
	fs.StringVar(&f.backend, "backend", "", "the backend of the stacks' state: a URL such as s3://<bucket>?endpoint=https://s3.oss-<region>.aliyuncs.com&region=<region> (default $"+backendEnv+", else the sandbox's file backend in --state)")
}

// parse parses the command line and finds the project; the project and
// state directories it leaves are absolute.
func (f *sandboxFlags) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return exitError{2}
	}
	if f.backendFlag = f.backend != ""; !f.backendFlag && fs.Lookup("backend") != nil {
		f.backend = os.Getenv(backendEnv)
	}
	var err error
	if f.dir, err = projectRoot(f.dir); err != nil {
		return err
	}
	if f.state != "" {
		f.state, err = filepath.Abs(f.state)
	}
	return err
}

// open validates the stack file, builds the tools and opens the sandbox of
// f.stack. Validating the file itself, beyond what the program sees, also
// catches misspelt keys, which a running program cannot list, and secure
// values that do not decrypt, before anything is created.
func (f *sandboxFlags) open(ctx context.Context) (*sandbox.Sandbox, *stacks.Environment, error) {
	env, err := loadStack(*f, true)
	if err != nil {
		return nil, nil, err
	}
	tools, err := toolbuild.Build(ctx, f.dir, os.Stderr)
	if err != nil {
		return nil, nil, err
	}
	s, err := sandbox.Open(ctx, sandbox.Options{ProjectDir: f.dir, StateDir: f.state, Backend: f.backend, Stack: f.stack, Program: stacks.Program, Tools: tools, NoPolicy: f.noPolicy,
		Passphrase: passphrase(), OnPrem: env.OnPremModel(), Force: forced, KeepStackFile: f.keepStackFile})
	return s, env, err
}

// sandboxCmd runs preview, up, destroy or refresh of a stack against the
// local cloud, streaming the engine's output.
func sandboxCmd(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("sandbox needs an operation: preview, up, destroy, refresh or reset")
	}
	op := args[0]
	fs := flag.NewFlagSet("sandbox "+op, flag.ContinueOnError)
	var f sandboxFlags
	f.register(fs)
	f.registerBackend(fs)
	unprotect := fs.Bool("unprotect", false, "destroy: first unprotect the protected resources (prod)")
	diff := fs.Bool("diff", false, "preview, up: show every changed property, as pulumi's --diff")
	var targets stringList
	fs.Var(&targets, "target", "preview, up: change only this resource (URN; repeatable), as pulumi's --target")
	if err := f.parse(fs, args[1:]); err != nil {
		return err
	}
	switch op {
	case "preview", "up":
	case "destroy", "refresh":
		if *diff || len(targets) > 0 {
			return fmt.Errorf("sandbox %s: --diff and --target apply to preview and up", op)
		}
	case "reset":
		return sandboxReset(f)
	default:
		return fmt.Errorf("unknown sandbox operation %q: use preview, up, destroy, refresh or reset", op)
	}
	s, _, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	switch op {
	case "preview":
		_, err = s.Preview(ctx, previewOptions(*diff, targets)...)
	case "up":
		var res auto.UpResult
		if res, err = s.Up(ctx, upOptions(*diff, targets)...); err == nil {
			printUpSummary(os.Stderr, f, res)
		}
	case "destroy":
		_, err = s.Destroy(ctx, *unprotect)
	case "refresh":
		_, err = s.Refresh(ctx)
	}
	// The engine has already printed its diagnostics; err says why in
	// short and what to do.
	if err != nil {
		return err
	}
	return nil
}

// check is the offline pull-request check: a sandbox preview with the
// policy pack, which fails on any mandatory policy violation or
// configuration problem.
func check(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	var f sandboxFlags
	f.register(fs)
	f.registerBackend(fs)
	if err := f.parse(fs, args); err != nil {
		return err
	}
	f.noPolicy, f.keepStackFile = false, true
	s, _, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.Preview(ctx, optpreview.Diff()); err != nil {
		return fmt.Errorf("check: %w", err)
	}
	fmt.Fprintf(os.Stderr, "hybridlink: check of %s passed\n", f.stack)
	return nil
}

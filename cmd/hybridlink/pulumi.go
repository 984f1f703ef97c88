package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/hybridlink/hybridlink/internal/sandbox"
	"github.com/hybridlink/hybridlink/internal/stackfile"
	"github.com/hybridlink/hybridlink/internal/toolbuild"
)

// programOp maps the pulumi commands that run the program to the sandbox
// operation that runs it inline.
var programOp = map[string]string{"up": "up", "update": "up", "preview": "preview"}

// pulumiCmd runs the pinned Pulumi CLI on a stack of the sandbox: with the
// sandbox's backend, passphrase and PULUMI_HOME, and the local cloud
// serving as the alicloud provider, so that Pulumi's own hints (`pulumi
// stack output --show-secrets`, `pulumi state unprotect`, `pulumi refresh
// --clear-pending-creates`, `pulumi stack history`) can be followed.
func pulumiCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("pulumi", flag.ContinueOnError)
	var f sandboxFlags
	f.registerStack(fs)
	f.registerBackend(fs)
	if err := f.parse(fs, args); err != nil {
		return err
	}
	if f.stack == "" || fs.NArg() == 0 {
		return fmt.Errorf("usage: hybridlink pulumi --stack <s> -- <pulumi arguments>, e.g. -- stack output --show-secrets")
	}
	if _, err := stackfile.Read(filepath.Join(f.dir, "stacks"), f.stack); err != nil {
		return err
	}
	bin, err := toolbuild.Pulumi(ctx, f.dir, os.Stderr)
	if err != nil {
		return err
	}
	state := sandbox.StateDir(f.dir, f.state)
	release, err := sandbox.LockStack(state, f.stack)
	if err != nil {
		return err
	}
	defer release()
	// The CLI gets Ctrl-C from the terminal and cancels gracefully; the
	// local cloud serves until the CLI has finished.
	_, env, stop, err := sandbox.ServeCloud(context.WithoutCancel(ctx), state, f.backend, passphrase())
	if err != nil {
		return err
	}
	defer stop()
	environ := append(os.Environ(), sandbox.EnvList(env)...)

	// Select the stack in the sandbox's own PULUMI_HOME, creating it in the
	// backend if no sandbox command has yet.
	sel := exec.Command(bin, "stack", "select", "--create", f.stack, "--non-interactive")
	sel.Dir, sel.Env = f.dir, environ
	if out, err := sel.CombinedOutput(); err != nil {
		return fmt.Errorf("pulumi stack select --create %s: %w\n%s", f.stack, err, bytes.TrimSpace(out))
	}
	run := exec.Command(bin, fs.Args()...)
	run.Dir, run.Env = f.dir, environ
	run.Stdin, run.Stdout, run.Stderr = os.Stdin, os.Stdout, os.Stderr
	var exit *exec.ExitError
	if err := run.Run(); errors.As(err, &exit) {
		if op := programOp[fs.Arg(0)]; op != "" {
			fmt.Fprintf(os.Stderr, "hybridlink: pulumi %s runs the Go program through pulumi-language-go, which a standard Pulumi install brings; `%s sandbox %s --stack %s%s` runs it inline\n",
				fs.Arg(0), invokedAs(), op, f.stack, stackFlags(f))
		}
		return exitError{exit.ExitCode()}
	} else if err != nil {
		return err
	}
	return nil
}

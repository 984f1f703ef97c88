package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// forceGrace is how long a forced stop waits for Pulumi's own termination
// before killing the CLI.
const forceGrace = 5 * time.Second

// cli runs the Pulumi CLI for the Automation API (it is the stack's
// auto.PulumiCommand) so that an interrupt reaches it once:
//
//   - The CLI runs in a process group of its own. A terminal's Ctrl-C goes to
//     the foreground process group; with the CLI in it, the CLI got the
//     signal from the terminal and a second one when the Automation API
//     relayed the cancelled context, and Pulumi reads a second SIGINT as
//     "terminate now". Now hybridlink alone receives it and relays one.
//   - ctx ending is the graceful cancel: one SIGINT, after which Pulumi
//     finishes the operations in flight and records them.
//   - force closing is the forced stop: a second SIGINT (Pulumi's
//     termination), and SIGKILL if the CLI still runs forceGrace later.
//   - The CLI dies with hybridlink (Pdeathsig), so a killed hybridlink never
//     leaves an engine running against a local cloud that is gone.
type cli struct {
	path    string
	version semver.Version
	force   <-chan struct{}

	mu     sync.Mutex
	stderr string // the last command's, for explain
}

func (c *cli) lastStderr() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stderr
}

var _ auto.PulumiCommand = (*cli)(nil)

func (c *cli) Version() semver.Version { return c.version }

// Run runs one CLI command as auto.PulumiCommand's Run does: non-interactive,
// with PULUMI_AUTOMATION_API set, the extra writers fed, and the exit code
// returned.
func (c *cli) Run(ctx context.Context, workdir string, stdin io.Reader, extraOut, extraErr []io.Writer,
	env []string, args ...string) (string, string, int, error) {
	if err := ctx.Err(); err != nil {
		return "", "", -1, fmt.Errorf("not running pulumi %s: %w", firstWord(args), err)
	}
	cmd := exec.Command(c.path, nonInteractive(args)...)
	cmd.Dir = workdir
	cmd.Env = append(os.Environ(), env...)
	cmd.Env = append(cmd.Env, "PULUMI_AUTOMATION_API=true", "PATH="+filepath.Dir(c.path)+string(os.PathListSeparator)+os.Getenv("PATH"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout = io.MultiWriter(append(extraOut, &stdout)...)
	cmd.Stderr = io.MultiWriter(append(extraErr, &stderr)...)
	cmd.Stdin = stdin
	err := Supervise(ctx, cmd, c.force)
	c.mu.Lock()
	c.stderr = stderr.String()
	c.mu.Unlock()
	code := -1
	var exit *exec.ExitError
	switch {
	case err == nil:
		code = 0
	case errors.As(err, &exit):
		code = exit.ExitCode()
	}
	return stdout.String(), stderr.String(), code, err
}

// Supervise runs cmd as the sandbox runs the Pulumi CLI (see cli): in a
// process group of its own, dying with hybridlink; when ctx ends it gets one
// SIGINT, and when force closes a second one, then SIGKILL forceGrace later.
// hybridlink review runs the base's own hybridlink CLI so.
func Supervise(ctx context.Context, cmd *exec.Cmd, force <-chan struct{}) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	// Pdeathsig fires when the thread that started the child ends, and Go
	// ends a thread only when a goroutine locked to it returns: keep this
	// one locked until the child is reaped.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	cancelled := ctx.Done()
	var kill <-chan time.Time
	for {
		select {
		case err := <-done:
			return err
		case <-cancelled:
			_ = cmd.Process.Signal(os.Interrupt)
			cancelled = nil
		case <-force:
			_ = cmd.Process.Signal(os.Interrupt)
			if cancelled != nil { // the first interrupt was not sent yet
				_ = cmd.Process.Signal(os.Interrupt)
				cancelled = nil
			}
			force = nil
			kill = time.After(forceGrace)
		case <-kill:
			_ = cmd.Process.Kill()
			kill = nil
		}
	}
}

// nonInteractive adds --non-interactive before any "--": a prompt would
// wait forever.
func nonInteractive(args []string) []string {
	flags := args
	if i := slices.Index(args, "--"); i >= 0 {
		flags = args[:i]
	}
	if slices.Contains(flags, "--non-interactive") {
		return args
	}
	return append([]string{"--non-interactive"}, args...)
}

func firstWord(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

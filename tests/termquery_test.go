package tests

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The terminal queries termenv writes (the background colour, then the
// cursor position) and answers a terminal would give.
const (
	queryBackground = "\x1b]11;?"
	queryCursor     = "\x1b[6n"
	answers         = "\x1b]11;rgb:0000/0000/0000\x1b\\" + "\x1b[1;1R"
)

// TestNoTerminalQuery runs hybridlink commands with a terminal (a pty) as
// their stdin, stdout and stderr, as a user's shell does, and fails when
// they write a terminal query: in a terminal that does not answer, each
// query stalls the command for 5 s. The pinned Pulumi CLI, which links the
// same terminal library without internal/termquery, is the control that the
// pty sees such queries.
func TestNoTerminalQuery(t *testing.T) {
	skipShort(t)
	t.Run("control: the pinned pulumi CLI queries", func(t *testing.T) {
		out := runOnPTY(t, tools.PulumiPath, "version")
		if !strings.Contains(out, queryBackground) || !strings.Contains(out, queryCursor) {
			t.Fatalf("pulumi version on a pty wrote no terminal query; this test cannot see queries any more:\n%q", out)
		}
	})
	for name, args := range map[string][]string{
		"plan-check":      {"plan-check"},
		"sandbox preview": {"sandbox", "preview", "--stack", "dev", "--state", t.TempDir()},
	} {
		t.Run(name, func(t *testing.T) {
			out := runOnPTY(t, cli, args...)
			for _, q := range []string{queryBackground, queryCursor} {
				if strings.Contains(out, q) {
					t.Errorf("hybridlink %s wrote the terminal query %q:\n%q", strings.Join(args, " "), q, out)
				}
			}
		})
	}
}

// runOnPTY runs a command from the repository on a new pty, answering
// terminal queries as a terminal would, and returns what it wrote.
func runOnPTY(t *testing.T, bin string, args ...string) string {
	t.Helper()
	master, slave := openPTY(t)
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = repo
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	// A terminal that termenv queries: not CI, not tmux, screen or dumb.
	cmd.Env = append(withoutEnv(os.Environ(), "CI", "TERM"), "TERM=xterm-256color")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()

	var mu sync.Mutex
	var out bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		answered := false
		for {
			n, err := master.Read(buf)
			mu.Lock()
			out.Write(buf[:n])
			query := !answered && bytes.Contains(out.Bytes(), []byte(queryCursor))
			mu.Unlock()
			if query {
				answered = true
				_, _ = master.WriteString(answers)
			}
			if err != nil { // EIO once the command and its children are gone
				return
			}
		}
	}()
	err := cmd.Wait()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Errorf("%s %s: the pty stayed open 10 s after the command ended", bin, strings.Join(args, " "))
	}
	master.Close()
	mu.Lock()
	defer mu.Unlock()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

// openPTY opens a pseudo-terminal pair.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("opening a pty: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlocking the pty: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("naming the pty: %v", err)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("opening the pty's terminal: %v", err)
	}
	t.Cleanup(func() { slave.Close() })
	return master, slave
}

// withoutEnv drops the named variables from an environment.
func withoutEnv(env []string, names ...string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		drop := false
		for _, n := range names {
			drop = drop || name == n
		}
		if !drop {
			out = append(out, kv)
		}
	}
	return out
}

package sandbox

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The helper stands in for the Pulumi CLI: it reports its process group
// and every SIGINT, and exits after the number of SIGINTs HELPER_EXIT_AFTER
// says (Pulumi: graceful cancel after one, termination after two).
func TestMain(m *testing.M) {
	if n := os.Getenv("HELPER_EXIT_AFTER"); n != "" {
		helper(n)
		return
	}
	os.Exit(m.Run())
}

func helper(exitAfter string) {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt)
	pgid, _ := syscall.Getpgid(0)
	fmt.Printf("pid %d pgid %d\n", os.Getpid(), pgid)
	fmt.Println("ready")
	n := 0
	for range sigs {
		n++
		fmt.Printf("sigint %d\n", n)
		if fmt.Sprint(n) == exitAfter {
			time.Sleep(100 * time.Millisecond) // more signals would arrive meanwhile
			os.Exit(3)
		}
	}
}

// runHelper runs the helper through cli.Run; act runs once it is ready.
func runHelper(t *testing.T, exitAfter string, force chan struct{}, act func(cancel func())) (stdout string, code int) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	c := &cli{path: self, force: force}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if sc.Text() == "ready" {
				act(cancel)
			}
		}
	}()
	done := make(chan struct{})
	go func() {
		defer close(done)
		stdout, _, code, _ = c.Run(ctx, "", nil, []io.Writer{pw}, nil, []string{"HELPER_EXIT_AFTER=" + exitAfter}, "-test.run=^$")
		pw.Close()
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the helper did not end")
	}
	return stdout, code
}

// Ending the context is one SIGINT: Pulumi's graceful cancel, never the
// second one that terminates.
func TestCancelSendsOneInterrupt(t *testing.T) {
	out, code := runHelper(t, "1", nil, func(cancel func()) { cancel() })
	if code != 3 {
		t.Errorf("exit %d, want the helper's 3\n%s", code, out)
	}
	if n := strings.Count(out, "sigint"); n != 1 {
		t.Errorf("the CLI got %d SIGINTs, want 1:\n%s", n, out)
	}
	var pid, pgid int
	fmt.Sscanf(out, "pid %d pgid %d", &pid, &pgid)
	if pid == 0 || pgid != pid {
		t.Errorf("the CLI runs in process group %d, want its own (%d), so a terminal's Ctrl-C does not reach it twice", pgid, pid)
	}
	if own, _ := syscall.Getpgid(0); own == pgid {
		t.Errorf("the CLI shares hybridlink's process group %d", own)
	}
}

// Force is the second SIGINT (Pulumi's termination), after the first.
func TestForceSendsTheSecondInterrupt(t *testing.T) {
	force := make(chan struct{})
	out, code := runHelper(t, "2", force, func(cancel func()) {
		cancel()
		time.Sleep(200 * time.Millisecond)
		close(force)
	})
	if code != 3 || strings.Count(out, "sigint") != 2 {
		t.Errorf("exit %d, output:\n%s\nwant two SIGINTs, then the helper's exit 3", code, out)
	}
}

// A context that ended before the run starts nothing.
func TestNoRunAfterCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := &cli{path: "/bin/true"}
	if _, _, _, err := c.Run(ctx, "", nil, nil, nil, nil, "up"); err == nil {
		t.Error("Run started a command after its context ended")
	}
}

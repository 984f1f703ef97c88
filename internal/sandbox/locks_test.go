package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A lock's process is alive only if it runs and already ran when the lock
// was taken: gone, a zombie and a reused pid are not the lock's.
func TestProcessAlive(t *testing.T) {
	if !processAlive(os.Getpid(), time.Now()) {
		t.Error("this process is not alive")
	}
	// This process started before now: a lock taken an hour before it
	// cannot be its.
	if processAlive(os.Getpid(), time.Now().Add(-time.Hour)) {
		t.Error("a pid reused after the lock was taken counts as the lock's")
	}
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	if !processAlive(pid, time.Now()) {
		t.Error("a running child is not alive")
	}
	_ = cmd.Process.Kill()
	// Not reaped yet: a zombie.
	deadline := time.Now().Add(5 * time.Second)
	for processAlive(pid, time.Now()) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if processAlive(pid, time.Now()) {
		t.Error("a killed child (zombie) is alive")
	}
	_ = cmd.Wait()
	if processAlive(pid, time.Now()) {
		t.Error("a reaped child is alive")
	}
	if processAlive(0, time.Now()) || processAlive(-1, time.Now()) {
		t.Error("pid 0 or -1 is alive")
	}
}

// A second run on a stack is refused at once, naming the first; another
// stack, or the same one once released, is free.
func TestRunLock(t *testing.T) {
	state := t.TempDir()
	first, err := lockRun(state, "dev")
	if err != nil {
		t.Fatal(err)
	}
	_, err = lockRun(state, "dev")
	if !errors.Is(err, ErrStackInUse) || !strings.Contains(err.Error(), "in use by another run") || !strings.Contains(err.Error(), "pid ") {
		t.Errorf("second run on dev: %v, want ErrStackInUse naming the first run", err)
	}
	prod, err := lockRun(state, "prod")
	if err != nil {
		t.Errorf("prod is not dev's: %v", err)
	}
	_ = prod.release()
	if err := first.release(); err != nil {
		t.Fatal(err)
	}
	again, err := lockRun(state, "dev")
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	_ = again.release()
}

// A run killed before the stack's first checkpoint leaves a lock that
// `pulumi cancel` cannot lift (it finds no stack): the dead run's lock is
// removed directly, and a live run's lock still refuses.
func TestStaleLockWithoutAStack(t *testing.T) {
	state := t.TempDir()
	dir := filepath.Join(backendDir(state), ".pulumi", "locks", "organization", "hybridlink", "prod")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	writeLock := func(pid int) string {
		path := filepath.Join(dir, fmt.Sprintf("lock-%d.json", pid))
		body := fmt.Sprintf(`{"pid":%d,"username":"root","hostname":%q,"timestamp":%q}`, pid, host, time.Now().Format(time.RFC3339Nano))
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path+".attrs", []byte(`{}`), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	lock := writeLock(dead.Process.Pid)
	s := &Sandbox{opts: Options{Stack: "prod", Out: io.Discard}, stateDir: state}
	if err := s.cancelStaleLocks(context.Background()); err != nil {
		t.Fatalf("a dead run's lock on a stack with no checkpoint: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Errorf("left behind: %v (was %s)", left, lock)
	}
	writeLock(os.Getpid())
	if err := s.cancelStaleLocks(context.Background()); !errors.Is(err, ErrStackInUse) {
		t.Errorf("a live run's lock: %v, want ErrStackInUse", err)
	}
}

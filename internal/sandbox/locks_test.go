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

	"github.com/hybridlink/hybridlink/internal/statebackend"
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
// `pulumi cancel` cannot lift (it finds no stack), and one killed while it
// wrote its lock leaves the lock's temporary file, which the CLI takes for a
// lock it cannot read: both are removed once their writer is gone, while a
// live run's lock still refuses and is left as it is.
func TestStaleLockWithoutAStack(t *testing.T) {
	state := t.TempDir()
	dir := filepath.Join(backendDir(state), ".pulumi", "locks", "organization", "hybridlink", "prod")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	writeLock := func(pid int) string {
		return writeLockFile(t, dir, pid, host)
	}
	writeTemp := func() string {
		path := filepath.Join(dir, "lock-new.json.18eddab84a05412e.tmp")
		if err := os.WriteFile(path, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	left := func() []string {
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		return files
	}
	s := fileSandbox(t, state)

	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	writeLock(dead.Process.Pid)
	writeTemp()
	if err := s.cancelStaleLocks(context.Background(), true); err != nil {
		t.Fatalf("a dead run's lock on a stack with no checkpoint: %v", err)
	}
	if l := left(); len(l) != 0 {
		t.Errorf("left behind: %v", l)
	}

	writeTemp()
	if err := s.cancelStaleLocks(context.Background(), true); err != nil {
		t.Fatalf("only a dead writer's temporary file: %v", err)
	}
	if l := left(); len(l) != 0 {
		t.Errorf("left behind: %v", l)
	}

	// On a file backend the operator names, which runs outside this
	// sandbox's run lock may share, the leftover is named, not removed.
	temp := writeTemp()
	named := fileSandbox(t, state)
	named.opts.Backend = named.backend
	if err := named.cancelStaleLocks(context.Background(), true); err == nil ||
		!strings.Contains(err.Error(), temp+" (the temporary file of a write a killed run did not finish)") || !strings.Contains(err.Error(), "remove those files") {
		t.Errorf("a leftover in a backend the operator named: %v, want it named with what to do", err)
	}
	if _, err := os.Stat(temp); err != nil {
		t.Errorf("a leftover in a backend the operator named was removed: %v", err)
	}

	writeLock(os.Getpid())
	if err := s.cancelStaleLocks(context.Background(), true); !errors.Is(err, ErrStackInUse) {
		t.Errorf("a live run's lock: %v, want ErrStackInUse", err)
	}
	if _, err := os.Stat(temp); err != nil {
		t.Errorf("a live run's stack was touched: %v", err)
	}
}

// A lock of another machine's run is never lifted: an update is refused,
// naming the run and the one lock to remove once the operator has found
// that run gone, and warning off `pulumi cancel`; a preview, which takes no
// lock, goes on and says whose run is under way.
func TestForeignLock(t *testing.T) {
	state := t.TempDir()
	dir := filepath.Join(backendDir(state), ".pulumi", "locks", "organization", "hybridlink", "prod")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	// A pid that is gone here: on another machine that says nothing.
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	lock := writeLockFile(t, dir, dead.Process.Pid, "laptop-of-alice")
	id := strings.TrimSuffix(filepath.Base(lock), ".json")
	s := fileSandbox(t, state)
	err := s.cancelStaleLocks(context.Background(), true)
	if !errors.Is(err, ErrStackInUse) {
		t.Fatalf("another machine's lock: %v, want ErrStackInUse", err)
	}
	for _, want := range []string{"on another machine", fmt.Sprintf("pid %d, root@laptop-of-alice", dead.Process.Pid),
		fmt.Sprintf("ps -p %d", dead.Process.Pid), "hybridlink backend unlock '" + s.backend + "' --lock " + id, "Not `pulumi cancel`", "nothing was changed"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal lacks %q:\n%v", want, err)
		}
	}
	if _, err := os.Stat(lock); err != nil {
		t.Errorf("the lock was touched: %v", err)
	}
	var out strings.Builder
	s.opts.Out = &out
	if err := s.cancelStaleLocks(context.Background(), false); err != nil {
		t.Errorf("a preview under another machine's lock: %v", err)
	}
	if !strings.Contains(out.String(), "laptop-of-alice") {
		t.Errorf("the preview does not say whose run is under way: %q", out.String())
	}
	// That run took the lock after this one's check: the engine's refusal
	// is explained the same way.
	s.cli = &cli{stderr: "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`."}
	var f *Failure
	if err := s.explain(context.Background(), "sandbox up", errors.New("exit status 255")); !errors.As(err, &f) ||
		!strings.Contains(f.Cause, "on another machine") || !strings.Contains(f.Next, "hybridlink backend unlock '"+s.backend+"' --lock "+id) {
		t.Errorf("the engine's lock refusal under another machine's lock: %v", err)
	}
}

// fileSandbox is a Sandbox of stack prod with only its file backend open.
func fileSandbox(t *testing.T, state string) *Sandbox {
	t.Helper()
	backend := BackendURL(state, "")
	store, err := statebackend.Open(context.Background(), backend)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return &Sandbox{opts: Options{Stack: "prod", Out: io.Discard}, stateDir: state, backend: backend, store: store}
}

// writeLockFile writes a Pulumi lock of pid on host into dir, with its
// metadata sidecar, as the file backend does.
func writeLockFile(t *testing.T, dir string, pid int, host string) string {
	t.Helper()
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

package killpoint

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// atCWD is AT_FDCWD as a register holds it.
const atCWD = ^uint64(99) // -100

// tracer follows the CLI and everything it starts.
type tracer struct {
	leader  int    // the CLI's process
	parent  int    // the hybridlink run that started it
	backend string // the directory whose changes count
	dir     string
	at      *Point
	command string
}

// runTraced starts the CLI in a child that installs the filter, and serves
// its stops until the CLI ends; it returns the CLI's exit code.
func runTraced() (int, error) {
	// ptrace requests must come from the thread that started the tracee.
	runtime.LockOSThread()
	self, err := os.Executable()
	if err != nil {
		return 0, err
	}
	var at *Point
	if v := os.Getenv(envAt); v != "" {
		if err := json.Unmarshal([]byte(v), &at); err != nil {
			return 0, fmt.Errorf("%s: %w", envAt, err)
		}
	}
	t := &tracer{parent: os.Getppid(), backend: filepath.Clean(os.Getenv(envBackend)), dir: os.Getenv(envDir), at: at, command: commandOf(os.Args[1:])}
	cmd := exec.Command(self, os.Args[1:]...)
	cmd.Args[0] = os.Args[0]
	cmd.Env = append(os.Environ(), envStage+"=filter")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Ptrace: true}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	t.leader = cmd.Process.Pid
	// The child stops after its execve of this binary.
	var ws unix.WaitStatus
	if _, err := unix.Wait4(t.leader, &ws, unix.WALL, nil); err != nil {
		return 0, err
	}
	opts := unix.PTRACE_O_TRACESECCOMP | unix.PTRACE_O_TRACECLONE | unix.PTRACE_O_TRACEFORK |
		unix.PTRACE_O_TRACEVFORK | unix.PTRACE_O_TRACEEXEC | unix.PTRACE_O_EXITKILL
	if err := unix.PtraceSetOptions(t.leader, opts); err != nil {
		return 0, fmt.Errorf("ptrace options: %w", err)
	}
	if err := unix.PtraceCont(t.leader, 0); err != nil {
		return 0, err
	}
	return t.serve()
}

// serve answers the stops of every traced task until the CLI ends. Tasks
// the CLI leaves running (a plugin it did not stop) are not waited for:
// they die with the tracer (PTRACE_O_EXITKILL).
func (t *tracer) serve() (int, error) {
	code := -1
	for {
		var ws unix.WaitStatus
		tid, err := unix.Wait4(-1, &ws, unix.WALL, nil)
		if errors.Is(err, unix.ECHILD) {
			return code, nil
		}
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return code, err
		}
		switch {
		case ws.Exited() || ws.Signaled():
			if tid == t.leader {
				code = ws.ExitStatus()
				if ws.Signaled() {
					code = 128 + int(ws.Signal())
				}
				return code, nil
			}
			continue
		case !ws.Stopped():
			continue
		}
		sig := ws.StopSignal()
		switch {
		case sig == unix.SIGTRAP && ws.TrapCause() == unix.PTRACE_EVENT_SECCOMP:
			if err := t.onCall(tid); err != nil {
				return code, err
			}
			sig = 0
		case sig == unix.SIGTRAP, sig == unix.SIGSTOP:
			// Events (clone, fork, exec) and the stop a new task starts
			// with: nothing to deliver.
			sig = 0
		}
		// A task may have died meanwhile (ESRCH): its exit is reported.
		_ = unix.PtraceCont(tid, int(sig))
	}
}

// onCall looks at a stopped call: a change below the backend is numbered
// and logged, and at the chosen number everything is killed.
func (t *tracer) onCall(tid int) error {
	nr, args, err := registers(tid)
	if err != nil {
		return nil // the task is gone
	}
	c, ok := fileCalls[nr]
	if !ok {
		return nil
	}
	if c.flags >= 0 && args[c.flags]&(unix.O_CREAT|unix.O_TRUNC) == 0 {
		return nil
	}
	var path, to string
	switch {
	case c.fd >= 0:
		path, _ = os.Readlink(fmt.Sprintf("/proc/%d/fd/%d", tid, int32(args[c.fd])))
	case c.path >= 0:
		path = t.resolve(tid, c.dir, c.path, args)
		if c.path2 >= 0 {
			to = t.resolve(tid, c.dir2, c.path2, args)
		}
	}
	rel, in := t.below(path)
	relTo, inTo := t.below(to)
	if !in && !inTo {
		return nil
	}
	ch := Change{Command: t.command, Op: c.op, Path: rel, To: relTo, Key: keyOf(t.command, c.op, rel, relTo)}
	if ch.Index, ch.Occurrence, err = t.count(ch.Key); err != nil {
		return err
	}
	ch.Killed = t.kills(ch, path, to)
	if err := t.log(ch); err != nil {
		return err
	}
	if ch.Killed {
		t.killAll()
	}
	return nil
}

// killAll kills the CLI (stopped before the chosen change, its other
// threads before any further one), the hybridlink run that started it —
// unless it is gone already, and the parent now one that adopted this
// process — and this process with them.
func (t *tracer) killAll() {
	_ = unix.Kill(t.leader, unix.SIGKILL)
	if os.Getppid() == t.parent {
		_ = unix.Kill(t.parent, unix.SIGKILL)
	}
	_ = unix.Kill(0, unix.SIGKILL)
	select {}
}

// resolve reads a path argument, made absolute against its directory.
func (t *tracer) resolve(tid, dirArg, pathArg int, args [6]uint64) string {
	p, err := readString(tid, uintptr(args[pathArg]))
	if err != nil || filepath.IsAbs(p) {
		return p
	}
	base := fmt.Sprintf("/proc/%d/cwd", tid)
	if dirArg >= 0 && args[dirArg] != atCWD {
		base = fmt.Sprintf("/proc/%d/fd/%d", tid, int32(args[dirArg]))
	}
	dir, _ := os.Readlink(base)
	return filepath.Join(dir, p)
}

// below returns a path relative to the backend, if it is there.
func (t *tracer) below(path string) (string, bool) {
	if path == "" {
		return "", false
	}
	rel, err := filepath.Rel(t.backend, filepath.Clean(path))
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", false
	}
	return rel, true
}

// readString reads a NUL-terminated string from a task's memory.
func readString(tid int, addr uintptr) (string, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/mem", tid))
	if err != nil {
		return "", err
	}
	defer f.Close()
	var b []byte
	buf := make([]byte, 256)
	for len(b) < 4096 {
		n, err := f.ReadAt(buf, int64(addr)+int64(len(b)))
		if i := strings.IndexByte(string(buf[:n]), 0); i >= 0 {
			return string(append(b, buf[:i]...)), nil
		}
		if err != nil {
			return "", err
		}
		b = append(b, buf[:n]...)
	}
	return "", fmt.Errorf("path at %#x is too long", addr)
}

// kills reports whether the run dies before ch: the Point's change, or
// with EndOfCreate the first rename from its occurrence on whose new
// checkpoint (path) ends a create pending in the one on disk (to).
func (t *tracer) kills(ch Change, path, to string) bool {
	switch {
	case t.at == nil || ch.Key != t.at.Key:
		return false
	case !t.at.EndOfCreate:
		return ch.Occurrence == t.at.Occurrence
	}
	return ch.Occurrence >= t.at.Occurrence && ch.Op == "rename" && endsCreate(path, to, t.at.URN)
}

// counts are the numbers of changes of a hybridlink run so far, in all and
// by Key, shared by its CLI runs in a file under an flock.
type counts struct {
	Index int            `json:"index"`
	Keys  map[string]int `json:"keys"`
}

// count numbers a change of key: its index in the run and its occurrence.
func (t *tracer) count(key string) (index, occurrence int, err error) {
	f, err := os.OpenFile(filepath.Join(t.dir, "counts.json"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		return 0, 0, err
	}
	var c counts
	if b, _ := io.ReadAll(f); len(b) > 0 {
		if err := json.Unmarshal(b, &c); err != nil {
			return 0, 0, err
		}
	}
	if c.Keys == nil {
		c.Keys = map[string]int{}
	}
	c.Index++
	c.Keys[key]++
	b, err := json.Marshal(c)
	if err != nil {
		return 0, 0, err
	}
	if err := f.Truncate(0); err != nil {
		return 0, 0, err
	}
	if _, err := f.WriteAt(b, 0); err != nil {
		return 0, 0, err
	}
	return c.Index, c.Keys[key], nil
}

func (t *tracer) log(c Change) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(t.dir, "changes.jsonl"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(append(b, '\n'))
	return errors.Join(err, f.Close())
}

// commandOf names a CLI command by its words before the first flag.
func commandOf(args []string) string {
	var words []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			if len(words) > 0 {
				break
			}
			continue
		}
		words = append(words, a)
		if len(words) == 2 {
			break
		}
	}
	return strings.Join(words, " ")
}

// endsCreate reports whether the checkpoint next records as a resource
// one that the checkpoint on disk (current) holds as a pending create —
// urn's create, when urn is set.
func endsCreate(next, current, urn string) bool {
	pending := map[string]bool{}
	for _, op := range readCheckpoint(current).Checkpoint.Latest.Pending {
		if op.Type == "creating" && (urn == "" || op.Resource.URN == urn) {
			pending[op.Resource.URN] = true
		}
	}
	for _, r := range readCheckpoint(next).Checkpoint.Latest.Resources {
		if pending[r.URN] {
			return true
		}
	}
	return false
}

// checkpoint is what endsCreate reads of a file backend's checkpoint.
type checkpoint struct {
	Checkpoint struct {
		Latest struct {
			Resources []struct {
				URN string `json:"urn"`
			} `json:"resources"`
			Pending []struct {
				Type     string `json:"type"`
				Resource struct {
					URN string `json:"urn"`
				} `json:"resource"`
			} `json:"pending_operations"`
		} `json:"latest"`
	} `json:"checkpoint"`
}

// readCheckpoint reads a checkpoint; an unreadable one is empty.
func readCheckpoint(path string) checkpoint {
	var c checkpoint
	if b, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(b, &c)
	}
	return c
}

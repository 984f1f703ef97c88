// Package killpoint kills a Pulumi CLI deterministically before a chosen
// change to a file backend, for the tests of killed runs: the instants a
// SIGKILL can leave the backend in are the states between two of the CLI's
// changes to it, and each of those is reached by stopping the CLI at the
// change after it — not by racing a timer or a file watcher.
//
// The test binary stands in for the Pulumi CLI (HYBRIDLINK_PULUMI points at
// a link to it named bin/pulumi). Started that way, it runs the real CLI
// under ptrace with a seccomp filter that stops every thread and child of
// it at each system call that can change a file (open with O_CREAT or
// O_TRUNC, write, rename, unlink, mkdir, truncate). A call on a path below
// the backend is numbered across all the CLI runs of one hybridlink run and
// logged; at the chosen number the tracer kills the CLI, still stopped
// before that call, and the hybridlink process that started it, with
// SIGKILL. Calls on other paths (plugins, caches, the terminal) run on.
package killpoint

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The environment of a traced run.
const (
	envReal    = "HL_KILLPOINT_PULUMI"  // the real Pulumi CLI
	envDir     = "HL_KILLPOINT_DIR"     // where the log and the counts are
	envBackend = "HL_KILLPOINT_BACKEND" // the backend directory whose changes count
	envAt      = "HL_KILLPOINT_AT"      // the Point to kill before, as JSON; none only records
	envStage   = "HL_KILLPOINT_STAGE"   // internal: "filter" in the child that execs the CLI
)

// Change is one change the CLI made, or was about to make, to the backend.
type Change struct {
	// Index numbers the changes of one hybridlink run from 1.
	Index int `json:"index"`
	// Command is the CLI command ("stack init", "up", …).
	Command string `json:"command"`
	// Op is create, truncate, write, rename, remove or mkdir.
	Op string `json:"op"`
	// Path is the file, relative to the backend; To is rename's target.
	Path string `json:"path"`
	To   string `json:"to,omitempty"`
	// Key is the change with the parts of the names that differ from run
	// to run (temporary files, lock IDs, timestamps) replaced by their
	// kind; Occurrence counts the changes of that Key in the run.
	Key        string `json:"key"`
	Occurrence int    `json:"occurrence"`
	// Killed marks the change the CLI was killed before.
	Killed bool `json:"killed,omitempty"`
}

func (c Change) String() string {
	return fmt.Sprintf("#%d %s (occurrence %d)", c.Index, c.Key, c.Occurrence)
}

// Point is where a run is killed: before the change of Key at Occurrence —
// the same instant in every run of the same commands, since the backend's
// changes of one Key come in the same order. With EndOfCreate, the first
// rename onto a checkpoint at or after it that records the end of a create
// the checkpoint on disk still holds as pending: a resource the cloud made
// whose creation the state has not recorded; with URN too, the end of that
// resource's create. Parallel creates end in a different order from run to
// run, so only a Point with a URN names the same instant in every run: the
// engine records a create before the resources that depend on it may
// start, so they are not made yet.
type Point struct {
	Key         string `json:"key"`
	Occurrence  int    `json:"occurrence"`
	EndOfCreate bool   `json:"endOfCreate,omitempty"`
	URN         string `json:"urn,omitempty"`
}

// Active reports whether this process was started as the traced CLI; the
// test binary's TestMain then returns Main() instead of running tests.
func Active() bool { return os.Getenv(envReal) != "" }

// Env is the environment of a hybridlink run whose Pulumi CLI runs traced:
// self is the test binary, real the Pulumi CLI, dir a directory of the
// run's own (the log goes there), backend the sandbox's file backend; at is
// where to kill the run, nil to record only.
func Env(self, real, dir, backend string, at *Point) ([]string, error) {
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return nil, err
	}
	// Named bin/pulumi, as the sandbox wants a CLI, so that it links
	// nothing of its own.
	link := filepath.Join(bin, "pulumi")
	if err := os.Symlink(self, link); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, err
	}
	env := []string{"HYBRIDLINK_PULUMI=" + link, envReal + "=" + real, envDir + "=" + dir, envBackend + "=" + backend}
	if at != nil {
		b, err := json.Marshal(at)
		if err != nil {
			return nil, err
		}
		env = append(env, envAt+"="+string(b))
	}
	return env, nil
}

// Log reads the changes a run logged in dir, in order.
func Log(dir string) ([]Change, error) {
	f, err := os.Open(filepath.Join(dir, "changes.jsonl"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Change
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var c Change
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return nil, fmt.Errorf("killpoint log: %w", err)
		}
		out = append(out, c)
	}
	return out, sc.Err()
}

// variable are the parts of the backend's names that differ from run to
// run, and what they stand for in a Key.
var variable = []struct {
	re   *regexp.Regexp
	kind string
}{
	{regexp.MustCompile(`\.[0-9a-f]+\.tmp$`), ".<tmp>"},
	{regexp.MustCompile(`[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}`), "<lock>"},
	{regexp.MustCompile(`[0-9]{16,}`), "<time>"},
}

// Generalise replaces the parts of a backend path that differ from run to
// run by their kind.
func Generalise(path string) string {
	for _, v := range variable {
		path = v.re.ReplaceAllString(path, v.kind)
	}
	return path
}

// keyOf is a change's Key.
func keyOf(command, op, path, to string) string {
	k := fmt.Sprintf("%s: %s %s", command, op, Generalise(path))
	if to != "" {
		k += " → " + Generalise(to)
	}
	return k
}

// Main runs the traced CLI: in the tracer, the CLI in a child; in that
// child, the seccomp filter and then the CLI itself.
func Main() int {
	if os.Getenv(envStage) == "filter" {
		err := execFiltered()
		fmt.Fprintf(os.Stderr, "killpoint: %v\n", err)
		return 127
	}
	code, err := runTraced()
	if err != nil {
		fmt.Fprintf(os.Stderr, "killpoint: %v\n", err)
		return 127
	}
	return code
}

// execFiltered installs the filter and becomes the real CLI. The filter is
// the calling thread's, and execve keeps only that thread: the CLI and
// every process it starts inherit it.
func execFiltered() error {
	runtime.LockOSThread()
	real := os.Getenv(envReal)
	prog := filter()
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("no_new_privs: %w", err)
	}
	if _, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0, uintptr(unsafe.Pointer(&fprog))); errno != 0 {
		return fmt.Errorf("seccomp: %w", errno)
	}
	env := make([]string, 0, len(os.Environ()))
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, envStage+"=") {
			env = append(env, kv)
		}
	}
	return syscall.Exec(real, append([]string{real}, os.Args[1:]...), env)
}

// filter stops at the calls of fileCalls (SECCOMP_RET_TRACE), lets the
// others run, and stops at every call of another architecture.
func filter() []unix.SockFilter {
	stmt := func(code uint16, k uint32) unix.SockFilter { return unix.SockFilter{Code: code, K: k} }
	nrs := make([]uint32, 0, len(fileCalls))
	for nr := range fileCalls {
		nrs = append(nrs, uint32(nr))
	}
	n := len(nrs)
	prog := []unix.SockFilter{
		stmt(unix.BPF_LD|unix.BPF_W|unix.BPF_ABS, 4), // seccomp_data.arch
		{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, K: auditArch, Jt: 0, Jf: uint8(n + 2)},
		stmt(unix.BPF_LD|unix.BPF_W|unix.BPF_ABS, 0), // seccomp_data.nr
	}
	for i, nr := range nrs {
		// Jump to the TRACE return, after the remaining comparisons and
		// the ALLOW return.
		prog = append(prog, unix.SockFilter{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, K: nr, Jt: uint8(n - i), Jf: 0})
	}
	return append(prog, stmt(unix.BPF_RET|unix.BPF_K, unix.SECCOMP_RET_ALLOW), stmt(unix.BPF_RET|unix.BPF_K, unix.SECCOMP_RET_TRACE))
}

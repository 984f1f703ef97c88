package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hybridlink/hybridlink/tests/internal/killpoint"
)

// Killed runs, driven rather than raced: a run's Pulumi CLI runs traced
// (tests/internal/killpoint), which records its every change to the file
// backend, or kills it — and the hybridlink run that started it — with
// SIGKILL just before a chosen one. Each instant a kill can leave the
// backend in lies between two such changes, so killing before each change
// in turn reaches each of them, the same way in every run.

// tracedRun runs hybridlink with its Pulumi CLI traced, killed at at (nil:
// recorded only), and returns its result and the changes it made.
func tracedRun(t *testing.T, at *killpoint.Point, args ...string) (cliResult, []killpoint.Change) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	state := args[len(args)-1] // every caller ends with --state <dir>
	dir := t.TempDir()
	env, err := killpoint.Env(self, tools.PulumiPath, dir, filepath.Join(state, "backend"), at)
	if err != nil {
		t.Fatal(err)
	}
	r := runCLIEnv(t, env, args...)
	changes, err := killpoint.Log(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r, changes
}

// killedAt runs `sandbox up` on state killed at p, and checks that it died
// there and took its processes with it.
func killedAt(t *testing.T, stack, state string, p killpoint.Point) {
	t.Helper()
	r, changes := tracedRun(t, &p, "sandbox", "up", "--stack", stack, "--state", state)
	if r.code == 0 || len(changes) == 0 || !changes[len(changes)-1].Killed {
		t.Fatalf("the run was not killed at %s: exit %d, last change %v\n%s\n%s", p.Key, r.code, changes[max(0, len(changes)-1):], r.stdout, r.stderr)
	}
	noEnginesLeft(t, state)
}

// killPoints are the changes of a recorded run to kill before: one for
// each distinct state of the backend the changes pass through. A state is
// the backend's files (their names' run-specific parts generalised, as in
// a change's Key), each empty, written or renamed into place; a further
// chunk written to a temporary file, a directory made, a remove of a file
// already gone, or the next save of a checkpoint repeating the states of
// the one before, brings no state a kill has not already left.
func killPoints(changes []killpoint.Change, keep func(killpoint.Change) bool) []killpoint.Point {
	files := map[string]string{} // generalised path → empty, written or whole
	seen := map[string]bool{}
	var out []killpoint.Point
	for _, c := range changes {
		state := stateOf(files)
		if keep(c) && !seen[state] {
			seen[state] = true
			out = append(out, killpoint.Point{Key: c.Key, Occurrence: c.Occurrence})
		}
		path, to := killpoint.Generalise(c.Path), killpoint.Generalise(c.To)
		switch c.Op {
		case "create", "truncate":
			files[path] = "empty"
		case "write":
			files[path] = "written"
		case "rename":
			if _, ok := files[path]; ok {
				files[to] = "whole"
				delete(files, path)
			}
		case "remove":
			delete(files, path)
		}
	}
	return out
}

// stateOf describes the backend's files, sorted.
func stateOf(files map[string]string) string {
	lines := make([]string, 0, len(files))
	for f, st := range files {
		lines = append(lines, f+" "+st)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// settled checks that a stack's sandbox holds no lock and nothing a killed
// run left half written, and that its state has nothing pending.
func settled(t *testing.T, state, stack string) {
	t.Helper()
	if locks := pulumiLocks(state, stack); len(locks) > 0 {
		t.Errorf("locks left: %v", locks)
	}
	meta := filepath.Join(state, "backend", ".pulumi")
	leftover := regexp.MustCompile(`\.[0-9a-f]+\.tmp$`)
	for _, place := range []string{filepath.Join(meta, "stacks", "hybridlink"), filepath.Join(meta, "locks"),
		filepath.Join(meta, "history", "hybridlink", stack), filepath.Join(meta, "backups", "hybridlink", stack)} {
		_ = filepath.WalkDir(place, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.Contains(path, "/"+stack) {
				return nil
			}
			if leftover.MatchString(path) {
				t.Errorf("a killed run's temporary file is left: %s", path)
			}
			if strings.HasSuffix(path, ".attrs") {
				if b, err := os.ReadFile(path); err != nil || !json.Valid(b) {
					t.Errorf("a killed run's half-written metadata file is left: %s (%q, %v)", path, b, err)
				}
			}
			return nil
		})
	}
	if _, pending := checkpoint(t, state, stack); len(pending) > 0 {
		t.Errorf("pending operations left: %v", pending)
	}
}

// copyState copies a sandbox state directory.
func copyState(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	if out, err := exec.Command("cp", "-a", from+"/.", to).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v\n%s", err, out)
	}
	return to
}

// TestKilledAtEveryBackendChange kills `sandbox up --stack dev` before each
// change the CLI makes to the file backend while it creates the stack (the
// window between its first lock and its first complete checkpoint, where a
// kill once left a temporary checkpoint that looked like the stack and a
// temporary lock no run could read, then the first up's lock and first
// checkpoint save, before any create) and while it updates a deployed stack
// (the update's lock, a checkpoint save with its .bak, the history, the
// backup and the unlock). After each kill the next run — a refresh of the
// stack being created, an up of the deployed one — succeeds by itself,
// changes nothing it should not, and leaves no lock, no leftover and
// nothing pending.
func TestKilledAtEveryBackendChange(t *testing.T) {
	skipShort(t)
	const stack = "dev"
	deployed := t.TempDir()
	r, created := tracedRun(t, nil, "sandbox", "up", "--stack", stack, "--state", deployed)
	if r.code != 0 {
		t.Fatalf("the recorded up: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r, updated := tracedRun(t, nil, "sandbox", "up", "--stack", stack, "--state", copyState(t, deployed))
	if r.code != 0 {
		t.Fatalf("the recorded no-change up: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// Creating: everything before the first up, and that up's changes until
	// its first checkpoint save is in place (its lock taken, nothing created
	// yet); the saves after it, each recording a create, are TestKilledUp's.
	saved := false
	creating := killPoints(created, func(c killpoint.Change) bool {
		keep := c.Command != "up" || !saved
		saved = saved || c.Command == "up" && c.Op == "rename" && strings.HasSuffix(c.To, "/stacks/hybridlink/"+stack+".json")
		return keep
	})
	updating := killPoints(updated, func(killpoint.Change) bool { return true })
	if len(creating) < 20 || len(updating) < 20 {
		t.Fatalf("too few changes recorded (%d creating the stack, %d updating it): the recording is broken", len(creating), len(updating))
	}
	t.Logf("%d kill points creating the stack, %d updating it", len(creating), len(updating))

	for _, p := range creating {
		t.Run(fmt.Sprintf("creating/%s/%d", p.Key, p.Occurrence), func(t *testing.T) {
			t.Parallel()
			state := t.TempDir()
			killedAt(t, stack, state, p)
			next := runCLI(t, "sandbox", "refresh", "--stack", stack, "--state", state)
			if next.code != 0 {
				t.Fatalf("the refresh after the kill: exit %d\n%s\n%s", next.code, next.stdout, next.stderr)
			}
			settled(t, state, stack)
		})
	}
	for _, p := range updating {
		t.Run(fmt.Sprintf("updating/%s/%d", p.Key, p.Occurrence), func(t *testing.T) {
			t.Parallel()
			state := copyState(t, deployed)
			killedAt(t, stack, state, p)
			next := runCLI(t, "sandbox", "up", "--stack", stack, "--state", state)
			if next.code != 0 || changedSomething(next.stdout) {
				t.Fatalf("the up after the kill: exit %d, want 0 and no change\n%s\n%s", next.code, next.stdout, next.stderr)
			}
			settled(t, state, stack)
		})
	}
}

// changedSomething reports whether an up's output shows a resource change.
func changedSomething(stdout string) bool {
	return regexp.MustCompile(`\+ \d+ (created|to create)|updated|replaced|deleted`).MatchString(stdout)
}

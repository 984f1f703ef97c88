package tests

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/localcloud"
	"github.com/hybridlink/hybridlink/internal/sandbox"
	"github.com/hybridlink/hybridlink/stacks"
	"github.com/hybridlink/hybridlink/tests/internal/killpoint"
)

// The tests of interrupted, killed and concurrent runs drive the hybridlink
// binary as an operator does, with the local cloud slowed down
// (HYBRIDLINK_CLOUD_LATENCY) so that a run can be caught in the middle of
// its creates.

// runLatency makes each create take long enough to interrupt a run between
// two of them; prod's objects then take a few seconds.
const runLatency = "HYBRIDLINK_CLOUD_LATENCY=150ms"

// cloudTotal is how many objects a deployed stack has in the local cloud:
// the design's and the transit router's system route table.
func cloudTotal(c stackCase) int {
	n := 1
	for _, k := range wantCloud(c, 1) {
		n += k
	}
	return n
}

// prodCase is the prod stack's case from stackCases.
func prodCase(t *testing.T) stackCase {
	t.Helper()
	for _, c := range stackCases {
		if c.stack == "prod" {
			return c
		}
	}
	t.Fatal("no prod case")
	return stackCase{}
}

// runningCLI is a hybridlink process started in a process group of its own,
// as a shell starts a foreground job: a signal to the group is the
// terminal's Ctrl-C.
type runningCLI struct {
	cmd            *exec.Cmd
	stdout, stderr syncBuffer
	done           chan struct{}
	result         cliResult
}

func startCLI(t *testing.T, env []string, args ...string) *runningCLI {
	t.Helper()
	return startCommand(t, repo, env, cli, args...)
}

// startCLIIn is startCLI from dir.
func startCLIIn(t *testing.T, dir string, env []string, args ...string) *runningCLI {
	t.Helper()
	return startCommand(t, dir, env, cli, args...)
}

// startCommand is startCLI for any command, such as the CLI run by
// another, from dir.
func startCommand(t *testing.T, dir string, env []string, name string, args ...string) *runningCLI {
	t.Helper()
	r := &runningCLI{done: make(chan struct{})}
	r.cmd = exec.Command(name, args...)
	r.cmd.Dir = dir
	r.cmd.Env = append(os.Environ(), env...)
	r.cmd.Stdout, r.cmd.Stderr = &r.stdout, &r.stderr
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := r.cmd.Wait()
		r.result = cliResult{stdout: r.stdout.String(), stderr: r.stderr.String()}
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			r.result.code = exit.ExitCode()
		}
		close(r.done)
	}()
	t.Cleanup(func() {
		_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
		<-r.done
	})
	return r
}

// wait returns the run's result; it must end within opTimeout.
func (r *runningCLI) wait(t *testing.T) cliResult {
	t.Helper()
	select {
	case <-r.done:
		return r.result
	case <-time.After(opTimeout):
		t.Fatalf("hybridlink %s did not end\nstdout:\n%s\nstderr:\n%s", strings.Join(r.cmd.Args[1:], " "), r.stdout.String(), r.stderr.String())
		return cliResult{}
	}
}

// waitUntil polls cond until it holds; it fails if the run ends first.
func (r *runningCLI) waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(opTimeout)
	for !cond() {
		select {
		case <-r.done:
			t.Fatalf("the run ended before %s\nstdout:\n%s\nstderr:\n%s", what, r.result.stdout, r.result.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %s", what, opTimeout)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// cloudObjects counts the local cloud's objects from its state file, which
// is replaced atomically, without taking its lock.
func cloudObjects(state string) int {
	b, err := os.ReadFile(filepath.Join(state, "cloud", "state.json"))
	if err != nil {
		return 0
	}
	var st struct {
		Resources []json.RawMessage `json:"resources"`
	}
	if json.Unmarshal(b, &st) != nil {
		return 0
	}
	return len(st.Resources)
}

// pulumiLocks lists the file backend's locks of a stack.
func pulumiLocks(state, stack string) []string {
	locks, _ := filepath.Glob(filepath.Join(state, "backend", ".pulumi", "locks", "*", "hybridlink", stack, "*.json"))
	return locks
}

// checkpoint reads a stack's state in the sandbox's file backend: the URNs
// of its resources and its pending operations.
func checkpoint(t *testing.T, state, stack string) (urns []resource.URN, pending []string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(state, "backend", ".pulumi", "stacks", "hybridlink", stack+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return parseCheckpoint(t, b)
}

// lastDependedOn is the last cloud resource of a deployed stack's
// checkpoint (the engine's registration order) that another cloud resource
// depends on.
func lastDependedOn(t *testing.T, state, stack string) resource.URN {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(state, "backend", ".pulumi", "stacks", "hybridlink", stack+".json"))
	require.NoError(t, err)
	var cp struct {
		Checkpoint struct {
			Latest struct {
				Resources []struct {
					URN          resource.URN   `json:"urn"`
					Type         string         `json:"type"`
					Custom       bool           `json:"custom"`
					Dependencies []resource.URN `json:"dependencies"`
				} `json:"resources"`
			} `json:"latest"`
		} `json:"checkpoint"`
	}
	require.NoError(t, json.Unmarshal(b, &cp))
	cloud := func(typ string, custom bool) bool { return custom && !strings.HasPrefix(typ, "pulumi:providers:") }
	dependedOn := map[resource.URN]bool{}
	for _, r := range cp.Checkpoint.Latest.Resources {
		if cloud(r.Type, r.Custom) {
			for _, d := range r.Dependencies {
				dependedOn[d] = true
			}
		}
	}
	var last resource.URN
	for _, r := range cp.Checkpoint.Latest.Resources {
		if cloud(r.Type, r.Custom) && dependedOn[r.URN] {
			last = r.URN
		}
	}
	require.NotEmpty(t, last, "no resource of %s that another depends on", stack)
	return last
}

// parseCheckpoint reads a stack's checkpoint: the URNs of its resources and
// its pending operations.
func parseCheckpoint(t *testing.T, b []byte) (urns []resource.URN, pending []string) {
	t.Helper()
	var cp struct {
		Checkpoint struct {
			Latest struct {
				Resources []struct {
					URN resource.URN `json:"urn"`
				} `json:"resources"`
				Pending []struct {
					Type     string `json:"type"`
					Resource struct {
						URN resource.URN `json:"urn"`
					} `json:"resource"`
				} `json:"pending_operations"`
			} `json:"latest"`
		} `json:"checkpoint"`
	}
	if err := json.Unmarshal(b, &cp); err != nil {
		t.Fatal(err)
	}
	for _, r := range cp.Checkpoint.Latest.Resources {
		urns = append(urns, r.URN)
	}
	for _, op := range cp.Checkpoint.Latest.Pending {
		pending = append(pending, op.Type+" "+string(op.Resource.URN))
	}
	return urns, pending
}

// enginesOf returns the processes that run for a sandbox state directory —
// the Pulumi CLI and the policy pack, whose environment names its backend.
func enginesOf(state string) []string {
	mark := []byte("PULUMI_BACKEND_URL=file://" + filepath.Join(state, "backend"))
	procs, _ := filepath.Glob("/proc/[0-9]*/environ")
	var out []string
	for _, p := range procs {
		env, err := os.ReadFile(p)
		if err != nil || !strings.Contains(string(env), string(mark)) {
			continue
		}
		dir := filepath.Dir(p)
		if stat, err := os.ReadFile(filepath.Join(dir, "stat")); err == nil && strings.Contains(string(stat), ") Z ") {
			continue // a zombie has ended; its parent has not reaped it yet
		}
		cmdline, _ := os.ReadFile(filepath.Join(dir, "cmdline"))
		out = append(out, filepath.Base(dir)+" "+strings.ReplaceAll(string(cmdline), "\x00", " "))
	}
	return out
}

// noEnginesLeft fails when a process of the sandbox outlives its run.
func noEnginesLeft(t *testing.T, state string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		left := enginesOf(state)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("processes outlived the run:\n%s", strings.Join(left, "\n"))
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// converged asserts that the stack is deployed once: the local cloud holds
// each of the design's objects exactly once, the state holds every one of
// them and nothing is pending, and a further up changes nothing.
func converged(t *testing.T, state string, c stackCase) {
	t.Helper()
	convergedWith(t, filepath.Join(state, "cloud"), c, func() ([]resource.URN, []string) { return checkpoint(t, state, c.stack) },
		func() cliResult { return runCLI(t, "sandbox", "up", "--stack", c.stack, "--state", state) })
}

// convergedWith is converged for the local cloud in cloudDir and a stack
// whose state stateOf reads, with up as the further up.
func convergedWith(t *testing.T, cloudDir string, c stackCase, stateOf func() ([]resource.URN, []string), up func() cliResult) {
	t.Helper()
	cloud, err := localcloud.Open(cloudDir)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := cloud.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	byURN := map[resource.URN]int{}
	var deployed []inventory.Resource
	for _, r := range rs {
		byURN[r.URN]++
		if r.Type != "alicloud:cen/transitRouterRouteTable:TransitRouterRouteTable" {
			deployed = append(deployed, r)
		}
	}
	for u, n := range byURN {
		if n > 1 {
			t.Errorf("%d objects in the local cloud for %s (a duplicate):\n%s", n, u, describeCloud(rs))
		}
	}
	want := wantCloud(c, 1)
	if got := countTypes(deployed, func(r inventory.Resource) tokens.Type { return r.Type }); !maps.Equal(got, want) {
		t.Errorf("the local cloud's objects differ from the design's:\n%s", diffCounts(got, want))
	}
	urns, pending := stateOf()
	if len(pending) > 0 {
		t.Errorf("pending operations left in the state: %v", pending)
	}
	for _, r := range deployed {
		if !containsURN(urns, r.URN) {
			t.Errorf("the state does not hold %s %s (%s)", r.Type, r.ID, r.URN)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(cloudDir, "*"))
	for _, f := range leftovers {
		if name := filepath.Base(f); name != "state.json" && name != ".lock" {
			t.Errorf("a temporary file of the local cloud is left: %s", f)
		}
	}
	again := up()
	if again.code != 0 || changedSomething(again.stdout) {
		t.Errorf("a further up: exit %d, want no change:\n%s\n%s", again.code, again.stdout, again.stderr)
	}
}

func containsURN(urns []resource.URN, u resource.URN) bool {
	for _, x := range urns {
		if x == u {
			return true
		}
	}
	return false
}

// TestCtrlC interrupts `sandbox up --stack prod` from the terminal in the
// middle of its creates. One Ctrl-C is one graceful cancel: Pulumi reports
// it once, never terminates, finishes what was in flight and leaves nothing
// pending; the next up converges. A second Ctrl-C is Pulumi's forced stop,
// whose pending operations the next up settles by itself.
func TestCtrlC(t *testing.T) {
	skipShort(t)
	c := prodCase(t)
	for _, presses := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d", presses), func(t *testing.T) {
			t.Parallel() // each has its own sandbox; most of the time is waiting
			state := t.TempDir()
			r := startCLI(t, []string{runLatency}, "sandbox", "up", "--stack", c.stack, "--state", state)
			r.waitUntil(t, "6 objects in the local cloud", func() bool { return cloudObjects(state) >= 6 })
			// A second press comes while the creates in flight still run.
			for i := 0; i < presses; i++ {
				if err := syscall.Kill(-r.cmd.Process.Pid, syscall.SIGINT); err != nil {
					t.Fatal(err)
				}
				time.Sleep(50 * time.Millisecond)
			}
			res := r.wait(t)
			if res.code == 0 {
				t.Fatalf("an interrupted up exited 0:\n%s", res.stdout)
			}
			if n := strings.Count(res.stdout, "^C received; cancelling"); n != 1 {
				t.Errorf("Pulumi received %d first interrupts, want 1:\n%s", n, res.stdout)
			}
			terminated := strings.Contains(res.stdout, "received; terminating")
			if terminated != (presses == 2) {
				t.Errorf("%d Ctrl-C: Pulumi's forced stop %v, want %v:\n%s", presses, terminated, presses == 2, res.stdout)
			}
			for _, want := range []string{"interrupted", "next: run `hybridlink sandbox up --stack prod`"} {
				if !strings.Contains(res.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
				}
			}
			if strings.Contains(res.stderr, "panic") {
				t.Errorf("panic:\n%s", res.stderr)
			}
			noEnginesLeft(t, state)
			if _, pending := checkpoint(t, state, c.stack); presses == 1 && len(pending) > 0 {
				t.Errorf("a graceful cancel left pending operations: %v", pending)
			}

			next := runCLI(t, "sandbox", "up", "--stack", c.stack, "--state", state)
			if next.code != 0 {
				t.Fatalf("the up after the interrupt: exit %d\n%s\n%s", next.code, next.stdout, next.stderr)
			}
			if settled := strings.Contains(next.stdout, "settling them from the local cloud"); settled != (presses == 2) {
				t.Errorf("the next up settled pending operations: %v, want %v:\n%s", settled, presses == 2, next.stdout)
			}
			converged(t, state, c)
		})
	}
}

// TestKilledUp kills `sandbox up --stack prod` with SIGKILL in the middle of
// its creates and during its last ones, at a checkpoint save that records
// the end of a create (tests/internal/killpoint): the local cloud has made
// the resource, the state on disk holds it as a pending create. The engine
// and the policy pack die with the run, and the next up converges — the
// stale lock lifted, the pending creates imported or cleared, every object
// the killed run made found again, none made twice — with no manual step. A
// refresh after a killed up settles it as well, and a destroy leaves nothing
// in the local cloud: what the killed run made was imported into the
// state, not forgotten. TestKilledAtEveryBackendChange covers the other
// instants: creating the stack up to the first up's first checkpoint save,
// before any create, and every change of an update.
func TestKilledUp(t *testing.T) {
	skipShort(t)
	c := prodCase(t)
	recordedState := t.TempDir()
	r, recorded := tracedRun(t, nil, "sandbox", "up", "--stack", c.stack, "--state", recordedState)
	if r.code != 0 {
		t.Fatalf("the recorded up: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// The commits of the update's checkpoint saves.
	var commit string
	commits := 0
	for _, ch := range recorded {
		if ch.Command == "up" && ch.Op == "rename" && ch.To == filepath.Join(".pulumi", "stacks", "hybridlink", c.stack+".json") {
			commit = ch.Key
			commits++
		}
	}
	if commits < 20 {
		t.Fatalf("%d checkpoint saves recorded: the recording is broken", commits)
	}
	mid := killpoint.Point{Key: commit, Occurrence: commits / 2, EndOfCreate: true}
	// Among the last creates: that of the last resource another one depends
	// on, which is therefore still to be made, whatever order the parallel
	// creates end in.
	last := killpoint.Point{Key: commit, Occurrence: 1, EndOfCreate: true, URN: string(lastDependedOn(t, recordedState, c.stack))}
	t.Logf("among the last creates: killed as the create of %s ends", last.URN)
	points := []struct {
		name, then string
		at         killpoint.Point
	}{
		{"mid-create", "up", mid},
		{"last-resources", "up", last},
		{"mid-create-then-destroy", "destroy", mid},
		{"mid-create-then-refresh", "refresh", mid},
	}
	for _, p := range points {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			state := t.TempDir()
			killedAt(t, c.stack, state, p.at)
			if objects := cloudObjects(state); objects >= cloudTotal(c) {
				t.Fatalf("the kill came after the last create (%d objects)", objects)
			}
			if len(pulumiLocks(state, c.stack)) == 0 {
				t.Fatal("the killed run left no lock: it was not killed while it held the stack")
			}

			var next cliResult
			switch p.then {
			case "destroy":
				next = runCLI(t, "sandbox", "destroy", "--unprotect", "--stack", c.stack, "--state", state)
				if n := cloudObjects(state); n != 0 {
					t.Errorf("destroy after the kill left %d objects in the local cloud", n)
				}
			case "refresh":
				next = runCLI(t, "sandbox", "refresh", "--stack", c.stack, "--state", state)
				if _, pending := checkpoint(t, state, c.stack); len(pending) > 0 {
					t.Errorf("pending after the refresh: %v", pending)
				}
			default:
				next = runCLI(t, "sandbox", "up", "--stack", c.stack, "--state", state)
			}
			if next.code != 0 || !strings.Contains(next.stdout, "imported") || !staleLockLifted(next.stdout) {
				t.Fatalf("%s after the kill: exit %d, want 0 after lifting the dead run's lock and importing what it made\n%s\n%s", p.then, next.code, next.stdout, next.stderr)
			}
			if p.then == "refresh" {
				if up := runCLI(t, "sandbox", "up", "--stack", c.stack, "--state", state); up.code != 0 {
					t.Fatalf("the up after the refresh: exit %d\n%s\n%s", up.code, up.stdout, up.stderr)
				}
			}
			if p.then != "destroy" {
				converged(t, state, c)
			}
		})
	}
}

// TestConcurrentRun starts a second run on a stack while an up deploys it:
// the second is refused at once, naming the first, and the first completes
// with nothing lost.
func TestConcurrentRun(t *testing.T) {
	skipShort(t)
	c := prodCase(t)
	state := t.TempDir()
	// Slow enough that the first is still deploying when each of the others
	// has built its tools.
	first := startCLI(t, []string{"HYBRIDLINK_CLOUD_LATENCY=2s"}, "sandbox", "up", "--stack", c.stack, "--state", state)
	first.waitUntil(t, "3 objects in the local cloud", func() bool { return cloudObjects(state) >= 3 })
	on := []string{"--stack", c.stack, "--state", state}
	for _, args := range [][]string{
		append([]string{"sandbox", "up"}, on...),
		append([]string{"check"}, on...),
		append([]string{"sandbox", "reset"}, on...),
		append(append([]string{"pulumi"}, on...), "--", "stack", "ls"),
	} {
		second := runCLI(t, args...)
		select {
		case <-first.done:
			t.Fatalf("the first up ended before %s was refused: the test proves nothing", strings.Join(args, " "))
		default:
		}
		want := fmt.Sprintf("in use by another run (pid %d", first.cmd.Process.Pid)
		if second.code == 0 || !strings.Contains(second.stderr, want) {
			t.Errorf("hybridlink %s during an up: exit %d, stderr:\n%s\nwant a refusal containing %q", strings.Join(args, " "), second.code, second.stderr, want)
		}
	}
	if res := first.wait(t); res.code != 0 {
		t.Fatalf("the first up: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	converged(t, state, c)
}

// TestFailuresSayWhy breaks a deployed sandbox the ways an operator meets —
// a corrupt checkpoint, a passphrase that does not decrypt the state, a
// lock of a live run and of a dead one, a local cloud record of an unknown
// type — and asserts each failure names its cause and what to do, and
// never panics.
func TestFailuresSayWhy(t *testing.T) {
	skipShort(t)
	c := prodCase(t)
	deployed := t.TempDir()
	if r := runCLI(t, "sandbox", "up", "--stack", c.stack, "--state", deployed); r.code != 0 {
		t.Fatalf("up: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// fresh copies the deployed sandbox for one case.
	fresh := func(t *testing.T) string {
		dir := t.TempDir()
		if out, err := exec.Command("cp", "-a", deployed+"/.", dir).CombinedOutput(); err != nil {
			t.Fatalf("cp: %v\n%s", err, out)
		}
		return dir
	}
	checkpointFile := func(state string) string {
		return filepath.Join(state, "backend", ".pulumi", "stacks", "hybridlink", c.stack+".json")
	}
	expect := func(t *testing.T, r cliResult, what string, wants ...string) {
		t.Helper()
		if r.code == 0 {
			t.Errorf("%s: exit 0", what)
		}
		for _, w := range append(wants, "next:") {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%s: stderr lacks %q:\n%s", what, w, r.stderr)
			}
		}
		own := withoutPulumiCrashReport(r.stderr)
		for _, bad := range []string{"panic", "goroutine "} {
			if strings.Contains(own, bad) {
				t.Errorf("%s: %s:\n%s", what, bad, r.stderr)
			}
		}
	}

	t.Run("corrupt-checkpoint", func(t *testing.T) {
		t.Parallel()
		state := fresh(t)
		b, err := os.ReadFile(checkpointFile(state))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(checkpointFile(state), b[:len(b)/2], 0o600); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"sandbox", "up"}, {"check"}, {"sandbox", "refresh"}} {
			r := runCLI(t, append(args, "--stack", c.stack, "--state", state)...)
			expect(t, r, strings.Join(args, " "), "is unreadable", checkpointFile(state), "hybridlink sandbox reset --stack prod")
		}
		// Valid JSON that is no consistent state: the same diagnosis.
		bad := `{"version":3,"checkpoint":{"stack":"prod","latest":{"manifest":{"time":"2026-01-01T00:00:00Z","magic":"x","version":""},"resources":[{"urn":"not-a-urn","custom":true,"type":"x"}]}}}`
		if err := os.WriteFile(checkpointFile(state), []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		r := runCLI(t, "sandbox", "up", "--stack", c.stack, "--state", state)
		expect(t, r, "up on an inconsistent state", "is unreadable", "hybridlink sandbox reset --stack prod")
		// The way out it names works, and the next up deploys afresh.
		if r := runCLI(t, "sandbox", "reset", "--stack", c.stack, "--state", state); r.code != 0 || !strings.Contains(r.stderr, fmt.Sprintf("deleted its %d object(s)", cloudTotal(c))) {
			t.Fatalf("reset: exit %d\n%s", r.code, r.stderr)
		}
		if r := runCLI(t, "sandbox", "up", "--stack", c.stack, "--state", state); r.code != 0 {
			t.Fatalf("up after reset: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
		converged(t, state, c)
	})

	t.Run("state-secrets-do-not-decrypt", func(t *testing.T) {
		t.Parallel()
		state := fresh(t)
		// The state's secrets provider takes dev's salt: the passphrase
		// checks out, but the state's secrets were encrypted with prod's.
		b, err := os.ReadFile(checkpointFile(state))
		if err != nil {
			t.Fatal(err)
		}
		prodSalt := saltOf(t, "prod")
		if !strings.Contains(string(b), prodSalt) {
			t.Fatalf("the checkpoint does not hold prod's salt %s", prodSalt)
		}
		b = []byte(strings.ReplaceAll(string(b), prodSalt, saltOf(t, "dev")))
		if err := os.WriteFile(checkpointFile(state), b, 0o600); err != nil {
			t.Fatal(err)
		}
		r := runCLI(t, "sandbox", "up", "--stack", c.stack, "--state", state)
		expect(t, r, "up", "passphrase", "hybridlink sandbox reset --stack prod")
	})

	t.Run("wrong-passphrase", func(t *testing.T) {
		t.Parallel()
		cmd := exec.Command(cli, "check", "--stack", c.stack, "--state", t.TempDir())
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "PULUMI_CONFIG_PASSPHRASE=not-the-sandbox-one")
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "passphrase") {
			t.Errorf("check with a wrong passphrase: %v\n%s\nwant a failure naming the passphrase", err, out)
		}
	})

	t.Run("locks", func(t *testing.T) {
		t.Parallel()
		state := fresh(t)
		dir := filepath.Join(state, "backend", ".pulumi", "locks", "organization", "hybridlink", c.stack)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		host, _ := os.Hostname()
		writeLock := func(pid int, at time.Time) {
			b, _ := json.Marshal(map[string]any{"pid": pid, "username": "tester", "hostname": host, "timestamp": at})
			if err := os.WriteFile(filepath.Join(dir, "8f6c1c3e-lock.json"), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		// A live run holds it: refused, nothing changed.
		writeLock(os.Getpid(), time.Now())
		cloudFile := filepath.Join(state, "cloud", "state.json")
		before, _ := os.ReadFile(cloudFile)
		r := runCLI(t, "sandbox", "up", "--stack", c.stack, "--state", state)
		if r.code == 0 || !strings.Contains(r.stderr, fmt.Sprintf("locked by a Pulumi run that is still alive (pid %d", os.Getpid())) {
			t.Errorf("up under a live lock: exit %d\n%s", r.code, r.stderr)
		}
		if after, _ := os.ReadFile(cloudFile); string(after) != string(before) {
			t.Error("the refused up changed the local cloud")
		}
		// Its process is gone: the next run lifts it by itself.
		dead := exec.Command("true")
		if err := dead.Run(); err != nil {
			t.Fatal(err)
		}
		writeLock(dead.Process.Pid, time.Now().Add(-time.Minute))
		r = runCLI(t, "sandbox", "up", "--stack", c.stack, "--state", state)
		if r.code != 0 || !staleLockLifted(r.stdout) {
			t.Errorf("up under a dead run's lock: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
		if locks := pulumiLocks(state, c.stack); len(locks) > 0 {
			t.Errorf("locks left: %v", locks)
		}
	})

	t.Run("unknown-cloud-record", func(t *testing.T) {
		t.Parallel()
		state := fresh(t)
		path := filepath.Join(state, "cloud", "state.json")
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		b = []byte(strings.Replace(string(b), `"type": "alicloud:vpn/routeEntry:RouteEntry"`, `"type": "alicloud:vpn/routeEntry:Mystery"`, 1))
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"routes"}, {"sandbox", "destroy", "--unprotect"}, {"sandbox", "up"}, {"drill", "--no-deploy"}} {
			r := runCLI(t, append(args, "--stack", c.stack, "--state", state)...)
			what := strings.Join(args, " ")
			if r.code == 0 || !strings.Contains(r.stderr, `has type "alicloud:vpn/routeEntry:Mystery"`) {
				t.Errorf("%s on a cloud with an unknown record: exit %d\n%s", what, r.code, r.stderr)
			}
			if strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "goroutine ") {
				t.Errorf("%s panicked:\n%s", what, r.stderr)
			}
		}
	})
}

// saltOf is a committed stack file's encryption salt.
func saltOf(t *testing.T, stack string) string {
	t.Helper()
	b, err := os.ReadFile(stackFile(repo, stack))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^encryptionsalt: (\S+)$`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no encryptionsalt in %s", stack)
	}
	return string(m[1])
}

// TestCheckNeverWritesTheStackFile previews a stack file without an
// encryption salt, which Pulumi writes back, the way `check` does
// (KeepStackFile): the file stays as it was. Without KeepStackFile, as
// `sandbox up` runs, Pulumi does write it — which is what the option
// prevents.
func TestCheckNeverWritesTheStackFile(t *testing.T) {
	skipShort(t)
	for _, keep := range []bool{true, false} {
		t.Run(fmt.Sprintf("keep=%v", keep), func(t *testing.T) {
			dir := copyProject(t)
			path := stackFile(dir, "dev")
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			unsalted := regexp.MustCompile(`(?m)^encryptionsalt: .*\n`).ReplaceAll(b, nil)
			if string(unsalted) == string(b) {
				t.Fatal("dev's stack file has no encryptionsalt to remove")
			}
			if err := os.WriteFile(path, unsalted, 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := sandbox.Open(t.Context(), sandbox.Options{ProjectDir: dir, Stack: "dev", StateDir: t.TempDir(),
				Program: stacks.Program, Tools: tools, Out: io.Discard, KeepStackFile: keep})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, err := s.Preview(t.Context()); err != nil {
				t.Fatal(err)
			}
			after, _ := os.ReadFile(path)
			if written := string(after) != string(unsalted); written == keep {
				t.Errorf("KeepStackFile %v: the stack file was written: %v\n%s", keep, written, after)
			}
		})
	}
}

// TestStackNamesAreCheckedFirst: names Pulumi refuses, and names of dots
// that Pulumi accepts but that name a directory, fail before anything is
// read or created.
func TestStackNamesAreCheckedFirst(t *testing.T) {
	skipShort(t)
	for _, name := range []string{".", "..", "../prod", "prod/../prod", "a b"} {
		for _, args := range [][]string{{"check"}, {"sandbox", "up"}, {"sandbox", "reset"}, {"routes"}} {
			state := filepath.Join(t.TempDir(), "state")
			r := runCLI(t, append(args, "--stack", name, "--state", state)...)
			if r.code == 0 || !strings.Contains(r.stderr, fmt.Sprintf("stack name %q", name)) {
				t.Errorf("%s --stack %q: exit %d\n%s", strings.Join(args, " "), name, r.code, r.stderr)
			}
			if _, err := os.Stat(state); err == nil {
				t.Errorf("%s --stack %q created %s", strings.Join(args, " "), name, state)
			}
		}
	}
}

// TestRenderOutIsPrivateAndFollowsNoLink renders into a directory holding a
// symbolic link at one file's name and a world-readable file at another's.
func TestRenderOutIsPrivateAndFollowsNoLink(t *testing.T) {
	skipShort(t)
	out := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("untouched"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(out, "frr.conf")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "swanctl.conf"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"render", "onprem", "--stack", "prod", "--vendor", "linux-frr", "--vpn-ip", "198.51.100.1,198.51.100.2", "--show-secrets"}
	r := runCLI(t, append(args, "--out", out)...)
	if r.code != 0 {
		t.Fatalf("render: exit %d\n%s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(victim); string(b) != "untouched" {
		t.Errorf("render wrote through the link: %q", b)
	}
	entries, _ := os.ReadDir(out)
	if len(entries) < 3 {
		t.Errorf("render wrote %d files", len(entries))
	}
	for _, e := range entries {
		info, err := os.Lstat(filepath.Join(out, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if !info.Mode().IsRegular() || info.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, want a regular file, 0600", e.Name(), info.Mode())
		}
	}
	linked := filepath.Join(t.TempDir(), "out")
	if err := os.Symlink(out, linked); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, append(args, "--out", linked)...); r.code == 0 || !strings.Contains(r.stderr, "symbolic link") {
		t.Errorf("render into a linked directory: exit %d\n%s", r.code, r.stderr)
	}
}

// withoutPulumiCrashReport drops the report (with its goroutine dump) that
// the Pulumi CLI itself prints on a snapshot integrity error and that
// hybridlink streams through, up to hybridlink's own explanation: what is
// left is hybridlink's output, which must never show a panic.
func withoutPulumiCrashReport(stderr string) string {
	start := strings.Index(stderr, "The Pulumi CLI encountered")
	if start < 0 {
		return stderr
	}
	end := strings.Index(stderr[start:], "\nhybridlink:")
	if end < 0 {
		return stderr[:start]
	}
	return stderr[:start] + stderr[start+end:]
}

// staleLockLifted reports whether a run said it lifted a dead run's lock.
func staleLockLifted(stdout string) bool {
	return strings.Contains(stdout, "lifting that run's lock")
}

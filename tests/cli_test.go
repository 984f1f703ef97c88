package tests

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/stacks"
)

// cliResult is one run of the hybridlink binary.
type cliResult struct {
	code           int
	stdout, stderr string
}

// runCLI runs the hybridlink binary TestMain built, as a user runs it from
// the repository root.
func runCLI(t *testing.T, args ...string) cliResult {
	t.Helper()
	return runCLIAt(t, repo, nil, args...)
}

// runCLIIn runs the hybridlink binary from dir.
func runCLIIn(t *testing.T, dir string, args ...string) cliResult {
	t.Helper()
	return runCLIAt(t, dir, nil, args...)
}

// runCLIEnv runs the hybridlink binary with extra environment.
func runCLIEnv(t *testing.T, env []string, args ...string) cliResult {
	t.Helper()
	return runCLIAt(t, repo, env, args...)
}

// runCLIAt runs the hybridlink binary from dir with extra environment, the
// caller's ALICLOUD_REGION removed so that the stack files (or env) decide
// the region.
func runCLIAt(t *testing.T, dir string, env []string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, cli, args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, stacks.RegionEnv+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	return runCollecting(t, cmd, "hybridlink "+strings.Join(args, " "))
}

// runCollecting runs cmd and returns its exit code and output; it fails
// the test, naming what, when cmd cannot run at all.
func runCollecting(t *testing.T, cmd *exec.Cmd, what string) cliResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := cliResult{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("%s: %v", what, err)
	}
	return r
}

// unchangedStackFiles fails when fn changes a committed stack file.
func unchangedStackFiles(t *testing.T, fn func()) {
	t.Helper()
	before, err := readFiles(repo, stackFiles)
	if err != nil {
		t.Fatal(err)
	}
	fn()
	after, err := readFiles(repo, stackFiles)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range stackFiles {
		if !bytes.Equal(before[name], after[name]) {
			t.Errorf("the committed %s changed:\n--- before\n%s\n--- after\n%s", name, before[name], after[name])
		}
	}
}

// TestCLICheck runs the pull-request check on the committed stacks, as CI
// does: a sandbox preview with the policy pack, in a state directory of its
// own. It must pass, leave nothing in the local cloud and not touch the
// stack files.
func TestCLICheck(t *testing.T) {
	skipShort(t)
	for _, c := range stackCases {
		stack := c.stack
		t.Run(stack, func(t *testing.T) {
			state := t.TempDir()
			var r cliResult
			unchangedStackFiles(t, func() {
				r = runCLI(t, "check", "--stack", stack, "--state", state)
			})
			if r.code != 0 {
				t.Fatalf("hybridlink check --stack %s: exit %d, want 0\nstdout:\n%s\nstderr:\n%s", stack, r.code, r.stdout, r.stderr)
			}
			if want := "hybridlink: check of " + stack + " passed"; !strings.Contains(r.stderr, want) {
				t.Errorf("hybridlink check --stack %s: stderr lacks %q:\n%s", stack, want, r.stderr)
			}
			// The engine previewed the whole design with the pack, which
			// found nothing mandatory.
			creates := -stateAlways[inventory.Provider]
			for _, n := range wantCloud(c, len(readConfig(t, repo, stack).IDCPrefixes)) {
				creates += n
			}
			for _, n := range stateOnly(c) {
				creates += n
			}
			pack := "hybridlink|local|" + filepath.Join(repo, ".cache", "bin", "hybridlink-policy")
			for _, want := range []string{"Previewing update (" + stack + ")", fmt.Sprintf("+ %d to create", creates), "Policy Packs run:", pack} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("hybridlink check --stack %s: the engine output lacks %q:\n%s", stack, want, r.stdout)
				}
			}
			if strings.Contains(r.stdout, "[mandatory]") {
				t.Errorf("hybridlink check --stack %s passed with a mandatory violation:\n%s", stack, r.stdout)
			}
			requireEmptyCloud(t, state, "hybridlink check --stack "+stack)
		})
	}
	t.Run("unknown-stack", func(t *testing.T) {
		r := runCLI(t, "check", "--stack", "staging", "--state", t.TempDir())
		if r.code != 1 || !strings.Contains(r.stderr, `stack "staging"`) {
			t.Errorf("hybridlink check --stack staging: exit %d, stderr:\n%s\nwant exit 1 naming the stack", r.code, r.stderr)
		}
	})
}

// TestCLIPlanCheck runs plan-check on the committed stacks (valid and
// disjoint) and on a copy whose dev plan takes prod's transit VPC and
// peering subnet: one line per conflict, exit 1.
func TestCLIPlanCheck(t *testing.T) {
	skipShort(t)
	t.Run("committed", func(t *testing.T) {
		var r cliResult
		unchangedStackFiles(t, func() { r = runCLI(t, "plan-check") })
		if r.code != 0 || r.stdout != "" {
			t.Fatalf("hybridlink plan-check: exit %d, stdout %q; want 0 and no conflicts\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
		if want := "plan-check: the address plans of 3 stack(s) are valid and disjoint"; !strings.Contains(r.stderr, want) {
			t.Errorf("hybridlink plan-check: stderr lacks %q:\n%s", want, r.stderr)
		}
	})
	t.Run("conflicting-copy", func(t *testing.T) {
		dir := copyProject(t)
		editFile(t, stackFile(dir, "dev"),
			"localGatewayIp: 10.1.0.5", "localGatewayIp: 10.1.0.1",
			"peerGatewayIp: 10.1.0.6", "peerGatewayIp: 10.1.0.2",
			"cidr: 10.21.0.0/16", "cidr: 10.0.0.0/16",
			"cidr: 10.21.1.0/24", "cidr: 10.0.1.0/24",
			"cidr: 10.21.2.0/24", "cidr: 10.0.2.0/24")
		r := runCLI(t, "plan-check", "--dir", dir)
		want := []string{
			"dev hybridlink:expressConnect.peerGatewayIp 10.1.0.0/30 overlaps prod hybridlink:expressConnect.peerGatewayIp 10.1.0.0/30",
			"dev hybridlink:transitVpc.cidr 10.0.0.0/16 overlaps prod hybridlink:transitVpc.cidr 10.0.0.0/16",
			"dev hybridlink:transitVpc.cidr 10.0.0.0/16 overlaps prod hybridlink:transitVpc.vSwitches[0].cidr 10.0.1.0/24",
			"dev hybridlink:transitVpc.cidr 10.0.0.0/16 overlaps prod hybridlink:transitVpc.vSwitches[1].cidr 10.0.2.0/24",
			"dev hybridlink:transitVpc.vSwitches[0].cidr 10.0.1.0/24 overlaps prod hybridlink:transitVpc.cidr 10.0.0.0/16",
			"dev hybridlink:transitVpc.vSwitches[0].cidr 10.0.1.0/24 overlaps prod hybridlink:transitVpc.vSwitches[0].cidr 10.0.1.0/24",
			"dev hybridlink:transitVpc.vSwitches[1].cidr 10.0.2.0/24 overlaps prod hybridlink:transitVpc.cidr 10.0.0.0/16",
			"dev hybridlink:transitVpc.vSwitches[1].cidr 10.0.2.0/24 overlaps prod hybridlink:transitVpc.vSwitches[1].cidr 10.0.2.0/24",
		}
		if r.code != 1 {
			t.Errorf("hybridlink plan-check --dir <conflicting copy>: exit %d, want 1\nstderr:\n%s", r.code, r.stderr)
		}
		if got := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("hybridlink plan-check --dir <conflicting copy>: stdout:\n%s\nwant one line per conflict:\n%s", r.stdout, strings.Join(want, "\n"))
		}
		if w := "plan-check: 8 conflict(s) across 3 stack(s)"; !strings.Contains(r.stderr, w) {
			t.Errorf("hybridlink plan-check --dir <conflicting copy>: stderr lacks %q:\n%s", w, r.stderr)
		}
	})
}

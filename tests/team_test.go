package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/hybridlink/hybridlink/internal/inventory"

	"github.com/hybridlink/hybridlink/internal/s3test"
	"github.com/hybridlink/hybridlink/internal/stackfile"
)

// pulumiLock is a lock the Pulumi CLI wrote in the team's bucket.
type pulumiLock struct {
	key                string
	Pid                int
	Username, Hostname string
}

// locks reads the locks of a stack in the team's bucket.
func (b *sharedBackend) locks(t *testing.T, stack string) []pulumiLock {
	t.Helper()
	var out []pulumiLock
	for _, entry := range b.keys(t, ".pulumi/locks/organization/hybridlink/"+stack+"/") {
		key, _, _ := strings.Cut(entry, " ")
		body, found := b.object(t, key)
		if !found {
			continue
		}
		var l struct {
			Pid                int
			Username, Hostname string
		}
		if err := json.Unmarshal(body, &l); err != nil {
			t.Fatalf("lock %s: %v", key, err)
		}
		out = append(out, pulumiLock{key: key, Pid: l.Pid, Username: l.Username, Hostname: l.Hostname})
	}
	return out
}

// parentOf is a process's parent's pid, or 0.
func parentOf(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	m := regexp.MustCompile(`(?m)^PPid:\s+(\d+)$`).FindSubmatch(b)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// TestSharedBackend: two operators on two machines deploy prod with one
// bucket (the test S3 server) and one Alibaba Cloud account (one local
// cloud). Bob's `up` while Alice's runs is refused, naming her run (user,
// host, pid). Alice's run is killed (her laptop dies): its lock stays,
// and Bob is told whose it is and what to do — not `pulumi cancel`. He
// does it, and his next `up` settles what her run left: every object of
// the design exists once and the bucket's state holds it. Then a pull
// request's CI job previews a change against that shared state, as the
// workflow runs it, without a terminal, and writes nothing.
func TestSharedBackend(t *testing.T) {
	skipShort(t)
	t.Parallel() // its own server, bucket, cloud and machines
	c := prodCase(t)
	be := startBackend(t)
	// The account is a local cloud's directory; cloudObjects reads it
	// under its parent.
	accountRoot := t.TempDir()
	account := filepath.Join(accountRoot, "cloud")
	if err := os.Mkdir(account, 0o700); err != nil {
		t.Fatal(err)
	}
	alice, bob := newMachine(t, "alice-laptop", account), newMachine(t, "bob-desktop", account)
	env := be.env()

	// The local cloud is slow, so that Alice's update is under way, its
	// lock held, when Bob starts.
	first := alice.start(t, append(env, "HYBRIDLINK_CLOUD_LATENCY=2s"), "sandbox", "up", "--stack", c.stack, "--state", alice.state)
	first.waitUntil(t, "3 objects in the local cloud", func() bool { return cloudObjects(accountRoot) >= 3 })
	locks := be.locks(t, c.stack)
	if len(locks) != 1 || locks[0].Hostname != "alice-laptop" || parentOf(locks[0].Pid) != first.cmd.Process.Pid {
		t.Fatalf("Alice's update holds %+v, want one lock of host alice-laptop taken by the Pulumi CLI her hybridlink (pid %d) runs", locks, first.cmd.Process.Pid)
	}
	held := locks[0]
	second := bob.run(t, env, "sandbox", "up", "--stack", c.stack, "--state", bob.state)
	select {
	case <-first.done:
		t.Fatal("Alice's up ended before Bob's was refused: the test proves nothing")
	default:
	}
	refusal := fmt.Sprintf("locked by a Pulumi run on another machine (pid %d, %s@alice-laptop", held.Pid, held.Username)
	if second.code == 0 || !strings.Contains(second.stderr, refusal) || !strings.Contains(second.stderr, "nothing was changed") {
		t.Fatalf("Bob's up during Alice's: exit %d, want a refusal containing %q\n%s", second.code, refusal, second.stderr)
	}

	// Alice's laptop dies: her run is killed, and its lock stays.
	if err := syscall.Kill(-first.cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.wait(t)
	if locks := be.locks(t, c.stack); len(locks) != 1 || locks[0].key != held.key {
		t.Fatalf("after Alice's run was killed the bucket holds the locks %+v, want hers", locks)
	}
	if n := cloudObjects(accountRoot); n >= cloudTotal(c) {
		t.Fatalf("Alice's run created all %d objects before it was killed: the test proves nothing", n)
	}

	// Bob is refused again, told whose the lock is and what to do.
	r := bob.run(t, env, "sandbox", "up", "--stack", c.stack, "--state", bob.state)
	unlock := regexp.MustCompile(`hybridlink backend unlock '([^']+)' --lock (\S+)`).FindStringSubmatch(r.stderr)
	if r.code == 0 || unlock == nil || unlock[1] != be.url || !strings.Contains(r.stderr, fmt.Sprintf("ps -p %d", held.Pid)) ||
		!strings.Contains(r.stderr, "Not `pulumi cancel`") {
		t.Fatalf("Bob's up after Alice's run died: exit %d, want a refusal naming the lock to remove, how to check its run, and not pulumi cancel\n%s", r.code, r.stderr)
	}
	// Alice's run is gone (Bob has asked her): he removes that one lock.
	if u := bob.run(t, env, "backend", "unlock", unlock[1], "--lock", unlock[2]); u.code != 0 || !strings.Contains(u.stderr, "removed lock "+unlock[2]) {
		t.Fatalf("backend unlock: exit %d\n%s", u.code, u.stderr)
	}
	// His up settles what her run left, and deploys prod once.
	r = bob.run(t, env, "sandbox", "up", "--stack", c.stack, "--state", bob.state)
	if r.code != 0 || !strings.Contains(r.stdout, "settling them from the local cloud") {
		t.Fatalf("Bob's up after removing the lock: exit %d, want 0 after settling the operations Alice's run left\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	convergedWith(t, account, c, func() ([]resource.URN, []string) { return be.stackState(t, c.stack) },
		func() cliResult { return bob.run(t, env, "sandbox", "up", "--stack", c.stack, "--state", bob.state) })

	t.Run("pull-request-preview", func(t *testing.T) {
		pr := workingCopy(t)
		editFile(t, stackFile(pr, c.stack), "    bandwidthMbps: 100\n", "    bandwidthMbps: 200\n")
		runner := newMachine(t, "ci-runner", account)
		cloudBefore, _ := os.ReadFile(filepath.Join(account, "state.json"))
		bucketBefore, requestsBefore := be.keys(t, ""), len(be.srv.Requests())
		// The runner reaches the bucket by the test server's tunnel, where
		// GitHub's would resolve its name.
		out, code := runWorkflowJob(t, pr, runner, be.srv.Reach(), "cloud-preview", c.stack, ciSecrets(be))
		if code != 0 {
			t.Fatalf("cloud-preview failed:\n%s", out)
		}
		if !regexp.MustCompile(`bandwidth\s*: 100 => 200`).MatchString(out) || !regexp.MustCompile(`\d+ unchanged`).MatchString(out) {
			t.Errorf("the pull request's preview does not show its change, the VPN gateway's bandwidth 100 => 200, against the deployed stack:\n%s", out)
		}
		if w := be.writesSince(requestsBefore); len(w) > 0 {
			t.Errorf("the pull request's preview wrote to the shared backend: %v", w)
		}
		if after := be.keys(t, ""); strings.Join(after, "\n") != strings.Join(bucketBefore, "\n") {
			t.Errorf("the bucket changed during the preview:\nbefore %v\nafter  %v", bucketBefore, after)
		}
		if cloudAfter, _ := os.ReadFile(filepath.Join(account, "state.json")); !bytes.Equal(cloudBefore, cloudAfter) {
			t.Error("the pull request's preview changed the local cloud")
		}
	})
	// The daily drift job on the same account and bucket: with nothing
	// changed outside Pulumi it passes; after someone raised the VPN
	// gateway's bandwidth in the console it fails, showing the change.
	// Neither run writes to the bucket.
	t.Run("drift", func(t *testing.T) {
		runner, checkout := newMachine(t, "ci-runner", account), workingCopy(t)
		requestsBefore := len(be.srv.Requests())
		out, code := runWorkflowJob(t, checkout, runner, be.srv.Reach(), "drift", c.stack, ciSecrets(be))
		if code != 0 || !regexp.MustCompile(`\d+ unchanged`).MatchString(out) {
			t.Fatalf("drift with nothing changed outside Pulumi: exit %d, want 0 and every resource unchanged\n%s", code, out)
		}
		changeInCloud(t, account, inventory.VPNGateway, "bandwidth", 200)
		out, code = runWorkflowJob(t, checkout, runner, be.srv.Reach(), "drift", c.stack, ciSecrets(be))
		if code == 0 || !regexp.MustCompile(`bandwidth\s*: 100 => 200`).MatchString(out) {
			t.Errorf("drift after the VPN gateway's bandwidth was raised outside Pulumi: exit %d, want a failure showing bandwidth 100 => 200\n%s", code, out)
		}
		if w := be.writesSince(requestsBefore); len(w) > 0 {
			t.Errorf("the drift check wrote to the shared backend: %v", w)
		}
	})
	be.noneRefused(t)
}

// ciSecrets are the repository secrets the workflow's cloud jobs get: the
// account (the local cloud takes any key), the team's bucket and its
// read-only user, the stacks' passphrase.
func ciSecrets(be *sharedBackend) map[string]string {
	return map[string]string{
		"ALICLOUD_ACCESS_KEY": "LTAI-ci-test", "ALICLOUD_SECRET_KEY": "ci-test-secret", "PULUMI_ACCESS_TOKEN": "",
		"PULUMI_BACKEND_URL": be.url, "AWS_ACCESS_KEY_ID": s3test.AccessKey, "AWS_SECRET_ACCESS_KEY": s3test.SecretKey,
		"PULUMI_CONFIG_PASSPHRASE": stackfile.SandboxPassphrase,
	}
}

// changeInCloud sets a property of every object of a type in the local
// cloud's account directly, as a change in the console would: what the API
// reports (outputs) and, as the bridged provider's Read derives its inputs
// from that, the input too.
func changeInCloud(t *testing.T, account string, typ tokens.Type, property string, value any) {
	t.Helper()
	path := filepath.Join(account, "state.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	resources, _ := st["resources"].([]any)
	changed := 0
	for _, r := range resources {
		rec, _ := r.(map[string]any)
		outputs, _ := rec["outputs"].(map[string]any)
		if rec["type"] != string(typ) || outputs == nil {
			continue
		}
		outputs[property] = value
		if inputs, _ := rec["inputs"].(map[string]any); inputs[property] != nil {
			inputs[property] = value
		}
		changed++
	}
	if changed == 0 {
		t.Fatalf("the local cloud holds no %s", typ)
	}
	if b, err = json.Marshal(st); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// runWorkflowJob runs a job of the CI workflow for one stack of its matrix
// as GitHub would, in the checkout dir with no terminal: its env with the
// repository's secrets (secrets; the job must use no other), its run steps
// in order, each under its if, with the network environment given. The
// steps it uses (checkout, setup-go, the
// Pulumi CLI) are what the test already has: dir, go, the pinned CLI; the
// commands run under pulumiShell on the runner's machine. It returns the
// steps' output and, when a step failed (the job stops there), its exit
// code.
func runWorkflowJob(t *testing.T, dir string, runner machine, network []string, job, stack string, secrets map[string]string) (string, int) {
	t.Helper()
	wf := readWorkflow(t)
	j, ok := wf.Jobs[job]
	if !ok {
		t.Fatalf("the workflow has no job %s", job)
	}
	expr := regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)
	fill := func(s string) string {
		return expr.ReplaceAllStringFunc(s, func(m string) string {
			e := expr.FindStringSubmatch(m)[1]
			if name, ok := strings.CutPrefix(e, "secrets."); ok {
				v, known := secrets[name]
				if !known {
					t.Fatalf("job %s uses the secret %s, which the test has no value for", job, name)
				}
				return v
			}
			if e == "matrix.stack" {
				return stack
			}
			t.Fatalf("job %s uses ${{ %s }}, which the test does not know", job, e)
			return ""
		})
	}
	outputs := filepath.Join(t.TempDir(), "github-output")
	env := append([]string{"GITHUB_OUTPUT=" + outputs, "PULUMI_HOME=" + filepath.Join(runner.state, "home")}, network...)
	for k, v := range j.Env {
		env = append(env, k+"="+fill(v))
	}
	env = shellEnv(runner.state, env...)
	known := map[string]bool{"actions/checkout@v4": true, "actions/setup-go@v5": true, "pulumi/actions@v6": true}
	var out strings.Builder
	ran := 0
	for _, step := range j.Steps {
		if step.If != "" {
			present, _ := os.ReadFile(outputs)
			if step.If != "steps.creds.outputs.present == 'true'" {
				t.Fatalf("job %s: a step runs if %q, which the test does not know", job, step.If)
			}
			if !bytes.Contains(present, []byte("present=true")) {
				t.Fatalf("job %s skipped its step %q: the creds step did not find the secrets\n%s", job, step.Name+step.Uses, out.String())
			}
		}
		script := fill(step.Run)
		if step.Uses != "" {
			if !known[step.Uses] {
				t.Fatalf("job %s uses %s, which the test does not stand in for", job, step.Uses)
			}
			if script = actionCommands(t, job, step.Uses, step.With, fill); script == "" {
				continue
			}
		}
		stepEnv := env
		for k, v := range step.Env {
			stepEnv = append(slices.Clip(stepEnv), k+"="+fill(v))
		}
		r := runShell(t, dir, stepEnv, script, runner)
		fmt.Fprintf(&out, "== %s: exit %d\n%s%s", step.Name, r.code, r.stdout, r.stderr)
		if r.code != 0 {
			return out.String(), r.code
		}
		ran += strings.Count(script, "\n") + 1
	}
	if ran < 2 {
		t.Fatalf("job %s ran %d commands, want the credentials check and the job's pulumi commands", job, ran)
	}
	return out.String(), 0
}

// actionCommands are the Pulumi CLI commands pulumi/actions runs for a step
// that gives it a command ("" for one that only installs the CLI): the
// stack selected (created with upsert) and the command, with the inputs
// that change what it does. An input the test does not know fails it;
// those that only say where the result goes (the pull request, the job
// summary) and which CLI to install do not change the commands.
func actionCommands(t *testing.T, job, uses string, with map[string]string, fill func(string) string) string {
	t.Helper()
	command := with["command"]
	if uses != "pulumi/actions@v6" || command == "" {
		return ""
	}
	stack := fill(with["stack-name"])
	sel := "pulumi stack select " + stack
	if with["upsert"] == "true" {
		sel = "pulumi stack select --create " + stack
		if sp := with["secrets-provider"]; sp != "" {
			sel += " --secrets-provider " + sp
		}
	}
	run := []string{"pulumi", command, "--stack", stack, "--non-interactive"}
	for input, v := range with {
		switch input {
		case "command", "stack-name", "upsert", "secrets-provider", "pulumi-version", "comment-on-pr", "edit-pr-comment", "comment-on-summary":
		case "policyPacks":
			run = append(run, "--policy-pack", v)
		case "diff":
			if v == "true" {
				run = append(run, "--diff")
			}
		default:
			t.Fatalf("job %s gives pulumi/actions the input %s, which the test does not stand in for", job, input)
		}
	}
	return sel + "\n" + strings.Join(run, " ")
}

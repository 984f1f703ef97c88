package tests

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridlink/hybridlink/internal/s3test"
	"github.com/hybridlink/hybridlink/internal/stackfile"
)

// readmeSection is the text of the README's section under heading, up to
// the next heading of its level.
func readmeSection(t *testing.T, heading string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repo, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, found := strings.Cut(string(b), "\n"+heading+"\n")
	if !found {
		t.Fatalf("README.md has no %q", heading)
	}
	level := heading[:strings.IndexByte(heading, ' ')+1]
	if i := strings.Index(section, "\n"+level); i >= 0 {
		section = section[:i]
	}
	return section
}

// shBlocks are the ```sh blocks of a Markdown text, each as its command
// lines: continuation lines joined, comments and blank lines left out.
func shBlocks(text string) [][]string {
	var blocks [][]string
	for _, part := range strings.Split(text, "```sh\n")[1:] {
		body, _, _ := strings.Cut(part, "```")
		var lines []string
		cont := ""
		for _, l := range strings.Split(body, "\n") {
			if t := strings.TrimSpace(l); cont == "" && (t == "" || strings.HasPrefix(t, "#")) {
				continue
			}
			if strings.HasSuffix(l, "\\") {
				cont += strings.TrimSuffix(l, "\\")
				continue
			}
			lines = append(lines, cont+l)
			cont = ""
		}
		blocks = append(blocks, lines)
	}
	return blocks
}

// readmeValues are the test's values of what an operator fills in in the
// README's real-cloud blocks: the variables they export, and the webhook.
type readmeValues struct {
	exports map[string]string
	webhook string
}

// apply reads a command line of the README: an export line sets its
// variables to the test's values in env (each must be one the test knows);
// any other line gets the test's webhook for '<url>'. ok is false for an
// export line, which is not run.
func (v readmeValues) apply(t *testing.T, line string, env *[]string, seen map[string]bool) (run string, ok bool) {
	t.Helper()
	code, _, _ := strings.Cut(line, " #")
	if rest, isExport := strings.CutPrefix(strings.TrimSpace(code), "export "); isExport {
		for _, f := range strings.Fields(rest) {
			name, _, _ := strings.Cut(f, "=")
			value, known := v.exports[name]
			if !known {
				t.Fatalf("the README exports %s, which the test has no value for: %s", name, line)
			}
			*env = append(*env, name+"="+value)
			seen[name] = true
		}
		return "", false
	}
	if strings.Contains(code, "'<url>'") {
		seen["'<url>'"] = true
	}
	if strings.Contains(code, "…") {
		t.Fatalf("a README command line holds a placeholder the test does not fill: %s", line)
	}
	return strings.ReplaceAll(line, "'<url>'", "'"+v.webhook+"'"), true
}

// TestREADMERealCloud runs the README's real-cloud blocks — the deployment
// (backend check, login, stack select --create, config set --secret,
// preview and up with the policy pack, stack output, the on-premises
// render), the quarterly drill and the teardown — line by line as written,
// against a team bucket on the test S3 server and the local cloud, served
// by `hybridlink localcloud serve` as the README says. What an operator
// fills in (the exported credentials and URL, the webhook) takes the test's
// values; `pulumi preview|up` run as `hybridlink sandbox preview|up`
// (pulumiShell); the drill stops at its confirmation, which nobody gives,
// and the teardown's confirmations are given (PULUMI_SKIP_CONFIRMATIONS).
// The test fails when the README's blocks change in a way it does not know.
func TestREADMERealCloud(t *testing.T) {
	skipShort(t)
	t.Parallel() // its own server, bucket, working copy and cloud
	c := prodCase(t)
	be := startBackend(t)
	work := workingCopy(t)
	state := t.TempDir()
	served := serveLocalCloud(t, work, state, be.env())
	blocks := shBlocks(readmeSection(t, "## Deploying to the real cloud"))
	if len(blocks) != 3 {
		t.Fatalf("the README's real-cloud section has %d sh blocks, want 3 (deployment, drill, teardown)", len(blocks))
	}
	values := readmeValues{
		exports: map[string]string{
			"ALICLOUD_ACCESS_KEY": "LTAI-readme-test", "ALICLOUD_SECRET_KEY": "readme-test-secret",
			"PULUMI_BACKEND_URL": be.url, "AWS_ACCESS_KEY_ID": s3test.AccessKey, "AWS_SECRET_ACCESS_KEY": s3test.SecretKey,
			// The committed stack files' secrets are the sandbox's.
			"PULUMI_CONFIG_PASSPHRASE": stackfile.SandboxPassphrase,
		},
		webhook: "https://hooks.example.com/hybridlink?token=readme-test",
	}
	// Nobody is at a terminal to answer the teardown's questions: yes, as
	// the operator would.
	env := shellEnv(state, append(append(be.env(), served...), "PULUMI_SKIP_CONFIRMATIONS=true")...)
	seen := map[string]bool{}
	run := func(block []string) []cliResult {
		var out []cliResult
		for _, line := range block {
			cmd, ok := values.apply(t, line, &env, seen)
			if !ok {
				continue
			}
			r := runShell(t, work, env, cmd)
			t.Logf("$ %s: exit %d", cmd, r.code)
			out = append(out, r)
		}
		return out
	}
	// want fails unless the step ran as expected.
	want := func(r cliResult, step string, code int, in ...string) {
		t.Helper()
		if r.code != code {
			t.Fatalf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", step, r.code, code, r.stdout, r.stderr)
		}
		for _, s := range in {
			if !strings.Contains(r.stdout+r.stderr, s) {
				t.Errorf("%s: the output lacks %q:\n%s%s", step, s, r.stdout, r.stderr)
			}
		}
	}

	deploy := run(blocks[0])
	steps := []string{"backend check", "login", "stack select", "config set vpnPsk", "config set bgpAuthKey", "config set alarmWebhook",
		"preview", "up", "render onprem", "stack output onPremConfig"}
	if len(deploy) != len(steps) {
		t.Fatalf("the deployment block has %d commands, want %d: %v", len(deploy), len(steps), blocks[0])
	}
	for name := range values.exports {
		if !seen[name] {
			t.Errorf("the README no longer exports %s: update the test's values", name)
		}
	}
	if !seen["'<url>'"] {
		t.Error("the README no longer sets alarmWebhook to '<url>': update the test's webhook")
	}
	want(deploy[0], "backend check", 0, "ok       versioning: on", "ok       public access: private")
	want(deploy[1], "pulumi login", 0, "Logged in to", be.url)
	for i, step := range steps[2:6] {
		want(deploy[2+i], step, 0)
	}
	want(deploy[6], "preview", 0, "to create")
	want(deploy[7], "up", 0, "created")
	outputs := stackOutputs(t, work, env)
	want(deploy[8], "render onprem", 0, outputs["vpnInternetIp"], outputs["vpnDisasterRecoveryInternetIp"])
	// The pre-shared key set above, decrypted from the bucket's state.
	want(deploy[9], "stack output onPremConfig --show-secrets", 0, "<key>")
	if n := cloudObjects(state); n != cloudTotal(c) {
		t.Errorf("the local cloud holds %d objects after up, want %d", n, cloudTotal(c))
	}
	if _, pending := be.stackState(t, "prod"); len(pending) > 0 {
		t.Errorf("the bucket's state of prod has pending operations: %v", pending)
	}
	if _, err := os.Stat(filepath.Join(state, "backend")); err == nil {
		t.Errorf("a file backend was written in %s: every command should use the bucket", state)
	}

	drill := run(blocks[1])
	if len(drill) != 1 {
		t.Fatalf("the drill block has %d commands, want 1", len(drill))
	}
	want(drill[0], "drill --real (no confirmation)", 1, "Type the stack name (prod) to proceed", "not confirmed: nothing was changed")

	down := run(blocks[2])
	if len(down) != 2 {
		t.Fatalf("the teardown block has %d commands, want 2", len(down))
	}
	want(down[0], "state unprotect", 0)
	want(down[1], "destroy", 0, "deleted")
	if n := cloudObjects(state); n != 0 {
		t.Errorf("the local cloud holds %d objects after destroy", n)
	}
	be.noneRefused(t)
}

// serveLocalCloud runs `hybridlink localcloud serve` in dir, as the README
// says, until the test ends, and returns the environment it prints.
func serveLocalCloud(t *testing.T, dir, state string, env []string) []string {
	t.Helper()
	exports, stop := startServe(t, dir, state, shellEnv(state, env...))
	t.Cleanup(stop)
	return exports
}

// stackOutputs reads a stack's outputs with the pinned CLI.
func stackOutputs(t *testing.T, dir string, env []string) map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, tools.PulumiPath, "stack", "output", "--json", "--stack", "prod", "--non-interactive")
	cmd.Dir, cmd.Env = dir, env
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("pulumi stack output: %v", err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for k, v := range raw {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

package tests

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/hybridlink/hybridlink/internal/localcloud"
)

// Two leaves of the design that no other resource depends on.
const (
	cenRouteEntry = tokens.Type("alicloud:cen/routeEntry:RouteEntry")
	propagation   = tokens.Type("alicloud:cen/transitRouterRouteTablePropagation:TransitRouterRouteTablePropagation")
)

// mustCLI fails the test unless the CLI exited 0.
func mustCLI(t *testing.T, r cliResult, what string) cliResult {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("hybridlink %s: exit %d\nstdout:\n%s\nstderr:\n%s", what, r.code, r.stdout, r.stderr)
	}
	return r
}

// TestCLIPulumiTargetDiff deploys dev with `sandbox up`, destroys two
// leaves with the pinned CLI through `hybridlink pulumi`, and brings one
// back with `sandbox preview|up --target --diff`: the summary, the
// pass-through (with the local cloud serving) and both flags reach the
// engine.
func TestCLIPulumiTargetDiff(t *testing.T) {
	skipShort(t)
	state := t.TempDir()
	cloud, err := localcloud.Open(filepath.Join(state, "cloud"))
	if err != nil {
		t.Fatal(err)
	}
	count := func(typ tokens.Type) int {
		rs, err := cloud.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		return len(ofType(rs, typ))
	}
	unchangedStackFiles(t, func() {
		r := mustCLI(t, runCLI(t, "sandbox", "up", "--stack", "dev", "--state", state), "sandbox up --stack dev")
		summary := regexp.MustCompile(`hybridlink: dev is deployed to the local sandbox in ` + regexp.QuoteMeta(state) + `/ \((\d+) created\): .*no real cloud was touched\.`)
		if !summary.MatchString(r.stderr) || !strings.Contains(r.stderr, "pulumi --stack dev --state "+state+" -- stack output") {
			t.Errorf("sandbox up ends without hybridlink's summary and next commands:\n%s", r.stderr)
		}

		var export apitype.UntypedDeployment
		r = mustCLI(t, runCLI(t, "pulumi", "--stack", "dev", "--state", state, "--", "stack", "export"), "pulumi -- stack export")
		if err := json.Unmarshal([]byte(r.stdout), &export); err != nil {
			t.Fatalf("pulumi stack export: %v\n%s", err, r.stdout)
		}
		var deployment apitype.DeploymentV3
		if err := json.Unmarshal(export.Deployment, &deployment); err != nil {
			t.Fatal(err)
		}
		// The route entry, and a propagation it does not depend on (it
		// waits for the transit VPC's).
		urn := map[tokens.Type]string{}
		var entryDeps []resource.URN
		for _, res := range deployment.Resources {
			if res.Type == cenRouteEntry && urn[cenRouteEntry] == "" {
				urn[cenRouteEntry], entryDeps = string(res.URN), res.Dependencies
			}
		}
		for _, res := range deployment.Resources {
			if res.Type == propagation && urn[propagation] == "" && !slices.Contains(entryDeps, res.URN) {
				urn[propagation] = string(res.URN)
			}
		}
		entries, props := count(cenRouteEntry), count(propagation)
		if urn[cenRouteEntry] == "" || urn[propagation] == "" || entries == 0 {
			t.Fatalf("dev has no %s or %s:\n%s", cenRouteEntry, propagation, r.stdout)
		}

		// The pinned CLI destroys through the local cloud that serves.
		mustCLI(t, runCLI(t, "pulumi", "--stack", "dev", "--state", state, "--",
			"destroy", "--target", urn[cenRouteEntry], "--target", urn[propagation], "--yes", "--non-interactive"), "pulumi -- destroy --target")
		if count(cenRouteEntry) != entries-1 || count(propagation) != props-1 {
			t.Fatalf("pulumi destroy --target through hybridlink pulumi left %d route entries and %d propagations, want %d and %d",
				count(cenRouteEntry), count(propagation), entries-1, props-1)
		}

		r = mustCLI(t, runCLI(t, "sandbox", "preview", "--stack", "dev", "--state", state), "sandbox preview")
		if !strings.Contains(r.stdout, "+ 2 to create") || strings.Contains(r.stdout, "cidrBlock") {
			t.Errorf("sandbox preview after destroying two resources: want + 2 to create and no property diff:\n%s", r.stdout)
		}
		r = mustCLI(t, runCLI(t, "sandbox", "preview", "--stack", "dev", "--state", state, "--diff", "--target", urn[cenRouteEntry]), "sandbox preview --diff --target")
		if !strings.Contains(r.stdout, "+ 1 to create") || !regexp.MustCompile(`cidrBlock\s*: "172\.16\.0\.0/16"`).MatchString(r.stdout) {
			t.Errorf("sandbox preview --diff --target <route entry>: want + 1 to create with its properties:\n%s", r.stdout)
		}
		r = mustCLI(t, runCLI(t, "sandbox", "up", "--stack", "dev", "--state", state, "--target", urn[cenRouteEntry]), "sandbox up --target")
		if !strings.Contains(r.stderr, "(1 created, ") {
			t.Errorf("sandbox up --target <route entry>: the summary does not say 1 created:\n%s", r.stderr)
		}
		if count(cenRouteEntry) != entries || count(propagation) != props-1 {
			t.Errorf("sandbox up --target <route entry>: %d route entries and %d propagations, want %d and %d (only the target)",
				count(cenRouteEntry), count(propagation), entries, props-1)
		}
	})

	t.Run("exit code", func(t *testing.T) {
		r := runCLI(t, "pulumi", "--stack", "dev", "--state", state, "--", "stack", "output", "nosuch")
		if r.code == 0 || !strings.Contains(r.stderr, "does not have output property 'nosuch'") {
			t.Errorf("hybridlink pulumi -- stack output nosuch: exit %d, stderr:\n%s\nwant pulumi's failure", r.code, r.stderr)
		}
	})
	t.Run("unknown stack", func(t *testing.T) {
		r := runCLI(t, "pulumi", "--stack", "staging", "--state", state, "--", "stack", "ls")
		if r.code != 1 || !strings.Contains(r.stderr, "the stacks are dev, prod") {
			t.Errorf("hybridlink pulumi --stack staging: exit %d, stderr:\n%s\nwant exit 1 listing the stacks", r.code, r.stderr)
		}
	})
}

// TestLocalcloudServe serves a deployed sandbox with `hybridlink localcloud
// serve` and runs the plain pinned pulumi CLI with the environment it
// prints: refresh reads every resource from the local cloud, and destroy
// deletes them there.
func TestLocalcloudServe(t *testing.T) {
	skipShort(t)
	state := t.TempDir()
	unchangedStackFiles(t, func() {
		mustCLI(t, runCLI(t, "sandbox", "up", "--stack", "dev", "--state", state), "sandbox up --stack dev")

		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		env, stop := startServe(t, repo, state, nil)
		for _, name := range []string{"PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_DEBUG_PROVIDERS", "PULUMI_HOME"} {
			if !strings.Contains(strings.Join(env, "\n"), name+"=") {
				t.Errorf("localcloud serve printed no %s: %v", name, env)
			}
		}

		plainPulumi(t, ctx, repo, env, "stack", "select", "dev")
		if out := plainPulumi(t, ctx, repo, env, "refresh", "--yes", "--non-interactive"); !regexp.MustCompile(`\d+ unchanged`).MatchString(out) {
			t.Errorf("plain pulumi refresh against the served local cloud:\n%s", out)
		}
		plainPulumi(t, ctx, repo, env, "destroy", "--yes", "--non-interactive")
		requireEmptyCloud(t, state, "plain pulumi destroy")
		stop()
	})
}

// TestLocalcloudServeYAML runs a Pulumi YAML program of plain alicloud
// resources (tests/yaml/alicloud) with the plain pinned CLI against
// `hybridlink localcloud serve`: the YAML language host resolves the type
// tokens (alicloud:vpc:Network) and checks the properties against the
// schema the local cloud serves, so without it the program fails with
// "unable to find resource type".
func TestLocalcloudServeYAML(t *testing.T) {
	skipShort(t)
	state, project := t.TempDir(), t.TempDir()
	copyFile(t, filepath.Join(repo, "tests", "yaml", "alicloud", "Pulumi.yaml"), filepath.Join(project, "Pulumi.yaml"))
	// The YAML language host ./test.sh builds, and nothing else, on PATH.
	host := filepath.Join(repo, ".cache", "bin", "pulumi-language-yaml")
	if _, err := os.Stat(host); err != nil {
		t.Fatalf("the Pulumi YAML language host is built by ./test.sh: %v", err)
	}
	bin := t.TempDir()
	if err := os.Symlink(host, filepath.Join(bin, "pulumi-language-yaml")); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	env, stop := startServe(t, repo, state, nil)
	env = append(env, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	plainPulumi(t, ctx, project, env, "stack", "init", "yaml", "--non-interactive")
	plainPulumi(t, ctx, project, env, "config", "set", "alicloud:region", "cn-hangzhou")
	plainPulumi(t, ctx, project, env, "up", "--yes", "--non-interactive")

	var outputs map[string]string
	if err := json.Unmarshal([]byte(plainPulumi(t, ctx, project, env, "stack", "output", "--json")), &outputs); err != nil {
		t.Fatal(err)
	}
	rs := cloudSnapshot(t, state)
	types := map[tokens.Type]string{}
	for _, r := range rs {
		types[r.Type] = string(r.ID)
	}
	for tok, out := range map[tokens.Type]string{"alicloud:vpc/network:Network": "vpcId", "alicloud:vpc/switch:Switch": "",
		"alicloud:cen/instance:Instance": "", "alicloud:cen/transitRouter:TransitRouter": ""} {
		if _, ok := types[tok]; !ok {
			t.Errorf("pulumi up of the YAML program created no %s: %s", tok, describeCloud(rs))
		}
		if out != "" && outputs[out] != types[tok] {
			t.Errorf("output %s = %q, want the ID %q", out, outputs[out], types[tok])
		}
	}
	if !regexp.MustCompile(`^vtb-bp1`).MatchString(outputs["routeTableId"]) || outputs["vswitchZone"] != "cn-hangzhou-h" ||
		!regexp.MustCompile(`^tr-bp1`).MatchString(outputs["transitRouterId"]) {
		t.Errorf("the outputs are not the cloud's: %v", outputs)
	}

	plainPulumi(t, ctx, project, env, "destroy", "--yes", "--non-interactive")
	requireEmptyCloud(t, state, "plain pulumi destroy of the YAML program")
	stop()
}

// startServe starts `hybridlink localcloud serve` in dir on a sandbox
// state directory, under env (nil: the test's own), and returns the
// environment it prints; stop stops it with Ctrl-C, as a user does, and
// checks that it says so.
func startServe(t *testing.T, dir, state string, env []string) (exports []string, stop func()) {
	t.Helper()
	serve := exec.Command(cli, "localcloud", "serve", "--state", state)
	serve.Dir, serve.Env = dir, env
	var stderr syncBuffer
	serve.Stderr = &stderr
	stdout, err := serve.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = serve.Process.Kill()
			_ = serve.Wait()
		}
	})
	return readExports(t, stdout, 5), func() {
		t.Helper()
		stopped = true
		if err := serve.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		if err := serve.Wait(); err != nil || !strings.Contains(stderr.String(), "localcloud: stopped") {
			t.Errorf("localcloud serve after Ctrl-C: %v\n%s", err, stderr.String())
		}
	}
}

// plainPulumi runs the plain pinned pulumi CLI in dir under the served
// environment env and returns its output; it fails the test on an error.
func plainPulumi(t *testing.T, ctx context.Context, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, tools.PulumiPath, args...)
	cmd.Dir = dir
	cmd.Env = append(withoutEnv(os.Environ(), "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_DEBUG_PROVIDERS", "PULUMI_HOME"), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pulumi %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

// requireEmptyCloud checks that the sandbox's local cloud holds nothing.
func requireEmptyCloud(t *testing.T, state, after string) {
	t.Helper()
	if rs := cloudSnapshot(t, state); len(rs) != 0 {
		t.Errorf("%s left %d resources in the local cloud:\n%s", after, len(rs), describeCloud(rs))
	}
}

// readExports reads n `export NAME='value'` lines and returns NAME=value.
func readExports(t *testing.T, r interface{ Read([]byte) (int, error) }, n int) []string {
	t.Helper()
	lines := make(chan string)
	go func() {
		s := bufio.NewScanner(r)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	var env []string
	for len(env) < n {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("localcloud serve ended after %d exports", len(env))
			}
			kv, found := strings.CutPrefix(line, "export ")
			name, quoted, _ := strings.Cut(kv, "=")
			if !found || len(quoted) < 2 || quoted[0] != '\'' || quoted[len(quoted)-1] != '\'' {
				t.Fatalf("localcloud serve printed %q, want export NAME='value'", line)
			}
			env = append(env, fmt.Sprintf("%s=%s", name, strings.ReplaceAll(quoted[1:len(quoted)-1], `'\''`, "'")))
		case <-time.After(time.Minute):
			t.Fatalf("localcloud serve printed %d exports in a minute", len(env))
		}
	}
	return env
}

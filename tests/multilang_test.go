package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/components"
	"github.com/hybridlink/hybridlink/internal/componentpkg"
	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/localcloud"
	"github.com/hybridlink/hybridlink/internal/sandbox"
	"github.com/hybridlink/hybridlink/internal/stackfile"
)

// The malformed values both languages are given — a VLAN out of range and
// an AS written as 0, which must be judged, not taken for unset — and where
// the Go program reports each (its config key) and the provider must report
// the same message (the schema property).
const (
	badEditFrom = "vlanId: 100\n"
	badEditTo   = "vlanId: 3000\n    localAsn: 0\n"
)

var badValues = []struct{ key, field string }{
	{"hybridlink:expressConnect.vlanId = 3000: ", "expressConnect.vlanId = 3000: "},
	{"hybridlink:expressConnect.localAsn = 0: ", "expressConnect.localAsn = 0: "},
}

// TestTypeScript deploys the dev stack with the README's TypeScript program
// (tests/nodejs/hybridlink.ts) through Node's Automation API and the
// provider plugin, as installed in a plugin cache from the built binary:
// the same resources, inputs and outputs as the Go program, the policy pack
// passing, a second up without changes, destroy emptying the cloud, and a
// malformed value failing with the Go message and nothing created.
func TestTypeScript(t *testing.T) {
	skipShort(t)
	goRef := deployGoProgram(t)
	e := newForeignEnv(t, "nodejs", "Pulumi.yaml")
	run := e.typeScript(t)

	up := run("up")
	require.Nil(t, up["error"], "%v", up["log"])
	assert.Equal(t, []string{"create"}, keys(up["changes"]))
	assert.Contains(t, up["log"], "(local: "+tools.PolicyPack+")", "the policy pack ran")
	e.sameAsGo(t, goRef, "typescript")
	assert.Equal(t, "[secret]", up["outputs"].(map[string]any)["vpnPreSharedKey"])

	again := run("up")
	require.Nil(t, again["error"], "%v", again["log"])
	assert.Equal(t, []string{"same"}, keys(again["changes"]), "a second up must change nothing")

	// A given pre-shared key reaches the IPsec connection as a secret input
	// and shows nowhere in plaintext: not in the state, the outputs or the log.
	const psk = "e2e-Psk_from-TypeScript-7"
	out, err := e.command(e.project, tools.PulumiPath, "config", "set", "--secret", "vpnPsk", psk, "--stack", "dev", "--non-interactive")
	require.NoError(t, err, out.stderr)
	withPSK := run("up")
	require.Nil(t, withPSK["error"], "%v", withPSK["log"])
	conns := ofType(e.cloudResources(t), inventory.VPNConnection)
	require.Len(t, conns, 1)
	got, _ := conns[0].String("ikeConfig.psk")
	assert.Equal(t, psk, got, "the connection's key is the stack's vpnPsk")
	exported, err := e.command(e.project, tools.PulumiPath, "stack", "export", "--stack", "dev")
	require.NoError(t, err, exported.stderr)
	for what, text := range map[string]string{"state": exported.stdout, "log": withPSK["log"].(string), "outputs": fmt.Sprint(withPSK["outputs"])} {
		assert.NotContains(t, text, psk, "the pre-shared key in plaintext in the %s", what)
	}

	down := run("destroy")
	require.Nil(t, down["error"], "%v", down["log"])
	assert.Empty(t, e.snapshot(t), "destroy must empty the cloud")

	e.editStack(t, badEditFrom, badEditTo)
	bad := run("up")
	require.NotNil(t, bad["error"], "malformed values must fail")
	e.sameMessageAsGo(t, goRef, bad["error"].(string))
}

// TestTypeScriptTwoCircuits deploys prod-dual with the README's TypeScript
// program: the list of two circuits and the mode reach the package's
// HybridConnection as secondExpressConnect and circuitMode, and the
// deployment is the Go program's — circuit B's leg, the route maps, circuit
// B's alarms and the outputs — with the policy pack passing.
func TestTypeScriptTwoCircuits(t *testing.T) {
	skipShort(t)
	_, goRef := goDeployment(t, "prod-dual")
	e := newForeignEnvOf(t, "nodejs", "Pulumi.yaml", "prod-dual")
	run := e.typeScript(t)

	up := run("up")
	require.Nil(t, up["error"], "%v", up["log"])
	assert.Contains(t, up["log"], "(local: "+tools.PolicyPack+")", "the policy pack ran")
	// secondBgp and circuitMode the Go program renders from its config, as
	// it does bgp; alarmIds it takes from the Go component's Monitoring
	// child, whose alarm IDs the package's HybridConnection does not output.
	e.sameAsGo(t, goRef, "typescript", "secondBgp", "circuitMode", "alarmIds")
	got := countTypes(e.cloudResources(t), func(r inventory.Resource) tokens.Type { return r.Type })
	assert.Equal(t, 2, got[inventory.VBR], "two circuits")
	assert.Equal(t, 2, got[inventory.RouteMap], "a route map per VBR (active-standby)")
	assert.Equal(t, 4, got[inventory.Alarm], "a loss and a latency alarm per circuit")
	outputs := up["outputs"].(map[string]any)
	assert.NotEmpty(t, outputs["secondVbrId"])
	assert.NotEmpty(t, outputs["secondVbrAttachmentId"])

	again := run("preview")
	require.Nil(t, again["error"], "%v", again["log"])
	assert.Equal(t, []string{"same"}, keys(again["changes"]), "a preview after the up must change nothing")
}

// typeScript runs an operation of the README's TypeScript program
// (tests/nodejs/e2e.ts) on the env's stack and returns its result.
func (e *foreignEnv) typeScript(t *testing.T) func(op string) map[string]any {
	t.Helper()
	node := nodeProject(t)
	return func(op string) map[string]any {
		t.Helper()
		out, err := e.command(node.dir, "node", "build/e2e.js", op, e.stack)
		require.NoError(t, err, out.stderr)
		var res map[string]any
		require.NoError(t, json.Unmarshal([]byte(lastLine(out.stdout)), &res), out.stdout)
		res["log"] = out.stderr
		return res
	}
}

// TestYAML deploys the dev stack with the README's Pulumi YAML program
// (tests/yaml/Pulumi.yaml) through the plain CLI and the YAML language host
// built from the pinned pulumi-yaml module, with the same expectations as
// TestTypeScript.
func TestYAML(t *testing.T) {
	skipShort(t)
	goRef := deployGoProgram(t)
	e := newForeignEnv(t, "yaml", "tests/yaml/Pulumi.yaml")
	pulumi := func(args ...string) (cmdOutput, error) {
		return e.command(e.project, tools.PulumiPath, append(args, "--stack", "dev", "--non-interactive")...)
	}
	up := func(extra ...string) (cmdOutput, error) {
		return pulumi(append([]string{"up", "--yes", "--policy-pack", tools.PolicyPack}, extra...)...)
	}
	out, err := e.command(e.project, tools.PulumiPath, "stack", "init", "dev", "--non-interactive")
	require.NoError(t, err, out.stderr)

	out, err = up()
	require.NoError(t, err, out.stdout+out.stderr)
	assert.Contains(t, out.stdout, "(local: "+tools.PolicyPack+")", "the policy pack ran")
	e.sameAsGo(t, goRef, "yaml")

	out, err = up("--expect-no-changes")
	require.NoError(t, err, "a second up must change nothing:\n%s%s", out.stdout, out.stderr)

	out, err = pulumi("destroy", "--yes")
	require.NoError(t, err, out.stdout+out.stderr)
	assert.Empty(t, e.snapshot(t), "destroy must empty the cloud")

	e.editStack(t, badEditFrom, badEditTo)
	out, err = up()
	require.Error(t, err, "malformed values must fail")
	e.sameMessageAsGo(t, goRef, out.stdout+out.stderr)
}

// TestYAMLLegs deploys each leg on its own from Pulumi YAML
// (tests/yaml/legs/Pulumi.yaml): the hub's advertisement of the VPN routes
// waits for the VPN leg, which the program passes as a resource reference.
func TestYAMLLegs(t *testing.T) {
	skipShort(t)
	e := newForeignEnv(t, "yaml", "tests/yaml/legs/Pulumi.yaml")
	out, err := e.command(e.project, tools.PulumiPath, "stack", "init", "dev", "--non-interactive")
	require.NoError(t, err, out.stderr)
	out, err = e.command(e.project, tools.PulumiPath, "up", "--yes", "--stack", "dev", "--non-interactive")
	require.NoError(t, err, out.stdout+out.stderr)

	got := countTypes(e.cloudResources(t), func(r inventory.Resource) tokens.Type { return r.Type })
	for typ, n := range map[tokens.Type]int{
		inventory.VBR: 1, inventory.BGPGroup: 1, inventory.BGPPeer: 1,
		inventory.VPNGateway: 1, inventory.CustomerGateway: 1, inventory.VPNConnection: 1, inventory.VPNRouteEntry: 1,
		inventory.CEN: 1, inventory.TransitRouter: 1, inventory.TRVPCAttachment: 1, inventory.TRVBRAttachment: 1, inventory.CENRouteEntry: 1,
	} {
		assert.Equal(t, n, got[typ], "%s in the cloud", typ)
	}
	st := e.export(t)
	var advertised bool
	for _, r := range st.Resources {
		if r.Type == inventory.CENRouteEntry {
			advertised = slices.Contains(r.Dependencies, "urn:pulumi:dev::hybridlink::"+components.TypeVPNStandbyLeg+"::standby")
		}
	}
	assert.True(t, advertised, "the advertisement depends on the VPN leg")

	out, err = e.command(e.project, tools.PulumiPath, "destroy", "--yes", "--stack", "dev", "--non-interactive")
	require.NoError(t, err, out.stdout+out.stderr)
	assert.Empty(t, e.snapshot(t), "destroy must empty the cloud")
}

// goReference is the Go program's deployment of a stack and, for dev, its
// messages for the malformed values (in badValues' order).
type goReference struct {
	resources   []apitype.ResourceV3
	badMessages []string
}

func deployGoProgram(t *testing.T) goReference {
	t.Helper()
	b, ref := goDeployment(t, "dev")
	editFile(t, stackFile(b.dir, "dev"), badEditFrom, badEditTo)
	r := b.preview()
	require.Error(t, r.err)
	// The program reports the components' problem and fix at the config
	// key: "<key> = <value>: <problem>; fix: <fix>". The components API
	// reports "<field> = <value>: <problem>; <fix>".
	for _, bad := range badValues {
		_, msg, _ := strings.Cut(lineWith(r.output, bad.key), bad.key)
		problem, fix, ok := strings.Cut(msg, "; fix: ")
		require.True(t, ok, "the Go program's message for %s:\n%s", bad.key, r.output)
		ref.badMessages = append(ref.badMessages, problem+"; "+fix)
	}
	return ref
}

// goDeployment deploys a committed stack with the Go program: the
// reference a program in another language must match.
func goDeployment(t *testing.T, stack string) (*box, goReference) {
	t.Helper()
	b := openBox(t, copyProject(t), stack)
	r := b.up()
	require.NoError(t, r.err, r.output)
	return b, goReference{resources: b.export().resources}
}

// foreignEnv is what a program in another language runs with: a project
// directory with the dev stack file, its own local cloud and backend, and a
// plugin cache with the hybridlink provider installed from the built
// binary, as `pulumi plugin install --file` installs a release.
type foreignEnv struct {
	project string
	stack   string
	env     []string
	cloud   *localcloud.Cloud
}

// project is the Pulumi.yaml to use, relative to the repository root.
func newForeignEnv(t *testing.T, runtime, project string) *foreignEnv {
	t.Helper()
	return newForeignEnvOf(t, runtime, project, "dev")
}

// newForeignEnvOf is newForeignEnv with another committed stack.
func newForeignEnvOf(t *testing.T, runtime, project, stack string) *foreignEnv {
	t.Helper()
	state := t.TempDir()
	e := &foreignEnv{project: filepath.Join(state, "project"), stack: stack}
	require.NoError(t, os.MkdirAll(filepath.Join(e.project, "stacks"), 0o755))
	copyFile(t, filepath.Join(repo, project), filepath.Join(e.project, "Pulumi.yaml"))
	if runtime == "nodejs" {
		// The inline program needs the project and its config declarations,
		// not a language host.
		editFile(t, filepath.Join(e.project, "Pulumi.yaml"), "runtime: go\n", "runtime: nodejs\n")
	}
	copyFile(t, stackFile(repo, stack), stackFile(e.project, stack))

	var err error
	e.cloud, err = sandbox.OpenCloud(state)
	require.NoError(t, err)
	port, stop, err := e.cloud.Serve(t.Context())
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, stop()) })

	bin := t.TempDir()
	e.env = append(os.Environ(),
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"PULUMI_HOME="+filepath.Join(state, "home"),
		"PULUMI_BACKEND_URL=file://"+filepath.Join(state, "backend"),
		"PULUMI_CONFIG_PASSPHRASE="+stackfile.SandboxPassphrase,
		fmt.Sprintf("PULUMI_DEBUG_PROVIDERS=alicloud:%d", port),
		"PULUMI_SKIP_UPDATE_CHECK=true",
		"HYBRIDLINK_PULUMI_ROOT="+filepath.Dir(filepath.Dir(tools.PulumiPath)),
		"HYBRIDLINK_PROJECT_DIR="+e.project,
		"HYBRIDLINK_POLICY_PACK="+tools.PolicyPack,
	)
	require.NoError(t, os.MkdirAll(filepath.Join(state, "backend"), 0o700))

	provider := filepath.Join(bin, "pulumi-resource-hybridlink")
	goBuild(t, provider, "./cmd/pulumi-resource-hybridlink")
	out, err := e.command(e.project, tools.PulumiPath, "plugin", "install", "resource", componentpkg.Name, componentpkg.Version, "--file", provider)
	require.NoError(t, err, out.stderr)
	// Only the plugin cache may serve it, as for a user: not PATH.
	require.NoError(t, os.Remove(provider))
	if runtime == "yaml" {
		goBuild(t, filepath.Join(bin, "pulumi-language-yaml"), "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml")
	}
	return e
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to, b, 0o644))
}

func goBuild(t *testing.T, out, pkg string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "go", "build", "-o", out, pkg)
	cmd.Dir = repo
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build %s:\n%s", pkg, b)
}

type cmdOutput struct{ stdout, stderr string }

func (e *foreignEnv) command(dir, name string, args ...string) (cmdOutput, error) {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env = dir, e.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return cmdOutput{stdout.String(), stderr.String()}, err
}

func (e *foreignEnv) editStack(t *testing.T, old, new string) {
	t.Helper()
	editFile(t, stackFile(e.project, e.stack), old, new)
}

func (e *foreignEnv) cloudResources(t *testing.T) []inventory.Resource {
	t.Helper()
	rs, err := e.cloud.Snapshot()
	require.NoError(t, err)
	return rs
}

// snapshot is the URNs of the cloud's resources.
func (e *foreignEnv) snapshot(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, r := range e.cloudResources(t) {
		out = append(out, string(r.URN))
	}
	return out
}

// sameAsGo compares the stack's state with the Go program's: the same
// resources (URN, type, parent), with the same inputs and outputs once the
// IDs the cloud made up are numbered in order of appearance, and the stack
// outputs the program exports equal to the Go program's. Providers are left
// out: the program's own resources use the npm SDK's default provider, the
// components' children the Go SDK's.
func (e *foreignEnv) sameAsGo(t *testing.T, goRef goReference, what string, goOnlyOutputs ...string) {
	t.Helper()
	dep := e.export(t)

	want, wantOutputs := comparable(goRef.resources)
	got, gotOutputs := comparable(dep.Resources)
	assert.Equal(t, want, got, "%s: resources, inputs and outputs differ from the Go program's", what)
	for k, v := range gotOutputs {
		assert.Equal(t, wantOutputs[k], v, "%s: stack output %s", what, k)
	}
	var goOnly []string
	for k := range wantOutputs {
		if _, ok := gotOutputs[k]; !ok {
			goOnly = append(goOnly, k)
		}
	}
	sort.Strings(goOnly)
	// The Go program renders these from its own code (internal/onprem),
	// not from the component; the caller names any others.
	wantGoOnly := append([]string{"bgp", "onPremConfig"}, goOnlyOutputs...)
	sort.Strings(wantGoOnly)
	assert.Equal(t, wantGoOnly, goOnly, "%s: stack outputs only the Go program exports", what)
}

func (e *foreignEnv) export(t *testing.T) apitype.DeploymentV3 {
	t.Helper()
	out, err := e.command(e.project, tools.PulumiPath, "stack", "export", "--stack", e.stack)
	require.NoError(t, err, out.stderr)
	var untyped apitype.UntypedDeployment
	require.NoError(t, json.Unmarshal([]byte(out.stdout), &untyped))
	var dep apitype.DeploymentV3
	require.NoError(t, json.Unmarshal(untyped.Deployment, &dep))
	return dep
}

// sameMessageAsGo checks that a failed operation reported the Go program's
// problem at the schema property, and created nothing.
func (e *foreignEnv) sameMessageAsGo(t *testing.T, goRef goReference, output string) {
	t.Helper()
	for i, bad := range badValues {
		assert.Contains(t, output, bad.field+goRef.badMessages[i])
	}
	assert.Empty(t, e.snapshot(t), "nothing may be created")
}

// idPattern matches the IDs the cloud makes up (vpc-bp1…, tr-attach-…,
// rg-acfm…, and the provider's terraform-<time><counter> for alarms),
// wherever they stand in a string: alone, joined by colons (a route entry's
// vpn-…:vco-…:172.16.0.0/16) or in JSON (an alarm's metricDimensions).
var idPattern = regexp.MustCompile(`\b[a-z]+(?:-[a-z]+)*-[0-9a-z]{12,21}\b|\bterraform-[0-9]{14}[0-9a-f]{8}\b`)

// perAccount are properties each local cloud (each account) or each moment
// sets differently, or that the cloud picks at random (a VBR health check's
// source IP).
var perAccount = map[string]bool{"createTime": true, "vpcOwnerId": true, "vbrOwnerId": true, "healthCheckSourceIp": true}

type comparableResource struct {
	Type, Parent    string
	Inputs, Outputs any
}

// comparable returns a state's resources by URN, and the stack's outputs,
// with made-up IDs numbered in a fixed order and secrets masked.
func comparable(rs []apitype.ResourceV3) (map[string]comparableResource, map[string]any) {
	rs = slices.Clone(rs)
	slices.SortFunc(rs, func(a, b apitype.ResourceV3) int { return strings.Compare(string(a.URN), string(b.URN)) })
	ids := map[string]string{}
	norm := func(v any) any { return normalize(v, ids) }
	out := map[string]comparableResource{}
	var stackOutputs map[string]any
	for _, r := range rs {
		switch {
		case strings.HasPrefix(string(r.Type), "pulumi:providers:"):
		case r.Type == "pulumi:pulumi:Stack":
			stackOutputs = map[string]any{}
			for k, v := range r.Outputs {
				stackOutputs[k] = v
			}
		default:
			out[string(r.URN)] = comparableResource{Type: string(r.Type), Parent: string(r.Parent), Inputs: norm(r.Inputs), Outputs: norm(r.Outputs)}
		}
	}
	for _, k := range keys(stackOutputs) {
		stackOutputs[k] = norm(stackOutputs[k])
	}
	return out, stackOutputs
}

func normalize(v any, ids map[string]string) any {
	switch v := v.(type) {
	case string:
		return idPattern.ReplaceAllStringFunc(v, func(id string) string {
			if _, ok := ids[id]; !ok {
				ids[id] = fmt.Sprintf("<id %d>", len(ids))
			}
			return ids[id]
		})
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = normalize(e, ids)
		}
		return out
	case map[string]any:
		if _, secret := v["4dabf18193072939515e22adb298388d"]; secret {
			return "[secret]"
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make(map[string]any, len(v))
		for _, k := range keys {
			if perAccount[k] {
				out[k] = "<per account>"
				continue
			}
			out[k] = normalize(v[k], ids)
		}
		return out
	}
	return v
}

// keys returns a JSON object's keys, sorted.
func keys(v any) []string {
	m, _ := v.(map[string]any)
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// nodeProject is tests/nodejs with its npm packages installed from the
// lockfile (the generated SDK among them, compiled on install) and the
// program and driver compiled.
type nodeProj struct{ dir string }

func nodeProject(t *testing.T) nodeProj {
	t.Helper()
	p := nodeProj{dir: filepath.Join(repo, "tests", "nodejs")}
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed: the TypeScript test needs Node.js 20 and npm", tool)
		}
	}
	if !p.installed(t) {
		p.run(t, "npm", "ci", "--no-audit", "--no-fund")
		require.True(t, p.installed(t), "npm ci did not install sdk/nodejs as it is")
	}
	p.run(t, filepath.Join("node_modules", ".bin", "tsc"))
	return p
}

// installed reports whether npm ci has run and installed the SDK as it is
// now: the install copies sdk/nodejs, which go generate may have changed.
func (p nodeProj) installed(t *testing.T) bool {
	t.Helper()
	sdk := filepath.Join(repo, "sdk", "nodejs")
	copy := filepath.Join(p.dir, "node_modules", "@hybridlink", "hybridlink")
	if _, err := os.Stat(filepath.Join(copy, "bin", "index.js")); err != nil {
		return false
	}
	err := filepath.WalkDir(sdk, func(path string, d os.DirEntry, err error) error {
		// npm does not pack dotfiles (.gitignore, .gitattributes).
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		rel, _ := filepath.Rel(sdk, path)
		want, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		got, err := os.ReadFile(filepath.Join(copy, rel))
		if err != nil || !bytes.Equal(got, want) {
			return fmt.Errorf("%s differs", rel)
		}
		return nil
	})
	return err == nil
}

func (p nodeProj) run(t *testing.T, name string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Dir = p.dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s %v:\n%s", name, args, out)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

// The README shows the TypeScript program the test runs, as it is.
func TestREADMEShowsTheTypeScriptProgram(t *testing.T) {
	program, err := os.ReadFile(filepath.Join(repo, "tests", "nodejs", "hybridlink.ts"))
	require.NoError(t, err)
	readme, err := os.ReadFile(filepath.Join(repo, "README.md"))
	require.NoError(t, err)
	assert.Contains(t, string(readme), "```ts\n"+string(program)+"```\n", "README.md shows tests/nodejs/hybridlink.ts as it is")
}

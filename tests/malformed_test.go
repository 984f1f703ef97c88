package tests

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hybridlink/hybridlink/stacks"
)

// malformedStack is a copy of a committed stack file broken in one class of
// ways, and what an operator must be told.
type malformedStack struct {
	class string
	edits []string // old, new pairs for editFile on Pulumi.prod.yaml
	env   []string // extra environment of the CLI
	// mentions must all appear in the CLI's stderr.
	mentions []string
}

// malformedStacks are one stack per class of issue 13's bad input; several
// problems of one class share a file, since every problem is reported at once.
var malformedStacks = []malformedStack{
	{class: "ids", edits: []string{"physicalConnectionId: pc-bp1hybridlinkprod0001", "physicalConnectionId: pc_bp1hybridlinkprod0001",
		"  hybridlink:vbrHealthCheck: true", "  hybridlink:vbrHealthCheck: true\n  hybridlink:cenId: cen-"},
		mentions: []string{"hybridlink:expressConnect.physicalConnectionId = pc_bp1hybridlinkprod0001", "hybridlink:cenId = cen-"}},
	{class: "tags", edits: []string{"  hybridlink:protect: true", "  hybridlink:protect: true\n  hybridlink:tags:\n    aliyun:team: net\n    managed-by: terraform\n    wiki: https://wiki.example/net"},
		mentions: []string{"hybridlink:tags.aliyun:team", "hybridlink:tags.managed-by = terraform", "hybridlink:tags.wiki"}},
	{class: "sizes", edits: []string{"  hybridlink:protect: true", "  hybridlink:protect: true\n  hybridlink:tags:\n    notes: " + strings.Repeat("x", 70<<10)},
		mentions: []string{"Pulumi.prod.yaml is 7", "bytes, more than the 65536"}},
	{class: "required", edits: []string{"  hybridlink:idcPrefixes:\n    - 172.16.0.0/16\n", "", "    peerAsn: 65530\n", ""},
		mentions: []string{"hybridlink:idcPrefixes: is required", "hybridlink:expressConnect.peerAsn: is required"}},
	{class: "addresses", edits: []string{"    - 172.16.0.0/16\n", "    - 172.16.0.0/16\n    - 169.254.0.0/16\n", "peerGatewayIp: 10.1.0.2", "peerGatewayIp: 127.0.0.2"},
		mentions: []string{"hybridlink:idcPrefixes[1] = 169.254.0.0/16", "link-local", "hybridlink:expressConnect.peerGatewayIp = 127.0.0.2", "loopback"}},
	{class: "keys", edits: []string{"  alicloud:region: cn-hangzhou", "  alicloud:regoin: cn-hangzhou",
		"  hybridlink:protect: true", "  hybridlink:protect: true\n  hybridlink:onPrem:\n    staticRoutePreference: 20"},
		mentions: []string{"alicloud:regoin: is not a setting of the alicloud provider", "alicloud:region: is required",
			"hybridlink:onPrem.staticRoutePreference = 20"}},
	{class: "region-env", edits: []string{"  alicloud:region: cn-hangzhou\n", ""}, env: []string{stacks.RegionEnv + "=cn-hangzhuo"},
		mentions: []string{"ALICLOUD_REGION = cn-hangzhuo", "alicloud:region is not set"}},
	{class: "secrets", edits: []string{"sY9IZVbvM1yK5XFx", "sY9IZVbvM1yK5XFy"},
		mentions: []string{"hybridlink:bgpAuthKey: the secure value does not decrypt, although the passphrase is right"}},
}

// TestCLIRefusesMalformedStacks runs `check` and `sandbox up` of the CLI on
// one malformed stack per class: each fails with exit 1, names the keys, does
// not panic, and leaves nothing in the local cloud or the engine's state.
func TestCLIRefusesMalformedStacks(t *testing.T) {
	skipShort(t)
	for _, m := range malformedStacks {
		t.Run(m.class, func(t *testing.T) {
			dir := copyProject(t)
			editFile(t, stackFile(dir, "prod"), m.edits...)
			for _, args := range [][]string{{"check"}, {"sandbox", "up"}} {
				state := t.TempDir()
				args = append(args, "--stack", "prod", "--dir", dir, "--state", state)
				r := runCLIEnv(t, m.env, args...)
				what := "hybridlink " + strings.Join(args[:len(args)-6], " ")
				if r.code != 1 {
					t.Errorf("%s: exit %d, want 1\nstderr:\n%s", what, r.code, r.stderr)
				}
				for _, want := range m.mentions {
					if !strings.Contains(r.stderr, want) {
						t.Errorf("%s: stderr lacks %q:\n%s", what, want, r.stderr)
					}
				}
				if panicked.MatchString(r.stdout + r.stderr) {
					t.Errorf("%s panicked:\n%s%s", what, r.stdout, r.stderr)
				}
				assertNothingDeployed(t, what, state)
			}
		})
	}
}

// panicked matches a Go panic or a goroutine dump.
var panicked = regexp.MustCompile(`(?m)^(panic: |goroutine \d+ \[)`)

// assertNothingDeployed fails when a state directory holds a resource in
// its local cloud or a checkpoint with resources in its backend.
func assertNothingDeployed(t *testing.T, what, state string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(state, "cloud")); err == nil {
		requireEmptyCloud(t, state, what)
	}
	_ = filepath.WalkDir(filepath.Join(state, "backend"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(path, string(filepath.Separator)+"stacks"+string(filepath.Separator)) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err == nil && bytes.Contains(b, []byte(`"urn:pulumi:`)) {
			t.Errorf("%s left resources in the engine's state: %s", what, path)
		}
		return nil
	})
}

// TestProgramRefusesMalformedStackInTheEngine runs one stack with a problem
// of each class the program itself can see through the real engine, bypassing
// the CLI's own check of the stack file: `up` fails naming every key, and the
// local cloud and the state stay empty.
func TestProgramRefusesMalformedStackInTheEngine(t *testing.T) {
	skipShort(t)
	t.Setenv(stacks.RegionEnv, "")
	dir := copyProject(t)
	editFile(t, stackFile(dir, "prod"),
		"physicalConnectionId: pc-bp1hybridlinkprod0001", "physicalConnectionId: pc_bp1hybridlinkprod0001",
		"    - 172.16.0.0/16\n", "    - 172.16.0.0/16\n    - 169.254.0.0/16\n",
		"    peerAsn: 65530\n", "",
		"  hybridlink:protect: true", "  hybridlink:protect: true\n  hybridlink:tags:\n    aliyun:team: net\n  hybridlink:onPrem:\n    staticRoutePreference: 20")
	b := openBox(t, dir, "prod")
	r := b.up()
	if r.err == nil {
		t.Fatalf("up of a malformed stack succeeded:\n%s", r.output)
	}
	for _, key := range []string{"hybridlink:expressConnect.physicalConnectionId", "hybridlink:idcPrefixes[1]",
		"hybridlink:expressConnect.peerAsn: is required", "hybridlink:tags.aliyun:team", "hybridlink:onPrem.staticRoutePreference",
		"5 configuration problem(s), nothing was deployed"} {
		if !strings.Contains(r.output, key) {
			t.Errorf("the engine's output lacks %q:\n%s", key, r.output)
		}
	}
	if panicked.MatchString(r.output) {
		t.Errorf("the program panicked:\n%s", r.output)
	}
	if rs := b.snapshot(); len(rs) != 0 {
		t.Errorf("the local cloud holds %d resources:\n%s", len(rs), describeCloud(rs))
	}
	if got := b.export().custom(); len(got) != 0 {
		t.Errorf("the state holds %d resources", len(got))
	}
}

// TestRegionFromTheEnvironment deploys dev with no alicloud:region in its
// stack file and ALICLOUD_REGION=cn-shanghai, as the README says works: the
// program validates the zones against that region, and the local cloud —
// like the alicloud provider, which defaults its region to ALICLOUD_REGION —
// puts every resource there.
func TestRegionFromTheEnvironment(t *testing.T) {
	skipShort(t)
	t.Setenv(stacks.RegionEnv, "cn-shanghai")
	dir := copyProject(t)
	editFile(t, stackFile(dir, "dev"), "  alicloud:region: cn-hangzhou\n", "")
	b, err := os.ReadFile(stackFile(dir, "dev"))
	if err != nil {
		t.Fatal(err)
	}
	zones := strings.NewReplacer("cn-hangzhou-h", "cn-shanghai-b", "cn-hangzhou-i", "cn-shanghai-e").Replace(string(b))
	if err := os.WriteFile(stackFile(dir, "dev"), []byte(zones), 0o644); err != nil {
		t.Fatal(err)
	}
	box := openBox(t, dir, "dev")
	box.mustSucceed("up", box.up())
	rs := box.snapshot()
	regional := 0
	for _, res := range rs {
		if region, ok := res.String("regionId"); ok {
			regional++
			if region != "cn-shanghai" {
				t.Errorf("%s %s is in %s, want cn-shanghai", res.Type, res.ID, region)
			}
		}
	}
	if regional == 0 {
		t.Errorf("no resource reports its region:\n%s", describeCloud(rs))
	}
}

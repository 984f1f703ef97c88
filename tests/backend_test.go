package tests

import (
	"context"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/hybridlink/hybridlink/internal/s3test"
	"github.com/hybridlink/hybridlink/internal/stackfile"
)

// The tests of a team's shared backend run the hybridlink binary and the
// pinned Pulumi CLI against a bucket of the test S3 server: versitygw,
// which checks SigV4, behind a front that refuses path-style requests and
// aws-chunked uploads as Alibaba OSS does (internal/s3test).

// teamBucket is the bucket the tests keep the team's state in.
const teamBucket = "hybridlink-state"

// sharedBackend is a team's bucket on a test S3 server of its own.
type sharedBackend struct {
	srv *s3test.Server
	url string
}

// startBackend starts a test S3 server with the team's bucket, private and
// versioned, as the README asks; it stops when the test ends.
func startBackend(t *testing.T) *sharedBackend {
	t.Helper()
	bin, err := s3test.Binary(repo)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := s3test.Start(t.Context(), s3test.Options{Binary: bin, Dir: t.TempDir(), Versioning: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	if err := srv.CreateBucket(context.Background(), teamBucket, true); err != nil {
		t.Fatal(err)
	}
	return &sharedBackend{srv: srv, url: srv.URL(teamBucket)}
}

// env is the environment of an operator of the team: the backend's URL,
// the credentials of the state bucket, and the server's certificate and
// tunnel (s3test.Server.Env).
func (b *sharedBackend) env() []string {
	return append(b.srv.Env(), "PULUMI_BACKEND_URL="+b.url)
}

// object reads an object of the team's bucket; found is false when it
// does not exist.
func (b *sharedBackend) object(t *testing.T, key string) (body []byte, found bool) {
	t.Helper()
	out, err := b.srv.Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(teamBucket), Key: aws.String(key)})
	if err != nil {
		if strings.Contains(err.Error(), "NoSuchKey") {
			return nil, false
		}
		t.Fatal(err)
	}
	defer out.Body.Close()
	body, err = io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return body, true
}

// keys lists the team's bucket under prefix.
func (b *sharedBackend) keys(t *testing.T, prefix string) []string {
	t.Helper()
	var out []string
	p := s3.NewListObjectsV2Paginator(b.srv.Client(), &s3.ListObjectsV2Input{Bucket: aws.String(teamBucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			out = append(out, *o.Key+" "+aws.ToString(o.ETag))
		}
	}
	return out
}

// stackState reads a stack's checkpoint from the team's bucket.
func (b *sharedBackend) stackState(t *testing.T, stack string) ([]resource.URN, []string) {
	t.Helper()
	body, found := b.object(t, ".pulumi/stacks/hybridlink/"+stack+".json")
	if !found {
		t.Fatalf("the team's bucket holds no checkpoint of %s: %v", stack, b.keys(t, ".pulumi/"))
	}
	return parseCheckpoint(t, body)
}

// noneRefused fails when the front refused a request: every request the
// CLIs sent was one OSS serves.
func (b *sharedBackend) noneRefused(t *testing.T) {
	t.Helper()
	for _, r := range b.srv.Requests() {
		if r.Refused != "" {
			t.Errorf("the S3 front refused %s %s%s: %s", r.Method, r.Host, r.URI, r.Refused)
		}
	}
}

// writesSince are the requests since the first n that were not reads.
func (b *sharedBackend) writesSince(n int) []string {
	var out []string
	for _, r := range b.srv.Requests()[n:] {
		if r.Method != "GET" && r.Method != "HEAD" {
			out = append(out, r.Method+" "+r.URI)
		}
	}
	return out
}

// workingCopy is an operator's clone of this repository in a temporary
// directory: the module's files as a checkout has them (no hidden
// directories, no node_modules, no build output, which no source file is as
// large as), with the pinned Pulumi CLI already built (.cache/pulumi
// linked). hybridlink builds the policy pack in it, as in any clone.
func workingCopy(t *testing.T) string {
	t.Helper()
	const buildOutput = 8 << 20
	dir := t.TempDir()
	err := filepath.WalkDir(repo, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(repo, path)
		if d.IsDir() {
			if path != repo && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		info, err := d.Info()
		if err != nil || !info.Mode().IsRegular() || info.Size() > buildOutput {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), b, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, ".cache"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(repo, ".cache", "pulumi"), filepath.Join(dir, ".cache", "pulumi")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// machine is an operator's machine in the tests of a shared backend: its
// host name, its sandbox state directory, and the one Alibaba Cloud
// account every operator deploys to (a local cloud's directory), which it
// sees at <state>/cloud. Its commands run in namespaces of their own: UTS,
// for the host name the Pulumi CLI writes into its locks, and mount, for
// the account bound at <state>/cloud (the local cloud refuses a symbolic
// link there). They share this machine's loopback, so they reach the same
// S3 server, as laptops reach the team's bucket.
type machine struct{ host, state, account string }

// newMachine prepares a machine's state directory.
func newMachine(t *testing.T, host, account string) machine {
	t.Helper()
	m := machine{host: host, state: t.TempDir(), account: account}
	if err := os.Mkdir(filepath.Join(m.state, "cloud"), 0o700); err != nil {
		t.Fatal(err)
	}
	return m
}

// command is name and args as run on the machine.
func (m machine) command(name string, args ...string) (string, []string) {
	unshare := []string{"--uts", "--mount"}
	if os.Geteuid() != 0 {
		unshare = append([]string{"--user", "--map-root-user"}, unshare...)
	}
	enter := `mount --bind "$2" "$3" && echo "$1" > /proc/sys/kernel/hostname && shift 3 && exec "$@"`
	return "unshare", append(append(unshare, "sh", "-c", enter, "sh", m.host, m.account, filepath.Join(m.state, "cloud"), name), args...)
}

// start starts the hybridlink binary on the machine.
func (m machine) start(t *testing.T, env []string, args ...string) *runningCLI {
	t.Helper()
	name, argv := m.command(cli, args...)
	return startCommand(t, repo, env, name, argv...)
}

// run runs the hybridlink binary on the machine.
func (m machine) run(t *testing.T, env []string, args ...string) cliResult {
	t.Helper()
	return m.start(t, env, args...).wait(t)
}

// pulumiShell is the bash prelude under which the tests run documented
// command lines as written. `pulumi preview|up` run the Go program, which
// needs pulumi-language-go, not obtainable here: they run as `hybridlink
// sandbox preview|up` — the same program inline, the policy pack built
// from policy/, the same backend, the local cloud of $HYBRIDLINK_STATE —
// and a flag without an equivalent fails. `pulumi refresh`, which reads
// the cloud through the alicloud provider, is the pinned CLI with the local
// cloud serving as that provider (`hybridlink pulumi`). Every other pulumi
// command is the pinned CLI (first on PATH); `go run ./cmd/hybridlink` is
// the prebuilt binary of the same source.
const pulumiShell = `set -euo pipefail
pulumi() {
  case "${1:-}" in
  preview|up) ;;
  refresh)
    local a prev="" stack=""
    for a in "$@"; do [ "$prev" != --stack ] || stack=$a; prev=$a; done
    "$HYBRIDLINK_CLI" pulumi --state "$HYBRIDLINK_STATE" --stack "$stack" -- "$@"
    return ;;
  *) command pulumi "$@"; return ;;
  esac
  local op=$1 args=(--state "$HYBRIDLINK_STATE")
  shift
  while [ $# -gt 0 ]; do
    case "$1" in
    --stack) args+=(--stack "$2"); shift 2 ;;
    --policy-pack) [ "$2" = policy ] || { echo "test: pulumi $op --policy-pack $2: only the project's policy/ is known" >&2; return 2; }; shift 2 ;;
    --diff) args+=(--diff); shift ;;
    --non-interactive) shift ;;
    *) echo "test: pulumi $op $1 has no hybridlink sandbox equivalent" >&2; return 2 ;;
    esac
  done
  "$HYBRIDLINK_CLI" sandbox "$op" "${args[@]}"
}
go() {
  if [ "${1:-}" = run ] && [ "${2:-}" = ./cmd/hybridlink ]; then shift 2; "$HYBRIDLINK_CLI" "$@"; else command go "$@"; fi
}
`

// shellEnv is the environment of documented command lines in dir: the
// caller's without its Pulumi, AWS and proxy settings, then env, the
// pinned CLI first on PATH, and the variables pulumiShell reads.
func shellEnv(state string, env ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "PULUMI_") || strings.HasPrefix(name, "AWS_") || strings.HasSuffix(strings.ToUpper(name), "_PROXY") ||
			name == "PATH" || name == "ALICLOUD_REGION" {
			continue
		}
		out = append(out, kv)
	}
	out = append(out, "PATH="+filepath.Dir(tools.PulumiPath)+string(os.PathListSeparator)+os.Getenv("PATH"),
		"PULUMI_SKIP_UPDATE_CHECK=true", "HYBRIDLINK_CLI="+cli, "HYBRIDLINK_STATE="+state)
	return append(out, env...)
}

// runShell runs one command line under pulumiShell in dir, with no
// terminal (stdin is empty, as for a CI job); on a machine, when one is
// given.
func runShell(t *testing.T, dir string, env []string, line string, on ...machine) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	name, args := "bash", []string{"-c", pulumiShell + line}
	for _, m := range on {
		name, args = m.command(name, args...)
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env = dir, env
	return runCollecting(t, cmd, line)
}

// TestLegacyLayoutUpgrade: a bucket a CLI older than 3.257 filled (the
// legacy layout) is refused by the pinned CLI; `backend check` says so and
// names the `pulumi state upgrade` to run, which, run as written, leaves
// the project layout that the CLI and the check accept.
func TestLegacyLayoutUpgrade(t *testing.T) {
	skipShort(t)
	t.Parallel()
	be := startBackend(t)
	project := copyProject(t)
	env := shellEnv(t.TempDir(), append(be.env(), "PULUMI_HOME="+t.TempDir(), "PULUMI_CONFIG_PASSPHRASE="+stackfile.SandboxPassphrase)...)
	legacy := append(env, "PULUMI_DIY_BACKEND_LEGACY_LAYOUT=true", "PULUMI_DIY_BACKEND_IGNORE_DEPRECATION_ERROR=true")
	// A deployed stack: its state names its project, which the upgrade
	// moves it under.
	deployed := `{"version":3,"deployment":{"manifest":{"time":"2026-01-01T00:00:00Z","magic":"","version":"v3.200.0"},` +
		`"resources":[{"urn":"urn:pulumi:dev::hybridlink::pulumi:pulumi:Stack::hybridlink-dev","custom":false,"type":"pulumi:pulumi:Stack"}]}}`
	if r := runShell(t, project, legacy, "pulumi stack init dev --non-interactive && echo '"+deployed+"' | pulumi stack import --stack dev --force --non-interactive"); r.code != 0 {
		t.Fatalf("creating a legacy stack: exit %d\n%s", r.code, r.stderr)
	}
	if _, found := be.object(t, ".pulumi/stacks/dev.json"); !found {
		t.Fatalf("the CLI wrote no legacy stack file: %v", be.keys(t, ".pulumi/"))
	}
	if r := runShell(t, project, env, "pulumi stack ls --non-interactive"); r.code == 0 || !strings.Contains(r.stderr, "Legacy DIY state is deprecated") {
		t.Errorf("the pinned CLI on a legacy bucket: exit %d, want its refusal\n%s", r.code, r.stderr)
	}

	check := runCLIEnv(t, be.env(), "backend", "check", be.url)
	upgrade := regexp.MustCompile(`fix: once no one runs Pulumi on it, at a terminal: (PULUMI_DIY_BACKEND_IGNORE_DEPRECATION_ERROR=1 PULUMI_BACKEND_URL='[^']+' pulumi state upgrade)`).FindStringSubmatch(check.stdout)
	if check.code != 1 || !strings.Contains(check.stdout, "problem  layout: legacy layout (stacks dev") || upgrade == nil {
		t.Fatalf("backend check of a legacy bucket: exit %d, want 1 with the legacy layout and the upgrade to run\n%s%s", check.code, check.stdout, check.stderr)
	}
	if r := runShell(t, project, env, upgrade[1]+" --yes"); r.code != 0 {
		t.Fatalf("%s: exit %d\n%s%s", upgrade[1], r.code, r.stdout, r.stderr)
	}
	if r := runShell(t, project, env, "pulumi stack ls --non-interactive"); r.code != 0 || !strings.Contains(r.stdout, "dev") {
		t.Errorf("the pinned CLI after the upgrade: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	check = runCLIEnv(t, be.env(), "backend", "check", be.url)
	if check.code != 0 || !strings.Contains(check.stdout, "ok       layout: project layout (.pulumi/meta.yaml version 1); stacks: hybridlink/dev") {
		t.Errorf("backend check after the upgrade: exit %d\n%s%s", check.code, check.stdout, check.stderr)
	}
	be.noneRefused(t)
}

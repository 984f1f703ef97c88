package tests

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/scratchrepo"
	"github.com/hybridlink/hybridlink/internal/stackfile"
	"github.com/hybridlink/hybridlink/internal/toolbuild"
)

// reviewTimeout bounds one review: deploying the base (building its CLI
// first) and, per stack, a preview, an update and two drills.
const reviewTimeout = 15 * time.Minute

// reviewRepo is a git repository made for the pull-request scenarios
// (scratchrepo): its one commit, on main, is the base; each scenario is a
// worktree of it with the scenario's change on top, uncommitted, as its
// author has it before pushing. Everything lives at
// fixed paths below .cache/review-tests, which go compiles a module's own
// packages for, so that a second run of the tests finds them compiled.
type reviewRepo struct {
	dir, cache, heads string
	// files are the base's stack files' plaintext secrets, which no review
	// may show.
	secrets []string
}

func newReviewRepo(t *testing.T) (*reviewRepo, error) {
	root := filepath.Join(repo, ".cache", "review-tests")
	// Another go test of this checkout would remove the repository under
	// this one: wait for it.
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, err
	}
	lock, err := os.OpenFile(filepath.Join(root, "lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return nil, err
	}
	t.Cleanup(func() { lock.Close() })
	r := &reviewRepo{dir: filepath.Join(root, "repo"), cache: filepath.Join(root, "cache"), heads: filepath.Join(root, "heads")}
	for _, d := range []string{r.dir, r.cache, r.heads} {
		if err := os.RemoveAll(d); err != nil {
			return nil, err
		}
	}
	if err := scratchrepo.Create(repo, r.dir); err != nil {
		return nil, err
	}
	for _, stack := range []string{"dev", "prod", "prod-dual"} {
		f, err := stackfile.Read(filepath.Join(r.dir, "stacks"), stack)
		if err != nil {
			return nil, err
		}
		cfg, err := f.Config(stackfile.SandboxPassphrase)
		if err != nil {
			return nil, err
		}
		for _, k := range cfg.Keys() {
			if cfg.IsSecret(k) {
				r.secrets = append(r.secrets, cfg.Values[k])
			}
		}
	}
	return r, nil
}

// head makes a scenario's working tree: the base, then edit.
func (r *reviewRepo) head(t *testing.T, name string, edit func(t *testing.T, dir string)) string {
	t.Helper()
	dir := filepath.Join(r.heads, name)
	require.NoError(t, scratchrepo.Worktree(r.dir, dir))
	edit(t, dir)
	return dir
}

// replaceIn replaces old, which must occur exactly once, in a file of dir.
func replaceIn(t *testing.T, dir, file, old, new string) {
	t.Helper()
	path := filepath.Join(dir, file)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, 1, strings.Count(string(b), old), "%s must hold %q once: the scenario no longer fits the code", file, old)
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644))
}

// encrypt encrypts a secret for a stack file as `pulumi config set
// --secret` does with the sandbox passphrase.
func encrypt(t *testing.T, dir, stack, plaintext string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "stacks", "Pulumi."+stack+".yaml"))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^encryptionsalt: v1:([^:]+):`).FindSubmatch(b)
	require.NotNil(t, m, "the stack file has no encryptionsalt")
	salt, err := base64.StdEncoding.DecodeString(string(m[1]))
	require.NoError(t, err)
	ct, err := config.NewSymmetricCrypterFromPassphrase(stackfile.SandboxPassphrase, salt).EncryptValue(context.Background(), plaintext)
	require.NoError(t, err)
	return ct
}

// buildHead builds the hybridlink CLI of a scenario that changes the
// program: the head's program is the one its CLI runs.
func buildHead(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, ".cache", "bin", "hybridlink")
	ctx, cancel := context.WithTimeout(context.Background(), reviewTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/hybridlink")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "building the head's CLI: %s", out)
	return bin
}

// reviewResult is one review.
type reviewResult struct {
	code                   int
	text, stderr, markdown string
	// summary is what the review appended to the job summary: the
	// markdown, or, when the comment had to leave details out to fit, the
	// whole review.
	summary string
}

// review runs `hybridlink review` in a scenario's tree with the given CLI.
func (r *reviewRepo) review(t *testing.T, bin, dir string, args ...string) reviewResult {
	t.Helper()
	md := filepath.Join(t.TempDir(), "review.md")
	// A job's summary file, where an earlier command of the step wrote
	// already: the review appends.
	summary := filepath.Join(t.TempDir(), "step-summary.md")
	require.NoError(t, os.WriteFile(summary, []byte("earlier\n"), 0o644))
	ctx, cancel := context.WithTimeout(context.Background(), reviewTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"review", "--base", "main", "--cache", r.cache, "--markdown", md}, args...)...)
	cmd.Dir = dir
	// The pinned Pulumi CLI ./test.sh built, not one built again per tree.
	cmd.Env = append(os.Environ(), "HYBRIDLINK_PULUMI="+tools.PulumiPath, "GITHUB_STEP_SUMMARY="+summary, "PULUMI_BACKEND_URL="+teamBackend)
	if bin == cli {
		// The policy pack of this checkout: a scenario that changes only
		// stack files has its sources. One that changes the program
		// builds its own, from its tree.
		cmd.Env = append(cmd.Env, toolbuild.PolicyPackEnv+"="+tools.PolicyPack)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := reviewResult{text: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		res.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("hybridlink review: %v\n%s", err, stderr.String())
	}
	b, err := os.ReadFile(md)
	require.NoError(t, err, "no Markdown; stderr:\n%s", stderr.String())
	res.markdown = string(b)
	b, err = os.ReadFile(summary)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(b), "earlier\n"), "the job summary: the review, appended to what was there")
	res.summary = strings.TrimPrefix(string(b), "earlier\n")
	if strings.Contains(res.markdown, "left out to fit a comment") {
		assert.Greater(t, len(res.summary), len(res.markdown), "the job summary keeps what the comment leaves out")
	} else {
		assert.Equal(t, res.markdown, res.summary, "the job summary: the review as the comment has it")
	}
	t.Logf("hybridlink review %s: exit %d; %s", strings.Join(args, " "), res.code, lastLine(res.stderr))
	// Whatever it found, the review shows no secret.
	for _, s := range append(r.secrets, extraSecrets...) {
		assert.NotContains(t, res.markdown, s, "a secret in the Markdown")
		assert.NotContains(t, res.summary, s, "a secret in the job summary")
		assert.NotContains(t, res.text, s, "a secret in the text")
	}
	return res
}

// teamBackend is an operator's backend (a team's bucket) in the reviews'
// environment: the review keeps everything in its scratch sandbox, so this
// one, which nothing answers, must never be used.
const teamBackend = "s3://team-state?endpoint=http://127.0.0.1:9&region=cn-hangzhou"

// reviewScenario is a pull request and what its review must say.
type reviewScenario struct {
	name string
	// edit makes the change in the scenario's tree; code: it changes the
	// program, so the head's own CLI must run the review.
	edit  func(t *testing.T, dir string)
	code  bool
	args  []string
	check func(t *testing.T, r reviewResult)
	// again reviews the same tree once more, with its own args and check.
	again *reviewScenario
	// readme: the README shows this review (checked for freshness).
	readme bool
}

// TestReview reviews one pull request per scenario through the real
// engine, the local cloud, the policy pack and the drill, and checks the
// classification and the Markdown.
func TestReview(t *testing.T) {
	skipShort(t)
	r, err := newReviewRepo(t)
	require.NoError(t, err)
	// Once every scenario is done: whatever the reviews found, they left
	// no scratch behind.
	t.Cleanup(func() {
		runs, _ := filepath.Glob(filepath.Join(r.cache, "run-*"))
		assert.Empty(t, runs, "a review left its scratch")
		_, err := os.Stat(filepath.Join(r.cache, "base-tree"))
		assert.ErrorIs(t, err, fs.ErrNotExist, "a review left the base's worktree")
		out, err := scratchrepo.Git(r.dir, "worktree", "list", "--porcelain")
		assert.NoError(t, err)
		assert.NotContains(t, out, "base-tree", "git still lists the base's worktree")
	})
	t.Run("interrupted", func(t *testing.T) {
		t.Parallel()
		testReviewInterrupted(t, r)
	})
	for _, sc := range reviewScenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			dir := r.head(t, sc.name, sc.edit)
			bin := cli
			if sc.code {
				bin = buildHead(t, dir)
			}
			res := r.review(t, bin, dir, sc.args...)
			sc.check(t, res)
			if sc.readme {
				checkREADMEReview(t, res.markdown)
			}
			if sc.again != nil {
				sc.again.check(t, r.review(t, bin, dir, sc.again.args...))
			}
		})
	}
}

// summaryRow is a stack's row of the review's summary table.
func summaryRow(t *testing.T, md, stack string) []string {
	t.Helper()
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| "+stack+" | ") {
			cells := strings.Split(strings.Trim(line, "| "), " | ")
			require.Len(t, cells, 6, line)
			return cells
		}
	}
	t.Fatalf("no summary row for %s in:\n%s", stack, md)
	return nil
}

// changeRows are a stack's rows of "The change" table: op, resource, kind,
// what changes.
func changeRows(t *testing.T, md, stack string) [][]string {
	t.Helper()
	section := stackSection(t, md, stack)
	var rows [][]string
	for _, line := range strings.Split(section, "\n") {
		for _, op := range []string{"create", "update", "replace", "delete"} {
			if strings.HasPrefix(line, "| "+op+" | ") {
				rows = append(rows, strings.Split(strings.Trim(line, "| "), " | "))
			}
		}
	}
	return rows
}

// stackSection is a stack's part of the Markdown.
func stackSection(t *testing.T, md, stack string) string {
	t.Helper()
	start := strings.Index(md, "#### "+stack+" — ")
	require.GreaterOrEqual(t, start, 0, "no section for %s", stack)
	rest := md[start+1:]
	if end := strings.Index(rest, "\n#### "); end >= 0 {
		rest = rest[:end]
	}
	return rest
}

// extraSecrets are secrets scenarios add to the stack files.
var extraSecrets = []string{dualTunnelPSK}

var updateREADME = flag.Bool("update-readme", false, "rewrite the README's example review from TestReview's")

// The README's example review sits between these lines.
const (
	readmeReviewBegin = "<!-- review example: written by TestReview (go test ./tests -run TestReview -update-readme) -->\n"
	readmeReviewEnd   = "<!-- end of the review example -->\n"
)

// volatile matches what differs between two runs of the same review: the
// commits' hashes (the base is this checkout's files, committed anew) and
// the IDs the local cloud makes up.
var volatile = regexp.MustCompile("`[0-9a-f]{12}`|\\b[a-z]+(?:-[a-z]+)*-[a-z0-9]{18,}\\b")

// checkREADMEReview checks that the README shows this review, up to what
// varies between runs, or rewrites it with -update-readme.
func checkREADMEReview(t *testing.T, md string) {
	t.Helper()
	path := filepath.Join(repo, "README.md")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	readme := string(b)
	start := strings.Index(readme, readmeReviewBegin)
	end := strings.Index(readme, readmeReviewEnd)
	require.True(t, start >= 0 && end > start, "README.md lacks the review example's markers:\n%s%s", readmeReviewBegin, readmeReviewEnd)
	shown := readme[start+len(readmeReviewBegin) : end]
	if *updateREADME {
		require.NoError(t, os.WriteFile(path, []byte(readme[:start+len(readmeReviewBegin)]+md+readme[end:]), 0o644))
		return
	}
	norm := func(s string) string { return volatile.ReplaceAllString(s, "<id>") }
	assert.Equal(t, norm(md), norm(shown), "README.md's example review is stale: run go test ./tests -run TestReview -update-readme, and commit README.md")
}

// testReviewInterrupted interrupts a review (Ctrl-C) and kills another in
// the middle of their work: the first cleans up itself, the second's scratch
// goes with the next review. They use a cache of their own, with a copy of
// the base the scenarios deploy.
func testReviewInterrupted(t *testing.T, r *reviewRepo) {
	commit, err := scratchrepo.Git(r.dir, "rev-parse", "main")
	require.NoError(t, err)
	entry := "base-" + strings.TrimSpace(commit)
	deadline := time.Now().Add(reviewTimeout)
	for {
		if _, err := os.Stat(filepath.Join(r.cache, entry)); err == nil {
			break
		}
		require.True(t, time.Now().Before(deadline), "the scenarios deployed no base")
		time.Sleep(time.Second)
	}
	cache := t.TempDir()
	require.NoError(t, copyDir(filepath.Join(r.cache, entry), filepath.Join(cache, entry)))
	dir := r.head(t, "interrupted", func(t *testing.T, dir string) {
		configKey(t, dir, "prod", "  hybridlink:tags:\n    cost-center: network\n")
	})
	env := []string{"HYBRIDLINK_PULUMI=" + tools.PulumiPath, toolbuild.PolicyPackEnv + "=" + tools.PolicyPack, "GITHUB_STEP_SUMMARY="}
	args := []string{"review", "--base", "main", "--cache", cache, "--stack", "prod"}
	runs := func() []string { m, _ := filepath.Glob(filepath.Join(cache, "run-*")); return m }
	reviewing := func(run *runningCLI) func() bool {
		return func() bool { return strings.Contains(run.stderr.String(), "review: prod: reviewing") }
	}

	run := startCLIIn(t, dir, env, args...)
	run.waitUntil(t, "the review of prod", reviewing(run))
	require.Len(t, runs(), 1, "the review's scratch")
	require.NoError(t, syscall.Kill(-run.cmd.Process.Pid, syscall.SIGINT))
	res := run.wait(t)
	assert.NotEqual(t, 0, res.code, "an interrupted review fails")
	assert.Empty(t, runs(), "an interrupted review removes its scratch:\n%s", res.stderr)

	run = startCLIIn(t, dir, env, args...)
	run.waitUntil(t, "the review of prod", reviewing(run))
	require.NoError(t, syscall.Kill(-run.cmd.Process.Pid, syscall.SIGKILL))
	run.wait(t)
	require.Len(t, runs(), 1, "a killed review leaves its scratch")
	// The next review removes it before anything else, even one that
	// fails at once.
	res = runCLIAt(t, dir, env, append(args[:len(args)-1:len(args)-1], "nosuch")...)
	assert.Equal(t, 1, res.code)
	assert.Contains(t, res.stderr, "--stack nosuch: no such stack at the base or the head (stacks: dev, prod, prod-dual)")
	assert.Empty(t, runs(), "the next review removes what a killed one left:\n%s", res.stderr)
}

// copyDir copies a directory tree of regular files.
func copyDir(from, to string) error {
	return filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o700)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o600)
	})
}

package tests

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/hybridlink/hybridlink/internal/review"
)

// workflow is what the tests read of .github/workflows/ci.yml.
type workflow struct {
	On          map[string]any    `yaml:"on"`
	Permissions map[string]string `yaml:"permissions"`
	Jobs        map[string]struct {
		If          string            `yaml:"if"`
		Needs       any               `yaml:"needs"`
		Permissions map[string]string `yaml:"permissions"`
		Env         map[string]string `yaml:"env"`
		Steps       []workflowStep    `yaml:"steps"`
	} `yaml:"jobs"`
}

type workflowStep struct {
	Name string            `yaml:"name"`
	If   string            `yaml:"if"`
	Uses string            `yaml:"uses"`
	With map[string]string `yaml:"with"`
	Env  map[string]string `yaml:"env"`
	Run  string            `yaml:"run"`
}

func readWorkflow(t *testing.T) workflow {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repo, ".github", "workflows", "ci.yml"))
	require.NoError(t, err)
	var wf workflow
	require.NoError(t, yaml.Unmarshal(b, &wf), "ci.yml")
	return wf
}

// step finds the step of a job whose run script contains run, or which
// uses the action uses (a prefix: "actions/checkout@").
func (wf workflow) step(t *testing.T, job, run, uses string) workflowStep {
	t.Helper()
	for _, s := range wf.Jobs[job].Steps {
		if (run != "" && strings.Contains(s.Run, run)) || (uses != "" && strings.HasPrefix(s.Uses, uses)) {
			return s
		}
	}
	t.Fatalf("ci.yml: job %s has no step running %q or using %q", job, run, uses)
	return workflowStep{}
}

// TestWorkflow checks the GitHub workflow: actionlint (with shellcheck on
// its scripts; ./test.sh installs both) finds nothing; each job has the
// permissions and triggers the pull-request check needs and no more; and
// the review-comment job's script, run by the real gh against a stand-in
// for GitHub's API, keeps one comment per pull request, edited on each push.
func TestWorkflow(t *testing.T) {
	t.Run("actionlint", func(t *testing.T) {
		actionlint := filepath.Join(repo, ".cache", "bin", "actionlint")
		if _, err := os.Stat(actionlint); err != nil {
			t.Fatalf("%s is missing: run ./test.sh, which installs it (and shellcheck)", actionlint)
		}
		_, err := exec.LookPath("shellcheck")
		require.NoError(t, err, "shellcheck is missing: run ./test.sh, which installs it; without it actionlint skips the run: scripts")
		workflows, err := filepath.Glob(filepath.Join(repo, ".github", "workflows", "*.yml"))
		require.NoError(t, err)
		require.NotEmpty(t, workflows)
		cmd := exec.Command(actionlint, append([]string{"-color=false"}, workflows...)...)
		cmd.Dir = repo
		out, err := cmd.CombinedOutput()
		assert.NoError(t, err, "actionlint:\n%s", out)
	})
	t.Run("jobs", func(t *testing.T) { testWorkflowJobs(t, readWorkflow(t)) })
	t.Run("review-comment", func(t *testing.T) { testReviewComment(t, readWorkflow(t)) })
}

// testWorkflowJobs checks what each job may do and when it runs.
func testWorkflowJobs(t *testing.T, wf workflow) {
	// Least privilege: the token reads by default; pull-requests: write
	// only where a comment is posted — the review's comment job, and
	// cloud-preview, where pulumi/actions posts its own.
	assert.Equal(t, map[string]string{"contents": "read"}, wf.Permissions, "the workflow's default permissions")
	writers := map[string]bool{}
	for name, job := range wf.Jobs {
		for scope, level := range job.Permissions {
			if level == "write" {
				assert.Equal(t, "pull-requests", scope, "job %s may write %s", name, scope)
				writers[name] = true
			}
		}
	}
	assert.Equal(t, map[string]bool{"review-comment": true, "cloud-preview": true}, writers, "the jobs with a write permission")

	// offline reviews every stack of a pull request against its target
	// branch, with the history the base's worktree needs, writes the job
	// summary itself (review writes $GITHUB_STEP_SUMMARY) and hands the
	// comment on as an artifact. It runs the pull request's code, so it
	// gets no write permission.
	assert.Empty(t, wf.Jobs["offline"].Permissions, "offline runs the pull request's code: the workflow's read-only default")
	assert.Equal(t, "0", wf.step(t, "offline", "", "actions/checkout@").With["fetch-depth"], "offline checks out the whole history: the review's base is a commit of the target branch")
	rv := wf.step(t, "offline", "hybridlink review", "")
	assert.Contains(t, rv.If, "github.event_name == 'pull_request'")
	assert.Contains(t, rv.If, "!cancelled()", "the review runs also when .ci/run failed")
	assert.NotContains(t, rv.Run, "--stack", "every stack is reviewed")
	assert.Contains(t, rv.Run, `--base "origin/$BASE_REF"`)
	assert.Equal(t, "${{ github.base_ref }}", rv.Env["BASE_REF"])
	assert.Contains(t, rv.Run, "--markdown review.md")
	up := wf.step(t, "offline", "", "actions/upload-artifact@")
	assert.Equal(t, map[string]string{"name": "review", "path": "review.md"}, map[string]string{"name": up.With["name"], "path": up.With["path"]})
	assert.Equal(t, rv.If, up.If, "the artifact is kept whenever the review ran")

	// review-comment posts it: on pull requests from this repository only
	// (a fork's token cannot write; its authors read the job summary),
	// after offline whatever its outcome, running no code of the pull
	// request — no checkout, no go, no hybridlink.
	rc := wf.Jobs["review-comment"]
	assert.Equal(t, "offline", rc.Needs)
	for _, cond := range []string{"!cancelled()", "github.event_name == 'pull_request'", "github.event.pull_request.head.repo.full_name == github.repository"} {
		assert.Contains(t, rc.If, cond, "review-comment runs if")
	}
	for _, s := range rc.Steps {
		assert.False(t, strings.HasPrefix(s.Uses, "actions/checkout@") || strings.HasPrefix(s.Uses, "actions/setup-go@"), "review-comment uses %s: it must run no code of the pull request", s.Uses)
		assert.NotRegexp(t, `\b(go|hybridlink|make|npm)\b`, s.Run, "review-comment must run no code of the pull request")
	}
	assert.Equal(t, "review", wf.step(t, "review-comment", "", "actions/download-artifact@").With["name"])

	// cloud-preview: Pulumi's own preview with the policy pack, as a
	// pull-request comment edited in place and the job summary.
	pa := wf.step(t, "cloud-preview", "", "pulumi/actions@")
	for input, want := range map[string]string{"command": "preview", "policyPacks": "policy", "comment-on-pr": "true", "edit-pr-comment": "true", "comment-on-summary": "true"} {
		assert.Equal(t, want, pa.With[input], "cloud-preview's pulumi/actions input %s", input)
	}
	assert.Equal(t, "steps.creds.outputs.present == 'true'", pa.If, "cloud-preview runs only with the credentials")

	// drift: on the schedule, with the credentials, a refresh that writes
	// nothing and fails on any difference.
	assert.Contains(t, wf.On, "schedule")
	assert.Contains(t, wf.Jobs["drift"].If, "github.event_name == 'schedule'")
	refresh := wf.step(t, "drift", "pulumi refresh", "")
	for _, flag := range []string{"--preview-only", "--expect-no-changes", "--non-interactive"} {
		assert.Contains(t, refresh.Run, flag)
	}
	assert.Equal(t, "steps.creds.outputs.present == 'true'", refresh.If, "drift runs only with the credentials")
	for _, job := range []string{"offline", "cloud-preview"} {
		assert.Contains(t, wf.Jobs[job].If, "github.event_name != 'schedule'", "%s does not run on the schedule", job)
	}
}

// testReviewComment runs the review-comment job's script as GitHub would —
// bash -e, the job's env with GitHub's contexts filled in, the real gh —
// against a stand-in for GitHub's REST API (TLS on loopback, the
// comments of one pull request, two per page so that they span pages, as
// a busy pull request's do at 100), for three pushes: the first posts the
// review's comment; the next ones edit it. Other comments, the
// github-actions bot's other ones (pulumi/actions') and a person's that
// quotes the marker included, are left alone. A failing listing fails the
// step without posting a second comment.
func testReviewComment(t *testing.T, wf workflow) {
	gh, err := exec.LookPath("gh")
	require.NoError(t, err, "gh is missing: run ./test.sh, which installs it (GitHub's runners have it)")
	post := wf.step(t, "review-comment", "gh api", "")
	assert.Equal(t, review.Marker, post.Env["MARKER"], "the job finds the comment by the marker every review starts with")

	api := newFakeGitHub(t, "hybridlink/hybridlink", 17, []fakeComment{
		{User: "alice", Body: "Does this move the circuit?"},
		{User: "github-actions[bot]", Body: "#### :tropical_drink: `preview` on hybridlink/prod\n\n<details>…</details>"},
		{User: "bob", Body: review.Marker + "\n(quoting the review) why is the VPN gateway replaced?"},
		{User: "carol", Body: "Approved once the network team has the new configuration."},
	})
	ctx := map[string]string{"github.token": "ghs_workflowtoken", "github.repository": "hybridlink/hybridlink", "github.event.pull_request.number": "17"}
	expr := regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)
	env := []string{"PATH=" + filepath.Dir(gh) + ":/usr/bin:/bin", "HOME=" + t.TempDir(), "GH_CONFIG_DIR=" + t.TempDir(),
		"XDG_STATE_HOME=" + t.TempDir(), "XDG_CACHE_HOME=" + t.TempDir(), "GH_NO_UPDATE_NOTIFIER=1", "GH_PROMPT_DISABLED=1",
		// What differs from github.com: the API's host, an enterprise
		// host for gh (https://<host>/api/v3/), and the CA it trusts.
		"GH_HOST=" + api.host, "GH_ENTERPRISE_TOKEN=" + ctx["github.token"], "SSL_CERT_FILE=" + api.caFile}
	for k, v := range post.Env {
		env = append(env, k+"="+expr.ReplaceAllStringFunc(v, func(m string) string {
			v, ok := ctx[expr.FindStringSubmatch(m)[1]]
			require.True(t, ok, "review-comment uses %s, which the test does not know", m)
			return v
		}))
	}
	push := func(n int) (string, error) {
		dir := t.TempDir()
		md := fmt.Sprintf("%s\n### ✅ hybridlink review: push %d\n", review.Marker, n)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "review.md"), []byte(md), 0o644))
		cmd := exec.Command("bash", "-e", "-c", post.Run)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		return md, errorWith(err, out)
	}

	md, err := push(1)
	require.NoError(t, err)
	first := api.reviews()
	require.Len(t, first, 1, "the first push posts one comment")
	assert.Equal(t, md, first[0].Body)
	for n := 2; n <= 3; n++ {
		md, err = push(n)
		require.NoError(t, err)
		assert.Equal(t, []fakeComment{{ID: first[0].ID, User: "github-actions[bot]", Body: md}}, api.reviews(), "push %d edits the comment", n)
	}
	assert.Len(t, api.all(), 5, "the others' comments stay, and the review's is one")
	assert.Equal(t, "Does this move the circuit?", api.all()[0].Body)
	assert.Contains(t, api.all()[2].Body, "(quoting the review)", "a person's comment is never edited")

	api.failListing(true)
	_, err = push(4)
	assert.Error(t, err, "the step fails when the comments cannot be listed")
	assert.Len(t, api.all(), 5, "and posts no second comment")
	assert.Empty(t, api.unexpected(), "requests the stand-in does not serve")
}

func errorWith(err error, out []byte) error {
	if err != nil {
		return fmt.Errorf("%w\n%s", err, out)
	}
	return nil
}

// fakeComment is an issue comment as GitHub's REST API returns it (the
// fields the workflow reads).
type fakeComment struct {
	ID   int64  `json:"id"`
	User string `json:"-"`
	Body string `json:"body"`
}

func (c fakeComment) MarshalJSON() ([]byte, error) {
	type user struct {
		Login string `json:"login"`
	}
	return json.Marshal(struct {
		ID   int64  `json:"id"`
		User user   `json:"user"`
		Body string `json:"body"`
	}{c.ID, user{c.User}, c.Body})
}

// fakeGitHub serves the comments of one pull request the way GitHub's REST
// API does for the calls the workflow makes: list (paginated, Link
// headers), create and edit; comments it creates are the token's, the
// github-actions bot's.
type fakeGitHub struct {
	host, caFile string
	mu           sync.Mutex
	comments     []fakeComment
	nextID       int64
	failList     bool
	odd          []string
}

const fakePageSize = 2

func newFakeGitHub(t *testing.T, repository string, pr int, comments []fakeComment) *fakeGitHub {
	f := &fakeGitHub{nextID: 1000}
	for _, c := range comments {
		f.nextID++
		c.ID = f.nextID
		f.comments = append(f.comments, c)
	}
	list := fmt.Sprintf("/api/v3/repos/%s/issues/%d/comments", repository, pr)
	edit := regexp.MustCompile(`^/api/v3/repos/` + regexp.QuoteMeta(repository) + `/issues/comments/(\d+)$`)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		if r.Header.Get("Authorization") != "token ghs_workflowtoken" {
			http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
			f.odd = append(f.odd, "unauthenticated "+r.Method+" "+r.URL.Path)
			return
		}
		var body struct {
			Body *string `json:"body"`
		}
		if r.Method != http.MethodGet {
			b, _ := io.ReadAll(r.Body)
			if err := json.Unmarshal(b, &body); err != nil || body.Body == nil {
				http.Error(w, `{"message":"Invalid request"}`, http.StatusUnprocessableEntity)
				f.odd = append(f.odd, fmt.Sprintf("%s %s with body %q", r.Method, r.URL.Path, b))
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		switch m := edit.FindStringSubmatch(r.URL.Path); {
		case r.Method == http.MethodGet && r.URL.Path == list:
			if f.failList {
				http.Error(w, `{"message":"Server Error"}`, http.StatusInternalServerError)
				return
			}
			page, _ := strconv.Atoi(r.URL.Query().Get("page"))
			page = max(page, 1)
			lo, hi := min((page-1)*fakePageSize, len(f.comments)), min(page*fakePageSize, len(f.comments))
			if hi < len(f.comments) {
				w.Header().Set("Link", fmt.Sprintf(`<https://%s%s?page=%d>; rel="next"`, r.Host, list, page+1))
			}
			_ = json.NewEncoder(w).Encode(f.comments[lo:hi])
		case r.Method == http.MethodPost && r.URL.Path == list:
			f.nextID++
			c := fakeComment{ID: f.nextID, User: "github-actions[bot]", Body: *body.Body}
			f.comments = append(f.comments, c)
			w.WriteHeader(http.StatusCreated)
			_ = json.NewEncoder(w).Encode(c)
		case r.Method == http.MethodPatch && m != nil:
			id, _ := strconv.ParseInt(m[1], 10, 64)
			for i := range f.comments {
				if f.comments[i].ID == id {
					f.comments[i].Body = *body.Body
					_ = json.NewEncoder(w).Encode(f.comments[i])
					return
				}
			}
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
			f.odd = append(f.odd, "PATCH of a missing comment "+m[1])
		default:
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
			f.odd = append(f.odd, r.Method+" "+r.URL.String())
		}
	}))
	t.Cleanup(srv.Close)
	f.host = strings.TrimPrefix(srv.URL, "https://")
	f.caFile = filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(f.caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
	return f
}

func (f *fakeGitHub) all() []fakeComment {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeComment(nil), f.comments...)
}

// reviews are the bot's comments that start with the review's marker.
func (f *fakeGitHub) reviews() []fakeComment {
	var out []fakeComment
	for _, c := range f.all() {
		if c.User == "github-actions[bot]" && strings.HasPrefix(c.Body, review.Marker) {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeGitHub) failListing(fail bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failList = fail
}

func (f *fakeGitHub) unexpected() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.odd...)
}

package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/review"
)

// TestWorkflow lints the GitHub workflow with actionlint (and, through it,
// shellcheck on its scripts), both of which ./test.sh installs, and checks
// that the review comment's job finds the comment by the marker every
// review starts with.
func TestWorkflow(t *testing.T) {
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

	ci, err := os.ReadFile(filepath.Join(repo, ".github", "workflows", "ci.yml"))
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(ci), `MARKER: "`+review.Marker+`"`), "ci.yml's review-comment job must look for the marker %s", review.Marker)
}

package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIFromSubdirectory runs the CLI below the project root, as pulumi
// runs: every command finds the project by walking up to Pulumi.yaml and
// keeps its state under the root; outside any project it refuses with the
// fix.
func TestCLIFromSubdirectory(t *testing.T) {
	skipShort(t)
	project := copyProject(t)
	sub := filepath.Join(project, "stacks")

	t.Run("plan-check", func(t *testing.T) {
		r := runCLIIn(t, sub, "plan-check")
		if r.code != 0 || !strings.Contains(r.stderr, "the address plans of 3 stack(s) are valid and disjoint") {
			t.Errorf("hybridlink plan-check in stacks/: exit %d\nstderr:\n%s", r.code, r.stderr)
		}
	})
	t.Run("fault", func(t *testing.T) {
		for _, state := range []string{"down", "up"} {
			r := runCLIIn(t, sub, "fault", "circuit", state)
			if r.code != 0 || !strings.Contains(r.stderr, "the circuit is "+state) {
				t.Fatalf("hybridlink fault circuit %s in stacks/: exit %d\nstderr:\n%s", state, r.code, r.stderr)
			}
		}
		if _, err := os.Stat(filepath.Join(sub, ".sandbox")); err == nil {
			t.Errorf("hybridlink fault in stacks/ created stacks/.sandbox")
		}
		if _, err := os.Stat(filepath.Join(project, ".sandbox", "cloud")); err != nil {
			t.Errorf("hybridlink fault in stacks/ did not use the project's .sandbox: %v", err)
		}
	})
	t.Run("render", func(t *testing.T) {
		r := runCLIIn(t, sub, "render", "onprem", "--stack", "prod", "--vendor", "cisco-ios", "--vpn-ip", "198.51.100.1,198.51.100.2")
		if r.code != 0 || !strings.Contains(r.stdout, "crypto ikev2 proposal") {
			t.Errorf("hybridlink render onprem in stacks/: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("sandbox preview", func(t *testing.T) {
		// The tools are the repository's, found from its subdirectory.
		r := runCLIIn(t, filepath.Join(repo, "components"), "sandbox", "preview", "--stack", "dev", "--state", t.TempDir())
		if r.code != 0 || !strings.Contains(r.stdout, "Previewing update (dev)") {
			t.Errorf("hybridlink sandbox preview in components/: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
		if _, err := os.Stat(filepath.Join(repo, "components", ".sandbox")); err == nil {
			t.Errorf("hybridlink sandbox preview in components/ created components/.sandbox")
		}
	})
	t.Run("outside a project", func(t *testing.T) {
		dir := t.TempDir()
		r := runCLIIn(t, dir, "fault", "circuit", "down")
		if want := "no Pulumi.yaml in " + dir + " or any directory above it"; r.code != 1 || !strings.Contains(r.stderr, want) {
			t.Errorf("hybridlink fault outside a project: exit %d, stderr:\n%s\nwant exit 1 and %q", r.code, r.stderr, want)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("hybridlink fault outside a project created %v", entries)
		}
		r = runCLIIn(t, repo, "plan-check", "--dir", dir)
		if r.code != 1 || !strings.Contains(r.stderr, "--dir "+dir) {
			t.Errorf("hybridlink plan-check --dir <not a project>: exit %d, stderr:\n%s", r.code, r.stderr)
		}
	})
}

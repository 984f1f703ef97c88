package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestFirstDay runs what a newcomer is told to run, as it is written, on
// the committed stacks: the README's main job (`sandbox up --stack dev`),
// every command that job then suggests ("Next:", run as printed), and every
// hybridlink command of the README's table of commands. Each must succeed.
// Placeholders are filled in (<dev|prod> with both stacks, <op> with each
// operation the row names, <urn> with a resource of the deployed stack);
// a report file goes to a temporary directory instead of the repository.
// Left to their own tests: ./test.sh (this), the lab (root, network
// namespaces: internal/lab), `backend check` of a team's bucket (not a
// first-day step; TestREADMERealCloud runs it as written against the test
// S3 server), `review` (a pull request's check, which compares this
// repository's working tree with its merge base: TestReview runs it as
// written on repositories whose base and head it sets) and `--real` or
// plain `pulumi up` (a real account).
func TestFirstDay(t *testing.T) {
	skipShort(t)
	state, reports := t.TempDir(), t.TempDir()
	mustRun := func(args ...string) cliResult {
		t.Helper()
		r := runCLI(t, args...)
		if r.code != 0 {
			t.Fatalf("hybridlink %s: exit %d\n%s\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
		return r
	}
	// withState points a command at the test's sandbox and its report at a
	// temporary file.
	withState := func(args []string) []string {
		out := make([]string, 0, len(args)+2)
		for i, a := range args {
			if i > 0 && args[i-1] == "--report" {
				a = filepath.Join(reports, a)
			}
			out = append(out, a)
		}
		switch args[0] {
		case "plan-check", "tools":
			return out
		}
		if slices.Contains(args, "--state") {
			return out
		}
		// Before a "--": what follows it is the Pulumi CLI's.
		i := slices.Index(out, "--")
		if i < 0 {
			i = len(out)
		}
		return slices.Concat(out[:i], []string{"--state", state}, out[i:])
	}

	// The main job, and what it suggests.
	up := mustRun("sandbox", "up", "--stack", "dev", "--state", state)
	hints := nextSteps(up.stderr)
	require.Len(t, hints, 4, "the hints of `sandbox up`:\n%s", up.stderr)
	for _, h := range hints {
		mustRun(withState(h)...)
	}

	// The README's commands, in the table's order, prod deployed first as
	// the dev rows show.
	mustRun("sandbox", "up", "--stack", "prod", "--state", state)
	var last [][]string // destroy and reset end the day
	for _, cmd := range readmeCommands(t) {
		for _, args := range expand(t, cmd, state) {
			switch strings.Join(args[:min(2, len(args))], " ") {
			case "sandbox destroy", "sandbox reset":
				last = append(last, args)
				continue
			case "localcloud serve":
				serveUntilInterrupted(t, withState(args))
				continue
			case "backend check", "review":
				continue
			}
			mustRun(withState(args)...)
		}
	}
	for _, args := range last {
		mustRun(withState(args)...)
	}
}

// nextSteps are the commands `sandbox up` prints after "Next:", without the
// program name.
func nextSteps(stderr string) [][]string {
	_, next, _ := strings.Cut(stderr, "\nNext:\n")
	var out [][]string
	for _, line := range strings.Split(next, "\n") {
		if !strings.HasPrefix(line, "  ") {
			break
		}
		cmd, _, _ := strings.Cut(strings.TrimSpace(line), "  ") // the description follows two spaces
		fields := strings.Fields(cmd)
		if len(fields) > 1 {
			out = append(out, fields[1:])
		}
	}
	return out
}

// readmeCommands are the hybridlink commands of the README's table of
// commands, without `go run ./cmd/hybridlink`; those that need root are
// left out.
func readmeCommands(t *testing.T) []string {
	b, err := os.ReadFile(filepath.Join(repo, "README.md"))
	require.NoError(t, err)
	_, table, _ := strings.Cut(string(b), "\n## Commands\n")
	table, _, _ = strings.Cut(table, "\n## ")
	var out []string
	for _, m := range regexp.MustCompile("`(sudo )?go run \\./cmd/hybridlink ([^`]+)`").FindAllStringSubmatch(table, -1) {
		if m[1] == "" {
			out = append(out, strings.ReplaceAll(m[2], `\|`, "|"))
		}
	}
	require.GreaterOrEqual(t, len(out), 10, "the README's commands")
	return out
}

// expand fills in a README command's placeholders.
func expand(t *testing.T, cmd, state string) [][]string {
	t.Helper()
	var out [][]string
	stacks := []string{""}
	if strings.Contains(cmd, "<dev|prod>") {
		stacks = []string{"dev", "prod"}
	}
	ops := []string{""}
	if strings.Contains(cmd, "<op>") {
		ops = []string{"preview", "refresh", "destroy"} // the row: "The same: preview, destroy (prod: add --unprotect), refresh"
	}
	for _, stack := range stacks {
		for _, op := range ops {
			c := strings.ReplaceAll(strings.ReplaceAll(cmd, "<dev|prod>", stack), "<op>", op)
			if strings.Contains(c, "<urn>") {
				urns, _ := checkpoint(t, state, "prod")
				require.NotEmpty(t, urns)
				c = strings.ReplaceAll(c, "<urn>", string(urns[len(urns)-1]))
			}
			if op == "destroy" && stack == "prod" {
				c += " --unprotect"
			}
			require.NotContains(t, c, "<", "a README command with a placeholder this test does not fill: %s", cmd)
			out = append(out, strings.Fields(c))
		}
	}
	return out
}

// serveUntilInterrupted starts `localcloud serve`, waits until it prints
// the environment to export, and stops it with Ctrl-C, as the README says.
func serveUntilInterrupted(t *testing.T, args []string) {
	t.Helper()
	r := startCLI(t, nil, args...)
	r.waitUntil(t, "the environment to export", func() bool { return strings.Contains(r.stderr.String()+r.stdout.String(), "PULUMI_BACKEND_URL") })
	require.NoError(t, syscall.Kill(-r.cmd.Process.Pid, syscall.SIGINT))
	select {
	case <-r.done:
	case <-time.After(opTimeout):
		t.Fatal("localcloud serve did not stop on Ctrl-C")
	}
	if r.result.code != 0 {
		t.Fatalf("localcloud serve: exit %d after Ctrl-C\n%s\n%s", r.result.code, r.result.stdout, r.result.stderr)
	}
}

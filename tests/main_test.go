package tests

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hybridlink/hybridlink/internal/toolbuild"
	"github.com/hybridlink/hybridlink/tests/internal/killpoint"
)

var (
	// repo is the module root: Pulumi.yaml, stacks/, go.mod.
	repo string
	// tools are the pinned Pulumi CLI and the policy pack.
	tools *toolbuild.Tools
	// cli is the hybridlink binary, in .cache/bin like ./test.sh's.
	cli string
)

// stackFiles are the committed stack files the tests read; none of them may
// change.
var stackFiles = []string{"Pulumi.yaml", "stacks/Pulumi.dev.yaml", "stacks/Pulumi.prod.yaml", "stacks/Pulumi.prod-dual.yaml"}

func TestMain(m *testing.M) {
	if killpoint.Active() {
		// Started by a sandbox run as its Pulumi CLI (TestKilledAt…).
		os.Exit(killpoint.Main())
	}
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	flag.Parse()
	var err error
	if repo, err = filepath.Abs(".."); err != nil {
		fmt.Fprintln(os.Stderr, "tests:", err)
		return 1
	}
	// The tests choose each run's backend: the sandbox's file backend, or
	// the test S3 server's bucket; never the caller's.
	os.Unsetenv("PULUMI_BACKEND_URL")
	if testing.Short() {
		return m.Run() // every end-to-end test skips itself
	}
	before, err := readFiles(repo, stackFiles)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tests:", err)
		return 1
	}
	sandboxBefore := listing(filepath.Join(repo, ".sandbox"))
	// The tests use the tools ./test.sh builds before them: the pinned
	// Pulumi CLI takes minutes to build, which go test would spend without
	// a word. The policy pack and the hybridlink CLI are relinked here only
	// when their sources changed since.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var log bytes.Buffer
	start := time.Now()
	if tools, err = toolbuild.Prebuilt(ctx, repo, &log); err != nil {
		fmt.Fprintf(os.Stderr, "tests: %v\n%s", err, log.String())
		return 1
	}
	cli = filepath.Join(repo, ".cache", "bin", "hybridlink")
	if err := toolbuild.GoBuild(ctx, repo, cli, "./cmd/hybridlink"); err != nil {
		fmt.Fprintf(os.Stderr, "tests: building the hybridlink CLI: %v\n", err)
		return 1
	}
	if testing.Verbose() {
		fmt.Fprintf(os.Stderr, "%stests: tools ready in %s\n", log.String(), time.Since(start).Round(time.Millisecond))
	}

	code := m.Run()

	after, err := readFiles(repo, stackFiles)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tests:", err)
		return 1
	}
	for _, name := range stackFiles {
		if !bytes.Equal(before[name], after[name]) {
			fmt.Fprintf(os.Stderr, "FAIL: the committed %s changed during the tests (the CLI or a test rewrote it, unless someone edited it meanwhile):\n--- before\n%s\n--- after\n%s\n",
				name, before[name], after[name])
			code = 1
		}
	}
	if after := listing(filepath.Join(repo, ".sandbox")); after != sandboxBefore {
		fmt.Fprintf(os.Stderr, "FAIL: the tests touched the repository's .sandbox:\n--- before\n%s\n--- after\n%s\n", sandboxBefore, after)
		code = 1
	}
	return code
}

// listing describes a directory tree: every entry's path, size and
// modification time ("" when it does not exist).
func listing(dir string) string {
	var b strings.Builder
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		fmt.Fprintf(&b, "%s %d %s\n", path, info.Size(), info.ModTime().Format(time.RFC3339Nano))
		return nil
	})
	return b.String()
}

func readFiles(dir string, names []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		out[name] = b
	}
	return out, nil
}

// skipShort skips an end-to-end test under -short.
func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
}

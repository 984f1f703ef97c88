package toolbuild

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// progressInterval is how often a long build reports that it is alive.
const progressInterval = 15 * time.Second

// buildProgress receives, every progressInterval, the time since a build
// started and how many packages it has compiled.
type buildProgress func(elapsed time.Duration, compiled int64)

// progressTo reports a build of what on log. total is how many packages
// the binary links (go build compiles those not in its cache).
func progressTo(log io.Writer, what string, total int) buildProgress {
	return func(elapsed time.Duration, compiled int64) {
		fmt.Fprintf(log, "tools: building %s: %s, %d of at most %d packages compiled\n", what, elapsed.Round(time.Second), compiled, total)
	}
}

// countPackages is how many packages pkg links, the standard library's
// included.
func countPackages(ctx context.Context, repo, pkg string) (int, error) {
	cmd := exec.CommandContext(ctx, "go", "list", "-deps", pkg)
	cmd.Dir = repo
	out, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("go list -deps %s: %w", pkg, err)
	}
	return bytes.Count(out, []byte("\n")), nil
}

// GoBuild builds the main package pkg of the module at repo into out when
// the module changed since out was built; go then relinks out only when
// pkg's own sources changed.
func GoBuild(ctx context.Context, repo, out, pkg string) error {
	return goBuildStamped(ctx, repo, out, pkg, nil)
}

// GoBuildWithProgress is GoBuild for a build that may take minutes, such as
// another checkout's command (go compiles a module's own packages again
// for each directory it sits in): every progressInterval it reports on log
// how far it got, as what.
func GoBuildWithProgress(ctx context.Context, repo, out, pkg, what string, log io.Writer) error {
	return goBuildStamped(ctx, repo, out, pkg, func() (buildProgress, error) {
		total, err := countPackages(ctx, repo, pkg)
		return progressTo(log, what, total), err
	})
}

// goBuildStamped is GoBuild; progress, when not nil, makes the progress
// reporter once a build is needed.
func goBuildStamped(ctx context.Context, repo, out, pkg string, progress func() (buildProgress, error)) error {
	digest, err := inputsDigest(repo, pkg)
	if err != nil {
		return err
	}
	if stamped(out, digest) {
		return nil
	}
	var report buildProgress
	if progress != nil {
		if report, err = progress(); err != nil {
			return err
		}
	}
	if err := goBuild(ctx, repo, out, "", pkg, report); err != nil {
		return err
	}
	return stamp(out, digest)
}

// goBuild builds pkg into out. go links into a temporary directory under
// <repo>/.cache/tmp (GOTMPDIR), on out's file system, and renames the
// result over out: an interrupted build, or two at once, never leave a
// half-written binary that go's up-to-date check (the build ID at the start
// of out) would later trust. With progress, go lists every package it
// compiles (-v), which progress counts.
func goBuild(ctx context.Context, repo, out, ldflags, pkg string, progress buildProgress) error {
	tmp := filepath.Join(repo, ".cache", "tmp")
	for _, dir := range []string{filepath.Dir(out), tmp} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	args := []string{"build", "-o", out}
	if ldflags != "" {
		args = append(args, "-ldflags", ldflags)
	}
	if progress != nil {
		args = append(args, "-v")
	}
	cmd := exec.CommandContext(ctx, "go", append(args, pkg)...)
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "GOTMPDIR="+tmp)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	var compiled atomic.Int64
	if progress != nil {
		stop := tick(time.Now(), func(elapsed time.Duration) { progress(elapsed, compiled.Load()) })
		defer stop()
	}
	// Under -v a line without spaces names a package; the rest is
	// diagnostics, kept for the error.
	var diag bytes.Buffer
	lines := bufio.NewScanner(stderr)
	for lines.Scan() {
		line := lines.Text()
		if progress != nil && line != "" && !strings.ContainsAny(line, " \t:") {
			compiled.Add(1)
			continue
		}
		diag.WriteString(line + "\n")
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("go %s: %w\n%s", strings.Join(cmd.Args[1:], " "), err, diag.String())
	}
	return nil
}

// tick calls fn with the time since start every progressInterval until the
// returned stop is called.
func tick(start time.Time, fn func(elapsed time.Duration)) (stop func()) {
	t := time.NewTicker(progressInterval)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-t.C:
				fn(time.Since(start))
			case <-done:
				return
			}
		}
	}()
	return func() { t.Stop(); close(done) }
}

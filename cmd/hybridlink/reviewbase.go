package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/hybridlink/hybridlink/internal/sandbox"
	"github.com/hybridlink/hybridlink/internal/stackfile"
	"github.com/hybridlink/hybridlink/internal/toolbuild"
)

// A review keeps everything it makes under its cache directory
// (<project>/.cache/review by default), never in the project's .sandbox:
//
//	base-<commit>/        a base deployed once and reused by later reviews
//	    state/            its sandbox state: file backend and local cloud
//	    project/          its Pulumi.yaml and stack files
//	base-tree/            a git worktree of a base, while it is deployed
//	run-<random>/         one review's scratch, removed when it ends
//	    run.lock          held while the review runs
//	    state/            a copy of the base's state, where the head goes
//
// A review that was killed leaves its run directory and maybe the worktree
// behind; the next one removes them once their locks are free.

// keptBases is how many deployed bases the cache keeps, newest first.
const keptBases = 4

// scratch is one review's directory, locked while the review runs.
type scratch struct {
	dir  string
	lock *os.File
}

// newScratch removes what dead reviews left in cache, then makes this
// review's run directory.
func newScratch(cache string) (*scratch, error) {
	if err := os.MkdirAll(cache, 0o700); err != nil {
		return nil, err
	}
	stale, _ := filepath.Glob(filepath.Join(cache, "run-*"))
	for _, dir := range stale {
		if l, err := tryLock(filepath.Join(dir, "run.lock")); err == nil {
			_ = os.RemoveAll(dir)
			l.Close()
		}
	}
	dir, err := os.MkdirTemp(cache, "run-")
	if err != nil {
		return nil, err
	}
	l, err := tryLock(filepath.Join(dir, "run.lock"))
	if err != nil {
		return nil, err
	}
	return &scratch{dir: dir, lock: l}, nil
}

// remove deletes the run directory.
func (s *scratch) remove() error {
	return errors.Join(os.RemoveAll(s.dir), s.lock.Close())
}

// tryLock takes an exclusive flock on path, or fails at once.
func tryLock(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// waitLock takes an exclusive flock on path, waiting for its holder (and
// saying so) until ctx ends.
func waitLock(ctx context.Context, path string, log io.Writer, what string) (*os.File, error) {
	said := false
	for {
		l, err := tryLock(path)
		if err == nil || !errors.Is(err, syscall.EWOULDBLOCK) {
			return l, err
		}
		if !said {
			fmt.Fprintf(log, "review: waiting for another review that is %s\n", what)
			said = true
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// baseDeployment is a base deployed into a sandbox state.
type baseDeployment struct {
	// state is its sandbox state directory; project holds its Pulumi.yaml
	// and stacks/.
	state, project string
	stacks         []string
}

// deployBase returns the deployment of the base commit, from the cache or
// by deploying it: a git worktree of the commit, its own hybridlink CLI
// built from it, and that CLI's `sandbox up` of every stack of the base
// into a fresh state directory — the base's program, stack files and local
// cloud, exactly as that commit deploys them. The policy pack is left out:
// the base is what is deployed, and the head's pack judges the head.
func (rv *reviewRun) deployBase(ctx context.Context) (*baseDeployment, error) {
	entry := filepath.Join(rv.cache, "base-"+rv.base.Commit)
	lock, err := waitLock(ctx, entry+".lock", os.Stderr, "deploying the same base")
	if err != nil {
		return nil, err
	}
	defer lock.Close()
	if d, err := openBase(entry); err == nil {
		_ = os.Chtimes(entry, time.Now(), time.Now()) // most recently used
		rv.logf("the base %s is deployed already (%s)", rv.base.Short(), displayPath(entry))
		return d, nil
	}
	if err := os.RemoveAll(entry); err != nil {
		return nil, err
	}
	tree, release, err := rv.baseTree(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	baseProject := filepath.Join(tree, rv.rel)
	build := entry + ".new"
	if err := os.RemoveAll(build); err != nil {
		return nil, err
	}
	var stacks []string
	if _, err := os.Stat(filepath.Join(baseProject, projectFile)); err == nil {
		if stacks, err = stackfile.List(filepath.Join(baseProject, "stacks")); err != nil {
			return nil, fmt.Errorf("the base's stack files: %w", err)
		}
	}
	if len(stacks) > 0 {
		if err := rv.upBase(ctx, baseProject, filepath.Join(build, "state"), stacks); err != nil {
			return nil, err
		}
	}
	// After the deployment: the engine may have written the stack files.
	if err := copyProjectFiles(baseProject, filepath.Join(build, "project"), stacks); err != nil {
		return nil, err
	}
	if err := os.Rename(build, entry); err != nil {
		return nil, err
	}
	pruneBases(rv.cache, entry)
	return openBase(entry)
}

// baseTree checks the base out into a git worktree at a fixed path below
// the cache, held under a lock until release: go compiles a module's own
// packages for the directory they are in, so a fixed path lets its build
// cache serve every package a base does not change.
func (rv *reviewRun) baseTree(ctx context.Context) (tree string, release func(), err error) {
	tree = filepath.Join(rv.cache, "base-tree")
	lock, err := waitLock(ctx, tree+".lock", os.Stderr, "checking out another base")
	if err != nil {
		return "", nil, err
	}
	remove := func() {
		// A killed review may have left it; git forgets it once it is gone.
		bg := context.WithoutCancel(ctx)
		if _, err := git(bg, rv.project, "worktree", "remove", "--force", tree); err != nil {
			_ = os.RemoveAll(tree)
			_, _ = git(bg, rv.project, "worktree", "prune")
		}
	}
	remove()
	if _, err := git(ctx, rv.project, "worktree", "add", "--detach", tree, rv.base.Commit); err != nil {
		lock.Close()
		return "", nil, err
	}
	return tree, func() { remove(); lock.Close() }, nil
}

// upBase builds the base's hybridlink CLI and deploys every stack with it.
func (rv *reviewRun) upBase(ctx context.Context, baseProject, state string, stacks []string) error {
	// The base finds the Pulumi CLI its go.mod pins where the head keeps
	// its builds: the same version is not built twice.
	if os.Getenv(toolbuild.PulumiEnv) == "" {
		shared := filepath.Join(rv.project, ".cache", "pulumi")
		if err := os.MkdirAll(shared, 0o755); err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(baseProject, ".cache"), 0o755); err != nil {
			return err
		}
		if err := os.Symlink(shared, filepath.Join(baseProject, ".cache", "pulumi")); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	bin := filepath.Join(rv.scratch.dir, "bin", "hybridlink")
	rv.logf("building the base's hybridlink CLI (%s)", rv.base.Short())
	if err := rv.timedErr("base-build", func() error {
		return toolbuild.GoBuildWithProgress(ctx, baseProject, bin, "./cmd/hybridlink", "the base's hybridlink CLI", os.Stderr)
	}); err != nil {
		return fmt.Errorf("building the base's hybridlink CLI (%s): %w", rv.base.Short(), err)
	}
	return rv.timedErr("base-deploy", func() error { return rv.deployWith(ctx, bin, baseProject, state, stacks) })
}

// deployWith deploys every stack of the base with the base's CLI bin.
func (rv *reviewRun) deployWith(ctx context.Context, bin, baseProject, state string, stacks []string) error {
	for _, stack := range stacks {
		rv.logf("deploying the base's %s into a scratch sandbox, with the base's own CLI", stack)
		cmd := exec.Command(bin, "sandbox", "up", "--stack", stack, "--dir", baseProject, "--state", state, "--no-policy")
		cmd.Dir = baseProject
		cmd.Env = scratchEnv()
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = io.MultiWriter(&out, rv.engineLog), io.MultiWriter(&out, rv.engineLog)
		if err := sandbox.Supervise(ctx, cmd, forced); err != nil {
			return fmt.Errorf("deploying the base's %s (%s) with its own CLI failed: %w\n%s", stack, rv.base.Short(), err, lastLines(out.String(), 30))
		}
	}
	return nil
}

// openBase opens a cached base deployment.
func openBase(entry string) (*baseDeployment, error) {
	d := &baseDeployment{state: filepath.Join(entry, "state"), project: filepath.Join(entry, "project")}
	if _, err := os.Stat(d.project); err != nil {
		return nil, err
	}
	var err error
	d.stacks, err = stackfile.List(filepath.Join(d.project, "stacks"))
	if errors.Is(err, fs.ErrNotExist) {
		err = nil
	}
	return d, err
}

// copyProjectFiles copies Pulumi.yaml and the stacks' files.
func copyProjectFiles(from, to string, stacks []string) error {
	files := []string{projectFile}
	for _, s := range stacks {
		files = append(files, filepath.Join("stacks", "Pulumi."+s+".yaml"))
	}
	if err := os.MkdirAll(filepath.Join(to, "stacks"), 0o700); err != nil {
		return err
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(from, f))
		if errors.Is(err, fs.ErrNotExist) && f == projectFile {
			continue // no project at the base
		}
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(to, f), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// pruneBases keeps the keptBases most recently used bases, keep among them.
func pruneBases(cache, keep string) {
	entries, _ := filepath.Glob(filepath.Join(cache, "base-*"))
	type aged struct {
		path string
		mod  time.Time
	}
	var bases []aged
	for _, e := range entries {
		if info, err := os.Stat(e); err == nil && info.IsDir() && e != keep {
			bases = append(bases, aged{e, info.ModTime()})
		}
	}
	slices.SortFunc(bases, func(a, b aged) int { return b.mod.Compare(a.mod) })
	for i, b := range bases {
		if i < keptBases-1 {
			continue
		}
		if l, err := tryLock(b.path + ".lock"); err == nil {
			_ = os.RemoveAll(b.path)
			l.Close()
		}
	}
}

// copyTree copies a directory tree: regular files, directories and
// symbolic links.
func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		target := filepath.Join(to, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(target, info.Mode().Perm()|0o700)
		case info.Mode()&fs.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case info.Mode().IsRegular():
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(target, b, info.Mode().Perm())
		}
		return nil // sockets and the like: nothing a state needs
	})
}

// scratchEnv is the environment for the base's CLI: hybridlink's, without
// a backend the operator set (a team's bucket, which a base that knows
// PULUMI_BACKEND_URL would deploy into), so that the base goes to the file
// backend of the scratch state, whatever the base's version.
func scratchEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, backendEnv+"=") {
			env = append(env, kv)
		}
	}
	return env
}

// lastLines is the end of a command's output, for an error.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"…"}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

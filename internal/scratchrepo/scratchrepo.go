// Package scratchrepo makes git repositories to try changes of a checkout
// in, as the review's tests and bench do: one commit, on main, of the
// checkout's files as they are (committed or not, ignored ones left out),
// made with a fixed identity and date, so that the same files make the same
// commit; each change then goes into a worktree of it.
package scratchrepo

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Create makes the repository at dir (which must not exist) from the
// checkout at checkout.
func Create(checkout, dir string) error {
	files, err := checkoutFiles(checkout)
	if err != nil {
		return err
	}
	for _, f := range files {
		info, err := os.Lstat(filepath.Join(checkout, f))
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted in the working tree
		}
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(checkout, f))
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, info.Mode().Perm()); err != nil {
			return err
		}
	}
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "-A"}, {"commit", "-q", "-m", "base"}} {
		if _, err := Git(dir, args...); err != nil {
			return err
		}
	}
	return nil
}

// Worktree adds a worktree of main at dir.
func Worktree(repo, dir string) error {
	_, err := Git(repo, "worktree", "add", "-q", "--detach", dir, "main")
	return err
}

// checkoutFiles lists a checkout's files as git sees them, or every file
// outside hidden directories and node_modules when it is no git checkout.
func checkoutFiles(checkout string) ([]string, error) {
	if out, err := Git(checkout, "ls-files", "-z", "--cached", "--others", "--exclude-standard"); err == nil {
		return strings.Split(strings.TrimRight(out, "\x00"), "\x00"), nil
	}
	var files []string
	err := filepath.WalkDir(checkout, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != checkout && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			rel, err := filepath.Rel(checkout, path)
			files = append(files, rel)
			return err
		}
		return nil
	})
	return files, err
}

// Git runs git in dir with a fixed identity and date.
func Git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"-c", "user.name=hybridlink", "-c", "user.email=scratch@hybridlink.invalid", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_DATE=2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE=2026-01-01T00:00:00Z")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hybridlink/hybridlink/internal/review"
)

// git runs git in dir and returns its output, trimmed.
func git(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if _, lookErr := exec.LookPath("git"); lookErr != nil {
			return "", fmt.Errorf("review needs git, which is not installed: %w", lookErr)
		}
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

// gitSides finds the base and the head of a review in the repository that
// holds project: the base is ref's commit, or by default the merge base of
// HEAD with main, else with origin/main; the head is HEAD plus the working
// tree. rel is the project's directory inside the repository.
func gitSides(ctx context.Context, project, ref string) (base, head review.Side, rel string, err error) {
	top, err := git(ctx, project, "rev-parse", "--show-toplevel")
	if err != nil {
		return base, head, "", fmt.Errorf("review compares git commits: %w; fix: run it inside the git repository of the hybridlink project", err)
	}
	if rel, err = filepath.Rel(top, project); err != nil {
		return base, head, "", err
	}
	if head.Commit, err = git(ctx, project, "rev-parse", "--verify", "HEAD^{commit}"); err != nil {
		return base, head, "", fmt.Errorf("the repository has no commit to review: %w", err)
	}
	head.Ref = "HEAD"
	status, err := git(ctx, project, "status", "--porcelain", "--", ".")
	if err != nil {
		return base, head, "", err
	}
	head.Dirty = status != ""
	if ref != "" {
		if base.Commit, err = git(ctx, project, "rev-parse", "--verify", ref+"^{commit}"); err != nil {
			return base, head, "", fmt.Errorf("--base %s: %w", ref, err)
		}
		base.Ref = ref
		return base, head, rel, nil
	}
	for _, branch := range []string{"main", "origin/main"} {
		if _, err := git(ctx, project, "rev-parse", "--verify", "--quiet", branch+"^{commit}"); err != nil {
			continue
		}
		if base.Commit, err = git(ctx, project, "merge-base", "HEAD", branch); err != nil {
			return base, head, "", fmt.Errorf("no merge base of HEAD and %s: %w; fix: pass --base <ref>", branch, err)
		}
		base.Ref = "merge base with " + branch
		return base, head, rel, nil
	}
	return base, head, "", fmt.Errorf("neither main nor origin/main exists to find the base: pass --base <ref> (a branch, tag or commit)")
}

// baseStacks lists the stacks of the base commit from its tree, without
// checking it out: the stack files Pulumi.<stack>.yaml in the project's
// stacks/.
func baseStacks(ctx context.Context, project, commit, rel string) ([]string, error) {
	dir := path.Join(filepath.ToSlash(rel), "stacks") + "/"
	out, err := git(ctx, project, "ls-tree", "--name-only", commit, "--", dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, f := range strings.Split(out, "\n") {
		name, ok := strings.CutPrefix(path.Base(f), "Pulumi.")
		if name, yaml := strings.CutSuffix(name, ".yaml"); ok && yaml && name != "" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names, nil
}

package main

import (
	"context"
	"flag"
	"os"
	"path/filepath"

	"github.com/hybridlink/hybridlink/internal/sandbox"
)

// tools builds the pinned Pulumi CLI and the policy pack ahead of time, so
// CI and the first sandbox run do not pay for it later.
func tools(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("tools", flag.ContinueOnError)
	dir := fs.String("dir", ".", "project directory (go.mod)")
	if err := fs.Parse(args); err != nil {
		return exitError{2}
	}
	repo, err := filepath.Abs(*dir)
	if err != nil {
		return err
	}
	_, err = sandbox.BuildTools(ctx, repo, os.Stderr)
	return err
}

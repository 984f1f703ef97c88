package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hybridlink/hybridlink/internal/toolbuild"
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
	start := time.Now()
	t, err := toolbuild.Build(ctx, repo, os.Stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "tools: ready in %s: Pulumi CLI %s, policy pack %s\n", time.Since(start).Round(100*time.Millisecond), t.PulumiPath, t.PolicyPack)
	return nil
}

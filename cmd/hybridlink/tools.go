package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/hybridlink/hybridlink/internal/toolbuild"
)

// tools builds the pinned Pulumi CLI and the policy pack ahead of time, so
// CI and the first sandbox run do not pay for it later.
func tools(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("tools", flag.ContinueOnError)
	dir := fs.String("dir", "", "project directory (Pulumi.yaml, go.mod); default: the nearest one at or above the working directory")
	if err := fs.Parse(args); err != nil {
		return exitError{2}
	}
	repo, err := projectRoot(*dir)
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

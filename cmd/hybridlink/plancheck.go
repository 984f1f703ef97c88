package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hybridlink/hybridlink/stacks"
)

// planCheck loads every stack file without decrypting secrets and prints one
// line per conflict; it exits 1 when there is any.
func planCheck(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("plan-check", flag.ContinueOnError)
	dir := fs.String("dir", "", "project directory (holds Pulumi.yaml and stacks/); default: the nearest one at or above the working directory")
	if err := fs.Parse(args); err != nil {
		return exitError{2}
	}
	root, err := projectRoot(*dir)
	if err != nil {
		return err
	}
	sources, err := stackSources(filepath.Join(root, "stacks"))
	if err != nil {
		return err
	}
	conflicts := stacks.CheckPlans(sources)
	for _, c := range conflicts {
		fmt.Println(c)
	}
	if len(conflicts) > 0 {
		fmt.Fprintf(os.Stderr, "plan-check: %d conflict(s) across %d stack(s)\n", len(conflicts), len(sources))
		return exitError{1}
	}
	fmt.Fprintf(os.Stderr, "plan-check: the address plans of %d stack(s) are valid and disjoint\n", len(sources))
	return nil
}

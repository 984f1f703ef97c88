// Command cli measures what an operator waits for at the command line: the
// hybridlink binary's first `sandbox up` of a stack into an empty sandbox,
// a second `sandbox up` that finds no changes, and `render onprem` of the
// deployed stack. Each round uses a fresh state directory; with several
// binaries (-cli a,b) the rounds alternate between them (a b a b …) so that
// a change in machine load affects all alike.
//
//	go run ./bench/cli                            # the binary of this tree, 5 rounds
//	go run ./bench/cli -cli /tmp/old,/tmp/new     # before and after a change
//
// It is a measurement, not a test: it never fails on a figure. It runs from
// the repository (the binaries find their tools in its .cache/) and keeps
// every state in a temporary directory; the repository's .sandbox is not
// touched.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/hybridlink/hybridlink/bench/internal/measure"
)

// step is one measured command; {state} is replaced by the round's state
// directory.
type step struct {
	name string
	args []string
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	rounds := flag.Int("rounds", 5, "measured rounds per binary")
	stack := flag.String("stack", "prod", "stack to deploy")
	dir := flag.String("dir", ".", "the repository (go.mod, Pulumi.yaml, stacks/)")
	clis := flag.String("cli", "", "comma-separated hybridlink binaries to compare (default: build ./cmd/hybridlink)")
	flag.Parse()
	repo, ctx, cancel, err := measure.Start(*rounds, *dir)
	if err != nil {
		return err
	}
	defer cancel()
	tmp, err := os.MkdirTemp("", "hybridlink-bench-cli-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bins := strings.Split(*clis, ",")
	if *clis == "" {
		bins = []string{filepath.Join(tmp, "hybridlink")}
		build := exec.CommandContext(ctx, "go", "build", "-o", bins[0], "./cmd/hybridlink")
		build.Dir, build.Stdout, build.Stderr = repo, os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building the hybridlink CLI: %w", err)
		}
	}
	steps := []step{
		{"first sandbox up", []string{"sandbox", "up", "--stack", *stack, "--state", "{state}"}},
		{"no-change sandbox up", []string{"sandbox", "up", "--stack", *stack, "--state", "{state}"}},
		{"render onprem", []string{"render", "onprem", "--stack", *stack, "--vendor", "cisco-ios", "--state", "{state}"}},
	}
	// times[bin][step]
	times := make([][][]time.Duration, len(bins))
	for i := range times {
		times[i] = make([][]time.Duration, len(steps))
	}
	// One unmeasured round per binary first: it builds what is missing
	// and warms the page cache.
	for r := -1; r < *rounds; r++ {
		for i, bin := range bins {
			state := filepath.Join(tmp, fmt.Sprintf("state-%d-%d", i, r+1))
			for j, s := range steps {
				d, err := timeRun(ctx, repo, bin, state, s.args)
				if err != nil {
					return fmt.Errorf("%s: %s: %w", bin, s.name, err)
				}
				if r >= 0 {
					times[i][j] = append(times[i][j], d)
				}
			}
			if err := os.RemoveAll(state); err != nil {
				return err
			}
		}
	}

	fmt.Printf("hybridlink commands, stack %s, %d rounds, %s/%s, %d CPUs, load %s\n\n", *stack, *rounds, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), measure.LoadAverage())
	fmt.Println("| binary | command | median | min | max |")
	fmt.Println("|---|---|---:|---:|---:|")
	for i, bin := range bins {
		for j, s := range steps {
			ts := times[i][j]
			fmt.Printf("| %s | %s | %s |\n", bin, s.name, measure.Row(ts))
		}
	}
	return nil
}

// timeRun runs the binary from the repository and returns how long it took.
func timeRun(ctx context.Context, repo, bin, state string, args []string) (time.Duration, error) {
	args = slices.Clone(args)
	for i, a := range args {
		args[i] = strings.ReplaceAll(a, "{state}", state)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = repo
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w\n%s", bin, strings.Join(args, " "), err, out.String())
	}
	return d, nil
}

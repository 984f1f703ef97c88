// Command engine measures what a sandbox preview costs: the engine's floor
// (an empty program), the prod stack without the policy pack, and the prod
// stack with it. It runs the three variants alternately (A B C A B C …) so
// that a change in machine load affects all of them alike, and reports each
// variant's median, minimum and maximum and the ratios of the medians.
//
//	go run ./bench/engine                 # 5 rounds, fresh stacks (every resource a create)
//	go run ./bench/engine -rounds 10 -deployed   # previews of a deployed stack (no changes)
//
// It is a measurement, not a test: it never fails on a figure. Every
// variant runs in its own temporary copy of the project and state
// directory; the repository's stack files and .sandbox are not touched.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hybridlink/hybridlink/bench/internal/measure"
	"github.com/hybridlink/hybridlink/internal/sandbox"
	"github.com/hybridlink/hybridlink/internal/toolbuild"
	"github.com/hybridlink/hybridlink/stacks"
)

type variant struct {
	name     string
	program  pulumi.RunFunc
	noPolicy bool
	deploy   bool // with -deployed: up before measuring
	sb       *sandbox.Sandbox
	times    []time.Duration
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	rounds := flag.Int("rounds", 5, "measured rounds; each runs every variant once")
	warmup := flag.Int("warmup", 1, "unmeasured rounds first (page cache, plugin start-up)")
	stack := flag.String("stack", "prod", "stack of the program variants")
	dir := flag.String("dir", ".", "the repository (go.mod, Pulumi.yaml, stacks/)")
	deployed := flag.Bool("deployed", false, "deploy the stack first, so the previews find no changes (default: a fresh stack, every resource a create)")
	flag.Parse()
	repo, ctx, cancel, err := measure.Start(*rounds, *dir)
	if err != nil {
		return err
	}
	defer cancel()
	tools, err := toolbuild.Build(ctx, repo, os.Stderr)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "hybridlink-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	variants := []*variant{
		{name: "empty program", program: func(*pulumi.Context) error { return nil }, noPolicy: true},
		{name: *stack + ", no pack", program: stacks.Program, noPolicy: true, deploy: *deployed},
		{name: *stack + ", with pack", program: stacks.Program, deploy: *deployed},
	}
	for i, v := range variants {
		project, err := copyProject(repo, filepath.Join(tmp, fmt.Sprint(i), "project"))
		if err != nil {
			return err
		}
		v.sb, err = sandbox.Open(ctx, sandbox.Options{
			ProjectDir: project, Stack: *stack, StateDir: filepath.Join(tmp, fmt.Sprint(i), "state"),
			Program: v.program, Tools: tools, NoPolicy: v.noPolicy, Out: io.Discard,
		})
		if err != nil {
			return err
		}
		defer v.sb.Close()
		if v.deploy {
			if _, err := v.sb.Up(ctx); err != nil {
				return fmt.Errorf("%s: up: %w", v.name, err)
			}
		}
	}

	fmt.Fprintf(os.Stderr, "bench: %d warm-up and %d measured rounds of %d previews\n", *warmup, *rounds, len(variants))
	for r := range *warmup + *rounds {
		for _, v := range variants {
			start := time.Now()
			if _, err := v.sb.Preview(ctx); err != nil {
				return fmt.Errorf("%s: preview: %w", v.name, err)
			}
			if d := time.Since(start); r >= *warmup {
				v.times = append(v.times, d)
			}
		}
	}

	state := "fresh stack: every resource a create"
	if *deployed {
		state = "deployed stack: no changes"
	}
	fmt.Printf("Sandbox preview, %s; %d rounds alternating, Pulumi CLI %s, %s/%s, %d CPUs, load %s\n\n",
		state, *rounds, tools.PulumiVersion, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), measure.LoadAverage())
	fmt.Println("| variant | median | min | max |")
	fmt.Println("|---|---:|---:|---:|")
	for _, v := range variants {
		fmt.Printf("| %s | %s |\n", v.name, measure.Row(v.times))
	}
	empty, noPack, pack := measure.Median(variants[0].times), measure.Median(variants[1].times), measure.Median(variants[2].times)
	fmt.Printf("\n%s, no pack / empty program: %.2f×\n", *stack, float64(noPack)/float64(empty))
	fmt.Printf("%s, with pack / %s, no pack: %.2f×\n", *stack, *stack, float64(pack)/float64(noPack))
	return nil
}

// copyProject copies Pulumi.yaml and the stack files into dir.
func copyProject(repo, dir string) (string, error) {
	files, err := filepath.Glob(filepath.Join(repo, "stacks", "Pulumi.*.yaml"))
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Join(dir, "stacks"), 0o755); err != nil {
		return "", err
	}
	for _, f := range append(files, filepath.Join(repo, "Pulumi.yaml")) {
		rel, err := filepath.Rel(repo, f)
		if err != nil {
			return "", err
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(dir, rel), b, 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// Command review measures `hybridlink review` on a pull request that changes
// both stacks (a tag on each): reviewing every stack with the base not yet
// deployed (the first review of a base: its CLI built from its worktree and
// every stack deployed with it), then with the base deployed already (every
// later review of that base), for one stack and for both. It reports each
// variant's wall time and, from the review's own account of its phases,
// what the time goes to.
//
//	go run ./bench/review              # 3 rounds
//	go run ./bench/review -rounds 5
//
// It is a measurement, not a test: it never fails on a figure. It works in
// .cache/review-bench of the repository (fixed paths, so that go's build
// cache serves what an earlier run compiled, as it does for a developer's
// reviews), with the hybridlink CLI of this tree and the tools ./test.sh
// built; the repository's .sandbox is not touched.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hybridlink/hybridlink/bench/internal/measure"
	"github.com/hybridlink/hybridlink/internal/scratchrepo"
	"github.com/hybridlink/hybridlink/internal/toolbuild"
)

// variant is one way of running the review.
type variant struct {
	name string
	// fresh: the review cache is emptied first, so the base is deployed.
	fresh bool
	args  []string
}

var variants = []variant{
	{"both stacks, base not deployed yet", true, nil},
	{"prod, base deployed", false, []string{"--stack", "prod"}},
	{"both stacks, base deployed", false, nil},
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	rounds := flag.Int("rounds", 3, "measured rounds")
	dir := flag.String("dir", ".", "the repository (go.mod, Pulumi.yaml, stacks/)")
	flag.Parse()
	repo, ctx, cancel, err := measure.Start(*rounds, *dir)
	if err != nil {
		return err
	}
	defer cancel()
	tools, err := toolbuild.Prebuilt(ctx, repo, io.Discard)
	if err != nil {
		return err
	}
	root := filepath.Join(repo, ".cache", "review-bench")
	if err := os.RemoveAll(root); err != nil {
		return err
	}
	bin := filepath.Join(root, "hybridlink")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/hybridlink")
	build.Dir, build.Stdout, build.Stderr = repo, os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building the hybridlink CLI: %w", err)
	}
	base, head := filepath.Join(root, "repo"), filepath.Join(root, "head")
	if err := scratchrepo.Create(repo, base); err != nil {
		return err
	}
	if err := scratchrepo.Worktree(base, head); err != nil {
		return err
	}
	for _, stack := range []string{"dev", "prod"} {
		if err := addTag(head, stack); err != nil {
			return err
		}
	}
	env := append(os.Environ(), "HYBRIDLINK_PULUMI="+tools.PulumiPath, "GITHUB_STEP_SUMMARY=")
	cache := filepath.Join(root, "cache")

	walls := make([][]time.Duration, len(variants))
	phases := make([]map[string][]float64, len(variants))
	for i := range phases {
		phases[i] = map[string][]float64{}
	}
	// One unmeasured round first: it builds the policy pack in the head's
	// tree and the base's packages in its worktree.
	for r := -1; r < *rounds; r++ {
		for i, v := range variants {
			if v.fresh {
				if err := os.RemoveAll(cache); err != nil {
					return err
				}
			}
			args := append([]string{"review", "--base", "main", "--cache", cache}, v.args...)
			cmd := exec.CommandContext(ctx, bin, args...)
			cmd.Dir, cmd.Env = head, env
			var stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = io.Discard, &stderr
			start := time.Now()
			err := cmd.Run()
			wall := time.Since(start)
			// The review exits 1 on what it finds; only its own failures
			// (2 and up, or no account of its phases) stop the bench.
			took := tookLine.FindStringSubmatch(stderr.String())
			if took == nil {
				return fmt.Errorf("%s: %v\n%s", strings.Join(args, " "), err, stderr.String())
			}
			if r < 0 {
				continue
			}
			walls[i] = append(walls[i], wall)
			sums := map[string]float64{}
			for _, kv := range strings.Fields(took[1]) {
				name, secs, ok := strings.Cut(kv, "=")
				if f, err := strconv.ParseFloat(strings.TrimSuffix(secs, "s"), 64); ok && err == nil {
					sums[stackless(name)] += f
				}
			}
			for _, p := range phaseNames {
				phases[i][p] = append(phases[i][p], sums[p])
			}
		}
	}

	fmt.Printf("hybridlink review, %d rounds, %s/%s, %d CPUs, load %s\n\n", *rounds, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), measure.LoadAverage())
	fmt.Println("| review | median | min | max |")
	fmt.Println("|---|---:|---:|---:|")
	for i, v := range variants {
		fmt.Printf("| %s | %s |\n", v.name, measure.Row(walls[i]))
	}
	fmt.Println("\nWhere the time goes (medians, seconds; a stack's phases summed over the stacks reviewed):")
	fmt.Println()
	fmt.Println("| review | " + strings.Join(phaseNames, " | ") + " |")
	fmt.Println("|---|" + strings.Repeat("---:|", len(phaseNames)))
	for i, v := range variants {
		cells := []string{v.name}
		for _, p := range phaseNames {
			cells = append(cells, fmt.Sprintf("%.1f", median(phases[i][p])))
		}
		fmt.Println("| " + strings.Join(cells, " | ") + " |")
	}
	return nil
}

// tookLine is the review's last line: "review: took 38.2s: tools=2.1s
// base=0.0s prod.open=1.0s …".
var tookLine = regexp.MustCompile(`(?m)^review: took [0-9.]+s: (.*)$`)

// phaseNames are the review's phases, in order: the head's tools (the
// policy pack); the base's deployment, of which building its CLI (the link
// of go build, mostly, once its packages are compiled) and deploying its
// stacks with it (its `sandbox up`s, which build its policy pack first);
// then per stack opening its sandbox, reading the base (state, outputs,
// drill), the preview with the pack, applying the head, and reading the head
// (outputs, drill).
var phaseNames = []string{"tools", "base", "base-build", "base-deploy", "open", "read base", "preview", "apply", "head"}

// stackless names a phase without its stack ("prod.preview" → "preview");
// a stack's reading of the base ("prod.base") is kept apart from the base's
// deployment ("base").
func stackless(name string) string {
	if _, phase, ok := strings.Cut(name, "."); ok {
		if phase == "base" {
			return "read base"
		}
		return phase
	}
	return name
}

func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	return s[len(s)/2]
}

// addTag gives a stack a tag, the change under review.
func addTag(head, stack string) error {
	path := filepath.Join(head, "stacks", "Pulumi."+stack+".yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := strings.Replace(string(b), "\nconfig:\n", "\nconfig:\n  hybridlink:tags:\n    cost-center: network\n", 1)
	if s == string(b) {
		return fmt.Errorf("%s has no config: section", path)
	}
	return os.WriteFile(path, []byte(s), 0o644)
}

// Command cli measures what an operator waits for at the command line: the
// hybridlink binary's first `sandbox up` of a stack into an empty sandbox,
// a second `sandbox up` that finds no changes, a `sandbox preview` of the
// deployed stack, and `render onprem` of it. Each round uses a fresh state
// directory; with several binaries (-cli a,b) or backends (-backend
// file,s3) the rounds alternate between them (a b a b …) so that a change
// in machine load affects all alike.
//
//	go run ./bench/cli                            # the binary of this tree, 5 rounds
//	go run ./bench/cli -cli /tmp/old,/tmp/new     # before and after a change
//	go run ./bench/cli -backend file,s3           # the sandbox's file backend and a team's bucket
//
// The s3 backend is a bucket (versioned, fresh each round) of the test S3
// server, versitygw behind a front that refuses what OSS refuses
// (internal/s3test), on loopback: it measures the backend's protocol and
// counts the requests each command sends, not the network's round trips to
// OSS, which each of them adds.
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
	"github.com/hybridlink/hybridlink/internal/s3test"
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
	backendList := flag.String("backend", "file", "comma-separated backends to compare: file (the sandbox's own), s3 (a bucket of the test S3 server)")
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
	backends := strings.Split(*backendList, ",")
	var srv *s3test.Server
	if slices.Contains(backends, "s3") {
		if srv, err = startS3(ctx, repo, tmp); err != nil {
			return err
		}
		defer srv.Close()
	}
	steps := []step{
		{"first sandbox up", []string{"sandbox", "up", "--stack", *stack, "--state", "{state}"}},
		{"no-change sandbox up", []string{"sandbox", "up", "--stack", *stack, "--state", "{state}"}},
		{"sandbox preview", []string{"sandbox", "preview", "--stack", *stack, "--state", "{state}"}},
		{"render onprem", []string{"render", "onprem", "--stack", *stack, "--vendor", "cisco-ios", "--state", "{state}"}},
	}
	// times[bin][backend][step], and the S3 requests of each
	times := make([][][][]time.Duration, len(bins))
	requests := make([][][][]int, len(bins))
	for i := range times {
		times[i] = make([][][]time.Duration, len(backends))
		requests[i] = make([][][]int, len(backends))
		for k := range backends {
			times[i][k] = make([][]time.Duration, len(steps))
			requests[i][k] = make([][]int, len(steps))
		}
	}
	// One unmeasured round per binary and backend first: it builds what is
	// missing and warms the page cache.
	for r := -1; r < *rounds; r++ {
		for i, bin := range bins {
			for k, backend := range backends {
				state := filepath.Join(tmp, fmt.Sprintf("state-%d-%d-%d", i, k, r+1))
				env, err := backendEnv(ctx, srv, backend, fmt.Sprintf("round-%d-%d-%d", i, k, r+1))
				if err != nil {
					return err
				}
				for j, s := range steps {
					sent := requestCount(srv)
					d, err := timeRun(ctx, repo, bin, state, env, s.args)
					if err != nil {
						return fmt.Errorf("%s (%s backend): %s: %w", bin, backend, s.name, err)
					}
					if r >= 0 {
						times[i][k][j] = append(times[i][k][j], d)
						if backend == "s3" {
							requests[i][k][j] = append(requests[i][k][j], requestCount(srv)-sent)
						}
					}
				}
				if err := os.RemoveAll(state); err != nil {
					return err
				}
			}
		}
	}

	fmt.Printf("hybridlink commands, stack %s, %d rounds, %s/%s, %d CPUs, load %s\n\n", *stack, *rounds, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), measure.LoadAverage())
	fmt.Println("| binary | backend | command | median | min | max | S3 requests (median) |")
	fmt.Println("|---|---|---|---:|---:|---:|---:|")
	for i, bin := range bins {
		for k, backend := range backends {
			for j, s := range steps {
				n := "–"
				if rs := requests[i][k][j]; len(rs) > 0 {
					slices.Sort(rs)
					n = fmt.Sprint(rs[len(rs)/2])
				}
				fmt.Printf("| %s | %s | %s | %s | %s |\n", bin, backend, s.name, measure.Row(times[i][k][j]), n)
			}
		}
	}
	return nil
}

// requestCount is how many requests srv has received (0 without one).
func requestCount(srv *s3test.Server) int {
	if srv == nil {
		return 0
	}
	return len(srv.Requests())
}

// startS3 starts the test S3 server that ./test.sh builds.
func startS3(ctx context.Context, repo, tmp string) (*s3test.Server, error) {
	bin, err := s3test.Binary(repo)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(tmp, "s3")
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, err
	}
	return s3test.Start(ctx, s3test.Options{Binary: bin, Dir: dir, Versioning: true})
}

// backendEnv is the environment of a round's commands on backend: none for
// the sandbox's file backend; for s3, a fresh versioned bucket of srv.
func backendEnv(ctx context.Context, srv *s3test.Server, backend, bucket string) ([]string, error) {
	switch backend {
	case "file":
		return nil, nil
	case "s3":
		if err := srv.CreateBucket(ctx, bucket, true); err != nil {
			return nil, err
		}
		return append(srv.Env(), "PULUMI_BACKEND_URL="+srv.URL(bucket)), nil
	}
	return nil, fmt.Errorf("-backend %s: use file or s3", backend)
}

// timeRun runs the binary from the repository with env added and returns
// how long it took.
func timeRun(ctx context.Context, repo, bin, state string, env, args []string) (time.Duration, error) {
	args = slices.Clone(args)
	for i, a := range args {
		args[i] = strings.ReplaceAll(a, "{state}", state)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = repo
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PULUMI_BACKEND_URL=") { // the round's backend only
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
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

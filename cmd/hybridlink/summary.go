package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/hybridlink/hybridlink/internal/sandbox"
)

// printUpSummary ends `sandbox up` in hybridlink's terms: where the stack
// went, that no real cloud was touched, and what to run next.
func printUpSummary(w io.Writer, f sandboxFlags, res auto.UpResult) {
	var changes []string
	if rc := res.Summary.ResourceChanges; rc != nil {
		for _, op := range []string{"create", "update", "replace", "delete", "same"} {
			if n := (*rc)[op]; n > 0 {
				changes = append(changes, fmt.Sprintf("%d %s", n, map[string]string{
					"create": "created", "update": "updated", "replace": "replaced", "delete": "deleted", "same": "unchanged"}[op]))
			}
		}
	}
	where := ""
	if f.backend != "" {
		where = ", its state in " + f.backend
	}
	fmt.Fprintf(w, "\nhybridlink: %s is deployed to the local sandbox in %s%s (%s): the real Pulumi engine, the policy pack and a local Alibaba Cloud; no real cloud was touched.\n",
		f.stack, displayPath(sandbox.StateDir(f.dir, f.state)), where, strings.Join(changes, ", "))
	fmt.Fprintf(w, "Next:\n")
	self, state, both := invokedAs(), stateFlag(f), stackFlags(f)
	next := [][2]string{
		{"routes --stack " + f.stack + state, "paths and route tables, both directions"},
		{"drill --stack " + f.stack + both + " --report drill.md", "failover drill: circuit down and restored, then the VPN down"},
		{"render onprem --stack " + f.stack + both + " --vendor cisco-ios", "the on-premises gateway's configuration"},
		{"pulumi --stack " + f.stack + both + " -- stack output", "any pulumi command on the sandbox's stack"},
	}
	width := 0
	for _, n := range next {
		width = max(width, len(n[0]))
	}
	for _, n := range next {
		fmt.Fprintf(w, "  %s %-*s  %s\n", self, width, n[0], n[1])
	}
}

// stateFlag repeats --state for commands to copy, when it was given.
func stateFlag(f sandboxFlags) string {
	if f.state == "" {
		return ""
	}
	return " --state " + f.state
}

// stackFlags repeats --state and --backend, for the commands to copy that
// take both, when they were given.
func stackFlags(f sandboxFlags) string {
	if !f.backendFlag {
		return stateFlag(f)
	}
	return stateFlag(f) + " --backend " + shellQuote(f.backend)
}

// invokedAs is how the user ran hybridlink, for commands to copy: `go run
// ./cmd/hybridlink` when go run built it into a temporary directory.
func invokedAs() string {
	if strings.Contains(os.Args[0], string(filepath.Separator)+"go-build") {
		return "go run ./cmd/hybridlink"
	}
	return os.Args[0]
}

// displayPath is path relative to the working directory when it lies below
// it, else absolute.
func displayPath(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(rel, "..") {
			return rel + string(filepath.Separator)
		}
	}
	return abs + string(filepath.Separator)
}

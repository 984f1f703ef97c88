// Package toolbuild builds the binaries a sandbox runs, from this module's
// own sources and go.mod: the pinned Pulumi CLI (once, minutes, with
// progress) and the policy pack (whenever its sources changed, seconds).
package toolbuild

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"golang.org/x/mod/modfile"
)

// pulumiModule is the module whose cmd/pulumi go.mod pins as a tool.
const pulumiModule = "github.com/pulumi/pulumi/pkg/v3"

// PulumiEnv names the environment variable that selects another Pulumi CLI:
// a path to a pulumi binary, or "path" for the first pulumi on PATH.
const PulumiEnv = "HYBRIDLINK_PULUMI"

// PolicyPackEnv names the environment variable that selects a policy-pack
// binary built already (from the same sources: a copy of the checkout, a CI
// cache) instead of building ./policy.
const PolicyPackEnv = "HYBRIDLINK_POLICY_PACK"

// BuildCommand is the command that builds the tools ahead of time; the
// README's test command runs it before the tests.
const BuildCommand = "go run ./cmd/hybridlink tools"

// ColdBuildTime is how long the first build of the pinned CLI takes with
// empty Go caches on a 2-core machine, as measured (README, "Timings").
const ColdBuildTime = "about 11 minutes on 2 busy cores, less on idle ones"

// Tools are the binaries a sandbox runs: the Pulumi CLI and the policy pack.
type Tools struct {
	// PulumiPath is the CLI the Automation API drives and PulumiVersion
	// its version.
	PulumiPath    string
	PulumiVersion semver.Version
	// PolicyPack is the policy-pack binary passed to --policy-pack.
	PolicyPack string
}

// Build prepares the tools for the module at repo, building under
// <repo>/.cache what is missing or stale: the Pulumi CLI at the version
// go.mod pins (unless PulumiEnv selects another), with progress on log,
// and the policy pack, which go relinks only when its sources changed.
func Build(ctx context.Context, repo string, log io.Writer) (*Tools, error) {
	return prepareTools(ctx, repo, log, true)
}

// Prebuilt is Build for callers that must not wait minutes for
// the Pulumi CLI, such as the tests: when the pinned CLI is not built yet
// it fails, naming the command that builds it.
func Prebuilt(ctx context.Context, repo string, log io.Writer) (*Tools, error) {
	return prepareTools(ctx, repo, log, false)
}

func prepareTools(ctx context.Context, repo string, log io.Writer, buildCLI bool) (*Tools, error) {
	t := &Tools{}
	path, pinned, err := pulumiBinary(ctx, repo, log, buildCLI)
	if err != nil {
		return nil, err
	}
	t.PulumiPath = path
	// The pinned CLI's version is go.mod's; another one is asked (a run of
	// `pulumi version`, which the Automation API checks).
	if pinned != "" {
		if t.PulumiVersion, err = semver.ParseTolerant(pinned); err != nil {
			return nil, fmt.Errorf("tools: the pinned Pulumi version %q: %w", pinned, err)
		}
	} else {
		// The binary sits in <root>/bin, as auto.NewPulumiCommand expects.
		cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: filepath.Dir(filepath.Dir(t.PulumiPath))})
		if err != nil {
			return nil, fmt.Errorf("tools: the Pulumi CLI at %s does not run: %w", t.PulumiPath, err)
		}
		t.PulumiVersion = cmd.Version()
	}
	fmt.Fprintf(log, "tools: using Pulumi CLI %s at %s\n", t.PulumiVersion, t.PulumiPath)

	if pack := os.Getenv(PolicyPackEnv); pack != "" {
		if _, err := os.Stat(pack); err != nil {
			return nil, fmt.Errorf("tools: %s: %w", PolicyPackEnv, err)
		}
		fmt.Fprintf(log, "tools: %s selects %s instead of building ./policy\n", PolicyPackEnv, pack)
		t.PolicyPack = pack
		return t, nil
	}
	// Built into the same path every time, so that it is relinked (4 s)
	// only when its sources changed, and checked in milliseconds when no
	// file of the module changed (see stamp.go).
	t.PolicyPack = filepath.Join(repo, ".cache", "bin", "hybridlink-policy")
	if err := GoBuild(ctx, repo, t.PolicyPack, "./policy"); err != nil {
		return nil, fmt.Errorf("tools: building the policy pack: %w", err)
	}
	return t, nil
}

// Pulumi returns the path of the Pulumi CLI to run, building the pinned one
// (with progress on log) when it is missing: for callers that run it
// directly rather than through the Automation API.
func Pulumi(ctx context.Context, repo string, log io.Writer) (string, error) {
	path, _, err := pulumiBinary(ctx, repo, log, true)
	return path, err
}

// pulumiBinary returns the Pulumi CLI to use, building the pinned one on
// first use when buildCLI, and the pinned version when it is the pinned one.
func pulumiBinary(ctx context.Context, repo string, log io.Writer, buildCLI bool) (path, pinned string, err error) {
	switch choice := os.Getenv(PulumiEnv); choice {
	case "":
	case "path":
		p, err := exec.LookPath("pulumi")
		if err != nil {
			return "", "", fmt.Errorf("tools: %s=path but no pulumi on PATH: %w", PulumiEnv, err)
		}
		fmt.Fprintf(log, "tools: %s=path selects %s instead of the pinned CLI\n", PulumiEnv, p)
		path, err := ensureBinLayout(repo, p)
		return path, "", err
	default:
		fmt.Fprintf(log, "tools: %s selects %s instead of the pinned CLI\n", PulumiEnv, choice)
		path, err := ensureBinLayout(repo, choice)
		return path, "", err
	}
	version, err := pinnedVersion(repo)
	if err != nil {
		return "", "", err
	}
	bin := PinnedPulumi(repo, version)
	if _, err := os.Stat(bin); err == nil {
		return bin, version, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", "", err
	}
	if !buildCLI {
		return "", "", fmt.Errorf("tools: the pinned Pulumi CLI %s is not built (%s is missing): run ./test.sh, or `%s` (the first build takes %s), or set %s to a Pulumi CLI you have",
			version, bin, BuildCommand, ColdBuildTime, PulumiEnv)
	}
	fmt.Fprintf(log, "tools: building the pinned Pulumi CLI %s from source into %s; the first build takes %s, and later runs reuse it.\n"+
		"tools: to use a Pulumi CLI you have instead: %s=path (the pulumi on PATH) or %s=/path/to/pulumi\n",
		version, filepath.Dir(bin), ColdBuildTime, PulumiEnv, PulumiEnv)
	start := time.Now()
	pkg := pulumiModule + "/cmd/pulumi"
	total, err := countPackages(ctx, repo, pkg)
	if err != nil {
		return "", "", fmt.Errorf("tools: building the Pulumi CLI: %w", err)
	}
	ldflags := "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=" + version
	if err := goBuild(ctx, repo, bin, ldflags, pkg, progressTo(log, "the Pulumi CLI "+version, total)); err != nil {
		return "", "", fmt.Errorf("tools: building the Pulumi CLI: %w", err)
	}
	fmt.Fprintf(log, "tools: built the Pulumi CLI %s in %s\n", version, time.Since(start).Round(time.Second))
	return bin, version, nil
}

// PinnedPulumi is where the pinned Pulumi CLI of a version is built.
func PinnedPulumi(repo, version string) string {
	return filepath.Join(repo, ".cache", "pulumi", version, "bin", "pulumi")
}

// ensureBinLayout links a chosen binary into <repo>/.cache/pulumi/custom/bin
// so the Automation API, which wants <root>/bin/pulumi, can use it.
func ensureBinLayout(repo, binary string) (string, error) {
	abs, err := filepath.Abs(binary)
	if err != nil {
		return "", err
	}
	if filepath.Base(abs) == "pulumi" && filepath.Base(filepath.Dir(abs)) == "bin" {
		return abs, nil
	}
	link := filepath.Join(repo, ".cache", "pulumi", "custom", "bin", "pulumi")
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		return "", err
	}
	_ = os.Remove(link)
	return link, os.Symlink(abs, link)
}

// pinnedVersion is the pulumi/pkg version go.mod requires, which is the
// version of the CLI tool dependency. go.mod is read directly: `go list -m`
// would cost every command a Go toolchain run.
func pinnedVersion(repo string) (string, error) {
	path := filepath.Join(repo, "go.mod")
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("tools: reading the pinned Pulumi version: %w", err)
	}
	f, err := modfile.ParseLax(path, b, nil)
	if err != nil {
		return "", fmt.Errorf("tools: reading the pinned Pulumi version: %w", err)
	}
	for _, r := range f.Require {
		if r.Mod.Path == pulumiModule {
			return r.Mod.Version, nil
		}
	}
	return "", fmt.Errorf("tools: %s does not require %s, whose version is the Pulumi CLI's", path, pulumiModule)
}

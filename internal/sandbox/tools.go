package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// pulumiModule is the module whose cmd/pulumi go.mod pins as a tool.
const pulumiModule = "github.com/pulumi/pulumi/pkg/v3"

// PulumiEnv names the environment variable that selects another Pulumi CLI:
// a path to a pulumi binary, or "path" for the first pulumi on PATH.
const PulumiEnv = "HYBRIDLINK_PULUMI"

// Tools are the binaries a sandbox runs: the Pulumi CLI and the policy pack.
type Tools struct {
	// Pulumi is the CLI the Automation API drives; PulumiPath its binary
	// and PulumiVersion what it reports.
	Pulumi                    auto.PulumiCommand
	PulumiPath, PulumiVersion string
	// PolicyPack is the policy-pack binary passed to --policy-pack.
	PolicyPack string
}

// BuildTools prepares the tools for the module at repo, building what is
// missing under <repo>/.cache: the Pulumi CLI at the version go.mod pins
// (unless PulumiEnv selects another) and the policy pack (always rebuilt;
// go's build cache makes that quick). Progress goes to log.
func BuildTools(ctx context.Context, repo string, log io.Writer) (*Tools, error) {
	t := &Tools{}
	var err error
	if t.PulumiPath, err = pulumiBinary(ctx, repo, log); err != nil {
		return nil, err
	}
	// The binary sits in <root>/bin, as auto.NewPulumiCommand expects.
	t.Pulumi, err = auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: filepath.Dir(filepath.Dir(t.PulumiPath))})
	if err != nil {
		return nil, fmt.Errorf("sandbox: the Pulumi CLI at %s does not run: %w", t.PulumiPath, err)
	}
	t.PulumiVersion = t.Pulumi.Version().String()
	fmt.Fprintf(log, "sandbox: using Pulumi CLI %s at %s\n", t.PulumiVersion, t.PulumiPath)

	t.PolicyPack = filepath.Join(repo, ".cache", "bin", "hybridlink-policy")
	if err := buildInto(ctx, repo, t.PolicyPack, "", "./policy"); err != nil {
		return nil, fmt.Errorf("sandbox: building the policy pack: %w", err)
	}
	return t, nil
}

// pulumiBinary returns the Pulumi CLI to use, building the pinned one on
// first use.
func pulumiBinary(ctx context.Context, repo string, log io.Writer) (string, error) {
	switch choice := os.Getenv(PulumiEnv); choice {
	case "":
	case "path":
		p, err := exec.LookPath("pulumi")
		if err != nil {
			return "", fmt.Errorf("sandbox: %s=path but no pulumi on PATH: %w", PulumiEnv, err)
		}
		fmt.Fprintf(log, "sandbox: %s=path selects %s instead of the pinned CLI\n", PulumiEnv, p)
		return ensureBinLayout(repo, p)
	default:
		fmt.Fprintf(log, "sandbox: %s selects %s instead of the pinned CLI\n", PulumiEnv, choice)
		return ensureBinLayout(repo, choice)
	}
	version, err := pinnedVersion(ctx, repo)
	if err != nil {
		return "", err
	}
	bin := filepath.Join(repo, ".cache", "pulumi", version, "bin", "pulumi")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	fmt.Fprintf(log, "sandbox: building the pinned Pulumi CLI %s from source; the first build takes about 3–10 minutes on 2 cores, later runs reuse it\n", version)
	start := time.Now()
	ldflags := "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=" + version
	if err := buildInto(ctx, repo, bin, ldflags, pulumiModule+"/cmd/pulumi"); err != nil {
		return "", fmt.Errorf("sandbox: building the Pulumi CLI: %w", err)
	}
	fmt.Fprintf(log, "sandbox: built the Pulumi CLI in %s\n", time.Since(start).Round(time.Second))
	return bin, nil
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
// version of the CLI tool dependency.
func pinnedVersion(ctx context.Context, repo string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Version}}", pulumiModule)
	cmd.Dir = repo
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("sandbox: reading the pinned Pulumi version from go.mod: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// buildInto builds pkg to a temporary file beside out and renames it over
// out, so that an interrupted build, or two processes building at once, never
// leave a broken binary that later runs would trust.
func buildInto(ctx context.Context, repo, out, ldflags, pkg string) error {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), filepath.Base(out)+".*.partial")
	if err != nil {
		return err
	}
	tmp.Close()
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if err := goBuild(ctx, repo, tmp.Name(), ldflags, pkg); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), out)
}

func goBuild(ctx context.Context, repo, out, ldflags, pkg string) error {
	args := []string{"build", "-o", out}
	if ldflags != "" {
		args = append(args, "-ldflags", ldflags)
	}
	cmd := exec.CommandContext(ctx, "go", append(args, pkg)...)
	cmd.Dir = repo
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, stderr.String())
	}
	return nil
}

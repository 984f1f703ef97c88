// Command providergen writes internal/alicloudspec from the real provider's
// source: rules.json, the rules terraform-provider-alicloud v1.285.0 (which
// pulumi-alicloud v3.105.0 bridges) applies to every property of the
// resources and functions in the SDK subset, under their Pulumi names; and
// schema.json, the subset's package schema, which the local cloud serves.
//
// The module proxy serves the provider's source by exact version, but it
// cannot be compiled here (one of its dependencies is refused), so the
// source is parsed with go/ast and nothing of it is copied or vendored.
// Regenerate with `go generate ./shim/...`; .ci/run checks that the
// committed files are what a fresh run writes.
package main

//go:generate go run . -schema ../pulumi-alicloud/schema.json -out ../../internal/alicloudspec

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/hybridlink/hybridlink/internal/alicloudspec"
)

func main() {
	schemaPath := flag.String("schema", "shim/pulumi-alicloud/schema.json", "the SDK subset's package schema")
	out := flag.String("out", "internal/alicloudspec", "directory to write rules.json and schema.json to")
	src := flag.String("provider", "", "the provider module's source directory (default: downloaded by go mod download)")
	flag.Parse()
	if err := run(*schemaPath, *out, *src); err != nil {
		fmt.Fprintln(os.Stderr, "providergen:", err)
		os.Exit(1)
	}
}

func run(schemaPath, out, src string) error {
	schemaJSON, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	if src == "" {
		if src, err = download(alicloudspec.Module, alicloudspec.Version); err != nil {
			return err
		}
	}
	spec, err := extract(src, schemaJSON)
	if err != nil {
		return err
	}
	rules, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "rules.json"), append(rules, '\n'), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "schema.json"), schemaJSON, 0o644)
}

// download fetches a module's source by exact version through the module
// proxy (GOPROXY) and returns its directory in the module cache.
func download(module, version string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("go", "mod", "download", "-json", module+"@"+version)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var info struct{ Dir, Error string }
	if jerr := json.Unmarshal(stdout.Bytes(), &info); jerr == nil && info.Error != "" {
		return "", fmt.Errorf("go mod download %s@%s: %s", module, version, info.Error)
	}
	if err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %v: %s", module, version, err, stderr.Bytes())
	}
	if info.Dir == "" {
		return "", fmt.Errorf("go mod download %s@%s gave no directory: %s", module, version, stdout.Bytes())
	}
	return info.Dir, nil
}

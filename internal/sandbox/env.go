package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/hybridlink/hybridlink/internal/localcloud"
)

// Env is the environment under which a Pulumi CLI works on the sandbox in
// stateDir (absolute): the backend (BackendURL), its own PULUMI_HOME, the
// passphrase of its stacks' secrets and, when cloudPort is not 0, the local
// cloud serving on that port as the alicloud provider. The Automation API,
// `hybridlink pulumi` and the plain pulumi CLI after `hybridlink localcloud
// serve` all run under it.
func Env(stateDir, backend, passphrase string, cloudPort int) map[string]string {
	env := map[string]string{
		"PULUMI_BACKEND_URL":       BackendURL(stateDir, backend),
		"PULUMI_CONFIG_PASSPHRASE": passphrase,
		"PULUMI_HOME":              filepath.Join(stateDir, "home"),
		"PULUMI_SKIP_UPDATE_CHECK": "true",
	}
	if cloudPort != 0 {
		// The engine uses the provider already listening instead of
		// launching a resource-alicloud plugin.
		env["PULUMI_DEBUG_PROVIDERS"] = fmt.Sprintf("alicloud:%d", cloudPort)
	}
	return env
}

// backendDir holds the file backend of the sandbox in stateDir.
func backendDir(stateDir string) string { return filepath.Join(stateDir, "backend") }

// BackendURL is the backend of the sandbox in stateDir: backend, a URL the
// operator gave (--backend, PULUMI_BACKEND_URL), or by default the
// sandbox's own file backend.
func BackendURL(stateDir, backend string) string {
	if backend != "" {
		return backend
	}
	return "file://" + backendDir(stateDir)
}

// ServeCloud prepares the sandbox in stateDir (absolute) and serves its
// local cloud until stop is called or ctx ends; env is the environment
// under which a Pulumi CLI works on it (Env) with backend.
func ServeCloud(ctx context.Context, stateDir, backend, passphrase string) (cloud *localcloud.Cloud, env map[string]string, stop func() error, err error) {
	if backend == "" {
		if err := os.MkdirAll(backendDir(stateDir), 0o700); err != nil {
			return nil, nil, nil, err
		}
	}
	if cloud, err = OpenCloud(stateDir); err != nil {
		return nil, nil, nil, err
	}
	port, stop, err := cloud.Serve(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	return cloud, Env(stateDir, backend, passphrase, port), stop, nil
}

// closeBoth is a stop that runs first and then second.
func closeBoth(first, second func() error) func() error {
	return func() error { return errors.Join(first(), second()) }
}

// EnvList is env as NAME=value lines, sorted, for os/exec.
func EnvList(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

package tests

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/stackfile"
)

// deployedFrom, when set, rewrites testdata/deployed from sandbox state
// directories (<dir>/dev, <dir>/prod) that an earlier hybridlink deployed,
// sealing the local cloud's secrets (see testdata/deployed/README.md).
var deployedFrom = flag.String("deployed-from", "", "rewrite testdata/deployed from these sandbox state directories")

// deployedFiles are the files of a sandbox state directory the fixture
// keeps: the file backend's checkpoint and the local cloud's state.
var deployedFiles = []string{"backend/.pulumi/meta.yaml", "backend/.pulumi/stacks/hybridlink/%s.json", "cloud/state.json"}

// TestDeployedStacksUpdateWithNoChange previews and updates the committed
// stacks as an earlier hybridlink deployed them (testdata/deployed: the
// checkpoint and the local cloud of each) with this tree's program,
// components and local cloud: nothing changes, neither in the preview nor
// in the update.
func TestDeployedStacksUpdateWithNoChange(t *testing.T) {
	skipShort(t)
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			fixture := filepath.Join("testdata", "deployed", stack)
			if *deployedFrom != "" {
				writeDeployed(t, filepath.Join(*deployedFrom, stack), fixture, stack)
			}
			state := t.TempDir()
			installDeployed(t, fixture, state, stack)
			b := openBoxIn(t, copyProject(t), stack, state)
			for _, r := range []opResult{b.preview(), b.up()} {
				b.mustSucceed("update of the deployed stack", r)
				assert.Equal(t, map[apitype.OpType]int{apitype.OpSame: r.summary[apitype.OpSame]}, r.summary, "no change:\n%s", r.output)
				assert.Positive(t, r.summary[apitype.OpSame])
			}
		})
	}
}

// crypterOf is the crypter of a committed stack's secrets.
func crypterOf(t *testing.T, stack string) config.Crypter {
	t.Helper()
	f, err := stackfile.Read(filepath.Join(repo, "stacks"), stack)
	require.NoError(t, err)
	c, err := f.Crypter(stackfile.SandboxPassphrase)
	require.NoError(t, err)
	return c
}

// writeDeployed copies a deployed sandbox's files into the fixture, the
// local cloud's secret values encrypted with the stack's passphrase.
func writeDeployed(t *testing.T, from, fixture, stack string) {
	t.Helper()
	copyDeployed(t, from, fixture, stack, func(v any) any {
		ct, err := crypterOf(t, stack).EncryptValue(context.Background(), mustJSON(t, v))
		require.NoError(t, err)
		return map[string]any{"sealed": ct}
	})
}

// installDeployed copies the fixture into a sandbox state directory, the
// local cloud's secret values decrypted.
func installDeployed(t *testing.T, fixture, state, stack string) {
	t.Helper()
	copyDeployed(t, fixture, state, stack, func(v any) any {
		sealed, _ := v.(map[string]any)["sealed"].(string)
		plain, err := crypterOf(t, stack).DecryptValue(context.Background(), sealed)
		require.NoError(t, err)
		var out any
		require.NoError(t, json.Unmarshal([]byte(plain), &out))
		return out
	})
}

// copyDeployed copies the deployedFiles from one directory to another,
// rewriting the local cloud's secret values with secret.
func copyDeployed(t *testing.T, from, to, stack string, secret func(any) any) {
	t.Helper()
	for _, name := range deployedFiles {
		rel := fileName(name, stack)
		b, err := os.ReadFile(filepath.Join(from, rel))
		require.NoError(t, err)
		if rel == "cloud/state.json" {
			b = transformSecrets(t, b, secret)
		}
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(to, rel)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(to, rel), b, 0o644))
	}
}

func fileName(pattern, stack string) string {
	if filepath.Base(pattern) == "%s.json" {
		return filepath.Join(filepath.Dir(pattern), stack+".json")
	}
	return pattern
}

// secretSig marks a secret in the provider protocol's JSON encoding, which
// the local cloud's state file uses.
const secretSig = "1b47061264138c4ac30d75fd1eb44270"

// transformSecrets rewrites the value of every secret in a JSON document.
func transformSecrets(t *testing.T, doc []byte, fn func(any) any) []byte {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(doc, &v))
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if v["4dabf18193072939515e22adb298388d"] == secretSig {
				v["value"] = fn(v["value"])
				return
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	out, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	return append(out, '\n')
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

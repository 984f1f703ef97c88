package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/generated"
)

const root = "../.."

// The committed schema and SDKs must be exactly what the generator makes
// from the components' Go types and docs: a change to the Go API without
// regeneration, or a hand edit, fails here.
func TestCommittedFilesAreFresh(t *testing.T) {
	want, err := generate(root)
	require.NoError(t, err)
	committed, err := generatedFiles(root)
	require.NoError(t, err)
	generated.AssertFresh(t, root, want, committed, "go generate ./cmd/pulumi-resource-hybridlink")
}

func TestSDKsPinTheProviderVersion(t *testing.T) {
	files, err := generate(root)
	require.NoError(t, err)
	assert.Contains(t, string(files[filepath.Join(nodeDir, "package.json")]), `"version": "0.1.0"`)
	assert.Contains(t, string(files[filepath.Join(pythonDir, "hybridlink", "pulumi-plugin.json")]), `"version": "0.1.0"`)
}

// The Python SDK cannot be installed here (no Python package registry for
// the pulumi package): check what can be checked, that every module
// byte-compiles.
func TestPythonSDKCompiles(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Fatal("python3 is not installed: install Debian's python3 package (./test.sh does)")
	}
	files, err := generate(root)
	require.NoError(t, err)
	dir := t.TempDir()
	n := 0
	for name, content := range files {
		if !strings.HasPrefix(name, pythonDir+"/") || !strings.HasSuffix(name, ".py") {
			continue
		}
		path := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, content, 0o644))
		n++
	}
	require.NotZero(t, n)
	out, err := exec.Command(python, "-m", "compileall", "-q", filepath.Join(dir, pythonDir)).CombinedOutput()
	assert.NoError(t, err, "%s", out)
}

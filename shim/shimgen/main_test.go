package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The committed shim must be exactly what the generator makes from the
// committed schema: a hand edit to generated code, or a schema edit without
// regeneration, fails here.
func TestCommittedShimIsFresh(t *testing.T) {
	root := filepath.Join("..", "pulumi-alicloud")
	want, err := generate(root)
	require.NoError(t, err)

	committed, err := generatedFiles(root)
	require.NoError(t, err)
	for _, name := range committed {
		_, ok := want[name]
		assert.True(t, ok, "%s is committed but not generated; run go generate ./shim/...", name)
	}
	for name, content := range want {
		got, err := os.ReadFile(filepath.Join(root, name))
		if !assert.NoError(t, err, "%s is generated but not committed; run go generate ./shim/...", name) {
			continue
		}
		assert.Equal(t, string(content), string(got), "%s differs from a fresh generation; run go generate ./shim/...", name)
	}
}

func TestGeneratedSDKPinsPluginVersion(t *testing.T) {
	files, err := generate(filepath.Join("..", "pulumi-alicloud"))
	require.NoError(t, err)
	assert.Contains(t, string(files["go/alicloud/pulumi-plugin.json"]), `"version": "3.105.0"`)
	assert.Contains(t, string(files["go/alicloud/internal/pulumiUtilities.go"]), `semver.MustParse("3.105.0")`)
}

func TestDropExistsFuncs(t *testing.T) {
	src := []byte("package p\n\n// FooExists checks.\nfunc FooExists(ctx *C) bool {\n\treturn ctx.ExistsResource()\n}\n\nfunc Keep() {}\n")
	got, err := dropExistsFuncs("p.go", src)
	require.NoError(t, err)
	assert.NotContains(t, string(got), "FooExists")
	assert.Contains(t, string(got), "func Keep()")
}

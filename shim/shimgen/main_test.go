package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/generated"
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
	generated.AssertFresh(t, root, want, committed, "go generate ./shim/...")
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

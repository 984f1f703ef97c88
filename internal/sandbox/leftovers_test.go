package sandbox

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What a killed run leaves among a stack's objects is removed; intact
// objects, sidecars without their object, and other stacks' files (another
// run may be writing them) are kept.
func TestRemoveLeftovers(t *testing.T) {
	backend := t.TempDir()
	meta := filepath.Join(backend, ".pulumi")
	files := map[string]bool{ // path below .pulumi: removed
		"meta.yaml":                                                     false,
		"meta.yaml.18edd0000000001a.tmp":                                false, // not the stack's
		"stacks/hybridlink/prod.json":                                   false,
		"stacks/hybridlink/prod.json.attrs":                             true, // torn: empty
		"stacks/hybridlink/prod.json.18edd0aa.tmp":                      true, // an unfinished write
		"stacks/hybridlink/prod.json.bak":                               false,
		"stacks/hybridlink/prod.json.bak.attrs":                         true, // torn: cut short
		"stacks/hybridlink/prod.json.bak.1ff.tmp":                       true,
		"stacks/hybridlink/dev.json.18edd0bb.tmp":                       false, // another stack's
		"stacks/hybridlink/dev.json.attrs":                              false,
		"locks/organization/hybridlink/prod/6e4fc684.json.18eddab8.tmp": true,
		"locks/organization/hybridlink/prod/6e4fc684.json.attrs":        false, // whole, its lock not renamed yet
		"history/hybridlink/prod/prod-1.history.json.18edda.tmp":        true,
		"history/hybridlink/prod/prod-1.history.json":                   false,
		"backups/hybridlink/prod/prod.1.json.18edda.tmp":                true,
	}
	bodies := map[string]string{
		"stacks/hybridlink/prod.json.attrs":     "",
		"stacks/hybridlink/prod.json.bak.attrs": `{"user.content_type":"application/json","md5":"`,
		"stacks/hybridlink/dev.json.attrs":      "",
	}
	for name := range files {
		body, ok := bodies[name]
		if !ok {
			body = `{"user.content_type":"application/json"}` + "\n"
		}
		p := filepath.Join(meta, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
	}
	found, err := findLeftovers(backend, "prod")
	require.NoError(t, err)
	require.NoError(t, removeLeftovers(found, io.Discard))
	for name, removed := range files {
		_, err := os.Stat(filepath.Join(meta, name))
		assert.Equal(t, removed, os.IsNotExist(err), "%s removed", name)
	}
	// A sandbox with no backend yet has nothing to repair.
	found, err = findLeftovers(filepath.Join(backend, "missing"), "prod")
	assert.NoError(t, err)
	assert.Empty(t, found)
}

package sandbox

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A run killed while the backend rewrote a sidecar leaves it empty or cut
// short; the repair removes exactly those and keeps every intact file.
func TestRemoveTornAttrs(t *testing.T) {
	backend := t.TempDir()
	dir := filepath.Join(backend, ".pulumi", "stacks", "hybridlink")
	require.NoError(t, os.MkdirAll(dir, 0o700))
	files := map[string]string{
		"prod.json":       `{"version":3}`,
		"prod.json.attrs": ``,
		"dev.json":        `{"version":3}`,
		"dev.json.attrs":  `{"user.content_type":"application/json","md5":"`,
		"ok.json.attrs":   `{"user.content_type":"application/json"}` + "\n",
		"notes.txt":       ``,
	}
	for name, body := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600))
	}
	require.NoError(t, removeTornAttrs(backend, io.Discard))
	for name := range files {
		_, err := os.Stat(filepath.Join(dir, name))
		torn := name == "prod.json.attrs" || name == "dev.json.attrs"
		assert.Equal(t, torn, os.IsNotExist(err), "%s: removed=%v", name, os.IsNotExist(err))
	}
	// A sandbox with no backend yet has nothing to repair.
	assert.NoError(t, removeTornAttrs(filepath.Join(backend, "missing"), io.Discard))
}

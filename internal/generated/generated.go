// Package generated checks, in tests, that committed generated files are
// exactly what their generator makes now: a hand edit, or a change to the
// generator's input without regenerating, fails.
package generated

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

// AssertFresh compares a fresh generation (want, keyed by path relative to
// root) with the committed files (committed, the generated files found
// under root) and reports every file to add, change or remove; regenerate is
// the command that fixes it.
func AssertFresh(t testing.TB, root string, want map[string][]byte, committed []string, regenerate string) {
	t.Helper()
	for _, name := range committed {
		_, ok := want[name]
		assert.True(t, ok, "%s is committed but not generated; run %s", name, regenerate)
	}
	for name, content := range want {
		got, err := os.ReadFile(filepath.Join(root, name))
		if !assert.NoError(t, err, "%s is generated but not committed; run %s", name, regenerate) {
			continue
		}
		assert.Equal(t, string(content), string(got), "%s differs from a fresh generation; run %s", name, regenerate)
	}
}

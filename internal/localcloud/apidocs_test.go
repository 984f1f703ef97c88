package localcloud

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDocsListEveryCitedPage checks that docs/sandbox-fidelity.md links
// every documentation page a rule of the local cloud cites: every doc…
// constant of apidocs.go, all of which apiDocs must hold.
func TestDocsListEveryCitedPage(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "apidocs.go", nil, 0)
	require.NoError(t, err)
	var consts []string
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
			for _, s := range g.Specs {
				for _, n := range s.(*ast.ValueSpec).Names {
					if strings.HasPrefix(n.Name, "doc") {
						consts = append(consts, n.Name)
					}
				}
			}
		}
	}
	assert.Len(t, slices.Compact(slices.Sorted(slices.Values(apiDocs))), len(consts), "apiDocs holds each of %v once", consts)

	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "sandbox-fidelity.md"))
	require.NoError(t, err)
	for _, url := range apiDocs {
		assert.True(t, strings.Contains(string(b), "("+url+")"), "docs/sandbox-fidelity.md does not link %s", url)
	}
}

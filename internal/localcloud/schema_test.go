package localcloud

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// schemaFile is the part of the project's schema subset the tests read.
type schemaFile struct {
	Resources map[string]struct {
		RequiredInputs  []string                   `json:"requiredInputs"`
		Required        []string                   `json:"required"`
		InputProperties map[string]json.RawMessage `json:"inputProperties"`
		Properties      map[string]json.RawMessage `json:"properties"`
	} `json:"resources"`
	Functions map[string]json.RawMessage `json:"functions"`
}

func loadSchema(t testing.TB) schemaFile {
	t.Helper()
	b, err := os.ReadFile("../../shim/pulumi-alicloud/schema.json")
	require.NoError(t, err)
	var s schemaFile
	require.NoError(t, json.Unmarshal(b, &s))
	return s
}

// servedKinds are the kinds the engine can manage.
func servedKinds() map[tokens.Type]*kind {
	out := map[tokens.Type]*kind{}
	for t, k := range kinds {
		if !k.internal {
			out[t] = k
		}
	}
	return out
}

func TestKindsMatchTheSchema(t *testing.T) {
	s := loadSchema(t)
	var want, got []string
	for tok := range s.Resources {
		want = append(want, tok)
	}
	for tok := range servedKinds() {
		got = append(got, string(tok))
	}
	slices.Sort(want)
	slices.Sort(got)
	require.Equal(t, want, got, "the table covers exactly the schema's resources")
	require.Len(t, got, 22)
	var fns []string
	for tok := range s.Functions {
		fns = append(fns, tok)
	}
	var served []string
	for tok := range functions {
		served = append(served, tok)
	}
	assert.ElementsMatch(t, fns, served, "the local cloud serves exactly the schema's functions")

	for tok, k := range servedKinds() {
		r := s.Resources[string(tok)]
		for _, p := range k.secrets {
			assert.Contains(t, r.Properties, string(topKey(p)), "%s secret %s is an output", tok, p)
		}
		for _, ref := range k.refs {
			assert.Contains(t, r.InputProperties, string(topKey(ref.path)), "%s reference %s is an input", tok, ref.path)
		}
	}
}

package stacks

import (
	"encoding/json"
	"errors"
	"maps"
	"regexp"
	"sort"
	"strconv"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/mockcloud"
	"github.com/hybridlink/hybridlink/internal/stackfile"
)

// committed reads a committed stack file, secrets decrypted, as a MapSource
// the test may change.
func committed(t testing.TB, stack string) MapSource {
	t.Helper()
	f, err := stackfile.Read(".", stack)
	require.NoError(t, err)
	cfg, err := f.Config(stackfile.SandboxPassphrase)
	require.NoError(t, err)
	return MapSource{Values: maps.Clone(cfg.Values), Secrets: maps.Clone(cfg.Secrets)}
}

// secretKeys lists a source's secret keys, for the mocks' run info.
func (m MapSource) secretKeys() []string {
	var keys []string
	for k, secret := range m.Secrets {
		if secret {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// runProgram runs Program under mocks with a source's config.
func runProgram(stack string, src MapSource) (*mockcloud.Mocks, error) {
	return mockcloud.Run(stack, src.Values, src.secretKeys(), Program)
}

// runProgramListingKeys runs Program under mocks with the configuration
// also in PULUMI_CONFIG, where the language host puts it for `pulumi up`.
func runProgramListingKeys(t *testing.T, stack string, src MapSource) (*mockcloud.Mocks, error) {
	t.Helper()
	b, err := json.Marshal(src.Values)
	require.NoError(t, err)
	t.Setenv(pulumi.EnvConfig, string(b))
	return runProgram(stack, src)
}

// configError extracts the *ConfigError of an error.
func configError(t testing.TB, err error) *ConfigError {
	t.Helper()
	require.Error(t, err)
	var ce *ConfigError
	require.True(t, errors.As(err, &ce), "%v is a *ConfigError", err)
	return ce
}

// problemKeys are the keys of a ConfigError's problems, sorted, with
// duplicates (two problems of one key) kept.
func problemKeys(ce *ConfigError) []string {
	keys := make([]string, len(ce.Problems))
	for i, p := range ce.Problems {
		keys[i] = p.Key
	}
	sort.Strings(keys)
	return keys
}

var pathSegment = regexp.MustCompile(`^([A-Za-z]*)((?:\[\d+\])*)$`)

// setJSON changes the JSON value of key at path ("vSwitches[1].cidr"; "" is
// the whole value). A nil v deletes the field.
func (m MapSource) setJSON(t testing.TB, key, path string, v any) {
	t.Helper()
	var root any
	require.NoError(t, json.Unmarshal([]byte(m.Values[key]), &root), "%s holds JSON", key)
	root = setAt(t, root, splitPath(t, path), v)
	b, err := json.Marshal(root)
	require.NoError(t, err)
	m.Values[key] = string(b)
}

// step is one step of a path: a field name or an index.
type step struct {
	field string
	index int
}

func splitPath(t testing.TB, path string) []step {
	t.Helper()
	var steps []step
	if path == "" {
		return nil
	}
	for _, seg := range regexp.MustCompile(`\.`).Split(path, -1) {
		m := pathSegment.FindStringSubmatch(seg)
		require.NotNil(t, m, "path segment %q", seg)
		if m[1] != "" {
			steps = append(steps, step{field: m[1], index: -1})
		}
		for _, idx := range regexp.MustCompile(`\d+`).FindAllString(m[2], -1) {
			i, _ := strconv.Atoi(idx)
			steps = append(steps, step{index: i})
		}
	}
	return steps
}

func setAt(t testing.TB, node any, steps []step, v any) any {
	t.Helper()
	if len(steps) == 0 {
		return v
	}
	s := steps[0]
	if s.index >= 0 {
		arr, ok := node.([]any)
		require.True(t, ok, "an array at [%d]", s.index)
		if s.index == len(arr) {
			arr = append(arr, nil)
		}
		arr[s.index] = setAt(t, arr[s.index], steps[1:], v)
		return arr
	}
	obj, ok := node.(map[string]any)
	if node == nil {
		obj, ok = map[string]any{}, true
	}
	require.True(t, ok, "an object at %s", s.field)
	if len(steps) == 1 && v == nil {
		delete(obj, s.field)
		return obj
	}
	obj[s.field] = setAt(t, obj[s.field], steps[1:], v)
	return obj
}

// set, raw and drop are the changes the malformed-stack tables make: a
// field of a JSON value, a whole raw value, a key removed.
func set(key, path string, v any) func(*testing.T, MapSource) {
	return func(t *testing.T, src MapSource) { src.setJSON(t, key, path, v) }
}

func raw(key, v string) func(*testing.T, MapSource) {
	return func(_ *testing.T, src MapSource) { src.Values[key] = v }
}

func drop(key string) func(*testing.T, MapSource) {
	return func(_ *testing.T, src MapSource) { delete(src.Values, key); delete(src.Secrets, key) }
}

// existingTransitVPC makes the transit VPC an existing one, with valid IDs.
func existingTransitVPC(t *testing.T, src MapSource) {
	src.setJSON(t, "hybridlink:transitVpc", "id", "vpc-bp1transit0000001")
	src.setJSON(t, "hybridlink:transitVpc", "routeTableId", "vtb-bp1transit0000001")
	src.setJSON(t, "hybridlink:transitVpc", "vSwitches[0].id", "vsw-bp1transith000001")
	src.setJSON(t, "hybridlink:transitVpc", "vSwitches[1].id", "vsw-bp1transiti000001")
}

// MapSource is a Source over a map, for the tests; keys listed in
// Secrets count as encrypted.
type MapSource struct {
	Values  map[string]string
	Secrets map[string]bool
}

func (m MapSource) Get(key string) (string, bool) { v, ok := m.Values[key]; return v, ok }

func (m MapSource) IsSecret(key string) bool { return m.Secrets[key] }

func (m MapSource) Keys() []string {
	keys := make([]string, 0, len(m.Values))
	for k := range m.Values {
		keys = append(keys, k)
	}
	return keys
}

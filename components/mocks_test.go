package components_test

import (
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"testing"

	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/components"
	"github.com/hybridlink/hybridlink/internal/mockcloud"
)

// testStack is the stack every component test runs in.
const testStack = "test"

// stackURN is the parent of a top-level component.
var stackURN = resource.URN("urn:pulumi:test::hybridlink::pulumi:pulumi:Stack::hybridlink-test")

// run runs a program under mocks.
func run(program pulumi.RunFunc) (*mockcloud.Mocks, error) {
	return mockcloud.Run(testStack, nil, nil, program)
}

// outputs are awaited output values by name.
type outputs map[string]any

// await resolves outputs inside a running program, so the assertions after
// the run see real values (an assertion inside an ApplyT that never runs
// would pass silently). Every output must be known.
func await(ctx *pulumi.Context, into outputs, outs map[string]pulumi.Output) error {
	for name, o := range outs {
		r, err := internals.UnsafeAwaitOutput(ctx.Context(), o)
		if err != nil {
			return fmt.Errorf("await %s: %w", name, err)
		}
		if !r.Known {
			return fmt.Errorf("await %s: unknown", name)
		}
		into[name] = r.Value
	}
	return nil
}

// newProvider is an explicit alicloud provider, as a program with several
// regions or accounts passes to the components.
func newProvider(ctx *pulumi.Context) (*alicloud.Provider, error) {
	return alicloud.NewProvider(ctx, "hz", &alicloud.ProviderArgs{Region: pulumi.String("cn-hangzhou")})
}

// providerRef is how the engine names a provider to its resources and invokes.
func providerRef(t *testing.T, m *mockcloud.Mocks) string {
	t.Helper()
	p, ok := m.Named("hz")
	require.True(t, ok, "the explicit provider was registered")
	require.Equal(t, tokens.Type("pulumi:providers:alicloud"), p.Type)
	return string(p.URN) + "::" + p.ID
}

// assertAllUseProvider checks that every custom resource but the provider
// itself, and every invoke, uses the explicit provider.
func assertAllUseProvider(t *testing.T, m *mockcloud.Mocks) {
	t.Helper()
	ref := providerRef(t, m)
	custom := 0
	for _, r := range m.Resources() {
		if !r.Custom || r.Name == "hz" {
			continue
		}
		custom++
		assert.Equal(t, ref, r.Provider, "%s %s uses the explicit provider", r.Type, r.Name)
	}
	assert.NotZero(t, custom)
	for _, i := range m.Invokes() {
		assert.Equal(t, ref, i.Provider, "invoke %s uses the explicit provider", i.Token)
	}
}

// component returns the registration of a component resource by name.
func component(t *testing.T, m *mockcloud.Mocks, typ tokens.Type, name string) mockcloud.Registered {
	t.Helper()
	r, ok := m.Named(name)
	require.True(t, ok, "component %s registered", name)
	require.Equal(t, typ, r.Type)
	require.False(t, r.Custom)
	return r
}

// child is one expected child: its type and name.
type child struct {
	Type tokens.Type
	Name string
}

// assertChildren checks that parent's children are exactly want.
func assertChildren(t *testing.T, m *mockcloud.Mocks, parent resource.URN, want ...child) {
	t.Helper()
	var got []child
	for _, r := range m.Children(parent) {
		got = append(got, child{r.Type, r.Name})
	}
	assert.ElementsMatch(t, want, got, "children of %s", parent)
}

// res returns a registration by name.
func res(t *testing.T, m *mockcloud.Mocks, name string) mockcloud.Registered {
	t.Helper()
	r, ok := m.Named(name)
	require.True(t, ok, "%s registered", name)
	return r
}

// input reads a plain (non-secret) input.
func input(t *testing.T, r mockcloud.Registered, path string) any {
	t.Helper()
	v, secret, ok := r.Input(path)
	require.True(t, ok, "%s has input %s", r.Name, path)
	assert.False(t, secret, "%s input %s is not secret", r.Name, path)
	return v
}

// secretInput reads an input that must be secret.
func secretInput(t *testing.T, r mockcloud.Registered, path string) any {
	t.Helper()
	v, secret, ok := r.Input(path)
	require.True(t, ok, "%s has input %s", r.Name, path)
	assert.True(t, secret, "%s input %s is secret", r.Name, path)
	return v
}

// assertAbsent checks that an input is not set.
func assertAbsent(t *testing.T, r mockcloud.Registered, path string) {
	t.Helper()
	v, _, ok := r.Input(path)
	assert.True(t, !ok || v == nil, "%s input %s is unset, got %v", r.Name, path, v)
}

// argErrorFields returns the field paths of an error's ArgErrors, sorted.
func argErrorFields(t *testing.T, err error) []string {
	t.Helper()
	var errs components.ArgErrors
	require.True(t, errors.As(err, &errs), "error %v holds ArgErrors", err)
	var fields []string
	for _, e := range errs {
		assert.NotEmpty(t, e.Problem, "%s has a problem", e.Field)
		assert.NotEmpty(t, e.Fix, "%s has a fix", e.Field)
		assert.Contains(t, err.Error(), e.Field, "the message names the field")
		fields = append(fields, e.Field)
	}
	sort.Strings(fields)
	return fields
}

// requireRejected runs a program whose constructor must fail validation: the
// error names exactly fields, and nothing was registered or invoked.
func requireRejected(t *testing.T, fields []string, program pulumi.RunFunc) error {
	t.Helper()
	m, err := run(program)
	require.Error(t, err)
	assert.Equal(t, fields, argErrorFields(t, err))
	assert.Empty(t, m.Resources(), "nothing is registered when validation fails")
	assert.Empty(t, m.Invokes(), "nor invoked")
	return err
}

// argError returns the ArgError for a field.
func argError(t *testing.T, err error, field string) *components.ArgError {
	t.Helper()
	var errs components.ArgErrors
	require.True(t, errors.As(err, &errs))
	for _, e := range errs {
		if e.Field == field {
			return e
		}
	}
	require.Failf(t, "no ArgError", "for %s in %v", field, err)
	return nil
}

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

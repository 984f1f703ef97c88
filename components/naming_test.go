package components_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/components"
)

// Every component is aliased to its type token before v0.1.0, so the engine
// takes a stack deployed with those for the same resources; the caller's
// own aliases are kept, and custom resources get none of ours (they inherit
// the parent's in the engine).
func TestComponentsAliasTheirFormerTokens(t *testing.T) {
	m, err := run(func(ctx *pulumi.Context) error {
		a := referenceHCArgs()
		a.Monitoring = &components.StandbyMonitoringArgs{ContactGroup: components.ContactGroupArgs{Name: "oncall", Contacts: []string{"netops"}}}
		_, err := components.NewHybridConnection(ctx, "hl", a, pulumi.Aliases([]pulumi.Alias{{Type: pulumi.String("acme:net:Link")}}))
		return err
	})
	require.NoError(t, err)
	for name, want := range map[string][]string{
		"hl":                {"acme:net:Link", "hybridlink:components:HybridConnection"},
		"hl-expressconnect": {"hybridlink:components:ExpressConnectLeg"},
		"hl-vpn":            {"hybridlink:components:VpnStandbyLeg"},
		"hl-hub":            {"hybridlink:components:CenHub"},
		"hl-monitoring":     {"hybridlink:components:StandbyMonitoring"},
	} {
		r := res(t, m, name)
		assert.True(t, strings.HasPrefix(string(r.Type), "hybridlink:index:"), "%s's token %s", name, r.Type)
		assert.Equal(t, want, r.AliasTypes, "%s's aliases", name)
	}
	custom := 0
	for _, r := range m.Resources() {
		if r.Custom {
			custom++
			assert.Empty(t, r.AliasTypes, "%s", r.Name)
		}
	}
	assert.NotZero(t, custom)
}

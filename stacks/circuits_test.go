package stacks

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/components"
	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// prod-dual loads into two circuits, the list's order kept, and the
// on-premises side the route model and the renderers see carries both.
func TestTwoCircuitsLoad(t *testing.T) {
	env, err := Load("prod-dual", committed(t, "prod-dual"))
	require.NoError(t, err)
	assert.True(t, env.Config.ExpressConnect.List)
	a := env.Args
	require.NotNil(t, a.SecondExpressConnect)
	assert.Equal(t, netip.MustParseAddr("10.1.0.9"), a.ExpressConnect.LocalGatewayIP)
	assert.Equal(t, netip.MustParseAddr("10.1.0.13"), a.SecondExpressConnect.LocalGatewayIP)
	assert.Equal(t, 10, *a.SecondExpressConnect.VLANID)
	assert.Equal(t, 300, *a.SecondExpressConnect.BFD.MinTxIntervalMs)
	assert.Equal(t, components.ActiveStandby, a.CircuitMode)

	assert.Equal(t, routemodel.OnPrem{
		IDCPrefixes: a.IDCPrefixes, BGPPreference: 20, StaticPreference: 255,
		Sessions: []routemodel.Session{
			{VBRIP: netip.MustParseAddr("10.1.0.9"), LocalPreference: 200},
			{VBRIP: netip.MustParseAddr("10.1.0.13"), LocalPreference: 100},
		},
	}, env.OnPremModel())
	site := env.OnPremSite([]netip.Addr{netip.MustParseAddr("198.51.100.10")}, "psk", false)
	require.NotNil(t, site.SecondCircuit)
	assert.Equal(t, netip.MustParseAddr("10.1.0.14"), site.SecondCircuit.PeeringIP)
	assert.Equal(t, netip.MustParsePrefix("10.1.0.12/30"), site.SecondCircuit.PeeringSubnet)
	assert.Equal(t, 10, site.SecondCircuit.VLAN)

	src := committed(t, "prod-dual")
	src.Values[modeKey] = "ecmp"
	env, err = Load("prod-dual", src)
	require.NoError(t, err)
	on := env.OnPremModel()
	assert.True(t, on.ECMP)
	assert.Equal(t, []int{100, 100}, []int{on.Sessions[0].LocalPreference, on.Sessions[1].LocalPreference})

	// One circuit: no sessions, no second circuit; the map form stays.
	env, err = Load("prod", committed(t, "prod"))
	require.NoError(t, err)
	assert.False(t, env.Config.ExpressConnect.List)
	assert.Nil(t, env.Args.SecondExpressConnect)
	assert.Empty(t, env.OnPremModel().Sessions)
	assert.Nil(t, env.OnPremSite(nil, "psk", false).SecondCircuit)
}

// The second circuit's numbers and boolean: 0 is judged at the listed key,
// and a value written is the value deployed.
func TestSecondCircuitNumbers(t *testing.T) {
	for _, k := range numberKeys {
		if k.key != ecKey {
			continue
		}
		t.Run(k.field, func(t *testing.T) {
			field, path := "[1]."+k.field, "Second"+k.path
			if k.zero == "" {
				src := committed(t, "prod-dual")
				src.setJSON(t, ecKey, field, 0)
				env, err := Load("prod-dual", src)
				require.NoError(t, err)
				assert.Equal(t, 0, numberAt(t, env, path))
			} else {
				checkMalformed(t, malformed{stack: "prod-dual", mutate: set(ecKey, field, 0),
					keys: []string{ecKey + field}, value: "0", mentions: []string{k.zero}})
			}
			src := committed(t, "prod-dual")
			valid := k.valid
			if k.field == "peerAsn" {
				// One gateway, one AS: set both circuits'.
				src.setJSON(t, ecKey, "[0].peerAsn", valid)
			}
			src.setJSON(t, ecKey, field, valid)
			env, err := Load("prod-dual", src)
			require.NoError(t, err)
			assert.Equal(t, valid, numberAt(t, env, path))
		})
	}
	for _, want := range []bool{false, true} {
		src := committed(t, "prod-dual")
		if !want {
			src.setJSON(t, ecKey, "[1].bfd", nil)
		}
		src.setJSON(t, ecKey, "[1].enableBfd", want)
		env, err := Load("prod-dual", src)
		require.NoError(t, err)
		assert.Equal(t, want, env.Args.SecondExpressConnect.EnableBFD)
		assert.Equal(t, want, env.OnPremSite(nil, "psk", false).SecondCircuit.BFD)
	}
}

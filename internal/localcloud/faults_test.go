package localcloud

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// The fault switch persists with the sandbox and the routing follows it; a
// stack's routing sees only that stack's resources.
func TestFaultSwitchDrivesRouting(t *testing.T) {
	h := newHarness(t)
	newWorld(h)
	onprem := routemodel.OnPrem{IDCPrefixes: []netip.Prefix{netip.MustParsePrefix("172.16.0.0/16")}}

	f, err := h.cloud.Faults()
	require.NoError(t, err)
	assert.Equal(t, routemodel.Faults{}, f, "a new sandbox has every link up")

	n, f, err := h.cloud.Routing("dev", onprem)
	require.NoError(t, err)
	paths := n.Paths(f)
	require.Len(t, paths, 2)
	assert.Equal(t, routemodel.Circuit, paths[0].Link)
	assert.Empty(t, n.Verify(n.Distinct()), "the world is the reference design")

	require.NoError(t, h.cloud.SetFaults(routemodel.Faults{CircuitDown: true}))
	reopened, err := Open(h.dir)
	require.NoError(t, err)
	n, f, err = reopened.Routing("dev", onprem)
	require.NoError(t, err)
	assert.Equal(t, routemodel.Faults{CircuitDown: true}, f, "the fault persists")
	for _, p := range n.Paths(f) {
		assert.Equal(t, routemodel.Tunnel, p.Link, "%s", p)
	}

	n, f, err = h.cloud.Routing("prod", onprem)
	require.NoError(t, err)
	assert.Empty(t, n.Paths(f), "no resource of stack prod")
}

package routemodel_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// The lab builds the emulated cloud from these accessors: the transit
// router's routes by attachment, the VBR's routes into the hub and the VPN
// gateway's into the tunnel.
func TestRouteAttachments(t *testing.T) {
	tables := deploy(t, "prod", nil).network(updated).Tables(routemodel.Faults{})
	workload, transit := netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("10.0.0.0/16")
	type tr struct {
		dest     netip.Prefix
		fromVBR  bool
		vpc      netip.Prefix
		attached bool
		active   bool
	}
	var got []tr
	for _, r := range tables.TransitRouter {
		vpc, ok := r.AttachedVPC()
		got = append(got, tr{r.Dest, r.FromVBR(), vpc, ok, r.Active})
	}
	assert.ElementsMatch(t, []tr{
		{transit, false, transit, true, true},
		{idc, true, netip.Prefix{}, false, true},
		{idc, false, transit, true, false}, // the advertised VPN route, ranked below the VBR's
		{workload, false, workload, true, true},
	}, got)
	var intoHub []netip.Prefix
	for _, r := range tables.VBRs[0].Routes {
		if r.ToTransitRouter() {
			intoHub = append(intoHub, r.Dest)
		}
	}
	assert.ElementsMatch(t, []netip.Prefix{workload, transit}, intoHub)
	for _, r := range tables.VPNGateway {
		assert.True(t, r.ToTunnel(), "%v", r)
	}
	assert.NotEmpty(t, tables.VPNGateway)
}

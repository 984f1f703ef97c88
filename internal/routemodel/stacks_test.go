package routemodel_test

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// allScenarios are the drill and the VPN-down state, in the order an
// operator meets them.
var allScenarios = append(slices.Clone(routemodel.Drill), routemodel.VPNDown)

// labels are how paths name the prod stack's nodes in a mode: with IDs and
// the VPN gateway's public IP once known, by name at a first preview.
type labels struct{ workload, transit, gateway string }

func prodLabels(m mode) labels {
	if m == preview {
		return labels{workload: vpcWorkload, transit: vpcTransit, gateway: gatewayName}
	}
	return labels{workload: "workload (vpc-workload)", transit: "transit (vpc-transit)", gateway: "198.51.100.10"}
}

// circuitPaths are the forward and return path over Express Connect of a
// stack with one IDC prefix and one workload VPC.
func circuitPaths(l labels, vbrIP string, idc, cidr netip.Prefix, urn resource.URN) []routemodel.Path {
	return []routemodel.Path{
		{Direction: routemodel.Forward, IDC: idc, VPC: l.workload, VPCURN: urn, VPCCIDR: cidr, Link: routemodel.Circuit,
			Hops: []string{"on-prem gateway", "VBR " + vbrIP, "transit router", "VPC " + l.workload}},
		{Direction: routemodel.Return, IDC: idc, VPC: l.workload, VPCURN: urn, VPCCIDR: cidr, Link: routemodel.Circuit,
			Hops: []string{"VPC " + l.workload, "transit router", "VBR " + vbrIP, "on-prem gateway"}},
	}
}

// tunnelPaths are the same paths over the VPN, through the transit VPC.
func tunnelPaths(l labels, idc, cidr netip.Prefix, urn resource.URN) []routemodel.Path {
	return []routemodel.Path{
		{Direction: routemodel.Forward, IDC: idc, VPC: l.workload, VPCURN: urn, VPCCIDR: cidr, Link: routemodel.Tunnel,
			Hops: []string{"on-prem gateway", "VPN gateway " + l.gateway, "VPC " + l.transit, "transit router", "VPC " + l.workload}},
		{Direction: routemodel.Return, IDC: idc, VPC: l.workload, VPCURN: urn, VPCCIDR: cidr, Link: routemodel.Tunnel,
			Hops: []string{"VPC " + l.workload, "transit router", "VPC " + l.transit, "VPN gateway " + l.gateway, "on-prem gateway"}},
	}
}

// The committed prod stack follows the design's drill in every state the
// engine shows it in: first preview, after an update, and with IDs only.
func TestProdStackPaths(t *testing.T) {
	d := deploy(t, "prod", nil)
	require.Equal(t, []netip.Prefix{idc}, d.idc)
	cidr := netip.MustParsePrefix("192.168.0.0/16")
	for _, m := range modes {
		t.Run(m.String(), func(t *testing.T) {
			s := d.stack(m)
			// The state is the one the mode claims.
			att := s.get(t, attWorkload)
			_, known := att.String("vpcId")
			assert.Equal(t, m != preview, known, "the attachment's vpcId is known")
			assert.Equal(t, m == preview, att.ID == "", "the attachment's ID is unknown")
			assert.Equal(t, m != idsOnly, len(att.Deps["vpcId"]) == 1, "the vpcId's dependency is recorded")

			urn := s.get(t, vpcWorkload).URN
			n := d.network(m)
			assert.Empty(t, n.Verify(allScenarios))
			assert.Empty(t, n.Verify(n.Distinct()))
			assert.Equal(t, []netip.Prefix{cidr}, n.Workloads(), "the transit VPC is not a workload")

			l := prodLabels(m)
			circuit, tunnel := circuitPaths(l, "10.1.0.1", idc, cidr, urn), tunnelPaths(l, idc, cidr, urn)
			for _, c := range []struct {
				sc   routemodel.Scenario
				want []routemodel.Path
			}{
				{routemodel.Normal, circuit},
				{routemodel.CircuitDown, tunnel},
				{routemodel.CircuitRestored, circuit},
				{routemodel.VPNDown, circuit},
			} {
				assert.Equal(t, c.want, n.Paths(c.sc.Faults), c.sc.Name)
			}
			// Both links down: nothing gets through, and Verify expects
			// nothing.
			both := routemodel.Faults{CircuitDown: true, VPNDown: true}
			for _, p := range n.Paths(both) {
				assert.Equal(t, "the IPsec tunnel is down", p.Problem, p.String())
			}
			assert.Empty(t, n.Verify([]routemodel.Scenario{{Name: "both down", Faults: both}}))
		})
	}
}

func TestDevStackPaths(t *testing.T) {
	d := deploy(t, "dev", nil)
	cidr := netip.MustParsePrefix("10.20.0.0/16")
	for _, m := range modes {
		t.Run(m.String(), func(t *testing.T) {
			s := d.stack(m)
			urn := s.get(t, vpcWorkload).URN
			n := d.network(m)
			assert.Empty(t, n.Verify(allScenarios))
			assert.Equal(t, []netip.Prefix{cidr}, n.Workloads())
			l := prodLabels(m)
			// dev's VBR is at 10.1.0.5 and its single-tunnel gateway still
			// answers at the mocks' public IP.
			assert.Equal(t, circuitPaths(l, "10.1.0.5", idc, cidr, urn), n.Paths(routemodel.Faults{}))
			assert.Equal(t, tunnelPaths(l, idc, cidr, urn), n.Paths(routemodel.CircuitDown.Faults))
		})
	}
}

// row is a route without the model's internal links, to compare tables.
type row struct {
	Dest, Via, Source string
	Preference        int
	Active            bool
}

func rows(routes []routemodel.Route) []row {
	out := []row{}
	for _, r := range routes {
		out = append(out, row{r.Dest.String(), r.Via, r.Source, r.Preference, r.Active})
	}
	return out
}

func TestProdStackTables(t *testing.T) {
	n := deploy(t, "prod", nil).network(updated)
	const (
		transitCIDR = "10.0.0.0/16"
		idcCIDR     = "172.16.0.0/16"
		wlCIDR      = "192.168.0.0/16"
	)
	fromTR := func(dest string) row {
		return row{dest, "transit router", "auto-published by the transit router", 0, true}
	}
	local := func(dest string) row { return row{dest, "local", "system", 0, true} }
	workloadVPC := []row{fromTR(transitCIDR), fromTR(idcCIDR), local(wlCIDR)}
	transitVPC := []row{local(transitCIDR), {idcCIDR, "VPN gateway 198.51.100.10", "published by the VPN gateway", 0, true}, fromTR(wlCIDR)}
	gateway := []row{{idcCIDR, "IPsec connection", "destination route, weight 100", 0, true}}

	t.Run("normal", func(t *testing.T) {
		tables := n.Tables(routemodel.Faults{})
		assert.Equal(t, []row{
			{transitCIDR, "attachment of VPC transit", "propagated from VPC transit", 0, true},
			// Both routes to the IDC: the VBR's BGP route wins.
			{idcCIDR, "attachment of the VBR", "BGP, propagated from the VBR", 50, true},
			{idcCIDR, "attachment of VPC transit", "advertised from VPC transit", 0, false},
			{wlCIDR, "attachment of VPC workload", "propagated from VPC workload", 0, true},
		}, rows(tables.TransitRouter))
		assert.Equal(t, []string{vpcTransit, vpcWorkload}, sortedKeys(tables.VPCs))
		assert.Equal(t, workloadVPC, rows(tables.VPCs[vpcWorkload]))
		assert.Equal(t, transitVPC, rows(tables.VPCs[vpcTransit]), "the transit VPC keeps the VPN route the gateway publishes")
		assert.Equal(t, []row{fromTR(transitCIDR), {idcCIDR, "on-prem gateway 10.1.0.2", "BGP", 0, true}, fromTR(wlCIDR)}, rows(tables.VBRs[0].Routes))
		assert.Equal(t, gateway, rows(tables.VPNGateway))
		assert.Equal(t, []row{
			{transitCIDR, "VBR 10.1.0.1", "BGP", 20, true},
			{wlCIDR, "VBR 10.1.0.1", "BGP", 20, true},
			{wlCIDR, "IPsec tunnel to 198.51.100.10", "static", 255, false},
		}, rows(tables.OnPrem), "BGP (20) is active over the static route (255)")
	})
	t.Run("circuit down", func(t *testing.T) {
		tables := n.Tables(routemodel.CircuitDown.Faults)
		assert.Equal(t, []row{
			{transitCIDR, "attachment of VPC transit", "propagated from VPC transit", 0, true},
			{idcCIDR, "attachment of VPC transit", "advertised from VPC transit", 0, true},
			{wlCIDR, "attachment of VPC workload", "propagated from VPC workload", 0, true},
		}, rows(tables.TransitRouter))
		assert.Equal(t, workloadVPC, rows(tables.VPCs[vpcWorkload]), "the workload VPC still learns the IDC from the transit router")
		assert.Equal(t, transitVPC, rows(tables.VPCs[vpcTransit]))
		// The VBR keeps what the transit router publishes, but BGP is down.
		assert.Equal(t, []row{fromTR(transitCIDR), fromTR(idcCIDR), fromTR(wlCIDR)}, rows(tables.VBRs[0].Routes))
		assert.Equal(t, gateway, rows(tables.VPNGateway))
		assert.Equal(t, []row{{wlCIDR, "IPsec tunnel to 198.51.100.10", "static", 255, true}}, rows(tables.OnPrem))
	})
	t.Run("VPN down", func(t *testing.T) {
		// The tunnel's state does not change any table: the drill sees
		// it on the path.
		assert.Equal(t, n.Tables(routemodel.Faults{}), n.Tables(routemodel.VPNDown.Faults))
	})
}

// Of two destination routes to one CIDR the weight-100 one is active,
// wherever it is in the stack.
func TestGatewayPrefersWeight100(t *testing.T) {
	d := deploy(t, "prod", nil)
	s := d.stack(updated)
	standby := s.copyOf(t, vpnRouteName, vpnRouteName+"-standby")
	standby.Props["weight"] = resource.NewProperty(0.0)
	s = append(stack{standby}, s...)
	n := routemodel.Build(s, routemodel.OnPrem{IDCPrefixes: d.idc})
	assert.Equal(t, []row{
		{"172.16.0.0/16", "IPsec connection", "destination route, weight 100", 0, true},
		{"172.16.0.0/16", "IPsec connection", "destination route, weight 0", 100, false},
	}, rows(n.Tables(routemodel.CircuitDown.Faults).VPNGateway))
	assert.Empty(t, n.Verify(allScenarios))
}

func sortedKeys[V any](m map[string]V) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

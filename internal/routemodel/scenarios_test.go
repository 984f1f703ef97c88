package routemodel_test

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/onprem"
	"github.com/hybridlink/hybridlink/internal/routemodel"
)

var wlCIDR = netip.MustParsePrefix("192.168.0.0/16")

// verify builds a stack with the on-prem side given and verifies every
// scenario, as wants.
func verify(s stack, onprem routemodel.OnPrem) []want {
	out := []want{}
	for _, f := range routemodel.Build(s, onprem).Verify(allScenarios) {
		out = append(out, want{f.Scenario, f.Direction, f.Message})
	}
	return out
}

// An on-prem static route at a preference no worse than BGP's carries the
// IDC's traffic over the VPN while the cloud answers over the circuit.
func TestOnPremPrefersStatic(t *testing.T) {
	d := deploy(t, "prod", nil)
	s := d.stack(updated)
	l := prodLabels(updated)
	urn := s.get(t, vpcWorkload).URN
	for _, c := range []struct {
		name        string
		onprem      routemodel.OnPrem
		static, bgp int
	}{
		{"static better", routemodel.OnPrem{StaticPreference: 10}, 10, 20},
		// A tie is vendor specific: judged as the worse case.
		{"tie", routemodel.OnPrem{StaticPreference: 20, BGPPreference: 20}, 20, 20},
		// Huawei VRP's default BGP preference ties with the static routes
		// at 255.
		{"BGP at 255", routemodel.OnPrem{BGPPreference: 255}, 255, 255},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.onprem.IDCPrefixes = d.idc
			n := routemodel.Build(s, c.onprem)
			paths := n.Paths(routemodel.Faults{})
			assert.Equal(t, []routemodel.Path{tunnelPaths(l, idc, wlCIDR, urn)[0], circuitPaths(l, "10.1.0.1", idc, wlCIDR, urn)[1]}, paths)
			assert.Equal(t, normalAndRestored(both, "asymmetric routing: "+fwdPair+" uses IPsec-VPN but "+retPair+" uses Express Connect: "+
				fmt.Sprintf("the on-prem gateway prefers its static route via the VPN (preference %d) to BGP (preference %d); ", c.static, c.bgp)+
				"give the static routes a worse preference, e.g. 255"), verify(s, c.onprem))
			assert.Equal(t, []row{
				{"10.0.0.0/16", "VBR 10.1.0.1", "BGP", c.bgp, true},
				{"192.168.0.0/16", "IPsec tunnel to 198.51.100.10", "static", c.static, true},
				{"192.168.0.0/16", "VBR 10.1.0.1", "BGP", c.bgp, false},
			}, rows(n.Tables(routemodel.Faults{}).OnPrem))
			// With the circuit down there is only the static route: no
			// asymmetry to find.
			assert.Equal(t, tunnelPaths(l, idc, wlCIDR, urn), n.Paths(routemodel.CircuitDown.Faults))
		})
	}
	t.Run("defaults", func(t *testing.T) {
		assert.Equal(t, 20, onprem.DefaultBGPPreference)
		assert.Equal(t, 255, onprem.DefaultStaticPreference)
		assert.Empty(t, verify(s, routemodel.OnPrem{IDCPrefixes: d.idc, StaticPreference: 21}), "one better is enough")
	})
}

// Without the VBR's propagation the transit router holds only the route
// advertised from the transit VPC: the IDC sends over the circuit, the
// cloud answers over the VPN.
func TestReturnOverVPN(t *testing.T) {
	d := deploy(t, "prod", nil)
	for _, m := range modes {
		s := d.stack(m).without(t, attVBR+"-propagation")
		urn := s.get(t, vpcWorkload).URN
		n := routemodel.Build(s, routemodel.OnPrem{IDCPrefixes: d.idc})
		l := prodLabels(m)
		assert.Equal(t, []routemodel.Path{circuitPaths(l, "10.1.0.1", idc, wlCIDR, urn)[0], tunnelPaths(l, idc, wlCIDR, urn)[1]},
			n.Paths(routemodel.Faults{}), m.String())
		assert.Equal(t, []row{
			{"10.0.0.0/16", "attachment of VPC transit", "propagated from VPC transit", 0, true},
			{"172.16.0.0/16", "attachment of VPC transit", "advertised from VPC transit", 0, true},
			{"192.168.0.0/16", "attachment of VPC workload", "propagated from VPC workload", 0, true},
		}, rows(n.Tables(routemodel.Faults{}).TransitRouter), m.String())
	}
}

// A VPN route more specific than the IDC prefix wins on the transit router
// by longest prefix, whatever the VBR's precedence for equal prefixes.
func TestMoreSpecificVPNRouteWins(t *testing.T) {
	d := deploy(t, "prod", nil)
	s := d.stack(updated).set(t, vpnRouteName, "routeDest", "172.16.0.0/24").set(t, advertiseName, "cidrBlock", "172.16.0.0/24")
	assert.Equal(t, normalAndRestored(both, "asymmetric routing: "+fwdPair+" uses Express Connect but "+retPair+" uses IPsec-VPN: "+
		"the transit router prefers the route advertised from the transit VPC"), verify(s, routemodel.OnPrem{IDCPrefixes: d.idc}))
}

// A pair whose primary path is broken in the normal state is not judged
// again with only the VPN down; on its own, that state still is.
func TestVPNDownSuppression(t *testing.T) {
	d := deploy(t, "prod", nil)
	n := routemodel.Build(d.stack(updated).without(t, vbrName), routemodel.OnPrem{IDCPrefixes: d.idc})
	normal := both(routemodel.Normal, fwdPair+" and back use IPsec-VPN, expected Express Connect: "+
		"the on-prem gateway learns no BGP route to the VPC: no BGP route (there is no VBR)")
	vpnDown := []want{
		fwd(routemodel.VPNDown, "the IPsec tunnel is down"),
		ret(routemodel.VPNDown, "the IPsec tunnel is down"),
	}
	got := func(scenarios ...routemodel.Scenario) []want {
		out := []want{}
		for _, f := range n.Verify(scenarios) {
			out = append(out, want{f.Scenario, f.Direction, f.Message})
		}
		return out
	}
	assert.Equal(t, []want{normal}, got(n.Distinct()...))
	assert.Equal(t, vpnDown, got(routemodel.VPNDown))
	// Only a state judged before counts.
	assert.Equal(t, append(vpnDown, normal), got(routemodel.VPNDown, routemodel.Normal))
	// A broken standby alone does not disturb the primary.
	n = routemodel.Build(d.stack(updated).without(t, connName), routemodel.OnPrem{IDCPrefixes: d.idc})
	assert.Empty(t, got(routemodel.Normal, routemodel.VPNDown))
}

func TestLongestPrefixMatch(t *testing.T) {
	d := deploy(t, "prod", nil)
	s := d.stack(updated)
	urn := s.get(t, vpcWorkload).URN
	l := prodLabels(updated)
	sub := netip.MustParsePrefix("172.16.1.0/24")

	// The VBR learns the /24 over BGP; the transit VPC advertises the /16.
	// The /24 wins while the circuit is up, the /16 covers it when down.
	n := routemodel.Build(s, routemodel.OnPrem{IDCPrefixes: []netip.Prefix{sub}})
	assert.Equal(t, []row{
		{"10.0.0.0/16", "attachment of VPC transit", "propagated from VPC transit", 0, true},
		{"172.16.0.0/16", "attachment of VPC transit", "advertised from VPC transit", 0, true},
		{"172.16.1.0/24", "attachment of the VBR", "BGP, propagated from the VBR", 50, true},
		{"192.168.0.0/16", "attachment of VPC workload", "propagated from VPC workload", 0, true},
	}, rows(n.Tables(routemodel.Faults{}).TransitRouter))
	assert.Equal(t, circuitPaths(l, "10.1.0.1", sub, wlCIDR, urn), n.Paths(routemodel.Faults{}))
	assert.Equal(t, tunnelPaths(l, sub, wlCIDR, urn), n.Paths(routemodel.CircuitDown.Faults))
	assert.Empty(t, n.Verify(allScenarios))

	// Both the /16 and a /24 inside it: each follows its own route.
	n = routemodel.Build(s, routemodel.OnPrem{IDCPrefixes: []netip.Prefix{idc, sub}})
	assert.Equal(t, append(circuitPaths(l, "10.1.0.1", idc, wlCIDR, urn), circuitPaths(l, "10.1.0.1", sub, wlCIDR, urn)...), n.Paths(routemodel.Faults{}))
	assert.Equal(t, append(tunnelPaths(l, idc, wlCIDR, urn), tunnelPaths(l, sub, wlCIDR, urn)...), n.Paths(routemodel.CircuitDown.Faults))
	assert.Empty(t, n.Verify(allScenarios))
}

func TestTwoIDCPrefixes(t *testing.T) {
	d := deploy(t, "prod", func(v map[string]string) { v["hybridlink:idcPrefixes"] = `["172.16.0.0/16","172.17.0.0/16"]` })
	second := netip.MustParsePrefix("172.17.0.0/16")
	require.Equal(t, []netip.Prefix{idc, second}, d.idc)
	for _, m := range modes {
		s := d.stack(m)
		urn := s.get(t, vpcWorkload).URN
		l := prodLabels(m)
		n := d.network(m)
		assert.Empty(t, n.Verify(allScenarios), m.String())
		assert.Equal(t, append(circuitPaths(l, "10.1.0.1", idc, wlCIDR, urn), circuitPaths(l, "10.1.0.1", second, wlCIDR, urn)...), n.Paths(routemodel.Faults{}), m.String())
		assert.Equal(t, append(tunnelPaths(l, idc, wlCIDR, urn), tunnelPaths(l, second, wlCIDR, urn)...), n.Paths(routemodel.CircuitDown.Faults), m.String())
		assert.Equal(t, []row{
			{"172.16.0.0/16", "IPsec connection", "destination route, weight 100", 0, true},
			{"172.17.0.0/16", "IPsec connection", "destination route, weight 100", 0, true},
		}, rows(n.Tables(routemodel.CircuitDown.Faults).VPNGateway), m.String())
	}
	// Only the second prefix loses its advertisement to CEN.
	s := d.stack(updated).without(t, "hybridlink-hub-advertise-172-17-0-0-16")
	assert.Equal(t, []want{{"circuit down", routemodel.Return, "VPC workload (vpc-workload) 192.168.0.0/16 → IDC 172.17.0.0/16 has no path: " +
		"VPC workload (vpc-workload) has no route to 172.17.0.0/16: the VPN route is not advertised from VPC transit (vpc-transit) to CEN"}},
		verify(s, routemodel.OnPrem{IDCPrefixes: d.idc}))
}

func TestTwoWorkloadVPCs(t *testing.T) {
	d := deploy(t, "prod", func(v map[string]string) {
		v["hybridlink:workloadVpcs"] = `[
			{"name": "workload", "cidr": "192.168.0.0/16", "vSwitches": [
				{"zoneId": "cn-hangzhou-h", "cidr": "192.168.20.0/24"}, {"zoneId": "cn-hangzhou-i", "cidr": "192.168.21.0/24"}]},
			{"name": "analytics", "cidr": "10.30.0.0/16", "vSwitches": [
				{"zoneId": "cn-hangzhou-h", "cidr": "10.30.1.0/24"}, {"zoneId": "cn-hangzhou-i", "cidr": "10.30.2.0/24"}]}]`
	})
	analytics := netip.MustParsePrefix("10.30.0.0/16")
	for _, m := range modes {
		s := d.stack(m)
		n := d.network(m)
		l, la := prodLabels(m), prodLabels(m)
		la.workload = "analytics"
		if m != preview {
			la.workload = "analytics (vpc-analytics)"
		}
		assert.Equal(t, []netip.Prefix{analytics, wlCIDR}, n.Workloads(), "sorted by name, without the transit VPC")
		assert.Empty(t, n.Verify(allScenarios), m.String())
		assert.Equal(t, append(circuitPaths(la, "10.1.0.1", idc, analytics, s.get(t, "analytics").URN), circuitPaths(l, "10.1.0.1", idc, wlCIDR, s.get(t, vpcWorkload).URN)...),
			n.Paths(routemodel.Faults{}), m.String())
		assert.Equal(t, append(tunnelPaths(la, idc, analytics, s.get(t, "analytics").URN), tunnelPaths(l, idc, wlCIDR, s.get(t, vpcWorkload).URN)...),
			n.Paths(routemodel.CircuitDown.Faults), m.String())
	}
	// Each VPC is judged on its own.
	s := d.stack(updated).set(t, "hybridlink-hub-analytics", "autoPublishRouteEnabled", false)
	problem := "VPC analytics (vpc-analytics) has no route to 172.16.0.0/16: " +
		"the transit router does not publish its routes into VPC analytics (vpc-analytics) (autoPublishRouteEnabled is off on its attachment)"
	var wants []want
	for _, sc := range routemodel.Drill {
		wants = append(wants, want{sc.Name, routemodel.Return, "VPC analytics (vpc-analytics) 10.30.0.0/16 → IDC 172.16.0.0/16 has no path: " + problem})
	}
	assert.Equal(t, wants, verify(s, routemodel.OnPrem{IDCPrefixes: d.idc}))
}

// A VPC of the stack that no attachment connects is not meant to reach the
// IDC: it has its own table but no paths and no findings.
func TestUnattachedVPCIsNotJudged(t *testing.T) {
	d := deploy(t, "prod", nil)
	for _, m := range modes {
		s := d.stack(m)
		lab := s.copyOf(t, vpcWorkload, "lab")
		lab.Props["cidrBlock"] = resource.NewProperty("10.50.0.0/16")
		if m != preview {
			lab.Props["routeTableId"] = resource.NewProperty("vtb-lab")
		}
		n := routemodel.Build(s.add(lab), routemodel.OnPrem{IDCPrefixes: d.idc})
		assert.Equal(t, []netip.Prefix{wlCIDR}, n.Workloads(), m.String())
		assert.Equal(t, d.network(m).Paths(routemodel.Faults{}), n.Paths(routemodel.Faults{}), m.String())
		assert.Empty(t, n.Verify(allScenarios), m.String())
		assert.Equal(t, []row{{"10.50.0.0/16", "local", "system", 0, true}}, rows(n.Tables(routemodel.Faults{}).VPCs["lab"]), m.String())
	}
}

// One peer at the VBR's customer-side IP brings BGP up, whatever other
// peers and groups the stack holds and in whatever order.
func TestBGPWithExtraPeersAndGroups(t *testing.T) {
	d := deploy(t, "prod", nil)
	for _, m := range modes {
		s := d.stack(m)
		wrong := s.copyOf(t, bgpPeerName, bgpPeerName+"-2")
		wrong.Props["peerIpAddress"] = resource.NewProperty("10.1.0.9")
		empty := s.copyOf(t, bgpGroupName, bgpGroupName+"-2")
		for name, s := range map[string]stack{
			"wrong peer after":  s.add(wrong),
			"wrong peer before": append(stack{wrong}, s...),
			"empty group after": s.add(empty),
		} {
			assert.Empty(t, verify(s, routemodel.OnPrem{IDCPrefixes: d.idc}), "%s: %s", m, name)
		}
	}
}

// An IDC prefix inside a VPC's CIDR (which the policy forbids) is reported,
// not a crash.
func TestOverlappingIDCPrefix(t *testing.T) {
	d := deploy(t, "prod", nil)
	inside := netip.MustParsePrefix("192.168.5.0/24")
	got := verify(d.stack(updated), routemodel.OnPrem{IDCPrefixes: []netip.Prefix{inside}})
	assert.Equal(t, []want{{"circuit down", routemodel.Return, "VPC workload (vpc-workload) 192.168.0.0/16 → IDC 192.168.5.0/24 has no path: " +
		"VPC workload (vpc-workload) delivers 192.168.5.0/24 locally: the IDC prefix overlaps its CIDR"}}, got)

	// At the VPC's own network address, the IDC's more specific BGP route
	// turns the IDC's traffic around at the VBR.
	first := netip.MustParsePrefix("192.168.0.0/24")
	paths := routemodel.Build(d.stack(updated), routemodel.OnPrem{IDCPrefixes: []netip.Prefix{first}}).Paths(routemodel.Faults{})
	require.Len(t, paths, 2)
	assert.Equal(t, "IDC 192.168.0.0/24 → VPC workload (vpc-workload) 192.168.0.0/16: on-prem gateway → VBR 10.1.0.1 "+
		"✗ the VBR sends 192.168.0.0/16 back to the on-prem gateway", paths[0].String())
}

// A VPC whose CIDR is not known yet is left out, and with it its paths.
func TestVPCWithUnknownCIDR(t *testing.T) {
	d := deploy(t, "prod", nil)
	s := d.stack(preview)
	s[s.index(t, vpcWorkload)].Props["cidrBlock"] = unknown
	n := routemodel.Build(s, routemodel.OnPrem{IDCPrefixes: d.idc})
	assert.Empty(t, n.Workloads())
	assert.Empty(t, n.Paths(routemodel.Faults{}))
	assert.Empty(t, n.Verify(allScenarios))
	assert.Equal(t, []string{vpcTransit}, sortedKeys(n.Tables(routemodel.Faults{}).VPCs))
}

// Some explanations are reached by no path of a consistent stack; their
// words are checked directly.
func TestUnreachableExplanations(t *testing.T) {
	d := deploy(t, "prod", nil)
	n := d.network(updated)
	assert.Empty(t, n.StandbyGap(routemodel.CircuitDown.Faults, idc))
	assert.Equal(t, "no route is learned for it", n.OnPremGap(routemodel.Faults{}, wlCIDR))
	// The association of the transit VPC's attachment matters to traffic
	// from the tunnel (the forward path), not to the route the hub holds.
	n = routemodel.Build(d.stack(updated).without(t, attTransit+"-association"), routemodel.OnPrem{IDCPrefixes: d.idc})
	assert.Equal(t, "VPC transit (vpc-transit)'s attachment is not associated with the transit router's route table",
		n.StandbyGap(routemodel.CircuitDown.Faults, idc))
}

func TestScenarios(t *testing.T) {
	assert.Equal(t, []routemodel.Scenario{routemodel.Normal, routemodel.CircuitDown, routemodel.CircuitRestored}, routemodel.Drill)
	n := deploy(t, "prod", nil).network(updated)
	assert.Equal(t, []routemodel.Scenario{routemodel.Normal, routemodel.CircuitDown, routemodel.VPNDown}, n.Distinct())
	for sc, link := range map[routemodel.Scenario]routemodel.Link{
		routemodel.Normal:          routemodel.Circuit,
		routemodel.CircuitDown:     routemodel.Tunnel,
		routemodel.CircuitRestored: routemodel.Circuit,
		routemodel.VPNDown:         routemodel.Circuit,
		{Name: "both down", Faults: routemodel.Faults{CircuitDown: true, VPNDown: true}}: routemodel.NoLink,
	} {
		assert.Equal(t, link, n.Expect(sc.Faults), sc.Name)
	}
	b, err := json.Marshal(routemodel.Faults{CircuitDown: true})
	require.NoError(t, err)
	assert.JSONEq(t, `{"circuitDown": true, "vpnDown": false}`, string(b), "the local cloud persists faults in this form")
}

func TestFormats(t *testing.T) {
	p := routemodel.Path{
		Direction: routemodel.Forward, IDC: idc, VPC: "workload (vpc-1)", VPCCIDR: wlCIDR,
		Hops: []string{"on-prem gateway", "VBR 10.1.0.1", "transit router", "VPC workload (vpc-1)"}, Link: routemodel.Circuit,
	}
	assert.Equal(t, "IDC 172.16.0.0/16 → VPC workload (vpc-1) 192.168.0.0/16: on-prem gateway → VBR 10.1.0.1 → transit router → VPC workload (vpc-1) [Express Connect]", p.String())
	p.Direction, p.Link, p.Hops = routemodel.Return, routemodel.Tunnel, []string{"VPC workload (vpc-1)", "transit router", "VPC transit", "VPN gateway 198.51.100.10", "on-prem gateway"}
	assert.Equal(t, "VPC workload (vpc-1) 192.168.0.0/16 → IDC 172.16.0.0/16: VPC workload (vpc-1) → transit router → VPC transit → VPN gateway 198.51.100.10 → on-prem gateway [IPsec-VPN]", p.String())
	p.Hops, p.Problem = p.Hops[:2], "the transit router has no route to 172.16.0.0/16"
	assert.Equal(t, "VPC workload (vpc-1) 192.168.0.0/16 → IDC 172.16.0.0/16: VPC workload (vpc-1) → transit router ✗ the transit router has no route to 172.16.0.0/16", p.String())

	// As the model renders them.
	n := deploy(t, "prod", nil).network(updated)
	var got []string
	for _, p := range n.Paths(routemodel.Faults{CircuitDown: true, VPNDown: true}) {
		got = append(got, p.String())
	}
	assert.Equal(t, []string{
		"IDC 172.16.0.0/16 → VPC workload (vpc-workload) 192.168.0.0/16: on-prem gateway ✗ the IPsec tunnel is down",
		"VPC workload (vpc-workload) 192.168.0.0/16 → IDC 172.16.0.0/16: VPC workload (vpc-workload) → transit router → VPC transit (vpc-transit) → VPN gateway 198.51.100.10 ✗ the IPsec tunnel is down",
	}, got)

	f := routemodel.Finding{Scenario: "circuit down", Direction: routemodel.Return, IDC: idc, VPC: "workload", VPCCIDR: wlCIDR, Message: "VPC workload 192.168.0.0/16 → IDC 172.16.0.0/16 has no path: the IPsec tunnel is down"}
	assert.Equal(t, "circuit down: VPC workload 192.168.0.0/16 → IDC 172.16.0.0/16 has no path: the IPsec tunnel is down", f.String())
	assert.Equal(t, "IDC → cloud", string(routemodel.Forward))
	assert.Equal(t, "cloud → IDC", string(routemodel.Return))
}

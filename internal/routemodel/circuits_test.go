package routemodel_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/routemodel"
	"github.com/hybridlink/hybridlink/internal/stackfile"
	"github.com/hybridlink/hybridlink/stacks"
)

// The prod-dual stack's names and addresses.
const (
	routeMapA = stacks.ComponentName + "-hub-vbr-route-map"
	routeMapB = stacks.ComponentName + "-hub-vbr-b-route-map"
	vbrA      = "VBR 10.1.0.9"
	vbrB      = "VBR 10.1.0.13"
)

var (
	circuitA = routemodel.CircuitLink(0)
	circuitB = routemodel.CircuitLink(1)
	dualCIDR = netip.MustParsePrefix("10.30.0.0/16")
)

// dualOnPrem is prod-dual's on-premises side as its configuration renders
// it, in a circuit mode ("" for the stack's own).
func dualOnPrem(t *testing.T, mode string) routemodel.OnPrem {
	t.Helper()
	f, err := stackfile.Read("../../stacks", "prod-dual")
	require.NoError(t, err)
	cfg, err := f.Config(stackfile.SandboxPassphrase)
	require.NoError(t, err)
	if mode != "" {
		cfg.Values["hybridlink:circuitMode"] = mode
	}
	env, err := stacks.Load("prod-dual", cfg)
	require.NoError(t, err)
	return env.OnPremModel()
}

// dualDeploy is prod-dual under mocks in a circuit mode ("" for its own).
func dualDeploy(t *testing.T, mode string) *deployment {
	t.Helper()
	if mode == "" {
		return deploy(t, "prod-dual", nil)
	}
	return deploy(t, "prod-dual", func(v map[string]string) { v["hybridlink:circuitMode"] = mode })
}

// links are the forward and return links of a stack with one IDC prefix and
// one workload VPC.
func links(paths []routemodel.Path) [2]routemodel.Link {
	return [2]routemodel.Link{paths[0].Link, paths[1].Link}
}

// In active-standby mode circuit A carries both directions while it is up,
// B while only A is down, the VPN when both are: in every single and double
// failure, and in every state the engine shows the stack in.
func TestActiveStandbyCircuits(t *testing.T) {
	d := dualDeploy(t, "")
	on := dualOnPrem(t, "")
	require.Len(t, on.Sessions, 2)
	assert.Equal(t, []int{200, 100}, []int{on.Sessions[0].LocalPreference, on.Sessions[1].LocalPreference})
	want := map[string]routemodel.Link{
		"normal": circuitA, "circuit A down": circuitB, "circuit B down": circuitA, "VPN down": circuitA,
		"circuits A and B down": routemodel.Tunnel, "circuit A and the VPN down": circuitB, "circuit B and the VPN down": circuitA,
	}
	for _, m := range modes {
		t.Run(m.String(), func(t *testing.T) {
			n := routemodel.Build(d.stack(m), on)
			assert.Equal(t, []routemodel.Link{circuitA, circuitB}, n.Circuits())
			scenarios := n.Distinct()
			require.Len(t, scenarios, len(want))
			for _, sc := range scenarios {
				link, ok := want[sc.Name]
				require.True(t, ok, sc.Name)
				assert.Equal(t, link, n.Expect(sc.Faults), sc.Name)
				assert.Equal(t, [2]routemodel.Link{link, link}, links(n.Paths(sc.Faults)), sc.Name)
			}
			assert.Empty(t, n.Verify(scenarios))
			// Everything down: no path, nothing expected.
			all := routemodel.Faults{CircuitDown: true, CircuitBDown: true, VPNDown: true}
			assert.Equal(t, routemodel.NoLink, n.Expect(all))
		})
	}
	n := routemodel.Build(d.stack(updated), on)
	paths := n.Paths(routemodel.Faults{CircuitDown: true})
	assert.Equal(t, []string{"on-prem gateway", vbrB, "transit router", "VPC workload (vpc-workload)"}, paths[0].Hops)
	assert.Equal(t, []string{"VPC workload (vpc-workload)", "transit router", vbrB, "on-prem gateway"}, paths[1].Hops)

	// The tables show why: the route maps' preferences in the transit
	// router, the sessions' local preferences on the gateway.
	tables := n.Tables(routemodel.Faults{})
	var tr []row
	for _, r := range tables.TransitRouter {
		if r.FromVBR() {
			tr = append(tr, row{r.Dest.String(), r.Via, r.Source, r.Preference, r.Active})
		}
	}
	assert.Equal(t, []row{
		{"172.16.0.0/16", "attachment of " + vbrA, "BGP, propagated from " + vbrA + " (Express Connect A), preference 10 set by route map " + routeMapA, 10, true},
		{"172.16.0.0/16", "attachment of " + vbrB, "BGP, propagated from " + vbrB + " (Express Connect B), preference 20 set by route map " + routeMapB, 20, false},
	}, tr)
	var lps []int
	for _, r := range tables.OnPrem {
		if r.Dest == dualCIDR && r.Source == "BGP" {
			lps = append(lps, r.LocalPreference)
		}
	}
	assert.Equal(t, []int{200, 100}, lps)
	require.Len(t, tables.VBRs, 2)
	assert.Equal(t, circuitB, tables.VBRs[1].Circuit)
	assert.Equal(t, vbrB, tables.VBRs[1].Name)
}

// In ECMP mode both circuits carry both directions; one carries all when
// the other is down.
func TestECMPCircuits(t *testing.T) {
	d := dualDeploy(t, "ecmp")
	on := dualOnPrem(t, "ecmp")
	assert.True(t, on.ECMP)
	both := routemodel.JoinLinks(circuitA, circuitB)
	assert.Equal(t, routemodel.Link("Express Connect A+B"), both)
	assert.Equal(t, []routemodel.Link{circuitA, circuitB}, both.Parts())
	for _, m := range modes {
		t.Run(m.String(), func(t *testing.T) {
			s := d.stack(m)
			assert.NotContains(t, names(s), routeMapA, "no route map ranks the circuits")
			n := routemodel.Build(s, on)
			assert.Empty(t, n.Verify(n.Distinct()))
			paths := n.Paths(routemodel.Faults{})
			assert.Equal(t, [2]routemodel.Link{both, both}, links(paths))
			assert.Equal(t, "on-prem gateway", paths[0].Hops[0])
			assert.Equal(t, vbrA+" | "+vbrB, paths[0].Hops[1])
			assert.Equal(t, vbrA+" | "+vbrB, paths[1].Hops[2])
			assert.Equal(t, [2]routemodel.Link{circuitB, circuitB}, links(n.Paths(routemodel.Faults{CircuitDown: true})))
			assert.Equal(t, [2]routemodel.Link{circuitA, circuitA}, links(n.Paths(routemodel.Faults{CircuitBDown: true, VPNDown: true})))
		})
	}
}

func names(s stack) []string {
	var out []string
	for _, r := range s {
		out = append(out, r.Name())
	}
	return out
}

// A priority set on one side only sends the two directions over different
// circuits; the finding names the direction that strays and why.
func TestOneSidedPriority(t *testing.T) {
	d := dualDeploy(t, "")
	const pair = "asymmetric routing: IDC 172.16.0.0/16 → VPC workload (vpc-workload) 10.30.0.0/16 uses "
	t.Run("standby preferred on premises only", func(t *testing.T) {
		on := dualOnPrem(t, "")
		on.Sessions[0].LocalPreference, on.Sessions[1].LocalPreference = 100, 200
		n := routemodel.Build(d.stack(updated), on)
		got := verify(d.stack(updated), on)
		require.NotEmpty(t, got)
		assert.Equal(t, want{"normal", "", pair + "Express Connect B but VPC workload (vpc-workload) 10.30.0.0/16 → IDC 172.16.0.0/16 uses Express Connect A: " +
			"IDC → cloud takes Express Connect B, not Express Connect A: the on-prem gateway ranks the circuits' BGP routes by local preference (the higher wins), " +
			"and the local preferences are 100 on the session to VBR 10.1.0.9 (Express Connect A), 200 on the session to VBR 10.1.0.13 (Express Connect B)"}, got[0])
		// With A down both take B, with B down both take A: the asymmetry
		// is in the states with both circuits up.
		for _, f := range n.Verify(n.Distinct()) {
			assert.Contains(t, []string{"normal", "VPN down"}, f.Scenario)
		}
	})
	t.Run("no route maps in the cloud", func(t *testing.T) {
		s := d.stack(updated).without(t, routeMapA, routeMapB)
		got := verify(s, dualOnPrem(t, ""))
		require.NotEmpty(t, got)
		assert.Equal(t, want{"normal", "", pair + "Express Connect A but VPC workload (vpc-workload) 10.30.0.0/16 → IDC 172.16.0.0/16 uses Express Connect A+B: " +
			"cloud → IDC takes Express Connect A+B, not Express Connect A: the transit router ranks the VBRs' routes by route-map preference (the lower wins), " +
			"and the preferences are 50 on VBR 10.1.0.9's routes (Express Connect A, the default, no route map), 50 on VBR 10.1.0.13's routes (Express Connect B, the default, no route map)"}, got[0])
	})
	t.Run("ECMP on premises only", func(t *testing.T) {
		// The stack's route maps rank A first; the gateway balances as the
		// ECMP mode asks, so only the return strays.
		got := verify(d.stack(updated), dualOnPrem(t, "ecmp"))
		require.NotEmpty(t, got)
		assert.NotContains(t, got[0].msg, "IDC → cloud takes")
		assert.Contains(t, got[0].msg, "cloud → IDC takes Express Connect A, not Express Connect A+B")
	})
	t.Run("the gateway has no session to circuit B", func(t *testing.T) {
		on := dualOnPrem(t, "")
		on.Sessions = on.Sessions[:1]
		n := routemodel.Build(d.stack(updated), on)
		paths := n.Paths(routemodel.Faults{CircuitDown: true})
		assert.Equal(t, [2]routemodel.Link{routemodel.Tunnel, routemodel.Tunnel}, links(paths))
		var msgs []string
		for _, f := range n.Verify(n.Distinct()) {
			msgs = append(msgs, f.String())
		}
		assert.Contains(t, msgs, "circuit A down: IDC 172.16.0.0/16 → VPC workload (vpc-workload) 10.30.0.0/16 and back use IPsec-VPN, expected Express Connect B: "+
			"IDC → cloud takes IPsec-VPN, not Express Connect B: the on-prem gateway learns no BGP route to the VPC: no BGP route (BGP cannot come up: the on-prem gateway has no BGP session to VBR 10.1.0.13); "+
			"cloud → IDC takes IPsec-VPN, not Express Connect B: the transit router has no BGP route from VBR 10.1.0.13: BGP cannot come up: the on-prem gateway has no BGP session to VBR 10.1.0.13")
	})
}

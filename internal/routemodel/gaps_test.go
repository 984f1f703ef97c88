package routemodel_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"

	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// The prod stack's pair, as findings name it after an update.
const (
	fwdPair = "IDC 172.16.0.0/16 → VPC workload (vpc-workload) 192.168.0.0/16"
	retPair = "VPC workload (vpc-workload) 192.168.0.0/16 → IDC 172.16.0.0/16"
)

// want is an expected finding: scenario, direction and message.
type want struct {
	scenario string
	dir      routemodel.Direction
	msg      string
}

// fwd, ret and both are the findings of a broken forward path, return path
// and a pair that takes the wrong link.
func fwd(sc routemodel.Scenario, problem string) want {
	return want{sc.Name, routemodel.Forward, fwdPair + " has no path: " + problem}
}

func ret(sc routemodel.Scenario, problem string) want {
	return want{sc.Name, routemodel.Return, retPair + " has no path: " + problem}
}

func both(sc routemodel.Scenario, msg string) want { return want{sc.Name, "", msg} }

// normalAndRestored is a finding of the normal state, found again once the
// circuit is restored.
func normalAndRestored(f func(routemodel.Scenario, string) want, msg string) []want {
	return []want{f(routemodel.Normal, msg), f(routemodel.CircuitRestored, msg)}
}

// findings renders findings as wants, normalised for the mode: a first
// preview names resources without IDs and the VPN gateway by its name.
func findings(base stack, fs []routemodel.Finding) []want {
	out := []want{}
	for _, f := range fs {
		out = append(out, want{f.Scenario, f.Direction, withoutIDs(base, f.Message)})
	}
	return out
}

func normalised(base stack, ws []want) []want {
	out := []want{}
	for _, w := range ws {
		out = append(out, want{w.scenario, w.dir, withoutIDs(base, w.msg)})
	}
	return out
}

// gapCase breaks one link of the valid prod stack.
type gapCase struct {
	name   string
	change func(t *testing.T, s stack, m mode) stack
	want   []want
}

// gapCases cover every explanation of a missing route: each breaks one
// resource or property of the prod stack and names the exact findings of
// the drill and the VPN-down state.
var gapCases = []gapCase{
	// primaryGap, through the on-prem gateway: with no BGP route it sends
	// everything over the VPN, and the cloud answers over the VPN too.
	{
		name:   "no VBR",
		change: func(t *testing.T, s stack, _ mode) stack { return s.without(t, vbrName) },
		want: normalAndRestored(both, fwdPair+" and back use IPsec-VPN, expected Express Connect: "+
			"the on-prem gateway learns no BGP route to the VPC: no BGP route (there is no VBR)"),
	},
	{
		name:   "no BGP group",
		change: func(t *testing.T, s stack, _ mode) stack { return s.without(t, bgpGroupName) },
		want: normalAndRestored(both, fwdPair+" and back use IPsec-VPN, expected Express Connect: "+
			"the on-prem gateway learns no BGP route to the VPC: no BGP route (BGP cannot come up: no BGP group is configured on the VBR)"),
	},
	{
		name:   "no BGP peer",
		change: func(t *testing.T, s stack, _ mode) stack { return s.without(t, bgpPeerName) },
		want: normalAndRestored(both, fwdPair+" and back use IPsec-VPN, expected Express Connect: "+
			"the on-prem gateway learns no BGP route to the VPC: no BGP route (BGP cannot come up: the BGP group has no peer)"),
	},
	{
		name:   "BGP peer at another IP",
		change: func(t *testing.T, s stack, _ mode) stack { return s.set(t, bgpPeerName, "peerIpAddress", "10.1.0.9") },
		want: normalAndRestored(both, fwdPair+" and back use IPsec-VPN, expected Express Connect: "+
			"the on-prem gateway learns no BGP route to the VPC: no BGP route (BGP cannot come up: the BGP peer's IP 10.1.0.9 is not the VBR's customer-side IP 10.1.0.2)"),
	},
	{
		name:   "BGP group on another VBR",
		change: func(t *testing.T, s stack, _ mode) stack { return s.set(t, bgpGroupName, "routerId", "vbr-elsewhere") },
		want: normalAndRestored(both, fwdPair+" and back use IPsec-VPN, expected Express Connect: "+
			"the on-prem gateway learns no BGP route to the VPC: no BGP route (BGP cannot come up: no BGP group is configured on the VBR)"),
	},
	{
		name: "BGP peer in another group",
		change: func(t *testing.T, s stack, _ mode) stack {
			return s.set(t, bgpPeerName, "bgpGroupId", "bgpg-elsewhere")
		},
		want: normalAndRestored(both, fwdPair+" and back use IPsec-VPN, expected Express Connect: "+
			"the on-prem gateway learns no BGP route to the VPC: no BGP route (BGP cannot come up: the BGP group has no peer)"),
	},
	{
		name:   "VBR not attached",
		change: func(t *testing.T, s stack, _ mode) stack { return s.without(t, attVBR) },
		want: normalAndRestored(both, fwdPair+" and back use IPsec-VPN, expected Express Connect: "+
			"the on-prem gateway learns no BGP route to the VPC: no BGP route (the VBR is not attached to the transit router)"),
	},
	{
		name: "VBR attached to a transit router outside the stack",
		change: func(t *testing.T, s stack, _ mode) stack {
			return s.set(t, attVBR, "transitRouterId", "tr-elsewhere")
		},
		want: normalAndRestored(both, fwdPair+" and back use IPsec-VPN, expected Express Connect: "+
			"the on-prem gateway learns no BGP route to the VPC: no BGP route (the VBR is not attached to the transit router)"),
	},
	// primaryGap, through the transit router: the IDC's BGP route never
	// reaches it, so the cloud answers over the VPN (asymmetric).
	{
		name:   "VBR attachment does not propagate",
		change: func(t *testing.T, s stack, _ mode) stack { return s.without(t, attVBR+"-propagation") },
		want: normalAndRestored(both, "asymmetric routing: "+fwdPair+" uses Express Connect but "+retPair+" uses IPsec-VPN: "+
			"the transit router has no BGP route from the VBR: the VBR's attachment does not propagate its BGP routes to the transit router's route table"),
	},
	// onPremGap: BGP is up but the VBR advertises no VPC CIDR.
	{
		name:   "VBR attachment does not auto-publish",
		change: func(t *testing.T, s stack, _ mode) stack { return s.set(t, attVBR, "autoPublishRouteEnabled", false) },
		want: normalAndRestored(both, "asymmetric routing: "+fwdPair+" uses IPsec-VPN but "+retPair+" uses Express Connect: "+
			"the on-prem gateway learns no BGP route to the VPC: no BGP route (the VBR does not advertise the VPC CIDRs: autoPublishRouteEnabled is off on its attachment)"),
	},
	{
		name:   "VBR attachment not associated",
		change: func(t *testing.T, s stack, _ mode) stack { return s.without(t, attVBR+"-association") },
		want: normalAndRestored(both, "asymmetric routing: "+fwdPair+" uses IPsec-VPN but "+retPair+" uses Express Connect: "+
			"the on-prem gateway learns no BGP route to the VPC: no BGP route (the VBR learns no routes from the transit router: its attachment is not associated with the transit router's route table)"),
	},
	// standbyGap: each link of the VPN's chain, seen when the circuit is
	// down.
	{
		name:   "no VPN gateway",
		change: func(t *testing.T, s stack, _ mode) stack { return s.without(t, gatewayName) },
		// Without the gateway nothing marks the transit VPC, which is
		// then judged as a workload too (sorted first by name).
		want: []want{
			{"circuit down", routemodel.Forward, "IDC 172.16.0.0/16 → VPC transit (vpc-transit) 10.0.0.0/16 has no path: " +
				"the on-prem gateway has no route to 10.0.0.0/16: no BGP route (the circuit is down, so BGP is down) and no static route (there is no VPN gateway)"},
			{"circuit down", routemodel.Return, "VPC transit (vpc-transit) 10.0.0.0/16 → IDC 172.16.0.0/16 has no path: " +
				"VPC transit (vpc-transit) has no route to 172.16.0.0/16: there is no VPN gateway"},
			fwd(routemodel.CircuitDown, "the on-prem gateway has no route to 192.168.0.0/16: "+
				"no BGP route (the circuit is down, so BGP is down) and no static route (there is no VPN gateway)"),
			ret(routemodel.CircuitDown, "VPC workload (vpc-workload) has no route to 172.16.0.0/16: there is no VPN gateway"),
		},
	},
	{
		name:   "no IPsec connection",
		change: func(t *testing.T, s stack, _ mode) stack { return s.without(t, connName) },
		want: []want{
			fwd(routemodel.CircuitDown, "the VPN gateway has no IPsec connection"),
			ret(routemodel.CircuitDown, "the VPN gateway has no destination route to 172.16.0.0/16: the VPN gateway has no IPsec connection"),
		},
	},
	{
		name:   "no VPN destination route",
		change: func(t *testing.T, s stack, _ mode) stack { return s.without(t, vpnRouteName) },
		want: []want{ret(routemodel.CircuitDown, "VPC workload (vpc-workload) has no route to 172.16.0.0/16: "+
			"the VPN gateway has no destination route to 172.16.0.0/16")},
	},
	{
		name: "VPN destination route on another gateway",
		change: func(t *testing.T, s stack, _ mode) stack {
			return s.set(t, vpnRouteName, "vpnGatewayId", "vpn-elsewhere")
		},
		want: []want{ret(routemodel.CircuitDown, "VPC workload (vpc-workload) has no route to 172.16.0.0/16: "+
			"the VPN gateway has no destination route to 172.16.0.0/16")},
	},
	{
		// A typo'd destination: the transit VPC sends the workload's
		// traffic back into the tunnel.
		name: "VPN destination route to the workload's CIDR",
		change: func(t *testing.T, s stack, _ mode) stack {
			return s.set(t, vpnRouteName, "routeDest", "192.168.0.0/16")
		},
		want: []want{
			fwd(routemodel.CircuitDown, "VPC transit (vpc-transit) sends 192.168.0.0/16 back to the VPN gateway"),
			ret(routemodel.CircuitDown, "VPC workload (vpc-workload) has no route to 172.16.0.0/16: "+
				"the VPN gateway has no destination route to 172.16.0.0/16"),
		},
	},
	{
		// A lone weight-0 route still carries traffic; the weight is named
		// only once the route fails for another reason.
		name: "VPN route at weight 0, not published",
		change: func(t *testing.T, s stack, _ mode) stack {
			return s.set(t, vpnRouteName, "weight", 0).set(t, vpnRouteName, "publishVpc", false)
		},
		want: []want{ret(routemodel.CircuitDown, "VPC workload (vpc-workload) has no route to 172.16.0.0/16: "+
			"the VPN gateway's route to 172.16.0.0/16 has no weight-100 (active) entry")},
	},
	{
		// As with an existing transit VPC named by ID: the model cannot
		// follow the gateway into it.
		name:   "VPN gateway's VPC not in the stack",
		change: func(t *testing.T, s stack, _ mode) stack { return s.without(t, vpcTransit) },
		want: []want{
			fwd(routemodel.CircuitDown, "the VPN gateway's VPC is not part of the stack"),
			ret(routemodel.CircuitDown, "VPC workload (vpc-workload) has no route to 172.16.0.0/16: the VPN gateway's VPC is not part of the stack"),
		},
	},
	{
		name:   "VPN route not published to the VPC",
		change: func(t *testing.T, s stack, _ mode) stack { return s.set(t, vpnRouteName, "publishVpc", false) },
		want: []want{ret(routemodel.CircuitDown, "VPC workload (vpc-workload) has no route to 172.16.0.0/16: "+
			"the VPN route to 172.16.0.0/16 is not advertised to VPC transit (vpc-transit) (publishVpc is off)")},
	},
	{
		name:   "VPN route not advertised to CEN",
		change: func(t *testing.T, s stack, _ mode) stack { return s.without(t, advertiseName) },
		want: []want{ret(routemodel.CircuitDown, "VPC workload (vpc-workload) has no route to 172.16.0.0/16: "+
			"the VPN route is not advertised from VPC transit (vpc-transit) to CEN")},
	},
	{
		name:   "transit VPC not attached",
		change: func(t *testing.T, s stack, _ mode) stack { return s.without(t, attTransit) },
		want: []want{
			fwd(routemodel.CircuitDown, "VPC transit (vpc-transit) has no route to 192.168.0.0/16: VPC transit (vpc-transit) is not attached to the transit router"),
			ret(routemodel.CircuitDown, "VPC workload (vpc-workload) has no route to 172.16.0.0/16: "+
				"VPC transit (vpc-transit), which holds the VPN gateway, is not attached to the transit router"),
		},
	},
	{
		name:   "transit VPC attached to another transit router",
		change: func(t *testing.T, s stack, m mode) stack { return s.onSecondRouter(t, attTransit, m) },
		want: []want{
			fwd(routemodel.CircuitDown, "VPC transit (vpc-transit) has no route to 192.168.0.0/16: VPC transit (vpc-transit) is attached to another transit router than the VBR"),
			ret(routemodel.CircuitDown, "VPC workload (vpc-workload) has no route to 172.16.0.0/16: VPC transit (vpc-transit) is attached to another transit router than the VBR"),
		},
	},
	{
		name:   "transit VPC attachment does not propagate",
		change: func(t *testing.T, s stack, _ mode) stack { return s.without(t, attTransit+"-propagation") },
		want: []want{ret(routemodel.CircuitDown, "VPC workload (vpc-workload) has no route to 172.16.0.0/16: "+
			"VPC transit (vpc-transit)'s attachment does not propagate its routes to the transit router's route table")},
	},
	// publishGap: the transit VPC gets no routes from the hub, so traffic
	// from the tunnel stops there.
	{
		name:   "transit VPC attachment not associated",
		change: func(t *testing.T, s stack, _ mode) stack { return s.without(t, attTransit+"-association") },
		want: []want{fwd(routemodel.CircuitDown, "VPC transit (vpc-transit) has no route to 192.168.0.0/16: "+
			"VPC transit (vpc-transit)'s attachment is not associated with the transit router's route table")},
	},
	{
		name: "transit VPC attachment does not auto-publish",
		change: func(t *testing.T, s stack, _ mode) stack {
			return s.set(t, attTransit, "autoPublishRouteEnabled", false)
		},
		want: []want{fwd(routemodel.CircuitDown, "VPC transit (vpc-transit) has no route to 192.168.0.0/16: "+
			"the transit router does not publish its routes into VPC transit (vpc-transit) (autoPublishRouteEnabled is off on its attachment)")},
	},
	// publishGap on the workload VPC: it never learns the IDC, whatever
	// the links. VPN down is not judged again.
	{
		name:   "workload VPC attachment not associated",
		change: func(t *testing.T, s stack, _ mode) stack { return s.without(t, attWorkload+"-association") },
		want: drill(ret, "VPC workload (vpc-workload) has no route to 172.16.0.0/16: "+
			"VPC workload (vpc-workload)'s attachment is not associated with the transit router's route table"),
	},
	{
		name: "workload VPC attachment does not auto-publish",
		change: func(t *testing.T, s stack, _ mode) stack {
			return s.set(t, attWorkload, "autoPublishRouteEnabled", false)
		},
		want: drill(ret, "VPC workload (vpc-workload) has no route to 172.16.0.0/16: "+
			"the transit router does not publish its routes into VPC workload (vpc-workload) (autoPublishRouteEnabled is off on its attachment)"),
	},
	{
		name:   "workload VPC attached to another transit router",
		change: func(t *testing.T, s stack, m mode) stack { return s.onSecondRouter(t, attWorkload, m) },
		want: interleave(
			drill(fwd, "VPC transit (vpc-transit) has no route to 192.168.0.0/16: VPC workload (vpc-workload) is attached to another transit router than the VBR"),
			drill(ret, "VPC workload (vpc-workload) has no route to 172.16.0.0/16: VPC workload (vpc-workload) is attached to another transit router than the VBR"),
		),
	},
	{
		// The hub has no route to the workload: the on-prem gateway falls
		// back to the VPN, and the transit VPC cannot forward.
		name:   "workload VPC attachment does not propagate",
		change: func(t *testing.T, s stack, _ mode) stack { return s.without(t, attWorkload+"-propagation") },
		want: drill(fwd, "VPC transit (vpc-transit) has no route to 192.168.0.0/16: "+
			"VPC workload (vpc-workload)'s attachment does not propagate its routes to the transit router's route table"),
	},
	{
		name: "workload VPC attachment does not propagate, no VPN gateway",
		change: func(t *testing.T, s stack, _ mode) stack {
			return s.without(t, attWorkload+"-propagation", gatewayName)
		},
		want: []want{
			fwd(routemodel.Normal, "the on-prem gateway has no route to 192.168.0.0/16: no BGP route "+
				"(VPC workload (vpc-workload)'s attachment does not propagate its routes to the transit router's route table) and no static route (there is no VPN gateway)"),
			// The transit VPC, no longer marked by the gateway, is a
			// workload, and it has no standby either.
			{"circuit down", routemodel.Forward, "IDC 172.16.0.0/16 → VPC transit (vpc-transit) 10.0.0.0/16 has no path: " +
				"the on-prem gateway has no route to 10.0.0.0/16: no BGP route (the circuit is down, so BGP is down) and no static route (there is no VPN gateway)"},
			{"circuit down", routemodel.Return, "VPC transit (vpc-transit) 10.0.0.0/16 → IDC 172.16.0.0/16 has no path: " +
				"VPC transit (vpc-transit) has no route to 172.16.0.0/16: there is no VPN gateway"},
			fwd(routemodel.CircuitDown, "the on-prem gateway has no route to 192.168.0.0/16: "+
				"no BGP route (the circuit is down, so BGP is down) and no static route (there is no VPN gateway)"),
			ret(routemodel.CircuitDown, "VPC workload (vpc-workload) has no route to 172.16.0.0/16: there is no VPN gateway"),
			fwd(routemodel.CircuitRestored, "the on-prem gateway has no route to 192.168.0.0/16: no BGP route "+
				"(VPC workload (vpc-workload)'s attachment does not propagate its routes to the transit router's route table) and no static route (there is no VPN gateway)"),
		},
	},
	{
		// Both chains broken: while BGP should be up the return path is
		// explained by the circuit's chain, else by the VPN's.
		name: "VBR not attached, VPN route not advertised",
		change: func(t *testing.T, s stack, _ mode) stack {
			return s.without(t, attVBR, advertiseName)
		},
		want: []want{
			ret(routemodel.Normal, "VPC workload (vpc-workload) has no route to 172.16.0.0/16: the VBR is not attached to the transit router"),
			ret(routemodel.CircuitDown, "VPC workload (vpc-workload) has no route to 172.16.0.0/16: "+
				"the VPN route is not advertised from VPC transit (vpc-transit) to CEN"),
			ret(routemodel.CircuitRestored, "VPC workload (vpc-workload) has no route to 172.16.0.0/16: the VBR is not attached to the transit router"),
		},
	},
	{
		// With no transit router nothing is routed through one, not even
		// the VPN route advertised to CEN.
		name:   "no transit router",
		change: func(t *testing.T, s stack, _ mode) stack { return s.without(t, trName) },
		want: interleave(
			drill(fwd, "VPC transit (vpc-transit) has no route to 192.168.0.0/16: VPC transit (vpc-transit) is not attached to the transit router"),
			drill(ret, "VPC workload (vpc-workload) has no route to 172.16.0.0/16: VPC workload (vpc-workload) is not attached to the transit router"),
		),
	},
}

// drill is a finding of every state of the drill (normal, circuit down,
// circuit restored).
func drill(f func(routemodel.Scenario, string) want, problem string) []want {
	var out []want
	for _, sc := range routemodel.Drill {
		out = append(out, f(sc, problem))
	}
	return out
}

// interleave merges per-scenario findings of two directions, forward first,
// as Verify reports them.
func interleave(a, b []want) []want {
	var out []want
	for i := range a {
		out = append(out, a[i], b[i])
	}
	return out
}

// onSecondRouter attaches the named attachment to a second transit router
// of the stack, not the one the VBR is attached to.
func (s stack) onSecondRouter(t *testing.T, attachment string, m mode) stack {
	t.Helper()
	tr := s.copyOf(t, trName, trName+"2")
	value := "tr-" + trName + "2"
	if m == preview {
		tr.Props["transitRouterId"] = unknown
	} else {
		tr.Props["transitRouterId"] = resource.NewProperty(value)
	}
	return s.add(tr).refer(t, attachment, "transitRouterId", tr, value, m)
}

func TestGaps(t *testing.T) {
	d := deploy(t, "prod", nil)
	base := d.stack(updated)
	for _, c := range gapCases {
		t.Run(c.name, func(t *testing.T) {
			for _, m := range modes {
				s := c.change(t, d.stack(m), m)
				got := routemodel.Build(s, routemodel.OnPrem{IDCPrefixes: d.idc}).Verify(allScenarios)
				if m == preview {
					assert.Equal(t, normalised(base, c.want), findings(base, got), m.String())
					continue
				}
				exact := []want{}
				for _, f := range got {
					exact = append(exact, want{f.Scenario, f.Direction, f.Message})
					// Every finding is about the pair it names.
					assert.True(t, strings.Contains(f.Message, f.VPC+" "+f.VPCCIDR.String()), "%s: %s", m, f)
					assert.Equal(t, s.get(t, strings.SplitN(f.VPC, " ", 2)[0]).URN, f.VPCURN, "%s: %s", m, f)
					assert.Equal(t, idc, f.IDC)
				}
				assert.Equal(t, c.want, exact, m.String())
			}
		})
	}
}

package rules

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/hybridlink/hybridlink/internal/circuits"
	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/routemodel"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Component types, as the components register them; a resource's URN carries
// its parents' types.
const (
	hybridConnection = "hybridlink:index:HybridConnection"
	expressLeg       = hybridConnection + "$hybridlink:index:ExpressConnectLeg"
	vpnLeg           = hybridConnection + "$hybridlink:index:VpnStandbyLeg"
	cenHub           = hybridConnection + "$hybridlink:index:CenHub"
)

// A fixture is a stack as the engine sends it to AnalyzeStack: type tokens,
// URNs, property maps and property dependencies. At a first preview
// (known=false) IDs and outputs are unknown and references are unknown
// values that the dependencies tie to their targets; after an update
// (known=true) they hold IDs.
type fixture struct {
	known bool
	res   []inventory.Resource
}

// mode is the state a fixture stack is in.
type mode int

const (
	preview mode = iota // first preview: IDs and outputs unknown, references tied by dependencies
	updated             // after an update: IDs and outputs known, dependencies recorded
	idsOnly             // references by ID only, no dependencies (state written by other tools)
)

func (m mode) String() string { return [...]string{"preview", "updated", "ids-only"}[m] }

// resources returns the fixture's resources as the given mode presents them.
func (f *fixture) resources(m mode) []inventory.Resource {
	if m != idsOnly {
		return f.res
	}
	out := make([]inventory.Resource, len(f.res))
	for i, r := range f.res {
		r.Deps = nil
		out[i] = r
	}
	return out
}

// ref makes a property refer to a resource: its ID, or one of its outputs.
type ref struct {
	to     inventory.Resource
	output string
}

func id(r inventory.Resource) ref               { return ref{to: r} }
func out(r inventory.Resource, prop string) ref { return ref{r, prop} }

var unknown = resource.MakeComputed(resource.NewProperty(""))

func secret(v any) resource.PropertyValue { return resource.MakeSecret(resource.NewPropertyValue(v)) }

// add registers a resource. Outputs (such as a VPC's routeTableId) are given
// in outputs and are unknown unless the fixture is known.
func (f *fixture) add(t tokens.Type, parent tokens.Type, name string, props map[string]any, outputs map[string]string) inventory.Resource {
	r := inventory.Resource{
		URN:   resource.NewURN("dev", "hybridlink", parent, t, name),
		Type:  t,
		Props: resource.PropertyMap{},
		Deps:  map[resource.PropertyKey][]resource.URN{},
	}
	if f.known {
		r.ID = resource.ID(idPrefix(t) + name)
	}
	for k, v := range props {
		f.setProp(&r, k, v)
	}
	for k, v := range outputs {
		r.Props[resource.PropertyKey(k)] = unknown
		if f.known {
			r.Props[resource.PropertyKey(k)] = resource.NewProperty(v)
		}
	}
	f.res = append(f.res, r)
	return r
}

// setProp sets a top-level property, turning refs into values and
// dependencies as the engine records them.
func (f *fixture) setProp(r *inventory.Resource, key string, v any) {
	k := resource.PropertyKey(key)
	delete(r.Deps, k)
	r.Props[k] = resource.NewPropertyValueRepl(v, nil, func(x any) (resource.PropertyValue, bool) {
		ref, ok := x.(ref)
		if !ok {
			return resource.PropertyValue{}, false
		}
		r.Deps[k] = append(r.Deps[k], ref.to.URN)
		if !f.known {
			return unknown, true
		}
		if ref.output != "" {
			return ref.to.Props[resource.PropertyKey(ref.output)], true
		}
		return resource.NewProperty(string(ref.to.ID)), true
	})
}

// set replaces a top-level property of the named resource.
func (f *fixture) set(name, key string, v any) {
	f.setProp(f.get(name), key, v)
}

// del removes a top-level property of the named resource.
func (f *fixture) del(name, key string) {
	r := f.get(name)
	delete(r.Props, resource.PropertyKey(key))
	delete(r.Deps, resource.PropertyKey(key))
}

// drop removes the named resource.
func (f *fixture) drop(name string) {
	for i := range f.res {
		if f.res[i].Name() == name {
			f.res = append(f.res[:i], f.res[i+1:]...)
			return
		}
	}
	panic("no resource " + name)
}

func (f *fixture) get(name string) *inventory.Resource {
	for i := range f.res {
		if f.res[i].Name() == name {
			return &f.res[i]
		}
	}
	panic("no resource " + name)
}

// urn is the URN of the named resource; "" stands for the stack as a whole.
func (f *fixture) urn(name string) resource.URN {
	if name == "" {
		return ""
	}
	return f.get(name).URN
}

func idPrefix(t tokens.Type) string {
	switch t {
	case inventory.VPC:
		return "vpc-"
	case inventory.VSwitch:
		return "vsw-"
	case inventory.VBR:
		return "vbr-"
	case inventory.BGPGroup:
		return "bgpg-"
	case inventory.BGPPeer:
		return "bgpp-"
	case inventory.VPNGateway:
		return "vpn-"
	case inventory.CustomerGateway:
		return "cgw-"
	case inventory.VPNConnection:
		return "vco-"
	case inventory.CEN:
		return "cen-"
	}
	return "id-"
}

// designStack is the reference design (README.md; VPC1 192.168.0.0/16,
// VPC2 10.0.0.0/16 with the VPN gateway, VBR 10.1.0.0/30, IDC
// 172.16.0.0/16), built by the components; it complies with every rule.
func designStack(m mode) *fixture {
	f := &fixture{known: m != preview}
	vpc1 := f.add(inventory.VPC, "", "dev-vpc1", map[string]any{"cidrBlock": "192.168.0.0/16", "vpcName": "VPC1"},
		map[string]string{"routeTableId": "vtb-vpc1"})
	vpc2 := f.add(inventory.VPC, "", "dev-vpc2", map[string]any{"cidrBlock": "10.0.0.0/16", "vpcName": "VPC2"},
		map[string]string{"routeTableId": "vtb-vpc2"})
	sw := map[string]inventory.Resource{}
	for _, s := range []struct {
		name, cidr, zone string
		vpc              inventory.Resource
	}{
		{"dev-vpc1-h", "192.168.20.0/24", "cn-hangzhou-h", vpc1},
		{"dev-vpc1-i", "192.168.21.0/24", "cn-hangzhou-i", vpc1},
		{"dev-vpc2-h", "10.0.1.0/24", "cn-hangzhou-h", vpc2},
		{"dev-vpc2-i", "10.0.2.0/24", "cn-hangzhou-i", vpc2},
	} {
		sw[s.name] = f.add(inventory.VSwitch, "", s.name, map[string]any{"vpcId": id(s.vpc), "cidrBlock": s.cidr, "zoneId": s.zone}, nil)
	}

	vbr := f.addCircuit(circuitA)

	gw := f.add(inventory.VPNGateway, vpnLeg, "dev-hc-vpn-gateway", map[string]any{
		"vpcId": id(vpc2), "vswitchId": id(sw["dev-vpc2-h"]), "disasterRecoveryVswitchId": id(sw["dev-vpc2-i"]),
		"bandwidth": 10, "enableIpsec": true, "enableSsl": false,
	}, map[string]string{"internetIp": "198.51.100.10"})
	cgw := f.add(inventory.CustomerGateway, vpnLeg, "dev-hc-vpn-customer-gateway", map[string]any{
		"ipAddress": "203.0.113.68",
	}, nil)
	tunnel := func(role string) map[string]any {
		return map[string]any{
			"role": role, "customerGatewayId": id(cgw),
			"tunnelIkeConfig": map[string]any{"ikeVersion": "ikev2", "psk": secret("psk-" + role)},
		}
	}
	conn := f.add(inventory.VPNConnection, vpnLeg, "dev-hc-vpn-connection", map[string]any{
		"vpnGatewayId": id(gw), "localSubnets": []string{"0.0.0.0/0"}, "remoteSubnets": []string{"0.0.0.0/0"},
		"tunnelOptionsSpecifications": []any{tunnel("master"), tunnel("slave")},
	}, nil)
	f.add(inventory.VPNRouteEntry, vpnLeg, "dev-hc-vpn-route-172-16-0-0-16", map[string]any{
		"vpnGatewayId": id(gw), "nextHop": id(conn), "routeDest": "172.16.0.0/16", "weight": 100, "publishVpc": true,
	}, nil)

	cen := f.add(inventory.CEN, cenHub, "dev-hc-hub-cen", map[string]any{"cenInstanceName": "dev"}, nil)
	tr := f.add(inventory.TransitRouter, cenHub, "dev-hc-hub-tr", map[string]any{"cenId": id(cen)},
		map[string]string{"transitRouterId": "tr-dev"})
	for _, a := range []struct {
		name   string
		vpc    inventory.Resource
		sw1    string
		sw2    string
		zone12 [2]string
	}{
		{"dev-hc-hub-vpc1", vpc1, "dev-vpc1-h", "dev-vpc1-i", [2]string{"cn-hangzhou-h", "cn-hangzhou-i"}},
		{"dev-hc-hub-vpc2", vpc2, "dev-vpc2-h", "dev-vpc2-i", [2]string{"cn-hangzhou-h", "cn-hangzhou-i"}},
	} {
		att := f.add(inventory.TRVPCAttachment, cenHub, a.name, map[string]any{
			"cenId": id(cen), "transitRouterId": out(tr, "transitRouterId"), "vpcId": id(a.vpc),
			"zoneMappings": []any{
				map[string]any{"zoneId": a.zone12[0], "vswitchId": id(sw[a.sw1])},
				map[string]any{"zoneId": a.zone12[1], "vswitchId": id(sw[a.sw2])},
			},
			"autoPublishRouteEnabled": true,
		}, map[string]string{"transitRouterAttachmentId": "tr-attach-" + a.name})
		f.wire(att)
	}
	f.attachVBR(circuitA, vbr)
	f.add(inventory.CENRouteEntry, cenHub, "dev-hc-hub-advertise-172-16-0-0-16", map[string]any{
		"instanceId": id(cen), "routeTableId": out(vpc2, "routeTableId"), "cidrBlock": "172.16.0.0/16",
	}, nil)
	return f
}

// circuit is one Express Connect circuit of a fixture: its leg's and its
// hub attachment's names and its VBR's addresses.
type circuit struct {
	leg, hub, line, local, peer string
	vlan                        int
}

// The design's circuit and, in the two-circuit stacks, circuit B: another
// line, VLAN and peering subnet, as HybridConnection names them.
var (
	circuitA = circuit{leg: "dev-hc-ec", hub: "dev-hc-hub-vbr", line: "pc-bp1example", local: "10.1.0.1", peer: "10.1.0.2"}
	circuitB = circuit{leg: "dev-hc-ec-b", hub: "dev-hc-hub-vbr-b", line: "pc-bp1example2", local: "10.1.0.5", peer: "10.1.0.6", vlan: 10}
)

// addCircuit adds a circuit's leg: its VBR, BGP group and BGP peer.
func (f *fixture) addCircuit(c circuit) inventory.Resource {
	vbr := f.add(inventory.VBR, expressLeg, c.leg+"-vbr", map[string]any{
		"physicalConnectionId": c.line, "vlanId": c.vlan,
		"localGatewayIp": c.local, "peerGatewayIp": c.peer, "peeringSubnetMask": "255.255.255.252",
	}, map[string]string{"routeTableId": "vtb-" + c.leg})
	group := f.add(inventory.BGPGroup, expressLeg, c.leg+"-bgp-group", map[string]any{
		"routerId": id(vbr), "peerAsn": 65530, "authKey": secret("bgp-md5-key"),
	}, nil)
	f.add(inventory.BGPPeer, expressLeg, c.leg+"-bgp-peer", map[string]any{
		"bgpGroupId": id(group), "peerIpAddress": c.peer, "enableBfd": true,
	}, nil)
	return vbr
}

// attachVBR attaches a circuit's VBR to the design's transit router, as
// CENHub does.
func (f *fixture) attachVBR(c circuit, vbr inventory.Resource) {
	att := f.add(inventory.TRVBRAttachment, cenHub, c.hub, map[string]any{
		"cenId": id(*f.get("dev-hc-hub-cen")), "transitRouterId": out(*f.get("dev-hc-hub-tr"), "transitRouterId"),
		"vbrId": id(vbr), "autoPublishRouteEnabled": true,
	}, map[string]string{"transitRouterAttachmentId": "tr-attach-" + c.hub})
	f.wire(att)
}

// dualStack is the design stack with circuit B beside circuit A, in a mode:
// active-standby ranks the two VBRs' routes with a route map each, as
// CENHub does (preference 10 for A's, 20 for B's); ECMP with none.
func dualStack(m mode, cm circuits.Mode) *fixture {
	f := designStack(m)
	vbrB := f.addCircuit(circuitB)
	f.attachVBR(circuitB, vbrB)
	prefA, prefB, ok := circuits.RoutePreferences(cm)
	if !ok {
		return f
	}
	f.addRouteMap(circuitA, circuits.RouteMapPriority, prefA)
	f.addRouteMap(circuitB, circuits.RouteMapPriority+1, prefB)
	return f
}

// addRouteMap adds the route map that sets the preference of the routes
// the transit router learns from a circuit's VBR, as CENHub does.
func (f *fixture) addRouteMap(c circuit, priority, preference int) {
	f.add(inventory.RouteMap, cenHub, c.hub+"-route-map", map[string]any{
		"cenId": id(*f.get("dev-hc-hub-cen")), "cenRegionId": "cn-hangzhou", "transitRouterRouteTableId": "vtb-system",
		"transmitDirection": "RegionIn", "priority": priority, "mapResult": "Permit",
		"sourceInstanceIds": []any{id(*f.get(c.leg + "-vbr"))}, "sourceChildInstanceTypes": []string{"VBR"},
		"preference": preference,
	}, nil)
}

// dualConfig is the stack config of a two-circuit stack: the gateway's
// session to each VBR at the local preference the render gives it.
func dualConfig(cm circuits.Mode) Config {
	cfg := designConfig()
	a, b := circuits.LocalPreferences(cm)
	cfg.OnPrem.Sessions = []routemodel.Session{
		{VBRIP: netip.MustParseAddr(circuitA.local), LocalPreference: a},
		{VBRIP: netip.MustParseAddr(circuitB.local), LocalPreference: b},
	}
	cfg.OnPrem.ECMP = cm == circuits.ECMP
	return cfg
}

// wire associates an attachment with the transit router's system route table
// and propagates its routes there, as CENHub does.
func (f *fixture) wire(att inventory.Resource) {
	for _, t := range []tokens.Type{inventory.TRAssociation, inventory.TRPropagation} {
		role := map[tokens.Type]string{inventory.TRAssociation: "association", inventory.TRPropagation: "propagation"}[t]
		f.add(t, cenHub, att.Name()+"-"+role, map[string]any{
			"transitRouterAttachmentId": out(att, "transitRouterAttachmentId"), "transitRouterRouteTableId": "vtb-system",
		}, nil)
	}
}

// designConfig is the stack config of the design stack.
func designConfig() Config {
	return Config{IDCPrefixes: []netip.Prefix{netip.MustParsePrefix("172.16.0.0/16")}}
}

// expect is one violation a case must produce: the message must contain
// every part, in order.
type expect struct {
	rule  string
	level apitype.EnforcementLevel
	urn   string // the name of the resource it is reported against
	parts []string
}

// requireViolations checks the violations exactly: count, rule, level,
// URN, severity (the rule's) and message.
func requireViolations(t *testing.T, f *fixture, got []Violation, want ...expect) {
	t.Helper()
	require.Len(t, got, len(want), "violations: %s", dump(got))
	for i, w := range want {
		g := got[i]
		assert.Equal(t, w.rule, g.Rule, "violation %d", i)
		assert.Equal(t, w.level, g.Level, "violation %d", i)
		rule, ok := Lookup(w.rule)
		require.True(t, ok, w.rule)
		assert.Equal(t, rule.Severity, g.Severity, "violation %d", i)
		assert.Equal(t, f.urn(w.urn), g.URN, "violation %d", i)
		if w.urn != "" {
			// Messages name the resource reported against, with its ID once known.
			assert.Contains(t, g.Message, f.get(w.urn).Describe(), "violation %d", i)
		}
		rest := f.withoutIDs(g.Message)
		for _, p := range w.parts {
			j := strings.Index(rest, p)
			if !assert.GreaterOrEqual(t, j, 0, "violation %d: message %q lacks %q (in order)", i, g.Message, p) {
				break
			}
			rest = rest[j+len(p):]
		}
	}
}

// withoutIDs drops the " (id)" after resource names, so that one expected
// message fits every mode.
func (f *fixture) withoutIDs(msg string) string {
	for _, r := range f.res {
		if r.ID != "" {
			msg = strings.ReplaceAll(msg, " ("+string(r.ID)+")", "")
		}
	}
	return msg
}

func dump(vs []Violation) string {
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "\n  %s [%s] %s: %s", v.Rule, v.Level, v.URN, v.Message)
	}
	return b.String()
}

func resourceSecretUnknown() resource.PropertyValue { return resource.MakeSecret(unknown) }

package rules

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/hybridlink/hybridlink/internal/circuits"
	"github.com/hybridlink/hybridlink/internal/inventory"
)

const failoverRule = "failover-symmetric"

var _ = addCases(failoverRule,
	ruleCase{
		name:   "on-prem gateway prefers its static route",
		change: func(_ *fixture, cfg *Config) { cfg.OnPrem.StaticPreference, cfg.OnPrem.BGPPreference = 10, 20 },
		want: []expect{{failoverRule, apitype.Mandatory, "dev-vpc1", []string{
			"normal: asymmetric routing: IDC 172.16.0.0/16 → VPC dev-vpc1", "192.168.0.0/16 uses IPsec-VPN",
			"but VPC dev-vpc1", "→ IDC 172.16.0.0/16 uses Express Connect",
			"the on-prem gateway prefers its static route via the VPN (preference 10) to BGP (preference 20)"}}},
	},
	ruleCase{
		// pulumi policy analyze sends no stack config.
		name: "without stack config the VPN routes name the IDC",
		change: func(_ *fixture, cfg *Config) {
			cfg.IDCPrefixes = nil
			cfg.OnPrem.StaticPreference, cfg.OnPrem.BGPPreference = 10, 20
		},
		want: []expect{{failoverRule, apitype.Mandatory, "dev-vpc1", []string{
			"normal: asymmetric routing: IDC 172.16.0.0/16 → VPC dev-vpc1", "preference 10"}}},
	},
	ruleCase{
		name:   "VBR attachment does not propagate",
		change: func(f *fixture, _ *Config) { f.drop("dev-hc-hub-vbr-propagation") },
		want: []expect{{failoverRule, apitype.Mandatory, "dev-vpc1", []string{
			"normal: asymmetric routing: IDC 172.16.0.0/16 → VPC dev-vpc1", "uses Express Connect",
			"→ IDC 172.16.0.0/16 uses IPsec-VPN",
			"the transit router has no BGP route from the VBR: the VBR's attachment does not propagate its BGP routes"}}},
	},
	ruleCase{
		name:   "transit VPC attachment does not propagate",
		change: func(f *fixture, _ *Config) { f.drop("dev-hc-hub-vpc2-propagation") },
		want: []expect{{failoverRule, apitype.Mandatory, "dev-vpc1", []string{
			"circuit down: VPC dev-vpc1", "→ IDC 172.16.0.0/16 has no path",
			"VPC dev-vpc2", "'s attachment does not propagate its routes to the transit router's route table"}}},
	},
	ruleCase{
		name:   "workload VPC gets no routes from the transit router",
		change: func(f *fixture, _ *Config) { f.set("dev-hc-hub-vpc1", "autoPublishRouteEnabled", false) },
		want: []expect{
			{failoverRule, apitype.Mandatory, "dev-vpc1", []string{"normal: VPC dev-vpc1", "→ IDC 172.16.0.0/16 has no path",
				"the transit router does not publish its routes into VPC dev-vpc1", "autoPublishRouteEnabled is off"}},
			{failoverRule, apitype.Mandatory, "dev-vpc1", []string{"circuit down: VPC dev-vpc1", "→ IDC 172.16.0.0/16 has no path",
				"the transit router does not publish its routes into VPC dev-vpc1"}},
		},
	},
	ruleCase{
		// The stack cannot see an existing VPC's CIDR or route table.
		name: "an existing transit VPC given by ID is not judged",
		change: func(f *fixture, _ *Config) {
			f.set("dev-hc-vpn-gateway", "vpcId", "vpc-existing")
			f.set("dev-hc-hub-vpc2", "vpcId", "vpc-existing")
		},
	},
	ruleCase{
		name: "a VPC with no attachment is not a workload VPC",
		change: func(f *fixture, _ *Config) {
			f.add(inventory.VPC, "", "dev-vpc-other", map[string]any{"cidrBlock": "10.50.0.0/16"}, map[string]string{"routeTableId": "vtb-other"})
		},
	},
)

// The two-circuit stacks: a priority set on one side only, or none at all,
// sends the two directions over different circuits, and the finding names
// the direction that strays and the route maps or sessions that make it.
const (
	routeMapA = "dev-hc-hub-vbr-route-map"
	routeMapB = "dev-hc-hub-vbr-b-route-map"
	// asymmetric is how a finding of the normal state starts.
	asymmetric = "normal: asymmetric routing: IDC 172.16.0.0/16 → VPC dev-vpc1"
	// byRouteMaps and byLocalPreference explain each direction's choice.
	byRouteMaps       = "the transit router ranks the VBRs' routes by route-map preference (the lower wins), and the preferences are "
	byLocalPreference = "the on-prem gateway ranks the circuits' BGP routes by local preference (the higher wins), and "
)

var _ = addCases(failoverRule,
	ruleCase{
		name:     "two circuits: circuit B preferred on premises only",
		circuits: circuits.ActiveStandby,
		change: func(_ *fixture, cfg *Config) {
			cfg.OnPrem.Sessions[0].LocalPreference, cfg.OnPrem.Sessions[1].LocalPreference = 100, 200
		},
		want: []expect{{failoverRule, apitype.Mandatory, "dev-vpc1", []string{asymmetric, "uses Express Connect B but VPC dev-vpc1",
			"uses Express Connect A: IDC → cloud takes Express Connect B, not Express Connect A: " + byLocalPreference +
				"the local preferences are 100 on the session to VBR 10.1.0.1 (Express Connect A), 200 on the session to VBR 10.1.0.5 (Express Connect B)"}}},
	},
	ruleCase{
		name:     "two circuits: no route map ranks the VBRs",
		circuits: circuits.ActiveStandby,
		change:   func(f *fixture, _ *Config) { f.drop(routeMapA); f.drop(routeMapB) },
		want: []expect{{failoverRule, apitype.Mandatory, "dev-vpc1", []string{asymmetric, "uses Express Connect A but VPC dev-vpc1",
			"uses Express Connect A+B: cloud → IDC takes Express Connect A+B, not Express Connect A: " + byRouteMaps +
				"50 on VBR 10.1.0.1's routes (Express Connect A, the default, no route map), 50 on VBR 10.1.0.5's routes (Express Connect B, the default, no route map)"}}},
	},
	ruleCase{
		// Why both maps are set: B's alone, at 20, beats A's default 50.
		name:     "two circuits: a route map on circuit B's routes only",
		circuits: circuits.ActiveStandby,
		change:   func(f *fixture, _ *Config) { f.drop(routeMapA) },
		want: []expect{{failoverRule, apitype.Mandatory, "dev-vpc1", []string{asymmetric, "uses Express Connect A but VPC dev-vpc1",
			"uses Express Connect B: cloud → IDC takes Express Connect B, not Express Connect A: " + byRouteMaps +
				"50 on VBR 10.1.0.1's routes (Express Connect A, the default, no route map), 20 on VBR 10.1.0.5's routes (Express Connect B, route map " + routeMapB + ")"}}},
	},
	ruleCase{
		name:     "two circuits: the route maps' preferences swapped",
		circuits: circuits.ActiveStandby,
		change:   func(f *fixture, _ *Config) { f.set(routeMapA, "preference", 20); f.set(routeMapB, "preference", 10) },
		want: []expect{{failoverRule, apitype.Mandatory, "dev-vpc1", []string{asymmetric,
			"cloud → IDC takes Express Connect B, not Express Connect A: " + byRouteMaps +
				"20 on VBR 10.1.0.1's routes (Express Connect A, route map " + routeMapA + "), 10 on VBR 10.1.0.5's routes (Express Connect B, route map " + routeMapB + ")"}}},
	},
	ruleCase{
		// A map on routes leaving the region does not rank the routes the
		// transit router learns from the VBRs.
		name:     "two circuits: circuit A's route map applies to routes leaving the region",
		circuits: circuits.ActiveStandby,
		change:   func(f *fixture, _ *Config) { f.set(routeMapA, "transmitDirection", "RegionOut") },
		want: []expect{{failoverRule, apitype.Mandatory, "dev-vpc1", []string{asymmetric,
			"cloud → IDC takes Express Connect B, not Express Connect A", "50 on VBR 10.1.0.1's routes (Express Connect A, the default, no route map)"}}},
	},
	ruleCase{
		name:     "two circuits: circuit B's attachment does not propagate",
		circuits: circuits.ActiveStandby,
		change:   func(f *fixture, _ *Config) { f.drop("dev-hc-hub-vbr-b-propagation") },
		want: []expect{
			{failoverRule, apitype.Mandatory, "dev-vpc1", []string{"circuit A down: asymmetric routing: IDC 172.16.0.0/16 → VPC dev-vpc1",
				"uses Express Connect B but", "uses IPsec-VPN: cloud → IDC takes IPsec-VPN, not Express Connect B: the transit router has no BGP route from VBR 10.1.0.5: " +
					"the VBR's attachment does not propagate its BGP routes to the transit router's route table"}},
			{failoverRule, apitype.Mandatory, "dev-vpc1", []string{"circuit A and the VPN down: VPC dev-vpc1", "→ IDC 172.16.0.0/16 has no path: the IPsec tunnel is down"}},
		},
	},
	ruleCase{
		name:     "two circuits in ecmp mode: the gateway prefers circuit A",
		circuits: circuits.ECMP,
		change:   func(_ *fixture, cfg *Config) { cfg.OnPrem.Sessions[0].LocalPreference = 200 },
		want: []expect{{failoverRule, apitype.Mandatory, "dev-vpc1", []string{asymmetric, "uses Express Connect A but VPC dev-vpc1",
			"uses Express Connect A+B: IDC → cloud takes Express Connect A, not Express Connect A+B: " + byLocalPreference +
				"ECMP needs equal local preferences; they are 200 on the session to VBR 10.1.0.1 (Express Connect A), 100 on the session to VBR 10.1.0.5 (Express Connect B)"}}},
	},
	ruleCase{
		name:     "two circuits in ecmp mode: a route map ranks circuit A first",
		circuits: circuits.ECMP,
		change: func(f *fixture, _ *Config) {
			f.addRouteMap(circuitA, circuits.RouteMapPriority, circuits.PrimaryRoutePreference)
		},
		want: []expect{{failoverRule, apitype.Mandatory, "dev-vpc1", []string{asymmetric, "uses Express Connect A+B but VPC dev-vpc1",
			"uses Express Connect A: cloud → IDC takes Express Connect A, not Express Connect A+B"}}},
	},
	ruleCase{
		// pulumi policy analyze sends no stack config: the gateway is taken
		// as rendered for the mode the route maps show.
		name:     "two circuits without stack config are judged as rendered",
		circuits: circuits.ActiveStandby,
		change:   func(_ *fixture, cfg *Config) { *cfg = Config{} },
	},
	ruleCase{
		name:     "two circuits in ecmp mode without stack config are judged as rendered",
		circuits: circuits.ECMP,
		change:   func(_ *fixture, cfg *Config) { *cfg = Config{} },
	},
	ruleCase{
		name:     "two circuits without stack config: a route map on circuit B's routes only",
		circuits: circuits.ActiveStandby,
		change:   func(f *fixture, cfg *Config) { *cfg = Config{}; f.drop(routeMapA) },
		want: []expect{{failoverRule, apitype.Mandatory, "dev-vpc1", []string{asymmetric,
			"cloud → IDC takes Express Connect B, not Express Connect A"}}},
	},
)

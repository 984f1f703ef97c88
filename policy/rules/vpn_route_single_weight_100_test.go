package rules

import (
	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

const weightRule = "vpn-route-single-weight-100"

// addRoute adds a VPN route on a gateway of the design stack.
func addRoute(f *fixture, name, gateway, dest string, weight int) {
	f.add(inventory.VPNRouteEntry, vpnLeg, name, map[string]any{
		"vpnGatewayId": id(*f.get(gateway)), "nextHop": id(*f.get("dev-hc-vpn-connection")),
		"routeDest": dest, "weight": weight, "publishVpc": true,
	}, nil)
}

var _ = addCases(weightRule,
	ruleCase{
		// At a first preview both vpnGatewayIds are unknown: the dependency
		// on the same gateway URN ties them. The destination is normalized.
		name: "two active routes for one destination",
		change: func(f *fixture, _ *Config) {
			addRoute(f, "dev-hc-vpn-route-b", "dev-hc-vpn-gateway", "172.16.1.0/16", 100)
		},
		want: []expect{{weightRule, apitype.Mandatory, "dev-hc-vpn-route-b", []string{
			"VPN route dev-hc-vpn-route-b and VPN route dev-hc-vpn-route-172-16-0-0-16 both route 172.16.0.0/16 on VPN gateway dev-hc-vpn-gateway with weight 100",
			"set weight 0 (standby) on one of them"}}},
	},
	ruleCase{
		name:   "weight neither 0 nor 100",
		change: func(f *fixture, _ *Config) { f.set("dev-hc-vpn-route-172-16-0-0-16", "weight", 50) },
		want: []expect{{weightRule, apitype.Mandatory, "dev-hc-vpn-route-172-16-0-0-16", []string{
			"VPN route dev-hc-vpn-route-172-16-0-0-16: weight 50 is not accepted: use 100 (active) or 0 (standby)"}}},
	},
	ruleCase{
		name: "active and standby route for one destination",
		change: func(f *fixture, _ *Config) {
			addRoute(f, "dev-hc-vpn-route-b", "dev-hc-vpn-gateway", "172.16.0.0/16", 0)
		},
	},
	ruleCase{
		name: "active routes on two gateways",
		change: func(f *fixture, _ *Config) {
			f.add(inventory.VPNGateway, vpnLeg, "dev-hc-vpn-gateway-2", map[string]any{"vpcId": id(*f.get("dev-vpc2")), "bandwidth": 10}, nil)
			addRoute(f, "dev-hc-vpn-route-b", "dev-hc-vpn-gateway-2", "172.16.0.0/16", 100)
		},
	},
)

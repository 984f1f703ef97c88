package rules

import (
	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

const standbyRule = "standby-path-complete"

const designRoute = "dev-hc-vpn-route-172-16-0-0-16"

var _ = addCases(standbyRule,
	ruleCase{
		name:   "route not published to the VPC",
		change: func(f *fixture, _ *Config) { f.set(designRoute, "publishVpc", false) },
		want: []expect{{standbyRule, apitype.Mandatory, designRoute, []string{
			"VPN route " + designRoute, "has publishVpc false", "set publishVpc: true"}},
			{failoverRule, apitype.Mandatory, "dev-vpc1", []string{"circuit down: VPC dev-vpc1", "→ IDC 172.16.0.0/16 has no path",
				"the VPN route to 172.16.0.0/16 is not advertised to VPC dev-vpc2", "(publishVpc is off)"}},
		},
	},
	ruleCase{
		name:   "route not advertised to CEN",
		change: func(f *fixture, _ *Config) { f.drop("dev-hc-hub-advertise-172-16-0-0-16") },
		want: []expect{{standbyRule, apitype.Mandatory, designRoute, []string{
			"IDC prefix 172.16.0.0/16, routed over the VPN by VPN route " + designRoute,
			"is not advertised from VPC dev-vpc2", "to CEN", "add a cen.RouteEntry", "cidrBlock 172.16.0.0/16"}},
			{failoverRule, apitype.Mandatory, "dev-vpc1", []string{"circuit down: VPC dev-vpc1", "→ IDC 172.16.0.0/16 has no path",
				"the VPN route is not advertised from VPC dev-vpc2", "to CEN"}},
		},
	},
	ruleCase{
		name: "route advertised from another VPC",
		change: func(f *fixture, _ *Config) {
			f.set("dev-hc-hub-advertise-172-16-0-0-16", "routeTableId", out(*f.get("dev-vpc1"), "routeTableId"))
		},
		want: []expect{{standbyRule, apitype.Mandatory, designRoute, []string{"is not advertised from VPC dev-vpc2"}},
			{failoverRule, apitype.Mandatory, "dev-vpc1", []string{"circuit down: VPC dev-vpc1", "→ IDC 172.16.0.0/16 has no path",
				"the VPN route is not advertised from VPC dev-vpc2", "to CEN"}},
		},
	},
	ruleCase{
		name:   "VPN VPC not attached",
		change: func(f *fixture, _ *Config) { f.drop("dev-hc-hub-vpc2") },
		want: []expect{{standbyRule, apitype.Mandatory, "dev-vpc2", []string{
			"VPC dev-vpc2", "which hosts VPN gateway dev-hc-vpn-gateway", "is not attached to a transit router"}},
			{failoverRule, apitype.Mandatory, "dev-vpc1", []string{"circuit down: IDC 172.16.0.0/16 → VPC dev-vpc1", "has no path",
				"VPC dev-vpc2", "has no route to 192.168.0.0/16: VPC dev-vpc2", "is not attached to the transit router"}},
			{failoverRule, apitype.Mandatory, "dev-vpc1", []string{"circuit down: VPC dev-vpc1", "→ IDC 172.16.0.0/16 has no path",
				"VPC dev-vpc2", "which holds the VPN gateway, is not attached to the transit router"}},
		},
	},
	ruleCase{
		name: "VBR on another transit router",
		change: func(f *fixture, _ *Config) {
			tr2 := f.add(inventory.TransitRouter, cenHub, "dev-hc-hub-tr2", map[string]any{"cenId": id(*f.get("dev-hc-hub-cen"))},
				map[string]string{"transitRouterId": "tr-dev2"})
			f.set("dev-hc-hub-vbr", "transitRouterId", out(tr2, "transitRouterId"))
		},
		want: []expect{{standbyRule, apitype.Mandatory, "dev-vpc2", []string{
			"VPC dev-vpc2", "(the VPN's VPC) is attached to transit router dev-hc-hub-tr",
			"but VBR dev-hc-ec-vbr", "to transit router dev-hc-hub-tr2", "same transit router"}},
			{failoverRule, apitype.Mandatory, "dev-vpc1", []string{"normal: IDC 172.16.0.0/16 → VPC dev-vpc1", "has no path",
				"VPC dev-vpc2", "is attached to another transit router than the VBR"}},
			{failoverRule, apitype.Mandatory, "dev-vpc1", []string{"normal: VPC dev-vpc1", "→ IDC 172.16.0.0/16 has no path",
				"VPC dev-vpc1", "is attached to another transit router than the VBR"}},
			{failoverRule, apitype.Mandatory, "dev-vpc1", []string{"circuit down: IDC 172.16.0.0/16 → VPC dev-vpc1", "has no path",
				"VPC dev-vpc2", "is attached to another transit router than the VBR"}},
			{failoverRule, apitype.Mandatory, "dev-vpc1", []string{"circuit down: VPC dev-vpc1", "→ IDC 172.16.0.0/16 has no path",
				"VPC dev-vpc1", "is attached to another transit router than the VBR"}},
		},
	},
	ruleCase{
		name:   "VBR not attached",
		change: func(f *fixture, _ *Config) { f.drop("dev-hc-hub-vbr") },
		want: []expect{{standbyRule, apitype.Mandatory, "dev-vpc2", []string{
			"is attached to transit router dev-hc-hub-tr", "but VBR dev-hc-ec-vbr", "to no transit router"}},
			{failoverRule, apitype.Mandatory, "dev-vpc1", []string{"normal: IDC 172.16.0.0/16 → VPC dev-vpc1", "and back use IPsec-VPN, expected Express Connect",
				"no BGP route (the VBR is not attached to the transit router)"}},
		},
	},
	ruleCase{
		name: "hub in another stack",
		change: func(f *fixture, _ *Config) {
			for _, n := range []string{"dev-hc-hub-advertise-172-16-0-0-16", "dev-hc-hub-vbr", "dev-hc-hub-vpc1", "dev-hc-hub-vpc2", "dev-hc-hub-tr", "dev-hc-hub-cen"} {
				f.drop(n)
			}
		},
	},
	ruleCase{
		name: "primary leg in another stack",
		change: func(f *fixture, _ *Config) {
			for _, n := range []string{"dev-hc-hub-vbr", "dev-hc-ec-bgp-peer", "dev-hc-ec-bgp-group", "dev-hc-ec-vbr"} {
				f.drop(n)
			}
		},
	},
)

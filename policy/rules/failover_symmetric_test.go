package rules

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

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

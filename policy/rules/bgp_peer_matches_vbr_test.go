package rules

import "github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

const peerRule = "bgp-peer-matches-vbr"

var _ = addCases(peerRule,
	ruleCase{
		name:   "peer IP is not the customer-side IP",
		change: func(f *fixture, _ *Config) { f.set("dev-hc-ec-bgp-peer", "peerIpAddress", "10.1.0.5") },
		want: []expect{{peerRule, apitype.Mandatory, "dev-hc-ec-bgp-peer", []string{
			"BGP peer dev-hc-ec-bgp-peer peers with 10.1.0.5, but the customer-side IP of VBR dev-hc-ec-vbr",
			"(BGP group dev-hc-ec-bgp-group", "is 10.1.0.2: set peerIpAddress to 10.1.0.2"}},
			{failoverRule, apitype.Mandatory, "dev-vpc1", []string{
				"normal: IDC 172.16.0.0/16 → VPC dev-vpc1", "and back use IPsec-VPN, expected Express Connect",
				"BGP cannot come up: the BGP peer's IP 10.1.0.5 is not the VBR's customer-side IP 10.1.0.2"}}},
	},
	ruleCase{
		name:   "peer IP is the cloud-side IP",
		change: func(f *fixture, _ *Config) { f.set("dev-hc-ec-bgp-peer", "peerIpAddress", "10.1.0.1") },
		want: []expect{{peerRule, apitype.Mandatory, "dev-hc-ec-bgp-peer", []string{
			"peers with 10.1.0.1, which is the VBR's own cloud-side IP", "set peerIpAddress to 10.1.0.2"}},
			{failoverRule, apitype.Mandatory, "dev-vpc1", []string{
				"normal: IDC 172.16.0.0/16 → VPC dev-vpc1", "and back use IPsec-VPN, expected Express Connect",
				"BGP cannot come up: the BGP peer's IP 10.1.0.1 is not the VBR's customer-side IP 10.1.0.2"}}},
	},
	ruleCase{
		name:   "peer IP missing",
		change: func(f *fixture, _ *Config) { f.del("dev-hc-ec-bgp-peer", "peerIpAddress") },
		want: []expect{{peerRule, apitype.Mandatory, "dev-hc-ec-bgp-peer", []string{
			"BGP peer dev-hc-ec-bgp-peer sets no peerIpAddress", "set it to the VBR's customer-side IP 10.1.0.2"}}},
	},
)

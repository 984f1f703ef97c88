package rules

import (
	"net/netip"

	"github.com/hybridlink/hybridlink/internal/circuits"
	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

const cidrRule = "cidr-no-overlap"

// addVSwitch adds a vSwitch to one of the design stack's VPCs.
func addVSwitch(f *fixture, name, vpc, block string) {
	f.add(inventory.VSwitch, "", name, map[string]any{"vpcId": id(*f.get(vpc)), "cidrBlock": block, "zoneId": "cn-hangzhou-h"}, nil)
}

// addAdvertisement adds a CEN route entry publishing block from VPC2.
func addAdvertisement(f *fixture, name, block string) {
	f.add(inventory.CENRouteEntry, cenHub, name, map[string]any{
		"instanceId": id(*f.get("dev-hc-hub-cen")), "routeTableId": out(*f.get("dev-vpc2"), "routeTableId"), "cidrBlock": block,
	}, nil)
}

var _ = addCases(cidrRule,
	ruleCase{
		name: "VPC overlaps VPC",
		change: func(f *fixture, _ *Config) {
			f.add(inventory.VPC, "", "dev-vpc3", map[string]any{"cidrBlock": "10.0.128.0/17"}, map[string]string{"routeTableId": "vtb-vpc3"})
		},
		want: []expect{{cidrRule, apitype.Mandatory, "dev-vpc3", []string{
			"VPC dev-vpc3", "10.0.128.0/17 overlaps VPC dev-vpc2", "10.0.0.0/16", "renumber one of them"}}},
	},
	ruleCase{
		name:   "vSwitch overlaps another VPC",
		change: func(f *fixture, _ *Config) { addVSwitch(f, "dev-vpc1-x", "dev-vpc1", "10.0.5.0/24") },
		want: []expect{
			{cidrRule, apitype.Mandatory, "dev-vpc1-x", []string{"vSwitch dev-vpc1-x", "10.0.5.0/24 overlaps VPC dev-vpc2", "10.0.0.0/16"}},
			{cidrRule, apitype.Mandatory, "dev-vpc1-x", []string{"vSwitch dev-vpc1-x", "10.0.5.0/24 is not inside its VPC dev-vpc1", "192.168.0.0/16"}},
		},
	},
	ruleCase{
		name:   "vSwitches of one VPC overlap",
		change: func(f *fixture, _ *Config) { addVSwitch(f, "dev-vpc1-j", "dev-vpc1", "192.168.20.128/25") },
		want: []expect{{cidrRule, apitype.Mandatory, "dev-vpc1-j", []string{
			"vSwitch dev-vpc1-j", "192.168.20.128/25 overlaps vSwitch dev-vpc1-h", "192.168.20.0/24"}}},
	},
	ruleCase{
		name:   "vSwitches of one VPC share a block",
		change: func(f *fixture, _ *Config) { addVSwitch(f, "dev-vpc2-j", "dev-vpc2", "10.0.2.0/24") },
		want: []expect{{cidrRule, apitype.Mandatory, "dev-vpc2-j", []string{
			"vSwitch dev-vpc2-j", "10.0.2.0/24 is the same block as vSwitch dev-vpc2-i", "10.0.2.0/24"}}},
	},
	ruleCase{
		name:   "vSwitch outside its VPC",
		change: func(f *fixture, _ *Config) { f.set("dev-vpc1-i", "cidrBlock", "172.31.0.0/24") },
		want: []expect{{cidrRule, apitype.Mandatory, "dev-vpc1-i", []string{
			"vSwitch dev-vpc1-i", "172.31.0.0/24 is not inside its VPC dev-vpc1", "192.168.0.0/16", "give the vSwitch a block inside 192.168.0.0/16"}}},
	},
	ruleCase{
		name: "VBR peering subnet inside a VPC",
		change: func(f *fixture, _ *Config) {
			f.set("dev-hc-ec-vbr", "localGatewayIp", "10.0.9.1")
			f.set("dev-hc-ec-vbr", "peerGatewayIp", "10.0.9.2")
			f.set("dev-hc-ec-bgp-peer", "peerIpAddress", "10.0.9.2")
		},
		want: []expect{{cidrRule, apitype.Mandatory, "dev-hc-ec-vbr", []string{
			"VBR dev-hc-ec-vbr", "peering subnet 10.0.9.0/30 overlaps VPC dev-vpc2", "10.0.0.0/16"}}},
	},
	ruleCase{
		name: "CEN route entry prefix inside a VPC",
		change: func(f *fixture, _ *Config) {
			addAdvertisement(f, "dev-hc-hub-advertise-192-168-30-0-24", "192.168.30.0/24")
		},
		want: []expect{{cidrRule, apitype.Mandatory, "dev-hc-hub-advertise-192-168-30-0-24", []string{
			"IDC prefix 192.168.30.0/24 (CEN route entry dev-hc-hub-advertise-192-168-30-0-24) overlaps VPC dev-vpc1", "192.168.0.0/16"}}},
	},
	ruleCase{
		// The route and its advertisement name one prefix: one violation.
		name: "VPN route destination inside a VPC",
		change: func(f *fixture, _ *Config) {
			f.add(inventory.VPNRouteEntry, vpnLeg, "dev-hc-vpn-route-192-168-30-0-24", map[string]any{
				"vpnGatewayId": id(*f.get("dev-hc-vpn-gateway")), "nextHop": id(*f.get("dev-hc-vpn-connection")),
				"routeDest": "192.168.30.0/24", "weight": 100, "publishVpc": true,
			}, nil)
			addAdvertisement(f, "dev-hc-hub-advertise-192-168-30-0-24", "192.168.30.0/24")
		},
		want: []expect{{cidrRule, apitype.Mandatory, "dev-hc-vpn-route-192-168-30-0-24", []string{
			"IDC prefix 192.168.30.0/24 (VPN route dev-hc-vpn-route-192-168-30-0-24, CEN route entry dev-hc-hub-advertise-192-168-30-0-24) overlaps VPC dev-vpc1"}}},
	},
	ruleCase{
		name: "configured IDC prefix inside a VPC",
		change: func(_ *fixture, cfg *Config) {
			cfg.IDCPrefixes = append(cfg.IDCPrefixes, netip.MustParsePrefix("10.0.0.0/24"))
		},
		want: []expect{
			{cidrRule, apitype.Mandatory, "dev-vpc2", []string{
				"IDC prefix 10.0.0.0/24 (stack config hybridlink:idcPrefixes) overlaps VPC dev-vpc2", "10.0.0.0/16"}},
			{failoverRule, apitype.Mandatory, "dev-vpc1", []string{
				"circuit down: VPC dev-vpc1", "192.168.0.0/16 → IDC 10.0.0.0/24 has no path", "the VPN gateway has no destination route to 10.0.0.0/24"}},
		},
	},
	ruleCase{
		name: "IDC prefixes nest",
		change: func(_ *fixture, cfg *Config) {
			cfg.IDCPrefixes = append(cfg.IDCPrefixes, netip.MustParsePrefix("172.16.0.0/12"))
		},
		want: []expect{{cidrRule, apitype.Mandatory, "dev-hc-vpn-route-172-16-0-0-16", []string{
			"IDC prefix 172.16.0.0/16 (VPN route dev-hc-vpn-route-172-16-0-0-16, CEN route entry dev-hc-hub-advertise-172-16-0-0-16, stack config hybridlink:idcPrefixes)",
			"overlaps IDC prefix 172.16.0.0/12 (stack config hybridlink:idcPrefixes)"}}},
	},
	ruleCase{
		name: "config IDC prefix with no route is still one prefix",
		change: func(_ *fixture, cfg *Config) {
			cfg.IDCPrefixes = append(cfg.IDCPrefixes, netip.MustParsePrefix("172.16.0.0/16"), netip.MustParsePrefix("172.20.0.0/16"))
		},
		// No overlap; but with no VPN route, 172.20.0.0/16 has no standby path.
		want: []expect{{failoverRule, apitype.Mandatory, "dev-vpc1", []string{
			"circuit down: VPC dev-vpc1", "→ IDC 172.20.0.0/16 has no path", "the VPN gateway has no destination route to 172.20.0.0/16"}}},
	},
	ruleCase{
		// The BGP peer and the gateway's session follow, so that only the
		// overlap is reported.
		name:     "circuit B's peering subnet is circuit A's",
		circuits: circuits.ActiveStandby,
		change: func(f *fixture, cfg *Config) {
			f.set("dev-hc-ec-b-vbr", "localGatewayIp", "10.1.0.2")
			f.set("dev-hc-ec-b-vbr", "peerGatewayIp", "10.1.0.1")
			f.set("dev-hc-ec-b-bgp-peer", "peerIpAddress", "10.1.0.1")
			cfg.OnPrem.Sessions[1].VBRIP = netip.MustParseAddr("10.1.0.2")
		},
		want: []expect{{cidrRule, apitype.Mandatory, "dev-hc-ec-b-vbr", []string{
			"VBR dev-hc-ec-b-vbr peering subnet 10.1.0.0/30 is the same block as VBR dev-hc-ec-vbr peering subnet 10.1.0.0/30"}}},
	},
)

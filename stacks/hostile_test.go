package stacks

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// hostileConfigs are malformed stacks of the kinds an adversarial tester
// found to slip past validation (issue 13), one group per class of rule:
// the form of existing IDs, tags, sizes, required keys, special-purpose
// addresses, and the key an error names.
func hostileConfigs() []malformed {
	// existing makes the transit VPC an existing one with valid IDs, then
	// applies more changes.
	existing := func(more ...func(*testing.T, MapSource)) func(*testing.T, MapSource) {
		return func(t *testing.T, src MapSource) {
			existingTransitVPC(t, src)
			for _, m := range more {
				m(t, src)
			}
		}
	}
	setTags := func(tags map[string]any) func(*testing.T, MapSource) {
		return func(t *testing.T, src MapSource) {
			b, err := json.Marshal(tags)
			if err != nil {
				t.Fatal(err)
			}
			src.Values["hybridlink:tags"] = string(b)
		}
	}
	tags := func(n int) func(*testing.T, MapSource) {
		return func(t *testing.T, src MapSource) {
			m := map[string]any{}
			for i := range n {
				m[fmt.Sprintf("t%02d", i)] = "v"
			}
			setTags(m)(t, src)
		}
	}
	list := func(n int, f func(i int) any) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	const idForm = "lowercase letters or digits"
	return []malformed{
		// The form of existing objects' IDs, as the API defines it.
		{name: "circuit ID with an underscore", mutate: set("hybridlink:expressConnect", "physicalConnectionId", "pc_bp1hybridlinkprod0001"),
			keys: []string{"hybridlink:expressConnect.physicalConnectionId"}, value: "pc_bp1hybridlinkprod0001", mentions: []string{"pc- and", idForm}},
		{name: "circuit ID of another kind", mutate: set("hybridlink:expressConnect", "physicalConnectionId", "vbr-bp1hybridlinkprod0001"),
			keys: []string{"hybridlink:expressConnect.physicalConnectionId"}, value: "vbr-bp1hybridlinkprod0001", mentions: []string{"Express Connect circuit", "pc-"}},
		{name: "circuit ID in capitals", mutate: set("hybridlink:expressConnect", "physicalConnectionId", "PC-BP1HYBRIDLINKPROD0001"),
			keys: []string{"hybridlink:expressConnect.physicalConnectionId"}, value: "PC-BP1HYBRIDLINKPROD0001", mentions: []string{idForm}},
		{name: "circuit ID with a path", mutate: set("hybridlink:expressConnect", "physicalConnectionId", "pc-../../etc/passwd"),
			keys: []string{"hybridlink:expressConnect.physicalConnectionId"}, value: "pc-../../etc/passwd", mentions: []string{idForm}},
		{name: "existing VPC ID too short", mutate: existing(set("hybridlink:transitVpc", "id", "vpc-t")),
			keys: []string{"hybridlink:transitVpc.id"}, value: "vpc-t", mentions: []string{"VPC ID: vpc-"}},
		{name: "existing vSwitch ID with hyphens", mutate: existing(set("hybridlink:transitVpc", "vSwitches[1].id", "vsw-transit-i")),
			keys: []string{"hybridlink:transitVpc.vSwitches[1].id"}, value: "vsw-transit-i", mentions: []string{"vSwitch ID: vsw-"}},
		{name: "route table ID of a vRouter", mutate: existing(set("hybridlink:transitVpc", "routeTableId", "vrt-bp1transit0000001")),
			keys: []string{"hybridlink:transitVpc.routeTableId"}, value: "vrt-bp1transit0000001", mentions: []string{"route table ID: vtb-"}},
		{name: "vSwitch ID given as the VPC ID", mutate: existing(set("hybridlink:transitVpc", "id", "vsw-bp1transith000001")),
			keys: []string{"hybridlink:transitVpc.id"}, value: "vsw-bp1transith000001", mentions: []string{"VPC ID: vpc-"}},
		{name: "CEN ID malformed", mutate: raw("hybridlink:cenId", "cen-"),
			keys: []string{"hybridlink:cenId"}, value: "cen-", mentions: []string{"CEN instance ID: cen-"}},
		{name: "CEN ID of a transit router", mutate: raw("hybridlink:cenId", "tr-bp1transitrouter0001"),
			keys: []string{"hybridlink:cenId"}, value: "tr-bp1transitrouter0001", mentions: []string{"cen-"}},

		// Tags, by Alibaba's rules; the always-set ones stay set.
		{name: "tag key reserved aliyun", mutate: setTags(map[string]any{"aliyun:owner": "net"}),
			keys: []string{"hybridlink:tags.aliyun:owner"}, value: "", mentions: []string{"reserves", "acs:"}},
		{name: "tag key reserved acs", mutate: setTags(map[string]any{"acs:team": "net"}),
			keys: []string{"hybridlink:tags.acs:team"}, value: "", mentions: []string{"reserves"}},
		{name: "tag value with a URL", mutate: setTags(map[string]any{"wiki": "https://wiki.example/net"}),
			keys: []string{"hybridlink:tags.wiki"}, value: "", mentions: []string{`"https://"`}},
		{name: "tag key too long", mutate: setTags(map[string]any{strings.Repeat("k", 65): "v"}),
			keys: []string{"hybridlink:tags." + strings.Repeat("k", 65)}, value: "", mentions: []string{"65 characters; at most 64"}},
		{name: "tag value too long", mutate: setTags(map[string]any{"team": strings.Repeat("v", 129)}),
			keys: []string{"hybridlink:tags.team"}, value: "", mentions: []string{"129 characters; at most 128"}},
		{name: "empty tag key", mutate: setTags(map[string]any{"": "v"}),
			keys: []string{"hybridlink:tags"}, value: "", mentions: []string{"cannot be empty"}},
		{name: "too many tags with the always-set ones", mutate: tags(19),
			keys: []string{"hybridlink:tags"}, value: "21", mentions: []string{"21 tags; a resource takes at most 20", "hybridlink sets"}},
		{name: "tag overrides managed-by", mutate: setTags(map[string]any{"managed-by": "terraform"}),
			keys: []string{"hybridlink:tags.managed-by"}, value: "terraform", mentions: []string{"cannot be overridden"}},
		{name: "tag overrides environment", stack: "dev", mutate: func(t *testing.T, src MapSource) {
			src.Values["hybridlink:tags"] = `{"environment": "prod"}`
		}, keys: []string{"hybridlink:tags.environment"}, value: "prod", mentions: []string{"cannot be overridden"}},
		{name: "tag value not a string", mutate: raw("hybridlink:tags", `{"cost": 12}`),
			keys: []string{"hybridlink:tags.cost"}, value: "12", mentions: []string{"string is expected"}},

		// Sizes: refused fast, with the limit.
		{name: "configuration too large", mutate: setTags(map[string]any{"notes": strings.Repeat("x", 70<<10)}),
			keys: []string{"hybridlink:tags"}, value: fmt.Sprintf("[%d bytes]", 70<<10+len(`{"notes":""}`)), mentions: []string{"more than the 65536"}},
		{name: "huge region", mutate: raw("alicloud:region", strings.Repeat("cn-hangzhou", 1<<16)),
			keys: []string{"alicloud:region"}, value: fmt.Sprintf("[%d bytes]", 11<<16), mentions: []string{"65536"}},
		{name: "too many IDC prefixes", mutate: set("hybridlink:idcPrefixes", "", list(51, func(i int) any {
			if i == 0 {
				return "172.16.0.0/16"
			}
			return fmt.Sprintf("172.17.%d.0/24", i)
		})),
			keys: []string{"hybridlink:idcPrefixes"}, value: "51", mentions: []string{"51 IDC prefixes; at most 50"}},
		{name: "too many vSwitches", mutate: set("hybridlink:workloadVpcs", "[0].vSwitches", list(11, func(i int) any {
			return map[string]any{"zoneId": fmt.Sprintf("cn-hangzhou-%c", 'a'+i), "cidr": fmt.Sprintf("192.168.%d.0/24", 100+i)}
		})), keys: []string{"hybridlink:workloadVpcs[0].vSwitches"}, value: "11", mentions: []string{"at most 10"}},
		{name: "too many workload VPCs", mutate: set("hybridlink:workloadVpcs", "", list(11, func(i int) any {
			return map[string]any{"name": fmt.Sprintf("w%d", i), "cidr": fmt.Sprintf("10.%d.0.0/16", 100+i), "vSwitches": []any{
				map[string]any{"zoneId": "cn-hangzhou-h", "cidr": fmt.Sprintf("10.%d.1.0/24", 100+i)},
				map[string]any{"zoneId": "cn-hangzhou-i", "cidr": fmt.Sprintf("10.%d.2.0/24", 100+i)}}}
		})), keys: []string{"hybridlink:workloadVpcs"}, value: "11", mentions: []string{"11 workload VPCs; at most 10"}},

		// Required keys are reported missing, never read as zero.
		{name: "vpn missing", mutate: drop("hybridlink:vpn"),
			keys: []string{"hybridlink:vpn"}, value: "", mentions: []string{"is required"}},
		{name: "expressConnect missing", mutate: drop("hybridlink:expressConnect"),
			keys: []string{"hybridlink:expressConnect"}, value: "", mentions: []string{"is required", "README.md"}},
		{name: "transitVpc missing", mutate: drop("hybridlink:transitVpc"),
			keys: []string{"hybridlink:transitVpc", "hybridlink:vpn.dualTunnel"}, value: "", mentions: []string{"is required"}},
		{name: "workloadVpcs missing", mutate: drop("hybridlink:workloadVpcs"),
			keys: []string{"hybridlink:workloadVpcs"}, value: "", mentions: []string{"is required"}},
		{name: "idcPrefixes missing", mutate: drop("hybridlink:idcPrefixes"),
			keys: []string{"hybridlink:idcPrefixes"}, value: "", mentions: []string{"is required"}},
		{name: "VLAN missing", mutate: set("hybridlink:expressConnect", "vlanId", nil),
			keys: []string{"hybridlink:expressConnect.vlanId"}, value: "", mentions: []string{"is required", "0–2999"}},
		{name: "VPN bandwidth missing", mutate: set("hybridlink:vpn", "bandwidthMbps", nil),
			keys: []string{"hybridlink:vpn.bandwidthMbps"}, value: "", mentions: []string{"is required"}},
		{name: "customer gateway missing", mutate: set("hybridlink:vpn", "customerGatewayIp", nil),
			keys: []string{"hybridlink:vpn.customerGatewayIp"}, value: "", mentions: []string{"is required"}},
		{name: "cloud-side peering IP missing", mutate: set("hybridlink:expressConnect", "localGatewayIp", nil),
			keys: []string{"hybridlink:expressConnect.localGatewayIp"}, value: "", mentions: []string{"is required"}},
		{name: "VPC name missing", mutate: set("hybridlink:workloadVpcs", "[0].name", nil),
			keys: []string{"hybridlink:workloadVpcs[0].name"}, value: "", mentions: []string{"is required"}},
		{name: "vSwitch zone missing", mutate: set("hybridlink:transitVpc", "vSwitches[1].zoneId", nil),
			keys: []string{"hybridlink:transitVpc.vSwitches[1].zoneId"}, value: "", mentions: []string{"is required"}},
		{name: "vSwitch CIDR missing", mutate: set("hybridlink:workloadVpcs", "[0].vSwitches[0].cidr", nil),
			keys: []string{"hybridlink:workloadVpcs[0].vSwitches[0].cidr"}, value: "", mentions: []string{"is required"}},
		{name: "health check destination missing", mutate: set("hybridlink:vpn", "healthCheck.destinationIp", nil),
			keys: []string{"hybridlink:vpn.healthCheck.destinationIp"}, value: "", mentions: []string{"is required"}},

		// Special-purpose addresses where they cannot be real.
		{name: "loopback IDC prefix", mutate: set("hybridlink:idcPrefixes", "[1]", "127.0.0.0/8"),
			keys: []string{"hybridlink:idcPrefixes[1]"}, value: "127.0.0.0/8", mentions: []string{"loopback"}},
		{name: "link-local IDC prefix", mutate: set("hybridlink:idcPrefixes", "[1]", "169.254.0.0/16"),
			keys: []string{"hybridlink:idcPrefixes[1]"}, value: "169.254.0.0/16", mentions: []string{"link-local"}},
		{name: "multicast IDC prefix", mutate: set("hybridlink:idcPrefixes", "[1]", "239.0.0.0/8"),
			keys: []string{"hybridlink:idcPrefixes[1]"}, value: "239.0.0.0/8", mentions: []string{"multicast"}},
		{name: "default route as IDC prefix", mutate: set("hybridlink:idcPrefixes", "[0]", "0.0.0.0/0"),
			keys: []string{"hybridlink:idcPrefixes[0]"}, value: "0.0.0.0/0", mentions: []string{"0.0.0.0/8"}},
		{name: "reserved IDC prefix", mutate: set("hybridlink:idcPrefixes", "[1]", "240.0.0.0/4"),
			keys: []string{"hybridlink:idcPrefixes[1]"}, value: "240.0.0.0/4", mentions: []string{"reserved"}},
		{name: "IDC prefix in shared address space", mutate: set("hybridlink:idcPrefixes", "[1]", "100.64.0.0/16"),
			keys: []string{"hybridlink:idcPrefixes[1]"}, value: "100.64.0.0/16", mentions: []string{"100.64.0.0/10", "destination-based routes"}},
		{name: "VPC in this-network", stack: "dev", mutate: func(t *testing.T, src MapSource) {
			src.setJSON(t, "hybridlink:workloadVpcs", "[0].cidr", "0.0.0.0/8")
			src.setJSON(t, "hybridlink:workloadVpcs", "[0].vSwitches[0].cidr", "0.20.1.0/24")
			src.setJSON(t, "hybridlink:workloadVpcs", "[0].vSwitches[1].cidr", "0.20.2.0/24")
		}, keys: []string{"hybridlink:workloadVpcs[0].cidr", "hybridlink:workloadVpcs[0].vSwitches[0].cidr", "hybridlink:workloadVpcs[0].vSwitches[1].cidr"},
			value: "0.0.0.0/8", mentions: []string{`"this network"`}},
		{name: "link-local peering IPs", mutate: func(t *testing.T, src MapSource) {
			src.setJSON(t, "hybridlink:expressConnect", "localGatewayIp", "169.254.10.1")
			src.setJSON(t, "hybridlink:expressConnect", "peerGatewayIp", "169.254.10.2")
		}, keys: []string{"hybridlink:expressConnect.localGatewayIp"}, value: "169.254.10.1", mentions: []string{"link-local"}},
		{name: "loopback peer IP", mutate: func(t *testing.T, src MapSource) {
			src.setJSON(t, "hybridlink:expressConnect", "localGatewayIp", "10.1.0.1")
			src.setJSON(t, "hybridlink:expressConnect", "peerGatewayIp", "127.0.0.2")
		}, keys: []string{"hybridlink:expressConnect.peerGatewayIp"}, value: "127.0.0.2", mentions: []string{"loopback"}},
		{name: "broadcast health-check destination", mutate: set("hybridlink:vpn", "healthCheck.destinationIp", "255.255.255.255"),
			keys: []string{"hybridlink:vpn.healthCheck.destinationIp", "hybridlink:vpn.healthCheck.destinationIp"}, value: "255.255.255.255", mentions: []string{"broadcast"}},
		{name: "multicast customer gateway", mutate: set("hybridlink:vpn", "customerGatewayIp", "224.0.0.5"),
			keys: []string{"hybridlink:vpn.customerGatewayIp"}, value: "224.0.0.5", mentions: []string{"not a public unicast"}},
		{name: "unspecified customer gateway", mutate: set("hybridlink:vpn", "customerGatewayIp", "0.0.0.0"),
			keys: []string{"hybridlink:vpn.customerGatewayIp"}, value: "0.0.0.0", mentions: []string{"not a public unicast"}},

		// The key the user wrote is the key the error names.
		{name: "static preference below the BGP default", mutate: set("hybridlink:onPrem", "staticRoutePreference", 20),
			keys: []string{"hybridlink:onPrem.staticRoutePreference"}, value: "20", mentions: []string{"not lower"}},
		{name: "BGP preference above the static default", stack: "dev", mutate: raw("hybridlink:onPrem", `{"bgpPreference": 254, "firstTunnel": 11}`),
			keys: []string{"hybridlink:onPrem.bgpPreference"}, value: "254", mentions: []string{"not lower"}},
		{name: "preferences both set and conflicting", mutate: raw("hybridlink:onPrem", `{"bgpPreference": 100, "staticRoutePreference": 90}`),
			keys: []string{"hybridlink:onPrem.bgpPreference", "hybridlink:onPrem.staticRoutePreference"}, value: "100", mentions: []string{"not lower"}},
		{name: "misspelt provider key", mutate: func(_ *testing.T, src MapSource) {
			src.Values["alicloud:regoin"] = "cn-shanghai"
		}, keys: []string{"alicloud:regoin"}, value: "", mentions: []string{"alicloud provider", "alicloud:region"}},
		{name: "misspelt namespace", mutate: func(_ *testing.T, src MapSource) {
			src.Values["hybirdlink:protect"] = "false"
		}, keys: []string{"hybirdlink:protect"}, value: "", mentions: []string{"nothing reads it", "hybridlink:protect"}},
		{name: "provider secret key in plaintext", mutate: func(_ *testing.T, src MapSource) {
			src.Values["alicloud:secretKey"] = "not-a-real-key"
		}, keys: []string{"alicloud:secretKey"}, value: "[plaintext]", mentions: []string{"--secret alicloud:secretKey"}},
		{name: "region from a bad ALICLOUD_REGION", mutate: func(t *testing.T, src MapSource) {
			delete(src.Values, "alicloud:region")
			t.Setenv(RegionEnv, "cn-hangzhuo")
		}, keys: []string{RegionEnv}, value: "cn-hangzhuo", mentions: []string{"alicloud:region is not set", "fix ALICLOUD_REGION"}},
	}
}

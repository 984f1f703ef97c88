package rules

import "github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

const peeringRule = "vbr-peering-subnet"

// setVBR changes VBR peering properties; the BGP peer follows the
// customer-side IP so that only this rule is exercised.
func setVBR(props map[string]any) func(*fixture, *Config) {
	return func(f *fixture, _ *Config) {
		for k, v := range props {
			f.set("dev-hc-ec-vbr", k, v)
			if k == "peerGatewayIp" {
				f.set("dev-hc-ec-bgp-peer", "peerIpAddress", v)
			}
		}
	}
}

func vbrViolation(parts ...string) []expect {
	return []expect{{peeringRule, apitype.Mandatory, "dev-hc-ec-vbr", append([]string{"VBR dev-hc-ec-vbr: "}, parts...)}}
}

var _ = addCases(peeringRule,
	ruleCase{
		name:   "customer-side IP outside the subnet",
		change: setVBR(map[string]any{"peerGatewayIp": "10.1.0.6"}),
		want:   vbrViolation("customer-side IP 10.1.0.6 is outside 10.1.0.0/30, the subnet of cloud-side IP 10.1.0.1 with mask 255.255.255.252", "e.g. 10.1.0.1 and 10.1.0.2"),
	},
	ruleCase{
		name:   "both IPs equal",
		change: setVBR(map[string]any{"peerGatewayIp": "10.1.0.1"}),
		want:   vbrViolation("cloud-side and customer-side IPs are both 10.1.0.1; they must differ"),
	},
	ruleCase{
		name:   "network address",
		change: setVBR(map[string]any{"localGatewayIp": "10.1.0.0"}),
		want:   vbrViolation("cloud-side IP 10.1.0.0 is the network address of 10.1.0.0/30"),
	},
	ruleCase{
		name:   "broadcast address",
		change: setVBR(map[string]any{"peerGatewayIp": "10.1.0.3"}),
		want:   vbrViolation("customer-side IP 10.1.0.3 is the broadcast address of 10.1.0.0/30"),
	},
	ruleCase{
		name:   "mask too narrow",
		change: setVBR(map[string]any{"peeringSubnetMask": "255.255.255.255"}),
		want:   vbrViolation("mask 255.255.255.255 (/32) is out of range: use /24 to /30"),
	},
	ruleCase{
		name:   "not an IP",
		change: setVBR(map[string]any{"localGatewayIp": "10.1.0.x"}),
		want:   vbrViolation(`localGatewayIp "10.1.0.x" is not an IP address`),
	},
	ruleCase{
		name:   "VLAN out of range",
		change: setVBR(map[string]any{"vlanId": 3000}),
		want:   vbrViolation("vlanId: VLAN 3000 is out of range 0–2999"),
	},
)

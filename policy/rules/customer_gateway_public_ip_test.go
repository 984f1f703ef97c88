package rules

import "github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

const cgwRule = "customer-gateway-public-ip"

func setCustomerGateway(ip string) func(*fixture, *Config) {
	return func(f *fixture, _ *Config) { f.set("dev-hc-vpn-customer-gateway", "ipAddress", ip) }
}

func cgwViolation(parts ...string) []expect {
	return []expect{{cgwRule, apitype.Mandatory, "dev-hc-vpn-customer-gateway",
		append(append([]string{"customer gateway dev-hc-vpn-customer-gateway: ipAddress: "}, parts...), "set the on-premises gateway's public IP")}}
}

var _ = addCases(cgwRule,
	ruleCase{
		name:   "private address",
		change: setCustomerGateway("192.168.1.1"),
		want:   cgwViolation("192.168.1.1 is not a public unicast address"),
	},
	ruleCase{
		name:   "shared address space",
		change: setCustomerGateway("100.64.0.1"),
		want:   cgwViolation("100.64.0.1 is not a public unicast address (in 100.64.0.0/10)"),
	},
	ruleCase{
		name:   "masked address from the document",
		change: setCustomerGateway("211.XX.XX.68"),
		want:   cgwViolation(`"211.XX.XX.68" is not an IP address`),
	},
)

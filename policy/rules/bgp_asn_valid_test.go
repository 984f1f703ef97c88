package rules

import "github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

const asnRule = "bgp-asn-valid"

func setGroup(props map[string]any) func(*fixture, *Config) {
	return func(f *fixture, _ *Config) {
		for k, v := range props {
			f.set("dev-hc-ec-bgp-group", k, v)
		}
	}
}

func groupViolation(parts ...string) []expect {
	return []expect{{asnRule, apitype.Mandatory, "dev-hc-ec-bgp-group", append([]string{"BGP group dev-hc-ec-bgp-group: "}, parts...)}}
}

var _ = addCases(asnRule,
	ruleCase{
		name:   "reserved peer ASN",
		change: setGroup(map[string]any{"peerAsn": 64500}),
		want:   groupViolation("peerAsn: AS 64500 is reserved (documentation, RFC 5398)", "other than 45104"),
	},
	ruleCase{
		name:   "peer ASN out of range",
		change: setGroup(map[string]any{"peerAsn": 0}),
		want:   groupViolation("peerAsn: AS 0 is out of range 1–4294967294"),
	},
	ruleCase{
		name:   "peer ASN is Alibaba Cloud's",
		change: setGroup(map[string]any{"peerAsn": 45104}),
		want:   groupViolation("peerAsn: AS 45104 is the Alibaba Cloud side's own AS"),
	},
	ruleCase{
		name:   "peer ASN equals the custom local ASN",
		change: setGroup(map[string]any{"localAsn": 65001, "peerAsn": 65001}),
		want:   groupViolation("peerAsn: AS 65001 is the Alibaba Cloud side's own AS", "other than 65001"),
	},
	ruleCase{
		name:   "local ASN not accepted",
		change: setGroup(map[string]any{"localAsn": 65025}),
		want:   groupViolation("localAsn: AS 65025 is reserved by Alibaba Cloud; leave it unset for 45104"),
	},
)

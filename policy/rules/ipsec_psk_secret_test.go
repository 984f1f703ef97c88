package rules

import "github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

const pskRule = "ipsec-psk-secret"

const conn = "dev-hc-vpn-connection"

// singleTunnel turns the connection into a single-tunnel one with the given
// ikeConfig.
func singleTunnel(ikeConfig any) func(*fixture, *Config) {
	return func(f *fixture, _ *Config) {
		f.del(conn, "tunnelOptionsSpecifications")
		f.set(conn, "ikeConfig", ikeConfig)
	}
}

var _ = addCases(pskRule,
	ruleCase{
		name: "tunnel PSK in plain text",
		change: func(f *fixture, _ *Config) {
			f.set(conn, "tunnelOptionsSpecifications", []any{
				map[string]any{"role": "master", "tunnelIkeConfig": map[string]any{"psk": secret("psk-master")}},
				map[string]any{"role": "slave", "tunnelIkeConfig": map[string]any{"psk": "plain-slave"}},
			})
		},
		want: []expect{{pskRule, apitype.Mandatory, conn, []string{
			"IPsec connection " + conn, "tunnelOptionsSpecifications[1].tunnelIkeConfig.psk is a plain value", "pass it as a secret"}}},
	},
	ruleCase{
		name:   "single-tunnel PSK in plain text",
		change: singleTunnel(map[string]any{"ikeVersion": "ikev2", "psk": "plain-psk"}),
		want: []expect{{pskRule, apitype.Mandatory, conn, []string{
			"IPsec connection " + conn, "ikeConfig.psk is a plain value"}}},
	},
	ruleCase{
		name:   "BGP auth key in plain text",
		change: func(f *fixture, _ *Config) { f.set("dev-hc-ec-bgp-group", "authKey", "plain-md5") },
		want: []expect{{pskRule, apitype.Mandatory, "dev-hc-ec-bgp-group", []string{
			"BGP group dev-hc-ec-bgp-group: authKey is a plain value"}}},
	},
	ruleCase{
		name:   "whole ikeConfig secret",
		change: singleTunnel(secret(map[string]any{"ikeVersion": "ikev2", "psk": "psk-in-secret-object"})),
	},
	ruleCase{
		name:   "PSK left to the gateway",
		change: singleTunnel(map[string]any{"ikeVersion": "ikev2"}),
	},
	ruleCase{
		name:   "PSK not known yet, secret",
		change: singleTunnel(map[string]any{"ikeVersion": "ikev2", "psk": resourceSecretUnknown()}),
	},
)

package rules

import "github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

const ikeRule = "ike-version-allowed"

func allowIKE(versions ...any) func(*Config) {
	return func(cfg *Config) {
		cfg.Policies = map[string]PolicyConfig{ikeRule: {Properties: map[string]any{"allowedVersions": versions}}}
	}
}

var _ = addCases(ikeRule,
	ruleCase{
		name: "unset version is the API default",
		change: func(f *fixture, cfg *Config) {
			singleTunnel(map[string]any{"psk": secret("psk-x")})(f, cfg)
			allowIKE("ikev2")(cfg)
		},
		want: []expect{{ikeRule, apitype.Advisory, conn, []string{
			"IPsec connection " + conn, "ikeConfig.ikeVersion is ikev1 (unset, so the API default), which is not allowed (allowed: ikev2)"}}},
	},
	ruleCase{
		name: "one tunnel on a version not allowed",
		change: func(f *fixture, cfg *Config) {
			f.set(conn, "tunnelOptionsSpecifications", []any{
				map[string]any{"role": "master", "tunnelIkeConfig": map[string]any{"ikeVersion": "ikev2"}},
				map[string]any{"role": "slave", "tunnelIkeConfig": map[string]any{"ikeVersion": "ikev1"}},
			})
			allowIKE("ikev2")(cfg)
		},
		want: []expect{{ikeRule, apitype.Advisory, conn, []string{
			"tunnelOptionsSpecifications[1].tunnelIkeConfig.ikeVersion is ikev1, which is not allowed (allowed: ikev2)"}}},
	},
	ruleCase{
		name:   "unknown version with the default config",
		change: singleTunnel(map[string]any{"ikeVersion": "ikev3", "psk": secret("psk-x")}),
		want: []expect{{ikeRule, apitype.Advisory, conn, []string{
			"ikeConfig.ikeVersion is ikev3, which is not allowed (allowed: ikev1, ikev2)"}}},
	},
	ruleCase{
		name:   "default config allows ikev1",
		change: singleTunnel(map[string]any{"ikeVersion": "ikev1", "psk": secret("psk-x")}),
	},
)

package rules

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/hybridlink/hybridlink/internal/circuits"
)

const bfdRule = "bgp-bfd-enabled"

var _ = addCases(bfdRule,
	ruleCase{
		name:   "BFD off",
		change: func(f *fixture, _ *Config) { f.set("dev-hc-ec-bgp-peer", "enableBfd", false) },
		want: []expect{{bfdRule, apitype.Advisory, "dev-hc-ec-bgp-peer", []string{
			"BGP peer dev-hc-ec-bgp-peer does not enable BFD", "set enableBfd: true"}}},
	},
	ruleCase{
		name:   "BFD unset",
		change: func(f *fixture, _ *Config) { f.del("dev-hc-ec-bgp-peer", "enableBfd") },
		want:   []expect{{bfdRule, apitype.Advisory, "dev-hc-ec-bgp-peer", []string{"does not enable BFD"}}},
	},
	ruleCase{
		name:     "BFD off on circuit B",
		circuits: circuits.ActiveStandby,
		change:   func(f *fixture, _ *Config) { f.set("dev-hc-ec-b-bgp-peer", "enableBfd", false) },
		want:     []expect{{bfdRule, apitype.Advisory, "dev-hc-ec-b-bgp-peer", []string{"BGP peer dev-hc-ec-b-bgp-peer does not enable BFD"}}},
	},
)

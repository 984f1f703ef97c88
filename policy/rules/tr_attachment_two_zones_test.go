package rules

import "github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

const zonesRule = "tr-attachment-two-zones"

// setZones gives the VPC1 attachment one mapping per zone listed, each with
// a vSwitch of VPC1 (unknown zones stay unknown).
func setZones(zones ...any) func(*fixture, *Config) {
	return func(f *fixture, _ *Config) {
		var mappings []any
		for _, z := range zones {
			mappings = append(mappings, map[string]any{"zoneId": z, "vswitchId": id(*f.get("dev-vpc1-h"))})
		}
		f.set("dev-hc-hub-vpc1", "zoneMappings", mappings)
	}
}

var _ = addCases(zonesRule,
	ruleCase{
		name:   "one zone",
		change: setZones("cn-hangzhou-h"),
		want: []expect{{zonesRule, apitype.Mandatory, "dev-hc-hub-vpc1", []string{
			"VPC attachment dev-hc-hub-vpc1", "spans 1 zone(s) [cn-hangzhou-h]", "add a zoneMappings entry with a vSwitch in another zone"}}},
	},
	ruleCase{
		name:   "two mappings in one zone",
		change: setZones("cn-hangzhou-h", "cn-hangzhou-h"),
		want:   []expect{{zonesRule, apitype.Mandatory, "dev-hc-hub-vpc1", []string{"spans 1 zone(s) [cn-hangzhou-h]"}}},
	},
	ruleCase{
		name:   "a zone not known yet may be the second",
		change: setZones("cn-hangzhou-h", unknown),
	},
)

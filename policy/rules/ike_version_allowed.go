package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/limits"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// defaultIKEVersion is what the API uses when ikeVersion is unset.
const defaultIKEVersion = "ikev1"

var ikeVersionAllowed = Rule{
	Name: "ike-version-allowed",
	Description: "Every IKE configuration of an IPsec connection uses an allowed IKE version " +
		"(config allowedVersions; an unset version is the API default ikev1).",
	Level:    apitype.Advisory,
	Severity: apitype.PolicySeverityMedium,
	Remediation: "Set ikeConfig.ikeVersion (single tunnel) or each tunnelOptionsSpecifications[*].tunnelIkeConfig" +
		".ikeVersion (dual tunnel) to an allowed version, matching the on-premises device.",
	Types: []tokens.Type{inventory.VPNConnection},
	ConfigSchema: map[string]map[string]any{
		"allowedVersions": {
			"type":        "array",
			"items":       map[string]any{"type": "string", "enum": anys(limits.IKEVersions)},
			"minItems":    1,
			"default":     anys(limits.IKEVersions),
			"description": "IKE versions an IPsec connection may use.",
		},
	},
	resourceCheck: checkIKEVersion,
}

func checkIKEVersion(r inventory.Resource, in input) []finding {
	allowed := stringList(in.props, "allowedVersions", limits.IKEVersions)
	var out []finding
	for _, path := range ikePaths(r, "ikeVersion") {
		v, ok := r.String(path)
		unset := ""
		switch {
		case !ok && r.Has(path):
			continue // not known yet
		case !ok:
			v, unset = defaultIKEVersion, " (unset, so the API default)"
		}
		if !slices.Contains(allowed, v) {
			out = append(out, finding{r.URN, fmt.Sprintf("%s: %s is %s%s, which is not allowed (allowed: %s): "+
				"set it to an allowed version the on-premises device supports", label(r), path, v, unset,
				strings.Join(allowed, ", "))})
		}
	}
	return out
}

// anys converts strings to the []any a JSON schema value must be.
func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/limits"
)

var trAttachmentTwoZones = Rule{
	Name:        "tr-attachment-two-zones",
	Description: "Each transit-router VPC attachment maps vSwitches in at least two distinct zones.",
	Level:       apitype.Mandatory,
	Severity:    apitype.PolicySeverityMedium,
	Remediation: "Add a zoneMappings entry with a vSwitch of the VPC in a second zone (e.g. cn-hangzhou-h " +
		"and cn-hangzhou-i), so the attachment survives the loss of one zone.",
	Types:         []tokens.Type{inventory.TRVPCAttachment},
	resourceCheck: checkTwoZones,
}

func checkTwoZones(r inventory.Resource, _ input) []finding {
	n, ok := r.ArrayLen("zoneMappings")
	if !ok {
		return nil
	}
	var zones []string
	unknown := 0
	for i := range n {
		path := fmt.Sprintf("zoneMappings[%d].zoneId", i)
		if z, ok := r.String(path); ok {
			if !slices.Contains(zones, z) {
				zones = append(zones, z)
			}
		} else if r.Has(path) {
			unknown++ // may still be a second zone
		}
	}
	if len(zones)+unknown >= limits.MinAttachmentZones {
		return nil
	}
	return []finding{{r.URN, fmt.Sprintf("%s spans %d zone(s) [%s]: a transit router attachment needs vSwitches "+
		"in at least two zones to survive a zone failure; add a zoneMappings entry with a vSwitch in another zone",
		label(r), len(zones), strings.Join(zones, ", "))}}
}

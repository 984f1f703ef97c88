package rules

import (
	"fmt"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

var bgpBFDEnabled = Rule{
	Name:        "bgp-bfd-enabled",
	Description: "BGP peers enable BFD, so a failed circuit is detected in about a second instead of the BGP hold time.",
	Level:       apitype.Advisory,
	Severity:    apitype.PolicySeverityLow,
	Remediation: "Set enableBfd: true on the BGP peer (and enable BFD on the on-premises router); " +
		"optionally tune the VBR's detectMultiplier, minRxInterval and minTxInterval.",
	Types:         []tokens.Type{inventory.BGPPeer},
	resourceCheck: checkBFD,
}

func checkBFD(r inventory.Resource, _ input) []finding {
	enabled, ok := r.Bool("enableBfd")
	if enabled || (!ok && r.Has("enableBfd")) {
		return nil
	}
	return []finding{{r.URN, fmt.Sprintf("%s does not enable BFD: when the circuit fails, traffic moves to the "+
		"VPN only after the BGP hold time expires instead of in about a second; set enableBfd: true", label(r))}}
}

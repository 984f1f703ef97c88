package rules

import (
	"fmt"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/limits"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

var bgpASNValid = Rule{
	Name: "bgp-asn-valid",
	Description: "A BGP group's peer ASN is in range, not reserved and not the Alibaba Cloud side's ASN; " +
		"a custom local ASN is one Alibaba Cloud accepts.",
	Level:    apitype.Mandatory,
	Severity: apitype.PolicySeverityHigh,
	Remediation: "Set peerAsn to the on-premises gateway's AS number (e.g. 65530 from a private range), " +
		"different from the cloud side's (45104 unless localAsn is set).",
	Types:         []tokens.Type{inventory.BGPGroup},
	resourceCheck: checkBGPASN,
}

func checkBGPASN(r inventory.Resource, _ input) []finding {
	var out []finding
	local := int64(limits.AlibabaASN)
	if l, ok := r.Int("localAsn"); ok {
		local = l
		if err := limits.CheckLocalASN(l); err != nil {
			out = append(out, finding{r.URN, fmt.Sprintf("%s: localAsn: %v; leave it unset for %d", label(r), err, limits.AlibabaASN)})
		}
	}
	if peer, ok := r.Int("peerAsn"); ok {
		if err := limits.CheckPeerASN(peer, local); err != nil {
			out = append(out, finding{r.URN, fmt.Sprintf("%s: peerAsn: %v; set the on-premises gateway's AS number, "+
				"e.g. a private AS in 64512–65534 other than %d", label(r), err, local)})
		}
	}
	return out
}

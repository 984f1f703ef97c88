package rules

import (
	"fmt"
	"net/netip"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/limits"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

var vbrPeeringSubnet = Rule{
	Name: "vbr-peering-subnet",
	Description: "A VBR's cloud-side and customer-side IPs are distinct host addresses of the subnet its mask " +
		"defines (neither network nor broadcast address), and its VLAN ID is 0–2999.",
	Level:    apitype.Mandatory,
	Severity: apitype.PolicySeverityHigh,
	Remediation: "Set localGatewayIp, peerGatewayIp and peeringSubnetMask to two host addresses of one subnet " +
		"(e.g. 10.1.0.1 and 10.1.0.2 with 255.255.255.252) and vlanId to the circuit's VLAN, 0–2999.",
	Types:         []tokens.Type{inventory.VBR},
	resourceCheck: checkVBRPeering,
}

func checkVBRPeering(r inventory.Resource, _ input) []finding {
	var out []finding
	report := func(format string, args ...any) {
		out = append(out, finding{r.URN, label(r) + ": " + fmt.Sprintf(format, args...)})
	}
	if vlan, ok := r.Int("vlanId"); ok {
		if err := limits.CheckVLAN(int(vlan)); err != nil {
			report("vlanId: %v; use the VLAN the circuit provider assigned", err)
		}
	}
	local, ok1 := r.String("localGatewayIp")
	peer, ok2 := r.String("peerGatewayIp")
	mask, ok3 := r.String("peeringSubnetMask")
	if !ok1 || !ok2 || !ok3 {
		return out
	}
	la, err1 := netip.ParseAddr(local)
	pa, err2 := netip.ParseAddr(peer)
	switch {
	case err1 != nil:
		report("localGatewayIp %q is not an IP address; set the cloud-side IP, e.g. 10.1.0.1", local)
	case err2 != nil:
		report("peerGatewayIp %q is not an IP address; set the customer-side IP, e.g. 10.1.0.2", peer)
	default:
		if _, err := limits.PeeringSubnet(la, pa, mask); err != nil {
			report("%v; use two distinct host addresses of one subnet, e.g. 10.1.0.1 and 10.1.0.2 with 255.255.255.252", err)
		}
	}
	return out
}

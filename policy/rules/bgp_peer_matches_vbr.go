package rules

import (
	"fmt"
	"net/netip"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

var bgpPeerMatchesVBR = Rule{
	Name:        "bgp-peer-matches-vbr",
	Description: "Each BGP peer's IP is the customer-side IP (peerGatewayIp) of the VBR its BGP group runs on.",
	Level:       apitype.Mandatory,
	Severity:    apitype.PolicySeverityHigh,
	Remediation: "Set the BGP peer's peerIpAddress to the VBR's peerGatewayIp (the on-premises port, " +
		"e.g. 10.1.0.2), or fix the VBR's peerGatewayIp if that is the wrong one.",
	stackCheck: checkBGPPeerMatchesVBR,
}

func checkBGPPeerMatchesVBR(s *inventory.Stack, _ input) []finding {
	var out []finding
	for _, peer := range s.OfType(inventory.BGPPeer) {
		group, ok := s.TargetOf(peer, "bgpGroupId", inventory.BGPGroup)
		if !ok {
			continue
		}
		vbr, ok := s.TargetOf(group, "routerId", inventory.VBR)
		if !ok {
			continue
		}
		want, ok := vbr.String("peerGatewayIp")
		if !ok {
			continue
		}
		got, ok := peer.String("peerIpAddress")
		switch {
		case !ok && peer.Has("peerIpAddress"):
			continue // not known yet
		case !ok:
			out = append(out, finding{peer.URN, fmt.Sprintf("%s sets no peerIpAddress: the session on %s "+
				"(BGP group %s) needs it; set it to the VBR's customer-side IP %s", label(peer), label(vbr), group.Describe(), want)})
		case !sameAddr(got, want):
			hint := ""
			if local, _ := vbr.String("localGatewayIp"); sameAddr(got, local) {
				hint = ", which is the VBR's own cloud-side IP"
			}
			out = append(out, finding{peer.URN, fmt.Sprintf("%s peers with %s%s, but the customer-side IP of %s "+
				"(BGP group %s) is %s: set peerIpAddress to %s", label(peer), got, hint, label(vbr), group.Describe(), want, want)})
		}
	}
	return out
}

// sameAddr compares two IP addresses as addresses, falling back to text.
func sameAddr(a, b string) bool {
	x, err1 := netip.ParseAddr(a)
	y, err2 := netip.ParseAddr(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	return x == y
}

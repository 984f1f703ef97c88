package rules

import (
	"fmt"
	"net/netip"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/limits"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

var vpnRouteSingleWeight100 = Rule{
	Name: "vpn-route-single-weight-100",
	Description: "Per VPN gateway and destination CIDR, at most one destination-based route has weight 100, " +
		"and every weight is 0 or 100.",
	Level:    apitype.Mandatory,
	Severity: apitype.PolicySeverityHigh,
	Remediation: "Keep weight 100 on the one active route for the destination and set the others to 0 " +
		"(standby), or remove the duplicate route.",
	stackCheck: checkVPNRouteWeights,
}

// routeKey identifies a destination on a gateway: the gateway's URN (or ID
// when the stack does not hold it) and the destination with host bits
// cleared, which is how the API compares them.
type routeKey struct {
	gateway inventory.Ref
	dest    netip.Prefix
}

func checkVPNRouteWeights(s *inventory.Stack, _ input) []finding {
	var out []finding
	active := map[routeKey]inventory.Resource{}
	for _, r := range s.OfType(inventory.VPNRouteEntry) {
		w, ok := r.Int("weight")
		if !ok {
			continue
		}
		if bad, ok := invalidWeight(r, w); ok {
			out = append(out, bad)
			continue
		}
		key, ok := activeRouteKey(s, r, w)
		if !ok {
			continue
		}
		if first, dup := active[key]; dup {
			out = append(out, duplicateActiveRoute(s, r, first, key))
			continue
		}
		active[key] = r
	}
	return out
}

// invalidWeight reports a weight the API rejects.
func invalidWeight(r inventory.Resource, w int64) (finding, bool) {
	if err := limits.CheckWeight(int(w)); err != nil {
		return finding{r.URN, fmt.Sprintf("%s: %v", label(r), err)}, true
	}
	return finding{}, false
}

// activeRouteKey is the key of a weight-100 route whose gateway and
// destination are known; ok is false otherwise.
func activeRouteKey(s *inventory.Stack, r inventory.Resource, weight int64) (routeKey, bool) {
	if weight != limits.WeightActive {
		return routeKey{}, false
	}
	gw, ok := s.Target(r, "vpnGatewayId")
	if !ok {
		return routeKey{}, false
	}
	dest, ok := prefix(r, "routeDest")
	return routeKey{gw, dest}, ok
}

func duplicateActiveRoute(s *inventory.Stack, r, first inventory.Resource, key routeKey) finding {
	return finding{r.URN, fmt.Sprintf("%s and %s both route %s on %s with weight %d; the API accepts one active "+
		"destination route per CIDR: set weight %d (standby) on one of them, or remove the duplicate",
		label(r), label(first), key.dest, labelRef(s, key.gateway), limits.WeightActive, limits.WeightStandby)}
}

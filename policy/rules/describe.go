package rules

import (
	"net/netip"

	"github.com/hybridlink/hybridlink/internal/cidr"
	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// kinds names resource types in messages the way the design document does.
var kinds = map[tokens.Type]string{
	inventory.VPC:             "VPC",
	inventory.VSwitch:         "vSwitch",
	inventory.BGPGroup:        "BGP group",
	inventory.BGPPeer:         "BGP peer",
	inventory.VBR:             "VBR",
	inventory.VPNGateway:      "VPN gateway",
	inventory.CustomerGateway: "customer gateway",
	inventory.VPNConnection:   "IPsec connection",
	inventory.VPNRouteEntry:   "VPN route",
	inventory.CEN:             "CEN instance",
	inventory.TransitRouter:   "transit router",
	inventory.TRVPCAttachment: "VPC attachment",
	inventory.TRVBRAttachment: "VBR attachment",
	inventory.CENRouteEntry:   "CEN route entry",
}

// label names a resource in a message: its kind, name and, when known, ID.
func label(r inventory.Resource) string {
	if k, ok := kinds[r.Type]; ok {
		return k + " " + r.Describe()
	}
	return string(r.Type) + " " + r.Describe()
}

// labelRef names the resource a reference points at, or the reference itself
// when the stack does not hold it (an existing resource given by ID).
func labelRef(s *inventory.Stack, ref inventory.Ref) string {
	if r, ok := s.Lookup(ref); ok {
		return label(r)
	}
	return string(ref)
}

// prefix reads a CIDR property as the API takes it, host bits cleared; ok is
// false when it is unknown or not an IPv4 CIDR block (which the API rejects
// and the stack config validation reports).
func prefix(r inventory.Resource, prop string) (netip.Prefix, bool) {
	s, ok := r.String(prop)
	if !ok {
		return netip.Prefix{}, false
	}
	p, err := cidr.Normalize(s)
	return p, err == nil
}

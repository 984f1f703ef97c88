package limits

import (
	"fmt"
	"net/netip"
)

// specialPurpose are the IPv4 ranges (RFC 6890) that cannot be the address
// space of a network hybridlink routes to — an IDC prefix, a VPC or vSwitch,
// the VBR's peering subnet — nor an address in one.
var specialPurpose = []struct {
	prefix netip.Prefix
	what   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), `"this network", RFC 791`},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback, RFC 1122"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local, RFC 3927"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast, RFC 5771"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved, RFC 1112, with the broadcast address 255.255.255.255"},
}

// CheckRoutablePrefix checks that a network's IPv4 prefix shares no address
// with a special-purpose range.
func CheckRoutablePrefix(p netip.Prefix) error {
	for _, s := range specialPurpose {
		if s.prefix.Overlaps(p) {
			return fmt.Errorf("%s overlaps %s (%s), which cannot be a network's address space", p, s.prefix, s.what)
		}
	}
	return nil
}

// CheckHostAddr checks that addr can be a host's IPv4 address: unicast and
// outside the special-purpose ranges.
func CheckHostAddr(addr netip.Addr) error {
	if !addr.Is4() {
		return fmt.Errorf("%s is not an IPv4 address", addr)
	}
	for _, s := range specialPurpose {
		if s.prefix.Contains(addr) {
			return fmt.Errorf("%s is in %s (%s), which cannot be a host's address", addr, s.prefix, s.what)
		}
	}
	return nil
}

// vpnRouteForbidden is the shared address space a VPN gateway's destination
// routes must neither be, lie in, nor contain: Alibaba documents that such
// a route breaks IPsec negotiation and the connection's status.
var vpnRouteForbidden = netip.MustParsePrefix("100.64.0.0/10")

// CheckVPNRouteDest checks the destination of a VPN gateway's
// destination-based route (an IDC prefix, for hybridlink).
func CheckVPNRouteDest(p netip.Prefix) error {
	if p.Bits() == 0 {
		return fmt.Errorf("%s is a default route, which a VPN gateway does not take as a destination-based route", p)
	}
	if vpnRouteForbidden.Overlaps(p) {
		return fmt.Errorf("%s overlaps %s (shared address space, RFC 6598), which a VPN gateway's destination-based routes must not touch", p, vpnRouteForbidden)
	}
	return nil
}

package routemodel

import "net/netip"

// FromVBR reports a transit-router route that leaves through the VBR's
// attachment: an IDC prefix learned over BGP.
func (r Route) FromVBR() bool { return r.next == toAttachment && r.att != nil && r.att.vbr != nil }

// Circuit is the link of the VBR a transit-router route leaves through, or
// an on-premises BGP route leads to; NoLink for other routes.
func (r Route) Circuit() Link {
	switch {
	case r.vbr != nil:
		return r.vbr.link
	case r.next == toAttachment && r.att != nil && r.att.vbr != nil:
		return r.att.vbr.link
	}
	return NoLink
}

// AttachedVPC is the CIDR of the VPC whose attachment a transit-router
// route leaves through; false for other routes.
func (r Route) AttachedVPC() (netip.Prefix, bool) {
	if r.next != toAttachment || r.att == nil || r.att.vpc == nil {
		return netip.Prefix{}, false
	}
	return r.att.vpc.cidr, true
}

// ToTransitRouter reports a route of a VPC's or the VBR's table that sends
// traffic into the transit router (auto-published by it).
func (r Route) ToTransitRouter() bool { return r.next == toTR }

// ToTunnel reports a route into the IPsec tunnel: the VPN gateway's
// destination routes and the on-premises gateway's static routes.
func (r Route) ToTunnel() bool { return r.next == toTunnel }

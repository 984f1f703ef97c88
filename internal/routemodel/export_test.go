package routemodel

import "net/netip"

// StandbyGap and OnPremGap expose explanations that no path of a consistent
// stack reaches, so that the tests can still check their words.
func (n *Network) StandbyGap(f Faults, idc netip.Prefix) string { return n.under(f).standbyGap(idc) }

func (n *Network) OnPremGap(f Faults, dst netip.Prefix) string { return n.under(f).onPremGap(dst) }

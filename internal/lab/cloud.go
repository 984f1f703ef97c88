package lab

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/hybridlink/hybridlink/internal/circuits"
	"github.com/hybridlink/hybridlink/internal/onprem"
	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// Emulation choices for Alibaba Cloud's side that the stack does not
// decide. They are the lab's assumptions, listed in the report.
const (
	// vbrKeepalive and vbrHold are the BGP timers the emulated VBR
	// proposes; the session runs at the lower hold time of the two sides.
	// Alibaba Cloud does not document its VBR's timers: a stack without BFD
	// detects a silent circuit failure only after the hold time, which on
	// a real VBR may be longer.
	vbrKeepalive, vbrHold = 3, 9
	// advertisedDistance ranks, in the emulated transit router, a route
	// advertised from a VPC (the VPN's) below one learned from the VBR over
	// BGP (FRR's iBGP distance, 200), as the route model decides.
	advertisedDistance = 250
	// vbrProfile names the emulated VBR's BFD profile.
	vbrProfile = "alibaba-vbr"
)

// cloudSide is what the lab emulates of Alibaba Cloud, from the stack and
// the route model.
type cloudSide struct {
	site   onprem.Site
	normal routemodel.Tables
	t      *topology
}

// vbrConf is circuit i's VBR: eBGP to the on-premises gateway with the
// stack's ASNs, MD5 key and BFD timers, advertising the routes the transit
// router auto-publishes into it; iBGP to the transit router, to which it
// passes the IDC prefixes it learns.
func (c *cloudSide) vbrConf(i int) (string, error) {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	s, ct := c.site, c.t.Circuits[i]
	w("frr defaults traditional")
	var published []netip.Prefix
	for _, r := range c.normal.VBRs[i].Routes {
		// The IDC prefixes another circuit's VBR passes the transit router
		// come back with the gateway's AS in their path: BGP would not send
		// them to it.
		if r.Active && r.ToTransitRouter() && !slices.Contains(s.IDCPrefixes, r.Dest) {
			published = append(published, r.Dest)
			w("ip route %s %s", r.Dest, ct.TRAddr)
		}
	}
	if len(published) == 0 {
		return "", fmt.Errorf("the route model gives %s no route to any VPC: nothing to advertise to the on-premises gateway", c.normal.VBRs[i].Name)
	}
	w("!")
	if ct.BFD != nil {
		w("bfd")
		w(" profile %s", vbrProfile)
		w("  detect-multiplier %d", *ct.BFD.DetectMultiplier)
		w("  receive-interval %d", *ct.BFD.MinRxIntervalMs)
		w("  transmit-interval %d", *ct.BFD.MinTxIntervalMs)
		w(" exit")
		w("exit")
		w("!")
	}
	asn := s.AlibabaASN
	if i > 0 {
		asn = s.SecondCircuit.AlibabaASN
	}
	gw, tr := ct.PeeringIP, ct.TRAddr
	w("router bgp %d", asn)
	w(" bgp router-id %s", ct.VBRIP)
	w(" no bgp ebgp-requires-policy")
	w(" timers bgp %d %d", vbrKeepalive, vbrHold)
	w(" neighbor %s remote-as %d", gw, s.LocalASN)
	w(" neighbor %s timers connect 1", gw)
	if s.BGPAuthKey != "" {
		w(" neighbor %s password %s", gw, s.BGPAuthKey)
	}
	if ct.BFD != nil {
		w(" neighbor %s bfd profile %s", gw, vbrProfile)
	}
	w(" neighbor %s remote-as %d", tr, asn)
	w(" neighbor %s timers connect 1", tr)
	w(" address-family ipv4 unicast")
	for _, p := range published {
		w("  network %s", p)
	}
	w("  neighbor %s activate", gw)
	w("  neighbor %s activate", tr)
	w("  neighbor %s next-hop-self", tr)
	w(" exit-address-family")
	w("exit")
	return b.String(), nil
}

// trConf is the transit router, built from the route model's table in the
// normal state: each VPC's CIDR toward its attachment, the IDC prefixes
// from the VBR over BGP, and a route advertised from a VPC (the VPN's)
// toward that VPC, ranked below the VBR's route to the same prefix when the
// model prefers the VBR's.
func (c *cloudSide) trConf() (string, error) {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	t := c.t
	w("frr defaults traditional")
	vbrActive := map[netip.Prefix]bool{}
	for _, r := range c.normal.TransitRouter {
		if r.FromVBR() && r.Active {
			vbrActive[r.Dest] = true
		}
	}
	for _, r := range c.normal.TransitRouter {
		vpc, ok := r.AttachedVPC()
		if !ok {
			continue
		}
		next, err := c.attachmentHop(vpc)
		if err != nil {
			return "", err
		}
		switch {
		case r.Dest == vpc:
			w("ip route %s %s", r.Dest, next)
		case vbrActive[r.Dest]:
			w("ip route %s %s %d", r.Dest, next, advertisedDistance)
		default:
			w("ip route %s %s", r.Dest, next)
		}
	}
	w("!")
	// Two VBRs' routes: as the transit router ranks them after an equal AS
	// path, by the route-map preference (lower wins), which MED carries
	// here (compared after the AS path, lower wins too); equal ones share.
	two := len(t.Circuits) > 1
	if two {
		for _, ct := range t.Circuits {
			w("route-map %s permit 10", trRouteMap(ct))
			w(" set metric %d", c.preference(ct.Link))
			w("exit")
		}
		w("!")
	}
	w("router bgp %d", c.site.AlibabaASN)
	w(" bgp router-id %s", t.Circuits[0].TRAddr)
	w(" timers bgp %d %d", vbrKeepalive, vbrHold)
	for _, ct := range t.Circuits {
		w(" neighbor %s remote-as %d", ct.VBRLink, c.site.AlibabaASN)
		w(" neighbor %s timers connect 1", ct.VBRLink)
	}
	w(" address-family ipv4 unicast")
	for _, ct := range t.Circuits {
		w("  neighbor %s activate", ct.VBRLink)
		if two {
			w("  neighbor %s route-map %s in", ct.VBRLink, trRouteMap(ct))
		}
	}
	if two {
		w("  maximum-paths ibgp %d", len(t.Circuits))
	}
	w(" exit-address-family")
	w("exit")
	return b.String(), nil
}

// trRouteMap names the emulated transit router's route map on a VBR's routes.
func trRouteMap(ct circuit) string { return "VBR-" + ct.Name + "-IN" }

// preference is the route-map preference the route model's transit router
// gives the routes of a circuit's VBR.
func (c *cloudSide) preference(link routemodel.Link) int {
	for _, r := range c.normal.TransitRouter {
		if r.FromVBR() && r.Circuit() == link {
			return r.Preference
		}
	}
	return circuits.DefaultRoutePreference
}

// attachmentHop is the lab address behind a VPC's attachment: its host, or
// for the transit VPC the VPN gateway.
func (c *cloudSide) attachmentHop(vpc netip.Prefix) (netip.Addr, error) {
	if vpc == c.t.TransitCIDR {
		return c.t.TransitVPN, nil
	}
	for _, v := range c.t.VPCs {
		if v.CIDR == vpc {
			return v.Addr, nil
		}
	}
	return netip.Addr{}, fmt.Errorf("the route model's transit router has an attachment of VPC %s, which the lab has no host for", vpc)
}

// vpnGatewayConf is the VPN gateway as the responder of every tunnel: the
// stack's IKE and IPsec parameters, the gateway's public IPs as identities
// and the pre-shared key.
func (c *cloudSide) vpnGatewayConf(dp datapath, updown string) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	s := c.site
	ikeProposal, espProposal := onprem.StrongSwanProposals(s.IKE, s.IPsec)
	version := 2
	if s.IKE.Version == "ikev1" {
		version = 1
	}
	w("connections {")
	for i, peer := range s.VPNPeers {
		name := fmt.Sprintf("tunnel%d", i+1)
		w("  %s {", name)
		w("    version = %d", version)
		if dp == libipsec {
			w("    encap = yes")
		}
		w("    local_addrs = %s", peer)
		w("    remote_addrs = %s", s.PublicIP)
		w("    proposals = %s", ikeProposal)
		w("    rekey_time = %ds", *s.IKE.LifetimeSecs)
		w("    local {\n      auth = psk\n      id = %s\n    }", peer)
		w("    remote {\n      auth = psk\n      id = %s\n    }", s.PublicIP)
		w("    children {")
		w("      %s {", name)
		w("        local_ts = 0.0.0.0/0")
		w("        remote_ts = 0.0.0.0/0")
		w("        esp_proposals = %s", espProposal)
		w("        rekey_time = %ds", *s.IPsec.LifetimeSecs)
		if dp == kernelXFRM {
			w("        if_id_in = %d", i+1)
			w("        if_id_out = %d", i+1)
			w("        updown = %s", updown)
		}
		w("      }")
		w("    }")
		w("  }")
	}
	w("}")
	w("secrets {")
	for i, peer := range s.VPNPeers {
		w("  ike-%d {\n    id-1 = %s\n    id-2 = %s\n    secret = %q\n  }", i+1, peer, s.PublicIP, s.PSK)
	}
	w("}")
	return b.String()
}

// vpnUpdown is the emulated VPN gateway's updown script under kernel XFRM:
// an XFRM interface per tunnel, carrying the weight-100 routes to the IDC
// (the first tunnel preferred).
func (c *cloudSide) vpnUpdown() string {
	var b strings.Builder
	b.WriteString("#!/bin/sh\nlink=xfrm$PLUTO_IF_ID_OUT\ncase \"$PLUTO_VERB\" in\nup-client)\n")
	fmt.Fprintf(&b, "    ip link add \"$link\" type xfrm dev %s if_id \"$PLUTO_IF_ID_OUT\" 2>/dev/null\n    ip link set \"$link\" up\n", vpnWAN)
	for _, p := range c.tunnelRoutes() {
		fmt.Fprintf(&b, "    ip route replace %s dev \"$link\" metric \"$PLUTO_IF_ID_OUT\"\n", p)
	}
	b.WriteString("    ;;\ndown-client)\n    ip link del \"$link\" 2>/dev/null\n    ;;\nesac\nexit 0\n")
	return b.String()
}

// tunnelRoutes are the VPN gateway's destination routes into the tunnel,
// from the route model.
func (c *cloudSide) tunnelRoutes() []netip.Prefix {
	var out []netip.Prefix
	for _, r := range c.normal.VPNGateway {
		if r.Active && r.ToTunnel() {
			out = append(out, r.Dest)
		}
	}
	return out
}

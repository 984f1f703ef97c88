package onprem

import (
	"fmt"
	"net/netip"
	"strings"
)

// renderCisco renders Cisco IOS / IOS XE configuration: a static VTI per VPN
// gateway IP (tunnel mode ipsec ipv4), IKEv1 (isakmp) or IKEv2, eBGP with an
// explicit distance, and floating static routes through the tunnels.
func renderCisco(s *site) map[string]string {
	var c lines
	name := s.upperName()
	up, wan := s.Interfaces.Uplink, s.Interfaces.WAN
	c.add("! hybridlink %s: on-premises gateway configuration for Cisco IOS / IOS XE.", s.Stack)
	c.add("! Rendered from stacks/Pulumi.%s.yaml and the deployed VPN gateway; paste in global configuration mode.", s.Stack)
	c.add("! Primary path: Express Connect, eBGP to the VBR. Standby path: IPsec-VPN to the VPN gateway.")
	c.add("! %s.", s.preferenceSummary("administrative distance"))
	if s.staticCapped {
		c.add("! The design's static route at preference 255 becomes %d: IOS never installs a route at distance 255.", s.tunnels[len(s.tunnels)-1].preference)
	}
	if s.twoCircuits() {
		c.add("! %s.", s.circuitSummary())
		c.add("! %s faces VBR A, %s VBR B; %s holds the public IP %s and sources the tunnels.", s.circuits[0].uplink, s.circuits[1].uplink, wan, s.PublicIP)
	} else {
		c.add("! %s faces the VBR; %s holds the public IP %s and sources the tunnels.", up, wan, s.PublicIP)
	}
	addWeak(&c, "!", s)
	c.add("!")

	for _, ct := range s.circuits {
		c.add("! --- Express Connect: the port toward the %s (%s, %s %s)", s.vbrName(ct), ct.PeeringSubnet, s.vbrName(ct), ct.AlibabaPeeringIP)
		port := ct.uplink
		if ct.VLAN != 0 {
			port = fmt.Sprintf("%s.%d", ct.uplink, ct.VLAN)
			c.add("interface %s", ct.uplink)
			c.add(" no shutdown")
			c.add("!")
		}
		c.add("interface %s", port)
		c.add(" description hybridlink-%s: Express Connect to %s %s", s.Stack, s.vbrName(ct), ct.AlibabaPeeringIP)
		if ct.VLAN != 0 {
			c.add(" encapsulation dot1Q %d", ct.VLAN)
		}
		c.add(" ip address %s %s", ct.PeeringIP, mask(ct.PeeringSubnet))
		if ct.BFD {
			b := ct.BFDTimers
			c.add(" bfd interval %d min_rx %d multiplier %d", *b.MinTxIntervalMs, *b.MinRxIntervalMs, *b.DetectMultiplier)
		}
		if ct.VLAN == 0 {
			c.add(" no shutdown")
		}
		c.add("!")
	}

	ike, ipsec := s.IKE, s.IPsec
	c.add("! --- IPsec-VPN: %s, phase 1 %s/%s/%s %d s, phase 2 %s/%s/pfs %s %d s, pre-shared key",
		ike.Version, ike.EncAlg, ike.AuthAlg, ike.PFS, *ike.LifetimeSecs, ipsec.EncAlg, ipsec.AuthAlg, ipsec.PFS, *ipsec.LifetimeSecs)
	if s.ikev2() {
		c.add("crypto ikev2 proposal %s", name)
		c.add(" encryption %s", ciphers[ike.EncAlg].iosIKEv2)
		c.add(" integrity %s", hashes[ike.AuthAlg].iosIKEv2)
		c.add(" group %s", dhGroups[ike.PFS].ios)
		c.add("!")
		c.add("crypto ikev2 policy %s", name)
		c.add(" proposal %s", name)
		c.add("!")
		c.add("crypto ikev2 keyring %s", name)
		for _, t := range s.tunnels {
			c.add(" peer %s", s.upperName(fmt.Sprintf("VPN%d", t.index)))
			c.add("  address %s", t.peer)
			c.add("  pre-shared-key %s", s.PSK)
			c.add(" !")
		}
		c.add("!")
		c.add("crypto ikev2 profile %s", name)
		for _, t := range s.tunnels {
			c.add(" match identity remote address %s 255.255.255.255", t.peer)
		}
		c.add(" identity local address %s", s.PublicIP)
		c.add(" authentication remote pre-share")
		c.add(" authentication local pre-share")
		c.add(" keyring local %s", name)
		c.add(" lifetime %d", *ike.LifetimeSecs)
		c.add(" dpd 10 3 periodic")
		c.add("!")
	} else {
		c.add("crypto keyring %s", name)
		for _, t := range s.tunnels {
			c.add(" pre-shared-key address %s key %s", t.peer, s.PSK)
		}
		c.add("!")
		c.add("crypto isakmp policy %d", 10*s.Interfaces.FirstTunnel)
		c.add(" encryption %s", ciphers[ike.EncAlg].iosIKEv1)
		c.add(" hash %s", hashes[ike.AuthAlg].iosIKEv1)
		c.add(" authentication pre-share")
		c.add(" group %s", dhGroups[ike.PFS].ios)
		c.add(" lifetime %d", *ike.LifetimeSecs)
		c.add("!")
		c.add("crypto isakmp profile %s", name)
		c.add(" keyring %s", name)
		c.add(" self-identity address")
		for _, t := range s.tunnels {
			c.add(" match identity address %s 255.255.255.255", t.peer)
		}
		c.add(" keepalive 10 retry 3")
		c.add("!")
	}
	c.add("crypto ipsec transform-set %s %s %s", name, ciphers[ipsec.EncAlg].iosESP, hashes[ipsec.AuthAlg].iosESP)
	c.add(" mode tunnel")
	c.add("!")
	c.add("crypto ipsec profile %s", name)
	c.add(" set transform-set %s", name)
	if s.ipsecPFS() {
		c.add(" set pfs group%s", dhGroups[ipsec.PFS].ios)
	}
	c.add(" set security-association lifetime seconds %d", *ipsec.LifetimeSecs)
	if s.ikev2() {
		c.add(" set ikev2-profile %s", name)
	} else {
		c.add(" set isakmp-profile %s", name)
	}
	c.add("!")
	c.add("! Route-based: the VPN gateway routes by destination, so each tunnel carries 0.0.0.0/0 selectors.")
	for _, t := range s.tunnels {
		c.add("interface Tunnel%d", t.number)
		c.add(" description hybridlink-%s: IPsec-VPN %s to %s", s.Stack, s.role(t), t.peer)
		c.add(" ip unnumbered %s", wan)
		c.add(" tunnel source %s", wan)
		c.add(" tunnel mode ipsec ipv4")
		c.add(" tunnel destination %s", t.peer)
		c.add(" tunnel protection ipsec profile %s", name)
		c.add("!")
	}

	c.add("! --- Routes: discard routes anchor the advertised IDC prefixes (more specific IDC routes still win);")
	c.add("! the VPCs via the VPN gateway's tunnels at the standby distance.")
	if n := s.healthCheckNote(); n != "" {
		c.add("! %s", n)
	}
	for _, p := range s.IDCPrefixes {
		c.add("ip route %s %s Null0 name hybridlink-%s-idc", p.Addr(), mask(p), s.tag())
	}
	for _, p := range s.staticRouted() {
		for _, t := range s.tunnels {
			c.add("ip route %s %s Tunnel%d %d name hybridlink-%s-vpn-%s", p.Addr(), mask(p), t.number, t.preference, s.tag(), t.peer)
		}
	}
	c.add("!")
	for i, p := range s.IDCPrefixes {
		c.add("ip prefix-list %s seq %d permit %s", s.upperName("IDC"), 10*(i+1), p)
	}
	for i, p := range s.VPCPrefixes {
		c.add("ip prefix-list %s seq %d permit %s%s", s.upperName("VPC"), 10*(i+1), p, orLonger(p))
	}
	c.add("!")

	if s.twoCircuits() {
		for _, ct := range s.circuits {
			c.add("route-map %s permit 10", s.inPolicy(ct))
			c.add(" set local-preference %d", ct.localPref)
			c.add("!")
		}
		c.add("! --- BGP to the VBRs: advertise the IDC prefixes, accept the VPC prefixes, rank the circuits")
	} else {
		c.add("! --- BGP to the VBR: advertise the IDC prefixes, accept the VPC prefixes")
	}
	c.add("router bgp %d", s.LocalASN)
	c.add(" bgp log-neighbor-changes")
	iosNeighbors(&c, s, func(circuit) string { return "fall-over bfd" })
	c.add(" !")
	c.add(" address-family ipv4")
	for _, p := range s.IDCPrefixes {
		c.add("  network %s mask %s", p.Addr(), mask(p))
	}
	for _, ct := range s.circuits {
		n := ct.AlibabaPeeringIP
		c.add("  neighbor %s activate", n)
		c.add("  neighbor %s prefix-list %s in", n, s.upperName("VPC"))
		c.add("  neighbor %s prefix-list %s out", n, s.upperName("IDC"))
		if s.twoCircuits() {
			c.add("  neighbor %s route-map %s in", n, s.inPolicy(ct))
		}
	}
	if s.ecmp() {
		c.add("  maximum-paths %d", len(s.circuits))
	}
	c.add("  distance bgp %d 200 200", s.BGPPreference)
	c.add(" exit-address-family")
	c.add("!")
	c.add("end")
	return map[string]string{"cisco-ios.cfg": c.String()}
}

// orLonger is the prefix-list suffix that also matches more specific routes
// (" le 32"), empty for a host route.
func orLonger(p netip.Prefix) string {
	if p.Bits() == 32 {
		return ""
	}
	return " le 32"
}

// addWeak adds a comment naming weak algorithms in use.
func addWeak(c *lines, comment string, s *site) {
	if w := s.weak(); len(w) > 0 {
		c.add("%s Weak algorithms in use (%s): prefer aes256, sha256 and group14 in the stack's hybridlink:vpn.ike and .ipsec.", comment, strings.Join(w, ", "))
	}
}

// iosNeighbors writes the BGP neighbors of every circuit in the IOS syntax
// FRR shares: the VBR's AS, a description, the MD5 key and, with BFD, the
// line bfd gives.
func iosNeighbors(c *lines, s *site, bfd func(circuit) string) {
	for _, ct := range s.circuits {
		n := ct.AlibabaPeeringIP
		c.add(" neighbor %s remote-as %d", n, ct.AlibabaASN)
		c.add(" neighbor %s description hybridlink-%s: %s (Express Connect)", n, s.Stack, s.vbrName(ct))
		if s.BGPAuthKey != "" {
			c.add(" neighbor %s password %s", n, s.BGPAuthKey)
		}
		if ct.BFD {
			c.add(" neighbor %s %s", n, bfd(ct))
		}
	}
}

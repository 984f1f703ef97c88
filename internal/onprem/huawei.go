package onprem

import (
	"fmt"
	"slices"
	"strings"
)

// renderHuawei renders Huawei VRP configuration (AR series, V200R010 and
// later command names): IPsec tunnel interfaces with an IPsec profile each,
// eBGP with an explicit preference — VRP's default BGP preference is 255,
// which would tie with the static VPN routes — and static routes through
// the tunnels.
func renderHuawei(s *site) map[string]string {
	var c lines
	// IKE peer, IPsec proposal and profile names are limited to 15
	// characters: HL-<up to 8 of the stack>-<suffix>.
	tag := s.tag()
	if len(tag) > 8 {
		tag = tag[:8]
	}
	name := func(parts ...string) string {
		return strings.ToUpper(strings.Join(append([]string{"HL", tag}, parts...), "-"))
	}
	up, wan := s.Interfaces.Uplink, s.Interfaces.WAN
	proposal := s.Interfaces.FirstTunnel
	c.add("# hybridlink %s: on-premises gateway configuration for Huawei VRP (AR series, V200R010 or later).", s.Stack)
	c.add("# Rendered from stacks/Pulumi.%s.yaml and the deployed VPN gateway; paste in the system view.", s.Stack)
	c.add("# Primary path: Express Connect, eBGP to the VBR. Standby path: IPsec-VPN to the VPN gateway.")
	c.add("# %s.", s.preferenceSummary("preference"))
	c.add("# VRP's default BGP preference is 255, equal to the static routes', so it is set explicitly.")
	if s.twoCircuits() {
		c.add("# %s.", s.circuitSummary())
		c.add("# %s faces VBR A, %s VBR B; %s holds the public IP %s and sources the tunnels.", s.circuits[0].uplink, s.circuits[1].uplink, wan, s.PublicIP)
	} else {
		c.add("# %s faces the VBR; %s holds the public IP %s and sources the tunnels.", up, wan, s.PublicIP)
	}
	addWeak(&c, "#", s)
	c.add("#")
	if slices.ContainsFunc(s.circuits, func(ct circuit) bool { return ct.BFD }) {
		c.add("bfd")
		c.add("#")
	}

	for _, ct := range s.circuits {
		port := ct.uplink
		if ct.VLAN != 0 {
			port = fmt.Sprintf("%s.%d", ct.uplink, ct.VLAN)
		}
		c.add("interface %s", port)
		c.add(" description hybridlink-%s Express Connect to %s %s", s.Stack, s.vbrName(ct), ct.AlibabaPeeringIP)
		if ct.VLAN != 0 {
			c.add(" dot1q termination vid %d", ct.VLAN)
		}
		c.add(" ip address %s %s", ct.PeeringIP, mask(ct.PeeringSubnet))
		if ct.VLAN != 0 {
			c.add(" arp broadcast enable")
		}
		c.add("#")
	}

	ike, ipsec := s.IKE, s.IPsec
	c.add("# IPsec-VPN: %s, phase 1 %s/%s/%s %d s, phase 2 %s/%s/pfs %s %d s, pre-shared key",
		ike.Version, ike.EncAlg, ike.AuthAlg, ike.PFS, *ike.LifetimeSecs, ipsec.EncAlg, ipsec.AuthAlg, ipsec.PFS, *ipsec.LifetimeSecs)
	c.add("ipsec proposal %s", name())
	c.add(" esp authentication-algorithm %s", hashes[ipsec.AuthAlg].vrp)
	c.add(" esp encryption-algorithm %s", ciphers[ipsec.EncAlg].vrp)
	c.add("#")
	c.add("ike proposal %d", proposal)
	c.add(" encryption-algorithm %s", ciphers[ike.EncAlg].vrp)
	c.add(" dh %s", dhGroups[ike.PFS].vrp)
	c.add(" authentication-algorithm %s", hashes[ike.AuthAlg].vrp)
	c.add(" authentication-method pre-share")
	if s.ikev2() {
		c.add(" integrity-algorithm %s", hashes[ike.AuthAlg].vrpIntegrity)
		c.add(" prf %s", hashes[ike.AuthAlg].vrpPRF)
	}
	c.add(" sa duration %d", *ike.LifetimeSecs)
	c.add("#")
	for _, t := range s.tunnels {
		peer := name(fmt.Sprintf("VPN%d", t.index))
		c.add("ike peer %s", peer)
		if s.ikev2() {
			c.add(" undo version 1")
		} else {
			c.add(" undo version 2")
			c.add(" exchange-mode main")
		}
		c.add(" pre-shared-key cipher %s", s.PSK)
		c.add(" ike-proposal %d", proposal)
		c.add(" local-id-type ip")
		c.add(" remote-address %s", t.peer)
		c.add("#")
		c.add("ipsec profile %s", name(fmt.Sprint(t.index)))
		c.add(" ike-peer %s", peer)
		c.add(" proposal %s", name())
		if s.ipsecPFS() {
			c.add(" pfs dh-%s", dhGroups[ipsec.PFS].vrp)
		}
		c.add(" sa duration time-based %d", *ipsec.LifetimeSecs)
		c.add("#")
		c.add("interface Tunnel0/0/%d", t.number)
		c.add(" description hybridlink-%s IPsec-VPN %s to %s", s.Stack, s.role(t), t.peer)
		c.add(" ip address unnumbered interface %s", wan)
		c.add(" tunnel-protocol ipsec")
		c.add(" source %s", wan)
		c.add(" destination %s", t.peer)
		c.add(" ipsec profile %s", name(fmt.Sprint(t.index)))
		c.add("#")
	}

	c.add("# Discard routes anchor the advertised IDC prefixes; the VPCs via the tunnels at the standby preference.")
	if n := s.healthCheckNote(); n != "" {
		c.add("# %s", n)
	}
	for _, p := range s.IDCPrefixes {
		c.add("ip route-static %s %d NULL0 description %s", p.Addr(), p.Bits(), s.lowerName("idc"))
	}
	for _, p := range s.staticRouted() {
		for _, t := range s.tunnels {
			c.add("ip route-static %s %d Tunnel0/0/%d preference %d description %s", p.Addr(), p.Bits(), t.number, t.preference, s.lowerName(fmt.Sprintf("vpn%d", t.index)))
		}
	}
	c.add("#")
	for i, p := range s.IDCPrefixes {
		c.add("ip ip-prefix %s index %d permit %s %d", s.upperName("IDC"), 10*(i+1), p.Addr(), p.Bits())
	}
	for i, p := range s.VPCPrefixes {
		more := ""
		if p.Bits() < 32 {
			more = fmt.Sprintf(" greater-equal %d less-equal 32", p.Bits())
		}
		c.add("ip ip-prefix %s index %d permit %s %d%s", s.upperName("VPC"), 10*(i+1), p.Addr(), p.Bits(), more)
	}
	c.add("#")

	if s.twoCircuits() {
		for _, ct := range s.circuits {
			c.add("route-policy %s permit node 10", s.inPolicy(ct))
			c.add(" apply local-preference %d", ct.localPref)
			c.add("#")
		}
	}
	c.add("bgp %d", s.LocalASN)
	for _, ct := range s.circuits {
		n := ct.AlibabaPeeringIP
		c.add(" peer %s as-number %d", n, ct.AlibabaASN)
		c.add(" peer %s description hybridlink-%s-%s", n, s.tag(), strings.ReplaceAll(s.vbrName(ct), " ", "-"))
		if s.BGPAuthKey != "" {
			c.add(" peer %s password cipher %s", n, s.BGPAuthKey)
		}
		if ct.BFD {
			b := ct.BFDTimers
			c.add(" peer %s bfd min-tx-interval %d min-rx-interval %d detect-multiplier %d", n, *b.MinTxIntervalMs, *b.MinRxIntervalMs, *b.DetectMultiplier)
			c.add(" peer %s bfd enable", n)
		}
	}
	c.add(" #")
	c.add(" ipv4-family unicast")
	c.add("  undo synchronization")
	c.add("  preference %d 255 255", s.BGPPreference)
	if s.ecmp() {
		c.add("  maximum load-balancing ebgp %d", len(s.circuits))
	}
	for _, p := range s.IDCPrefixes {
		c.add("  network %s %d", p.Addr(), p.Bits())
	}
	for _, ct := range s.circuits {
		n := ct.AlibabaPeeringIP
		c.add("  peer %s enable", n)
		c.add("  peer %s ip-prefix %s import", n, s.upperName("VPC"))
		c.add("  peer %s ip-prefix %s export", n, s.upperName("IDC"))
		if s.twoCircuits() {
			c.add("  peer %s route-policy %s import", n, s.inPolicy(ct))
		}
	}
	c.add("#")
	c.add("return")
	return map[string]string{"huawei-vrp.cfg": c.String()}
}

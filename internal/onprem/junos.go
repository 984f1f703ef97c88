package onprem

import (
	"fmt"
	"net/netip"
)

// renderJunos renders Junos set commands for an SRX: route-based IPsec on
// st0 units, eBGP with an explicit preference (Junos' default for BGP is
// 170, for static routes 5), and qualified next hops through the tunnels
// with preference 255.
func renderJunos(s *site) map[string]string {
	var c lines
	up, wan := s.Interfaces.Uplink, s.Interfaces.WAN
	zone := s.lowerName()
	c.add("# hybridlink %s: on-premises gateway configuration for Junos (SRX Series, route-based IPsec).", s.Stack)
	c.add("# Rendered from stacks/Pulumi.%s.yaml and the deployed VPN gateway; load with `load set terminal`, then commit check.", s.Stack)
	c.add("# Primary path: Express Connect, eBGP to the VBR. Standby path: IPsec-VPN to the VPN gateway.")
	c.add("# %s.", s.preferenceSummary("preference"))
	c.add("# %s faces the VBR; %s.0 holds the public IP %s and is the IKE external interface.", up, wan, s.PublicIP)
	c.add("# The VBR port and the tunnels share zone %s, so a failover keeps sessions in the same zones;", zone)
	c.add("# add security policies between it and your IDC zones.")
	addWeak(&c, "#", s)

	unit := 0
	if s.VLAN != 0 {
		unit = s.VLAN
	}
	port := fmt.Sprintf("%s.%d", up, unit)
	c.add("set interfaces %s description \"hybridlink-%s: Express Connect to VBR %s\"", up, s.Stack, s.AlibabaPeeringIP)
	if s.VLAN != 0 {
		c.add("set interfaces %s vlan-tagging", up)
		c.add("set interfaces %s unit %d vlan-id %d", up, unit, s.VLAN)
	}
	c.add("set interfaces %s unit %d family inet address %s", up, unit, netip.PrefixFrom(s.PeeringIP, s.PeeringSubnet.Bits()))
	for _, t := range s.tunnels {
		c.add("set interfaces st0 unit %d description \"hybridlink-%s: IPsec-VPN %s to %s\"", t.number, s.Stack, s.role(t), t.peer)
		c.add("set interfaces st0 unit %d family inet", t.number)
	}

	ike, ipsec := s.IKE, s.IPsec
	prop := s.lowerName()
	c.add("# IPsec-VPN: %s, phase 1 %s/%s/%s %d s, phase 2 %s/%s/pfs %s %d s, pre-shared key",
		ike.Version, ike.EncAlg, ike.AuthAlg, ike.PFS, *ike.LifetimeSecs, ipsec.EncAlg, ipsec.AuthAlg, ipsec.PFS, *ipsec.LifetimeSecs)
	c.add("set security ike proposal %s authentication-method pre-shared-keys", prop)
	c.add("set security ike proposal %s dh-group %s", prop, dhGroups[ike.PFS].junos)
	c.add("set security ike proposal %s authentication-algorithm %s", prop, hashes[ike.AuthAlg].junosIKE)
	c.add("set security ike proposal %s encryption-algorithm %s", prop, ciphers[ike.EncAlg].junos)
	c.add("set security ike proposal %s lifetime-seconds %d", prop, *ike.LifetimeSecs)
	if !s.ikev2() {
		c.add("set security ike policy %s mode main", prop)
	}
	c.add("set security ike policy %s proposals %s", prop, prop)
	c.add("set security ike policy %s pre-shared-key ascii-text \"%s\"", prop, s.PSK)
	c.add("set security ipsec proposal %s protocol esp", prop)
	c.add("set security ipsec proposal %s authentication-algorithm %s", prop, hashes[ipsec.AuthAlg].junosESP)
	c.add("set security ipsec proposal %s encryption-algorithm %s", prop, ciphers[ipsec.EncAlg].junos)
	c.add("set security ipsec proposal %s lifetime-seconds %d", prop, *ipsec.LifetimeSecs)
	if s.ipsecPFS() {
		c.add("set security ipsec policy %s perfect-forward-secrecy keys %s", prop, dhGroups[ipsec.PFS].junos)
	}
	c.add("set security ipsec policy %s proposals %s", prop, prop)
	version := "v1-only"
	if s.ikev2() {
		version = "v2-only"
	}
	for _, t := range s.tunnels {
		gw := s.lowerName(fmt.Sprintf("vpn%d", t.index))
		c.add("set security ike gateway %s ike-policy %s", gw, prop)
		c.add("set security ike gateway %s address %s", gw, t.peer)
		c.add("set security ike gateway %s external-interface %s.0", gw, wan)
		c.add("set security ike gateway %s local-identity inet %s", gw, s.PublicIP)
		c.add("set security ike gateway %s remote-identity inet %s", gw, t.peer)
		c.add("set security ike gateway %s dead-peer-detection interval 10 threshold 3", gw)
		c.add("set security ike gateway %s version %s", gw, version)
		c.add("set security ipsec vpn %s bind-interface st0.%d", gw, t.number)
		c.add("set security ipsec vpn %s ike gateway %s", gw, gw)
		c.add("set security ipsec vpn %s ike ipsec-policy %s", gw, prop)
		c.add("set security ipsec vpn %s establish-tunnels immediately", gw)
	}
	c.add("set security zones security-zone untrust interfaces %s.0 host-inbound-traffic system-services ike", wan)
	c.add("set security zones security-zone %s interfaces %s host-inbound-traffic protocols bgp", zone, port)
	if s.BFD {
		c.add("set security zones security-zone %s interfaces %s host-inbound-traffic protocols bfd", zone, port)
	}
	for _, t := range s.tunnels {
		c.add("set security zones security-zone %s interfaces st0.%d", zone, t.number)
	}

	c.add("# Discard routes anchor the advertised IDC prefixes; the VPCs via the tunnels at the standby preference.")
	if n := s.healthCheckNote(); n != "" {
		c.add("# %s", n)
	}
	for _, p := range s.IDCPrefixes {
		c.add("set routing-options static route %s discard", p)
	}
	for _, p := range s.staticRouted() {
		for _, t := range s.tunnels {
			c.add("set routing-options static route %s qualified-next-hop st0.%d preference %d", p, t.number, t.preference)
		}
	}
	c.add("set routing-options autonomous-system %d", s.LocalASN)

	in, out := s.lowerName("vbr-in"), s.lowerName("vbr-out")
	for _, p := range s.VPCPrefixes {
		c.add("set policy-options policy-statement %s term vpc from route-filter %s orlonger", in, p)
	}
	c.add("set policy-options policy-statement %s term vpc then accept", in)
	c.add("set policy-options policy-statement %s then reject", in)
	c.add("set policy-options policy-statement %s term idc from protocol static", out)
	for _, p := range s.IDCPrefixes {
		c.add("set policy-options policy-statement %s term idc from route-filter %s exact", out, p)
	}
	c.add("set policy-options policy-statement %s term idc then accept", out)
	c.add("set policy-options policy-statement %s then reject", out)

	g := s.lowerName("vbr")
	c.add("set protocols bgp group %s type external", g)
	c.add("set protocols bgp group %s peer-as %d", g, s.AlibabaASN)
	c.add("set protocols bgp group %s preference %d", g, s.BGPPreference)
	c.add("set protocols bgp group %s import %s", g, in)
	c.add("set protocols bgp group %s export %s", g, out)
	if s.BGPAuthKey != "" {
		c.add("set protocols bgp group %s authentication-key \"%s\"", g, s.BGPAuthKey)
	}
	if s.BFD {
		b := s.BFDTimers
		c.add("set protocols bgp group %s bfd-liveness-detection transmit-interval minimum-interval %d", g, *b.MinTxIntervalMs)
		c.add("set protocols bgp group %s bfd-liveness-detection minimum-receive-interval %d", g, *b.MinRxIntervalMs)
		c.add("set protocols bgp group %s bfd-liveness-detection multiplier %d", g, *b.DetectMultiplier)
	}
	c.add("set protocols bgp group %s neighbor %s description \"hybridlink-%s: VBR (Express Connect)\"", g, s.AlibabaPeeringIP, s.Stack)
	return map[string]string{"junos.set": c.String()}
}

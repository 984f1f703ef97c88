package onprem

import (
	"fmt"
	"net/netip"
	"strings"
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
	if s.twoCircuits() {
		c.add("# %s.", s.circuitSummary())
		c.add("# %s faces VBR A, %s VBR B; %s.0 holds the public IP %s and is the IKE external interface.", s.circuits[0].uplink, s.circuits[1].uplink, wan, s.PublicIP)
		c.add("# The VBR ports and the tunnels share zone %s, so a failover keeps sessions in the same zones;", zone)
	} else {
		c.add("# %s faces the VBR; %s.0 holds the public IP %s and is the IKE external interface.", up, wan, s.PublicIP)
		c.add("# The VBR port and the tunnels share zone %s, so a failover keeps sessions in the same zones;", zone)
	}
	c.add("# add security policies between it and your IDC zones.")
	addWeak(&c, "#", s)

	for _, ct := range s.circuits {
		c.add("set interfaces %s description \"hybridlink-%s: Express Connect to %s %s\"", ct.uplink, s.Stack, s.vbrName(ct), ct.AlibabaPeeringIP)
		if ct.VLAN != 0 {
			c.add("set interfaces %s vlan-tagging", ct.uplink)
			c.add("set interfaces %s unit %d vlan-id %d", ct.uplink, ct.VLAN, ct.VLAN)
		}
		c.add("set interfaces %s unit %d family inet address %s", ct.uplink, ct.VLAN, netip.PrefixFrom(ct.PeeringIP, ct.PeeringSubnet.Bits()))
	}
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
	for _, ct := range s.circuits {
		port := fmt.Sprintf("%s.%d", ct.uplink, ct.VLAN)
		c.add("set security zones security-zone %s interfaces %s host-inbound-traffic protocols bgp", zone, port)
		if ct.BFD {
			c.add("set security zones security-zone %s interfaces %s host-inbound-traffic protocols bfd", zone, port)
		}
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

	out := s.lowerName("vbr-out")
	for _, ct := range s.circuits {
		in := strings.ToLower(s.inPolicy(ct))
		for _, p := range s.VPCPrefixes {
			c.add("set policy-options policy-statement %s term vpc from route-filter %s orlonger", in, p)
		}
		if s.twoCircuits() {
			c.add("set policy-options policy-statement %s term vpc then local-preference %d", in, ct.localPref)
		}
		c.add("set policy-options policy-statement %s term vpc then accept", in)
		c.add("set policy-options policy-statement %s then reject", in)
	}
	c.add("set policy-options policy-statement %s term idc from protocol static", out)
	for _, p := range s.IDCPrefixes {
		c.add("set policy-options policy-statement %s term idc from route-filter %s exact", out, p)
	}
	c.add("set policy-options policy-statement %s term idc then accept", out)
	c.add("set policy-options policy-statement %s then reject", out)
	if s.ecmp() {
		lb := s.lowerName("ecmp")
		c.add("set policy-options policy-statement %s then load-balance per-packet", lb)
		c.add("set routing-options forwarding-table export %s", lb)
	}

	g := s.lowerName("vbr")
	c.add("set protocols bgp group %s type external", g)
	if !s.twoCircuits() || s.circuits[0].AlibabaASN == s.circuits[1].AlibabaASN {
		c.add("set protocols bgp group %s peer-as %d", g, s.circuits[0].AlibabaASN)
	}
	c.add("set protocols bgp group %s preference %d", g, s.BGPPreference)
	if !s.twoCircuits() {
		c.add("set protocols bgp group %s import %s", g, strings.ToLower(s.inPolicy(s.circuits[0])))
	}
	c.add("set protocols bgp group %s export %s", g, out)
	if s.ecmp() {
		c.add("set protocols bgp group %s multipath", g)
	}
	if s.BGPAuthKey != "" {
		c.add("set protocols bgp group %s authentication-key \"%s\"", g, s.BGPAuthKey)
	}
	for _, ct := range s.circuits {
		// One circuit: the group's; two: each neighbor's own.
		at := "group " + g
		if s.twoCircuits() {
			at = fmt.Sprintf("group %s neighbor %s", g, ct.AlibabaPeeringIP)
			if s.circuits[0].AlibabaASN != s.circuits[1].AlibabaASN {
				c.add("set protocols bgp %s peer-as %d", at, ct.AlibabaASN)
			}
			c.add("set protocols bgp %s import %s", at, strings.ToLower(s.inPolicy(ct)))
		}
		if ct.BFD {
			b := ct.BFDTimers
			c.add("set protocols bgp %s bfd-liveness-detection transmit-interval minimum-interval %d", at, *b.MinTxIntervalMs)
			c.add("set protocols bgp %s bfd-liveness-detection minimum-receive-interval %d", at, *b.MinRxIntervalMs)
			c.add("set protocols bgp %s bfd-liveness-detection multiplier %d", at, *b.DetectMultiplier)
		}
		c.add("set protocols bgp group %s neighbor %s description \"hybridlink-%s: %s (Express Connect)\"", g, ct.AlibabaPeeringIP, s.Stack, s.vbrName(ct))
	}
	return map[string]string{"junos.set": c.String()}
}

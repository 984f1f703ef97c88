package onprem

import (
	"fmt"
	"slices"
	"strings"
)

// renderFRR renders a Linux gateway: FRR (zebra, staticd, bgpd, bfdd) in
// frr.conf, strongSwan (swanctl) with one route-based connection per VPN
// gateway IP on an XFRM interface, and the updown script that creates the
// XFRM interface while the tunnel is up — so FRR's static routes through it
// are active only while the tunnel is.
func renderFRR(s *site) map[string]string {
	updown := fmt.Sprintf("hybridlink-%s-updown.sh", s.tag())
	return map[string]string{
		"frr.conf":     frrConf(s),
		"swanctl.conf": swanctlConf(s, "/etc/swanctl/"+updown),
		updown:         updownScript(s),
	}
}

func xfrm(t tunnel) string { return fmt.Sprintf("xfrm%d", t.number) }

// frrPort is a circuit's interface: its uplink, or the VLAN interface on it.
func frrPort(c circuit) string {
	if c.VLAN != 0 {
		return fmt.Sprintf("%s.%d", c.uplink, c.VLAN)
	}
	return c.uplink
}

func frrConf(s *site) string {
	var c lines
	c.add("! hybridlink %s: on-premises gateway configuration for Linux with FRR 8 (frr.conf).", s.Stack)
	c.add("! Rendered from stacks/Pulumi.%s.yaml and the deployed VPN gateway. Enable bgpd, staticd and bfdd", s.Stack)
	c.add("! in /etc/frr/daemons; check with `vtysh -C -f frr.conf` before loading.")
	if s.twoCircuits() {
		c.add("! Primary paths: two Express Connect circuits, eBGP to each VBR. Standby path: IPsec-VPN (strongSwan, swanctl.conf).")
		c.add("! %s.", s.circuitSummary())
	} else {
		c.add("! Primary path: Express Connect, eBGP to the VBR. Standby path: IPsec-VPN (strongSwan, swanctl.conf).")
	}
	c.add("! %s.", s.preferenceSummary("distance"))
	if s.staticCapped {
		c.add("! The design's static route at preference 255 becomes %d: FRR never installs a route at distance 255.", s.tunnels[len(s.tunnels)-1].preference)
	}
	for _, ct := range s.circuits {
		if ct.VLAN != 0 {
			c.add("! %s is a VLAN interface: ip link add link %s name %s type vlan id %d", frrPort(ct), ct.uplink, frrPort(ct), ct.VLAN)
		}
	}
	var names []string
	for _, t := range s.tunnels {
		names = append(names, xfrm(t))
	}
	c.add("! XFRM interfaces %s (one per tunnel) are created by the strongSwan updown script while the tunnels are up.", strings.Join(names, ", "))
	if s.ecmp() {
		c.add("! ECMP over the circuits: Linux hashes by addresses by default; `sysctl net.ipv4.fib_multipath_hash_policy=1` also hashes by ports.")
	}
	c.add("frr defaults traditional")
	c.add("ip forwarding")
	c.add("!")
	for _, ct := range s.circuits {
		c.add("interface %s", frrPort(ct))
		c.add(" description hybridlink-%s: Express Connect to %s %s", s.Stack, s.vbrName(ct), ct.AlibabaPeeringIP)
		c.add(" ip address %s/%d", ct.PeeringIP, ct.PeeringSubnet.Bits())
		c.add("exit")
		c.add("!")
	}
	c.add("! Blackhole routes anchor the advertised IDC prefixes; the VPCs via the tunnels at the standby distance.")
	if n := s.healthCheckNote(); n != "" {
		c.add("! %s", n)
	}
	for _, p := range s.IDCPrefixes {
		c.add("ip route %s blackhole", p)
	}
	for _, p := range s.staticRouted() {
		for _, t := range s.tunnels {
			c.add("ip route %s %s %d", p, xfrm(t), t.preference)
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
	for _, ct := range s.circuits {
		c.add("route-map %s permit 10", s.inPolicy(ct))
		c.add(" match ip address prefix-list %s", s.upperName("VPC"))
		if s.twoCircuits() {
			c.add(" set local-preference %d", ct.localPref)
		}
		c.add("exit")
		c.add("!")
	}
	out := s.upperName("VBR-OUT")
	c.add("route-map %s permit 10", out)
	c.add(" match ip address prefix-list %s", s.upperName("IDC"))
	c.add("exit")
	c.add("!")
	if slices.ContainsFunc(s.circuits, func(ct circuit) bool { return ct.BFD }) {
		c.add("bfd")
		for _, ct := range s.circuits {
			if !ct.BFD {
				continue
			}
			c.add(" profile %s", s.bfdProfile(ct))
			b := ct.BFDTimers
			c.add("  detect-multiplier %d", *b.DetectMultiplier)
			c.add("  receive-interval %d", *b.MinRxIntervalMs)
			c.add("  transmit-interval %d", *b.MinTxIntervalMs)
			c.add(" exit")
		}
		c.add("exit")
		c.add("!")
	}
	c.add("router bgp %d", s.LocalASN)
	iosNeighbors(&c, s, func(ct circuit) string { return "bfd profile " + s.bfdProfile(ct) })
	c.add(" !")
	c.add(" address-family ipv4 unicast")
	for _, p := range s.IDCPrefixes {
		c.add("  network %s", p)
	}
	for _, ct := range s.circuits {
		n := ct.AlibabaPeeringIP
		c.add("  neighbor %s route-map %s in", n, s.inPolicy(ct))
		c.add("  neighbor %s route-map %s out", n, out)
	}
	if s.ecmp() {
		c.add("  maximum-paths %d", len(s.circuits))
	}
	c.add("  distance bgp %d 200 200", s.BGPPreference)
	c.add(" exit-address-family")
	c.add("exit")
	c.add("!")
	return c.String()
}

func swanctlConf(s *site, updown string) string {
	var c lines
	ike, ipsec := s.IKE, s.IPsec
	ikeProposal, espProposal := StrongSwanProposals(ike, ipsec)
	version := 1
	if s.ikev2() {
		version = 2
	}
	c.add("# hybridlink %s: strongSwan configuration for the IPsec-VPN standby path (swanctl.conf).", s.Stack)
	c.add("# Rendered from stacks/Pulumi.%s.yaml and the deployed VPN gateway. Install as", s.Stack)
	c.add("# /etc/swanctl/conf.d/hybridlink-%s.conf with %s next to it (mode 0755),", s.tag(), updown)
	c.add("# then `swanctl --load-all`. Needs strongSwan 5.8 or later and XFRM interfaces (Linux 4.19 or later).")
	c.add("# Route-based: 0.0.0.0/0 traffic selectors, one XFRM interface (if_id) per tunnel; FRR routes into them.")
	addWeak(&c, "#", s)
	c.add("connections {")
	for _, t := range s.tunnels {
		name := s.lowerName(fmt.Sprintf("vpn%d", t.index))
		c.add("    # %s to %s", s.role(t), t.peer)
		c.add("    %s {", name)
		c.add("        version = %d", version)
		c.add("        local_addrs = %s", s.PublicIP)
		c.add("        remote_addrs = %s", t.peer)
		c.add("        proposals = %s", ikeProposal)
		c.add("        rekey_time = %ds", *ike.LifetimeSecs)
		c.add("        dpd_delay = 10s")
		c.add("        local {")
		c.add("            auth = psk")
		c.add("            id = %s", s.PublicIP)
		c.add("        }")
		c.add("        remote {")
		c.add("            auth = psk")
		c.add("            id = %s", t.peer)
		c.add("        }")
		c.add("        children {")
		c.add("            %s {", name)
		c.add("                local_ts = 0.0.0.0/0")
		c.add("                remote_ts = 0.0.0.0/0")
		c.add("                esp_proposals = %s", espProposal)
		c.add("                rekey_time = %ds", *ipsec.LifetimeSecs)
		c.add("                if_id_in = %d", t.number)
		c.add("                if_id_out = %d", t.number)
		c.add("                updown = %s", updown)
		c.add("                start_action = start")
		c.add("                dpd_action = restart")
		c.add("            }")
		c.add("        }")
		c.add("    }")
	}
	c.add("}")
	c.add("")
	c.add("secrets {")
	for _, t := range s.tunnels {
		c.add("    ike-%s {", s.lowerName(fmt.Sprintf("vpn%d", t.index)))
		c.add("        id-local = %s", s.PublicIP)
		c.add("        id-remote = %s", t.peer)
		c.add("        secret = %q", s.PSK)
		c.add("    }")
	}
	c.add("}")
	return c.String()
}

func updownScript(s *site) string {
	var c lines
	c.add("#!/bin/sh")
	c.add("# hybridlink %s: strongSwan updown script for the route-based tunnels.", s.Stack)
	c.add("# Creates a tunnel's XFRM interface when its CHILD_SA comes up and deletes it when the SA")
	c.add("# goes down, so FRR's static routes through the interface are active only while the tunnel is.")
	c.add("case \"$PLUTO_IF_ID_OUT\" in")
	for _, t := range s.tunnels {
		c.add("%d) link=%s ;;", t.number, xfrm(t))
	}
	c.add("*) exit 0 ;;")
	c.add("esac")
	c.add("case \"$PLUTO_VERB\" in")
	c.add("up-client)")
	c.add("    ip link show \"$link\" >/dev/null 2>&1 ||")
	c.add("        ip link add \"$link\" type xfrm dev %s if_id \"$PLUTO_IF_ID_OUT\"", s.Interfaces.WAN)
	c.add("    ip link set \"$link\" up")
	c.add("    ;;")
	c.add("down-client)")
	c.add("    ip link del \"$link\" 2>/dev/null")
	c.add("    ;;")
	c.add("esac")
	c.add("exit 0")
	return c.String()
}

package lab

import (
	"context"
	"fmt"
	"strings"
)

// tunnelIfaces matches the interfaces decrypted tunnel traffic arrives on.
func tunnelIfaces(dp datapath) string {
	if dp == libipsec {
		return `"ipsec0"`
	}
	return `"xfrm*"`
}

// markLinks loads the rules that mark each probe with the link it
// arrived over: the far end of the circuit and of the tunnel, in each
// direction, sets the packet's DSCP (linkOf reads it back).
func (t *topology) markLinks(ctx context.Context, dp datapath) error {
	type rule struct {
		n      ns
		ifaces []string
		dscp   []string
	}
	// IDC → cloud: leaves a circuit at its VBR, the tunnel at the VPN
	// gateway. cloud → IDC: all arrive at the on-premises gateway.
	rules := []rule{{t.VPN, []string{tunnelIfaces(dp)}, []string{dscpName(dscpTunnel)}}}
	gw := rule{n: t.GW}
	for _, c := range t.Circuits {
		rules = append(rules, rule{c.VBR, []string{`"` + vbrCircle + `"`}, []string{dscpName(c.DSCP)}})
		gw.ifaces, gw.dscp = append(gw.ifaces, `"`+c.GWIf+`"`), append(gw.dscp, dscpName(c.DSCP))
	}
	gw.ifaces, gw.dscp = append(gw.ifaces, tunnelIfaces(dp)), append(gw.dscp, dscpName(dscpTunnel))
	for _, r := range append(rules, gw) {
		script := "table inet hl_marks {\n chain pre {\n  type filter hook prerouting priority mangle; policy accept;\n"
		for i, iface := range r.ifaces {
			script += fmt.Sprintf("  iifname %s udp dport %d ip dscp set %s counter\n", iface, probePort, r.dscp[i])
		}
		script += " }\n}\n"
		if err := r.n.nft(ctx, script); err != nil {
			return fmt.Errorf("link marks in %s: %w", r.n, err)
		}
	}
	return nil
}

// fault is a failure the lab injects and later repairs.
type fault struct {
	Name           string
	inject, repair func(ctx context.Context) error
}

// cut drops every packet arriving on both ends of a link while the link
// stays up, as a fiber cut behind a switch does: only BFD or BGP's timers
// notice. Each end's interface gets its own table, so that the gateway can
// hold the cuts of two links at once.
func cut(name string, a ns, aIf string, b ns, bIf string) fault {
	tableName := func(dev string) string {
		return "hl_fault_" + strings.NewReplacer(".", "_", "-", "_").Replace(dev)
	}
	table := func(dev string) string {
		return fmt.Sprintf("table netdev %s {\n chain cut {\n  type filter hook ingress device %q priority 0; policy drop;\n }\n}\n", tableName(dev), dev)
	}
	return fault{
		Name: name,
		inject: func(ctx context.Context) error {
			if err := a.nft(ctx, table(aIf)); err != nil {
				return err
			}
			return b.nft(ctx, table(bIf))
		},
		repair: func(ctx context.Context) error {
			err1 := a.nft(ctx, "delete table netdev "+tableName(aIf)+"\n")
			err2 := b.nft(ctx, "delete table netdev "+tableName(bIf)+"\n")
			if err1 != nil {
				return err1
			}
			return err2
		},
	}
}

// circuitCut cuts a circuit between the gateway and its VBR.
func (t *topology) circuitCut(c circuit) fault {
	name := "circuit"
	if len(t.Circuits) > 1 {
		name = "circuit " + c.Name
	}
	return cut(name, t.GW, c.GWIf, c.VBR, vbrCircle)
}

// linkDown takes the gateway's interface toward a circuit's VBR down (the
// VBR's end loses its carrier).
func linkDown(t *topology, c circuit) fault {
	return fault{
		Name:   "circuit link down",
		inject: func(ctx context.Context) error { return t.GW.ip(ctx, "link", "set", c.GWIf, "down") },
		repair: func(ctx context.Context) error { return t.GW.ip(ctx, "link", "set", c.GWIf, "up") },
	}
}

// countTunnels counts, on the gateway, the encrypted packets it sends to
// each VPN gateway IP (ESP, or ESP in UDP 4500): which tunnel carries the
// standby traffic, which the probes' marks cannot tell under libipsec's
// single ipsec0.
func (t *topology) countTunnels(ctx context.Context) error {
	script := "table inet hl_tunnels {\n"
	for i := range t.VPNPeers {
		script += fmt.Sprintf(" counter tunnel%d {\n }\n", i+1)
	}
	script += " chain out {\n  type filter hook output priority 0; policy accept;\n"
	for i, p := range t.VPNPeers {
		script += fmt.Sprintf("  ip daddr %s udp dport 4500 counter name \"tunnel%d\"\n", p, i+1)
		script += fmt.Sprintf("  ip daddr %s ip protocol esp counter name \"tunnel%d\"\n", p, i+1)
	}
	script += " }\n}\n"
	return t.GW.nft(ctx, script)
}

// tunnelPackets reads the counters of countTunnels, one per VPN gateway IP.
func (t *topology) tunnelPackets(ctx context.Context) []int {
	out := make([]int, len(t.VPNPeers))
	for i := range t.VPNPeers {
		text, err := t.GW.exec(ctx, "", "nft", "list", "counter", "inet", "hl_tunnels", fmt.Sprintf("tunnel%d", i+1))
		if err != nil {
			out[i] = -1
			continue
		}
		if _, after, ok := strings.Cut(text, "packets "); ok {
			fmt.Sscan(after, &out[i])
		}
	}
	return out
}

package lab

import (
	"fmt"
	"strings"
	"time"

	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// Assumptions are the lab's choices for what the stack does not decide on
// Alibaba Cloud's side.
func assumptions() []string {
	return []string{
		"The transit router prefers the IDC routes it learns from the VBR over the same prefixes advertised from the transit VPC (the design's assumption, built in from the route model: BGP at distance 200 over the advertised route at " + fmt.Sprint(advertisedDistance) + "); only a failover test on a real account can confirm Alibaba Cloud ranks them so.",
		fmt.Sprintf("The VBR proposes BGP keepalive %d s and hold time %d s and retries a lost session every second; Alibaba Cloud does not document its VBR's timers.", vbrKeepalive, vbrHold),
		"The circuit and the Internet are each one veth pair between the gateway and the VBR or the VPN gateway; a cut drops everything arriving on both ends, the link staying up.",
		"The emulated VPN gateway answers IKE for each of its public IPs with the stack's IKE and IPsec parameters and routes the IDC prefixes into the tunnel (its weight-100 destination routes).",
	}
}

// Text is a summary for a terminal: per step and stream, predicted and
// observed links and the outage, then the findings.
func (r *Report) Text() string {
	var b strings.Builder
	for i, s := range r.Steps {
		fmt.Fprintf(&b, "step %d, %s: %s (%s)%s\n", i+1, s.Name, s.Title, s.Kind, convergence(s))
		fmt.Fprintf(&b, "  encrypted packets from the gateway: %s\n", r.tunnelText(s))
		for _, st := range s.Streams {
			fmt.Fprintf(&b, "  %-58s predicted %-15s observed %-15s lost %4d  outage %s\n", pairName(st), linkName(st.Predicted), observedName(st), st.Lost, ms(st.Outage))
		}
		if r.ECMP {
			fmt.Fprintf(&b, "  settled probes per link: %s\n", r.carried(s))
		}
	}
	r.summary(&b, "")
	return b.String()
}

// carried counts, per direction, the settled probes of a step each link
// carried: with ECMP, that both circuits share the traffic, or that one
// carries it all.
func (r *Report) carried(s *StepResult) string {
	var dirs []string
	for _, st := range s.Streams {
		var parts []string
		for _, l := range r.Links {
			parts = append(parts, fmt.Sprintf("%s %d", l, st.Links[l]))
		}
		dirs = append(dirs, fmt.Sprintf("%s: %s", pairName(st), strings.Join(parts, ", ")))
	}
	return strings.Join(dirs, "; ")
}

// tunnelText lists a step's encrypted packets per tunnel.
func (r *Report) tunnelText(s *StepResult) string {
	var parts []string
	for i, n := range s.TunnelPackets {
		parts = append(parts, fmt.Sprintf("tunnel %d (to %s) %d", i+1, r.VPNPeers[i], n))
	}
	return strings.Join(parts, ", ")
}

func (r *Report) summary(b *strings.Builder, lead string) {
	for _, kind := range []Kind{Failover, Failback} {
		for _, dir := range []routemodel.Direction{routemodel.Forward, routemodel.Return} {
			o := r.Outages(kind)[dir]
			if len(o) == 0 {
				continue
			}
			fmt.Fprintf(b, "%s%s %s: longest outage %s over %d stream-step(s)\n", lead, kind, dir, ms(maxDuration(o)), len(o))
		}
	}
	for _, s := range r.Steps {
		if s.Kind == Failover {
			fmt.Fprintf(b, "%s%s: timers predict detection in %s (%s)\n", lead, s.Name, ms(s.Detection), s.DetectionBasis)
		}
	}
	for _, f := range r.Findings {
		fmt.Fprintf(b, "%s✗ %s\n", lead, f)
	}
	fmt.Fprintf(b, "%slab of %s: %s\n", lead, r.Stack, r.verdict())
}

// legend names the plot's colours.
func (r *Report) legend() string {
	names := map[string]string{"#1f77b4": "blue", "#2ca02c": "green", "#ff7f0e": "orange"}
	var parts []string
	for _, l := range r.Links {
		parts = append(parts, names[linkColours[l]]+": "+string(l))
	}
	return strings.Join(parts, ", ")
}

func (r *Report) verdict() string {
	switch {
	case r.Passed():
		return "passed"
	case r.AgreesWithModel():
		return "FAILED (the lab agrees with the route model; see the findings)"
	}
	return "FAILED"
}

func maxDuration(ds []time.Duration) time.Duration {
	var m time.Duration
	for _, d := range ds {
		m = max(m, d)
	}
	return m
}

func linkName(l routemodel.Link) string {
	if l == routemodel.NoLink {
		return "none"
	}
	return string(l)
}

func observedName(st StreamResult) string {
	if st.Mixed {
		return "mixed"
	}
	return linkName(st.Observed)
}

func convergence(s *StepResult) string {
	switch {
	case s.TimedOut:
		return fmt.Sprintf(" — did not reach the predicted paths within %s", s.Timeout)
	case s.Converged.IsZero():
		return ""
	}
	return fmt.Sprintf(" — converged after %s", ms(s.Converged.Sub(s.Start)))
}

// Markdown renders the report: the result, the figures, the plots (as the
// given SVG file names), the transforms, the datapath and the assumptions.
func (r *Report) Markdown(svgForward, svgReturn string) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("# Failover lab: %s", r.Stack)
	w("")
	w("Run %s, %s. Result: **%s**.", r.Start.UTC().Format(time.RFC3339), r.End.Sub(r.Start).Round(time.Second), r.verdict())
	w("")
	w("Real: the on-premises gateway's configuration as `hybridlink render onprem --vendor linux-frr` renders it (changed only by the transforms below), FRR (zebra, bgpd, bfdd, staticd), strongSwan (IKE and ESP), the Linux kernel's forwarding and the packets. Emulated: Alibaba Cloud's side — the VBR and the transit router (FRR) and the VPN gateway (strongSwan) — built from the stack and the route model.")
	w("")
	w("Probes: UDP, one every %s on each direction between every IDC host address and workload VPC host; each is attributed to the link that carried it by a DSCP mark set where it leaves the circuit or the tunnel.", r.Interval)
	if r.ECMP {
		w("")
		w("The circuits share the traffic (ECMP): each direction's probes take turns on %d source ports, so that the routers' per-flow hashing spreads them over both circuits.", ecmpFlows)
	}
	w("")
	w("## Figures")
	w("")
	w("| | IDC → cloud | cloud → IDC |")
	w("|---|---:|---:|")
	for _, kind := range []Kind{Failover, Failback, NoImpact} {
		o := r.Outages(kind)
		if len(o) == 0 {
			continue
		}
		w("| longest outage, %s | %s | %s |", kind, ms(maxDuration(o[routemodel.Forward])), ms(maxDuration(o[routemodel.Return])))
	}
	w("")
	if len(r.Links) > 2 {
		w("Detection the timers predict, per failover step:")
		w("")
		for _, s := range r.Steps {
			if s.Kind == Failover {
				w("- %s: **%s** (%s)", s.Name, ms(s.Detection), s.DetectionBasis)
			}
		}
		w("")
		w("A failover slower than that plus %s fails the lab.", ms(failoverBudget))
	} else {
		w("Detection the timers predict: **%s** (%s). A failover slower than that plus %s fails the lab.", ms(r.Detection), r.DetectionBasis, ms(failoverBudget))
	}
	if r.StaticPreference != 0 {
		w("")
		w("The on-premises gateway runs with its static routes via the VPN at preference %d (`--onprem-static-preference %d`), and the route model is told so.", r.StaticPreference, r.StaticPreference)
	}
	if lp := r.LocalPreferences; lp != nil {
		w("")
		w("The on-premises gateway runs with BGP local preference %d on circuit A's session and %d on circuit B's (`--onprem-local-preference %d,%d`), and the route model is told so.", lp[0], lp[1], lp[0], lp[1])
	}
	w("")
	if len(r.Findings) > 0 {
		w("## Findings")
		w("")
		for _, f := range r.Findings {
			w("- ✗ **%s** — %s: %s", f.Step, f.Kind, f.Message)
		}
		w("")
	}
	w("## Timeline")
	w("")
	w("Each bar is a run of probes carried by one link (%s); gaps are lost probes, labelled with their length. The dashed lines are the steps.", r.legend())
	w("")
	w("![IDC → cloud](%s)", svgForward)
	w("")
	w("![cloud → IDC](%s)", svgReturn)
	w("")
	w("## Steps")
	w("")
	for i, s := range r.Steps {
		w("### %d. %s (%s)%s", i+1, s.Title, s.Kind, convergence(s))
		w("")
		w("| direction | IDC prefix | VPC | predicted | observed | lost | outage |")
		w("|---|---|---|---|---|---:|---:|")
		for _, st := range s.Streams {
			w("| %s | %s | %s %s | %s | %s | %d | %s |", st.Direction, st.IDC, st.VPC, st.VPCCIDR, linkName(st.Predicted), observedName(st), st.Lost, ms(st.Outage))
		}
		w("")
		if r.ECMP {
			w("Settled probes per link: %s.", r.carried(s))
			w("")
		}
		w("Encrypted packets from the gateway: %s.", r.tunnelText(s))
		w("")
		for _, st := range s.Streams {
			if st.Diagnosis != "" {
				w("```\n%s\n```\n", st.Diagnosis)
			}
		}
	}
	w("## Differences from the rendered configuration")
	w("")
	for _, t := range r.Transforms {
		w("- `%s`: %s", t.Name, t.Why)
	}
	w("- %s.", bfddRealtime)
	w("")
	w("Interface names are the rendered ones (eth0 toward the Internet, eth1 or eth1.<VLAN> toward the VBR, eth2 or eth2.<VLAN> toward a second circuit's); where the kernel has no 802.1Q support the circuit's veth itself carries the VLAN interface's name, untagged.")
	if r.ECMP {
		w("")
		w("- `ecmp-l4-hash`: the gateway's and the emulated transit router's kernels hash ECMP routes by ports too (`net.ipv4.fib_multipath_hash_policy=1`); Linux's default hashes by addresses alone, which would put all of one host pair's flows on one circuit.")
	}
	w("")
	w("## IPsec datapath")
	w("")
	w("%s.", r.Datapath)
	if len(r.VPNPeers) > 1 && strings.HasPrefix(r.Datapath, libipsec.String()) {
		w("")
		w("With two tunnels, libipsec's single ipsec0 sends through the security association it picks, whatever the distances of the rendered routes via the two tunnels say: which tunnel carries the standby traffic here (the counts per step) is libipsec's choice. With kernel XFRM, each tunnel has its XFRM interface and FRR's distances select tunnel 1.")
	}
	w("")
	w("## Assumptions about Alibaba Cloud's side")
	w("")
	for _, a := range assumptions() {
		w("- %s", a)
	}
	w("")
	w("The emulated transit router, built from the route model's table (VPC CIDRs toward their attachments, the IDC prefixes from the VBRs over BGP — two VBRs' routes ranked by their route-map preference, carried as MED — the transit VPC's advertised route ranked below them):")
	w("")
	w("```\n%s```", r.TransitRouter)
	return b.String()
}

package lab

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hybridlink/hybridlink/internal/circuits"
	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// Report is a lab run: per step, per stream, the predicted and observed
// link and the outage; the findings; what the lab changed and assumed.
type Report struct {
	Stack      string
	Start, End time.Time
	// Datapath says how ESP ran, and why.
	Datapath string
	// Transforms are the changes made to the rendered configuration.
	Transforms []Transform
	// VPNPeers are the VPN gateway's IPs, tunnel 1 first.
	VPNPeers []netip.Addr
	// TransitRouter is the emulated transit router's FRR configuration,
	// built from the route model.
	TransitRouter string
	// Interval is the probe interval per stream.
	Interval time.Duration
	// Detection is how long the timers take to notice a silent failure of
	// the (first) circuit, and DetectionBasis how it is derived; each step
	// that fails a circuit has its own (StepResult.Detection).
	Detection      time.Duration
	DetectionBasis string
	// Links are the links the lab tells apart: the circuits, then the VPN.
	Links []routemodel.Link
	// ECMP: the circuits share the traffic, and the probes take turns on
	// several flows so that per-flow hashing spreads them.
	ECMP bool
	// StaticPreference and LocalPreferences are the drill overrides in
	// force (0, nil: none).
	StaticPreference int
	LocalPreferences []int
	Steps            []*StepResult
	// Findings are why the lab failed; empty when it passed.
	Findings []Finding
	// timeline holds each stream's probes for the plots.
	timeline []streamTimeline
}

// Finding is one way the lab's network did not behave as required.
type Finding struct {
	Step string
	// Mismatch: the lab and the route model disagree. Asymmetric: the two
	// directions of a pair used different links. Slow: a failover took
	// longer than the timers predict. Incomplete: the run stopped early.
	// BFDFlap: BFD went down with no fault on the circuit.
	Kind    string
	Message string
}

// Finding kinds.
const (
	Mismatch   = "model mismatch"
	Asymmetric = "asymmetric routing"
	Slow       = "slow failover"
	Incomplete = "run incomplete"
	BFDFlap    = "BFD flap"
)

func (f Finding) String() string { return fmt.Sprintf("%s: %s: %s", f.Step, f.Kind, f.Message) }

// StepResult is one step's outcome.
type StepResult struct {
	// Name is one of StepNames; Title says what happened.
	Name, Title string
	Kind        Kind
	Faults      routemodel.Faults
	// Start is when the links changed, Converged when every stream took
	// its predicted path (zero if TimedOut), End when observation ended.
	Start, Converged, End time.Time
	Timeout               time.Duration
	TimedOut              bool
	// Detection is how long the timers take to notice the failure a
	// failover step injects, and DetectionBasis how it is derived.
	Detection      time.Duration
	DetectionBasis string
	Streams        []StreamResult
	// TunnelPackets are the encrypted packets the gateway sent to each VPN
	// gateway IP (tunnel 1 first) during the step.
	TunnelPackets []int
	// BFDDowns counts, per circuit, the BFD sessions that went down on the
	// gateway and its VBR during the step.
	BFDDowns []int
}

// StreamResult is one direction of one IDC prefix and VPC over a step.
type StreamResult struct {
	Direction routemodel.Direction
	IDC       netip.Prefix
	VPC       string
	VPCCIDR   netip.Prefix
	// Predicted is the route model's link (NoLink: no delivery) and Path
	// its whole path; Observed the link that carried the settled probes,
	// Mixed when more than one did.
	Predicted routemodel.Link
	Path      routemodel.Path
	Observed  routemodel.Link
	Mixed     bool
	// Links counts the settled probes each link carried.
	Links map[routemodel.Link]int
	// Lost probes and the longest gap (Outage) since the step began.
	Lost     int
	Outage   time.Duration
	GapStart time.Time
	// Diagnosis shows the routers' view when the lab and the model differ.
	Diagnosis string
}

// Passed reports a run without findings.
func (r *Report) Passed() bool { return len(r.Findings) == 0 }

// AgreesWithModel reports that every observed path was the predicted one.
func (r *Report) AgreesWithModel() bool {
	return !slices.ContainsFunc(r.Findings, func(f Finding) bool { return f.Kind == Mismatch })
}

// StepOutages returns the longest outage of a step, by name, per direction;
// nil when the run had no such step.
func (r *Report) StepOutages(name string) map[routemodel.Direction]time.Duration {
	for _, s := range r.Steps {
		if s.Name != name {
			continue
		}
		out := map[routemodel.Direction]time.Duration{}
		for _, st := range s.Streams {
			out[st.Direction] = max(out[st.Direction], st.Outage)
		}
		return out
	}
	return nil
}

// Outages returns the outages of the steps of a kind, per direction.
func (r *Report) Outages(kind Kind) map[routemodel.Direction][]time.Duration {
	out := map[routemodel.Direction][]time.Duration{}
	for _, s := range r.Steps {
		if s.Kind != kind {
			continue
		}
		for _, st := range s.Streams {
			out[st.Direction] = append(out[st.Direction], st.Outage)
		}
	}
	return out
}

func (l *lab) newReport(p *prober) *Report {
	r := &Report{
		Stack: l.t.Stack, Start: time.Now(), Datapath: fmt.Sprintf("%s — %s", l.dp, l.dpWhy),
		Transforms: l.applied, VPNPeers: l.t.VPNPeers, TransitRouter: l.trConf, Interval: p.interval,
		StaticPreference: l.opts.StaticPreference, LocalPreferences: l.opts.LocalPreferences, ECMP: p.flows > 1,
	}
	r.Detection, r.DetectionBasis = circuitDetection(l.t.Circuits[0])
	for _, c := range l.t.Circuits {
		r.Links = append(r.Links, c.Link)
	}
	r.Links = append(r.Links, routemodel.Tunnel)
	return r
}

// judge records the findings of a finished step and, for a path the lab
// and the model disagree on, what the routers hold; prev are the faults of
// the step before.
func (l *lab) judge(ctx context.Context, r *Report, s *StepResult, prev routemodel.Faults) {
	for i := range s.Streams {
		st := &s.Streams[i]
		if st.Observed == st.Predicted && !st.Mixed {
			continue
		}
		st.Diagnosis = l.diagnose(ctx, st)
		obs := string(st.Observed)
		switch {
		case st.Mixed:
			obs = "several links (mostly " + obs + ")"
		case st.Observed == routemodel.NoLink:
			obs = "no probe arriving"
		}
		r.Findings = append(r.Findings, Finding{Step: s.Name, Kind: Mismatch, Message: fmt.Sprintf(
			"%s: the route model predicts %s, the lab observed %s%s; %s",
			pairName(*st), predictedText(st.Path), obs, timedOut(s), selected(st.Diagnosis))})
	}
	for i := 0; i+1 < len(s.Streams); i += 2 {
		fwd, ret := s.Streams[i], s.Streams[i+1]
		if fwd.Observed == routemodel.NoLink || ret.Observed == routemodel.NoLink || fwd.Observed == ret.Observed {
			continue
		}
		also := ""
		if fwd.Predicted == fwd.Observed && ret.Predicted == ret.Observed {
			also = " (the route model predicts the same)"
		}
		r.Findings = append(r.Findings, Finding{Step: s.Name, Kind: Asymmetric, Message: fmt.Sprintf(
			"IDC %s ⇄ VPC %s: forward over %s, return over %s%s", fwd.IDC, fwd.VPC, fwd.Observed, ret.Observed, also)})
	}
	for i, downs := range s.BFDDowns {
		// A circuit down in the step, or the step before, takes its BFD
		// session with it.
		if downs == 0 || s.Faults.Down(i) || prev.Down(i) {
			continue
		}
		lost := 0
		for _, st := range s.Streams {
			lost += st.Lost
		}
		which := "the circuit"
		if len(s.BFDDowns) > 1 {
			which = "circuit " + circuits.Name(i)
		}
		r.Findings = append(r.Findings, Finding{Step: s.Name, Kind: BFDFlap, Message: fmt.Sprintf(
			"BFD flapped: the machine starved bfdd — %d BFD session(s) went down on the gateway and the VBR with no fault on %s (load average %s); %d probe(s) lost in the step",
			downs, which, loadAverage(), lost)})
	}
	if s.Kind == Failover {
		limit := s.Detection + failoverBudget
		for _, st := range s.Streams {
			if st.Outage > limit {
				r.Findings = append(r.Findings, Finding{Step: s.Name, Kind: Slow, Message: fmt.Sprintf(
					"%s: %s without traffic; the timers predict detection in %s (%s), plus %s to reroute",
					pairName(st), ms(st.Outage), ms(s.Detection), s.DetectionBasis, ms(failoverBudget))})
			}
		}
	}
}

// failoverBudget is the time allowed, after detection, for the routing
// daemons to reroute both directions.
const failoverBudget = 1500 * time.Millisecond

// diagnose shows how the router at the start of the stream's path routes
// its destination.
func (l *lab) diagnose(ctx context.Context, st *StreamResult) string {
	if st.Direction == routemodel.Forward {
		return fmt.Sprintf("on-premises gateway (FRR, %s):\n%s", st.VPCCIDR, l.frrs[l.t.GW].route(ctx, st.VPCCIDR.String()))
	}
	return fmt.Sprintf("transit router (emulated, %s):\n%s", st.IDC, l.frrs[l.t.TR].route(ctx, st.IDC.String()))
}

// selected condenses `show ip route <prefix>` to the router and its
// selected route: how it was learned, its distance and next hop.
func selected(diagnosis string) string {
	lines := strings.Split(diagnosis, "\n")
	var out []string
	for i, l := range lines {
		l = strings.TrimSpace(l)
		switch {
		case i == 0:
			out = append(out, strings.TrimSuffix(l, ":")+" routes it by")
		case strings.HasPrefix(l, "Known via") && strings.Contains(l, "best"):
			out = append(out, l)
		case strings.HasPrefix(l, "* ") && len(out) > 1:
			out = append(out, l)
		}
	}
	return strings.Join(out, " ")
}

func pairName(st StreamResult) string {
	if st.Direction == routemodel.Forward {
		return fmt.Sprintf("IDC %s → VPC %s %s", st.IDC, st.VPC, st.VPCCIDR)
	}
	return fmt.Sprintf("VPC %s %s → IDC %s", st.VPC, st.VPCCIDR, st.IDC)
}

func predictedText(p routemodel.Path) string {
	if p.Problem != "" {
		return "no delivery (" + p.Problem + ")"
	}
	return fmt.Sprintf("%s (%s)", p.Link, strings.Join(p.Hops, " → "))
}

func timedOut(s *StepResult) string {
	if s.TimedOut {
		return fmt.Sprintf(" (still after %s)", s.Timeout)
	}
	return ""
}

// ms formats a duration in milliseconds.
func ms(d time.Duration) string { return fmt.Sprintf("%d ms", d.Milliseconds()) }

// finish keeps the probes for the plots.
func (r *Report) finish(p *prober) {
	for _, st := range p.streams {
		got := p.received(st.ID)
		slices.SortFunc(got, func(a, b rx) int { return int(a.Seq - b.Seq) })
		r.timeline = append(r.timeline, streamTimeline{Direction: st.Direction, Name: streamLabel(st), Probes: got})
	}
}

func streamLabel(st *stream) string {
	if st.Direction == routemodel.Forward {
		return fmt.Sprintf("%s → %s (%s)", st.From, st.To, st.VPC)
	}
	return fmt.Sprintf("%s (%s) → %s", st.From, st.VPC, st.To)
}

// loadAverage is the machine's 1, 5 and 15 minute load averages.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

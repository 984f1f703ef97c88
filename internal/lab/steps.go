package lab

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// Kind says what a step measures.
type Kind string

const (
	Steady   Kind = "steady"
	Failover Kind = "failover"
	Failback Kind = "failback"
	NoImpact Kind = "no impact expected"
)

// stepSpec is one step of the run: a change of the links, the state the
// route model predicts afterwards, and the time allowed to get there.
type stepSpec struct {
	// Name is one of StepNames (DualStepNames); Title says what happens.
	Name, Title string
	Kind        Kind
	Faults      routemodel.Faults
	// change injects or repairs a fault; nil for none.
	change func(ctx context.Context) error
	// hold is the least time the step lasts; timeout the most it may take
	// to reach the predicted paths.
	hold, timeout time.Duration
	// detection is how long the timers take to notice the failure a
	// failover step injects, and basis how it is derived.
	detection time.Duration
	basis     string
}

// Step names of a stack with one circuit, in the order they run.
const (
	StepNormal          = "normal"
	StepCircuitCut      = "circuit-cut"
	StepCircuitRestored = "circuit-restored"
	StepVPNCut          = "vpn-cut"
	StepVPNRestored     = "vpn-restored"
	StepLinkDown        = "link-down"
	StepLinkUp          = "link-up"
)

// Step names of a stack with two circuits, in the order they run (with
// StepNormal first and StepVPNCut, StepVPNRestored last).
const (
	StepCircuitACut      = "circuit-a-cut"
	StepBothCut          = "both-circuits-cut"
	StepCircuitBBack     = "circuit-b-back"
	StepCircuitABack     = "circuit-a-back"
	StepCircuitBCut      = "circuit-b-cut"
	StepCircuitBRestored = "circuit-b-restored"
)

// StepNames are every step of a stack with one circuit, in order;
// DualStepNames those of a stack with two.
var (
	StepNames     = []string{StepNormal, StepCircuitCut, StepCircuitRestored, StepVPNCut, StepVPNRestored, StepLinkDown, StepLinkUp}
	DualStepNames = []string{StepNormal, StepCircuitACut, StepBothCut, StepCircuitBBack, StepCircuitABack, StepCircuitBCut, StepCircuitBRestored, StepVPNCut, StepVPNRestored}
)

// change is a step's change of the links before the route model's view.
type change struct {
	name, title string
	faults      routemodel.Faults
	do          func(ctx context.Context) error
}

// steps are the run's steps. Each one's kind follows from the route model:
// a failure that moves traffic is a failover, a repair that moves it back a
// failback, one that moves nothing has no impact.
func (l *lab) steps() ([]stepSpec, error) {
	t := l.t
	vpn := cut("VPN", t.GW, gwWAN, t.VPN, vpnWAN)
	var changes []change
	if len(t.Circuits) == 1 {
		circuit, down := t.circuitCut(t.Circuits[0]), linkDown(t, t.Circuits[0])
		changes = []change{
			{StepNormal, "normal", routemodel.Faults{}, nil},
			{StepCircuitCut, "circuit fails: every packet dropped, link up", routemodel.Faults{CircuitDown: true}, circuit.inject},
			{StepCircuitRestored, "circuit restored", routemodel.Faults{}, circuit.repair},
			{StepVPNCut, "VPN fails while the circuit is up", routemodel.Faults{VPNDown: true}, vpn.inject},
			{StepVPNRestored, "VPN restored", routemodel.Faults{}, vpn.repair},
			{StepLinkDown, "circuit link down", routemodel.Faults{CircuitDown: true}, down.inject},
			{StepLinkUp, "circuit link up", routemodel.Faults{}, down.repair},
		}
	} else {
		a, b := t.circuitCut(t.Circuits[0]), t.circuitCut(t.Circuits[1])
		changes = []change{
			{StepNormal, "normal", routemodel.Faults{}, nil},
			{StepCircuitACut, "circuit A fails: every packet dropped, link up", routemodel.Faults{CircuitDown: true}, a.inject},
			{StepBothCut, "circuit B fails too", routemodel.Faults{CircuitDown: true, CircuitBDown: true}, b.inject},
			{StepCircuitBBack, "circuit B restored, A still down", routemodel.Faults{CircuitDown: true}, b.repair},
			{StepCircuitABack, "circuit A restored", routemodel.Faults{}, a.repair},
			{StepCircuitBCut, "circuit B fails while A is up", routemodel.Faults{CircuitBDown: true}, b.inject},
			{StepCircuitBRestored, "circuit B restored", routemodel.Faults{}, b.repair},
			{StepVPNCut, "VPN fails while the circuits are up", routemodel.Faults{VPNDown: true}, vpn.inject},
			{StepVPNRestored, "VPN restored", routemodel.Faults{}, vpn.repair},
		}
	}
	var out []stepSpec
	prev, last, prevName := routemodel.Faults{}, routemodel.Faults{}, ""
	for _, c := range changes {
		s := stepSpec{Name: c.name, Title: c.title, Faults: c.faults, change: c.do}
		before, after := l.model.Expect(prev), l.model.Expect(c.faults)
		failed := prev != c.faults && l.newlyDown(prev, c.faults)
		switch {
		case c.name == StepNormal:
			s.Kind, s.hold, s.timeout = Steady, time.Second, 15*time.Second
		case before == after && failed:
			s.Kind, s.hold, s.timeout = NoImpact, 1500*time.Millisecond, 5*time.Second
		case before == after:
			s.Kind, s.hold, s.timeout = Steady, time.Second, 5*time.Second
		case failed:
			s.detection, s.basis = l.detection(prev, c.faults)
			s.Kind, s.hold, s.timeout = Failover, time.Second, s.detection+6*time.Second
		default:
			s.Kind, s.hold, s.timeout = Failback, time.Second, 20*time.Second
		}
		if len(l.opts.Steps) == 0 || slices.Contains(l.opts.Steps, c.name) {
			// Each step changes the links from the state the one before it
			// in the full run leaves: a selection must not skip a change.
			if prev != last {
				return nil, fmt.Errorf("step %s needs the links as step %s leaves them: add the steps in between", c.name, prevName)
			}
			out, last = append(out, s), c.faults
		}
		prev, prevName = c.faults, c.name
	}
	for _, name := range l.opts.Steps {
		if !slices.ContainsFunc(changes, func(c change) bool { return c.name == name }) {
			var names []string
			for _, c := range changes {
				names = append(names, c.name)
			}
			return nil, fmt.Errorf("no step %q for a stack with %d circuit(s): use %s", name, len(t.Circuits), strings.Join(names, ", "))
		}
	}
	return out, nil
}

// newlyDown reports whether the faults shut a link that was up.
func (l *lab) newlyDown(before, after routemodel.Faults) bool {
	for i := range l.t.Circuits {
		if after.Down(i) && !before.Down(i) {
			return true
		}
	}
	return after.VPNDown && !before.VPNDown
}

// detection is how long the gateway and the VBRs take to notice the
// circuits a step cuts silently: the slowest of their BFD detection times,
// or BGP's hold time for a circuit without BFD.
func (l *lab) detection(before, after routemodel.Faults) (time.Duration, string) {
	var d time.Duration
	var basis []string
	for i, c := range l.t.Circuits {
		if !after.Down(i) || before.Down(i) {
			continue
		}
		cd, cb := circuitDetection(c)
		if len(l.t.Circuits) > 1 {
			cb = "circuit " + c.Name + ": " + cb
		}
		d, basis = max(d, cd), append(basis, cb)
	}
	return d, strings.Join(basis, "; ")
}

// circuitDetection is a circuit's detection time and how it is derived.
func circuitDetection(c circuit) (time.Duration, string) {
	if b := c.BFD; b != nil {
		return b.Detection(), fmt.Sprintf("BFD: %d ms × %d", max(*b.MinTxIntervalMs, *b.MinRxIntervalMs), *b.DetectMultiplier)
	}
	return vbrHold * time.Second, fmt.Sprintf("no BFD: the BGP hold time, %d s (the emulated VBR's; see the assumptions)", vbrHold)
}

// ecmpFlows is how many flows (source ports) each stream's probes take
// turns on where the circuits share the traffic: enough that the routers'
// per-flow hashing puts some on each (all on one: a chance of 2^-15).
const ecmpFlows = 16

// settle is how long a step's paths are observed once they have converged.
const settle = 500 * time.Millisecond

// stable is how many consecutive probes on the predicted link make a
// stream converged.
const stable = 20

// probe starts the probes, runs the steps and builds the report.
func (l *lab) probe(ctx context.Context) (*Report, error) {
	flows := 1
	if len(l.model.Expect(routemodel.Faults{}).Parts()) > 1 {
		flows = ecmpFlows
	}
	p, err := newProber(l.t, l.opts.Interval, flows)
	if err != nil {
		return nil, err
	}
	pctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { p.run(pctx); close(done) }()
	r := l.newReport(p)
	l.warmUp(ctx, p)
	var runErr error
	prev := routemodel.Faults{}
	for _, s := range l.stepList {
		res, err := l.runStep(ctx, p, s)
		r.Steps = append(r.Steps, res)
		if err != nil {
			runErr = err
			r.Findings = append(r.Findings, Finding{Step: s.Name, Kind: Incomplete, Message: err.Error()})
			break
		}
		l.judge(ctx, r, res, prev)
		prev = s.Faults
	}
	stop()
	<-done
	r.End = time.Now()
	r.finish(p)
	return r, runErr
}

// warmUp waits, at most a few seconds, until every stream delivers: the
// first probes meet neighbours not yet resolved, which is no step's doing.
func (l *lab) warmUp(ctx context.Context, p *prober) {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		ready := true
		for _, st := range p.streams {
			ready = ready && len(p.received(st.ID)) >= stable
		}
		if ready || sleep(ctx, 50*time.Millisecond) != nil {
			return
		}
	}
}

// runStep changes the links, waits until every stream takes the path the
// model predicts (or the step times out), then observes the paths.
func (l *lab) runStep(ctx context.Context, p *prober, s stepSpec) (*StepResult, error) {
	predicted := l.model.Paths(s.Faults)
	res := &StepResult{Name: s.Name, Title: s.Title, Kind: s.Kind, Faults: s.Faults, Start: time.Now(), Timeout: s.timeout,
		Detection: s.detection, DetectionBasis: s.basis}
	l.log("step %s: %s", s.Name, s.Title)
	before := l.t.tunnelPackets(ctx)
	bfdBefore := l.bfdDowns(ctx)
	if s.change != nil {
		if err := s.change(ctx); err != nil {
			return res, fmt.Errorf("step %s: %w", s.Name, err)
		}
	}
	deadline := res.Start.Add(s.timeout)
	for {
		if err := sleep(ctx, 50*time.Millisecond); err != nil {
			return res, err
		}
		now := time.Now()
		if now.Sub(res.Start) >= s.hold && l.converged(p, predicted, res.Start) {
			res.Converged = now
			break
		}
		if now.After(deadline) {
			res.TimedOut = true
			break
		}
	}
	if err := sleep(ctx, settle); err != nil {
		return res, err
	}
	res.End = time.Now()
	if err := drain(ctx, p, res.End); err != nil {
		return res, err
	}
	for i, n := range l.t.tunnelPackets(ctx) {
		res.TunnelPackets = append(res.TunnelPackets, n-before[i])
	}
	for i, n := range l.bfdDowns(ctx) {
		res.BFDDowns = append(res.BFDDowns, n-bfdBefore[i])
	}
	for _, st := range p.streams {
		res.Streams = append(res.Streams, l.observe(p, st, res, predicted))
	}
	return res, nil
}

// drainMax bounds the wait for probes sent before a step's end: a probe
// not received by then is lost.
const drainMax = time.Second

// drain waits until every stream has received a probe sent after end, so
// that a receiver or sender the machine kept waiting is not taken for loss,
// or until drainMax has passed (a stream that gets nothing).
func drain(ctx context.Context, p *prober, end time.Time) error {
	for deadline := end.Add(drainMax); time.Now().Before(deadline); {
		if !slices.ContainsFunc(p.streams, func(st *stream) bool { return !p.caughtUp(st.ID, end) }) {
			return nil
		}
		if err := sleep(ctx, 10*time.Millisecond); err != nil {
			return err
		}
	}
	return nil
}

// predictedFor finds the model's path for a stream.
func predictedFor(paths []routemodel.Path, st *stream) routemodel.Path {
	for _, path := range paths {
		if path.Direction == st.Direction && path.IDC == st.IDC && path.VPCCIDR == st.VPCCIDR {
			return path
		}
	}
	return routemodel.Path{Problem: "the route model has no such path"}
}

// expected is the link the model predicts a stream on; NoLink when it
// predicts no delivery.
func expected(path routemodel.Path) routemodel.Link {
	if path.Problem != "" {
		return routemodel.NoLink
	}
	return path.Link
}

// converged reports whether each stream's last probes, all sent after
// since, arrived over the predicted link — over each of the links that
// share the traffic, with ECMP (streams predicted to get nothing are left
// to the step's hold time).
func (l *lab) converged(p *prober, predicted []routemodel.Path, since time.Time) bool {
	for _, st := range p.streams {
		want := expected(predictedFor(predicted, st))
		if want == routemodel.NoLink {
			continue
		}
		got := p.received(st.ID)
		if len(got) < stable {
			return false
		}
		last := got[len(got)-stable:]
		if time.Since(last[len(last)-1].Sent) > 5*p.interval {
			return false
		}
		seen := map[routemodel.Link]bool{}
		for _, r := range last {
			if !slices.Contains(want.Parts(), r.Link) || !r.Sent.After(since) {
				return false
			}
			seen[r.Link] = true
		}
		// Traffic shared by several links has converged when each
		// carries some of it.
		if len(seen) != len(want.Parts()) {
			return false
		}
	}
	return true
}

// observe measures a stream over a step: the link that carried its probes
// once settled, and its loss and longest gap since the step began.
func (l *lab) observe(p *prober, st *stream, res *StepResult, predicted []routemodel.Path) StreamResult {
	path := predictedFor(predicted, st)
	sr := StreamResult{Direction: st.Direction, IDC: st.IDC, VPC: st.VPC, VPCCIDR: st.VPCCIDR, Predicted: expected(path), Path: path}
	got := p.received(st.ID)
	slices.SortFunc(got, func(a, b rx) int { return int(a.Seq - b.Seq) })
	settleFrom := res.End.Add(-settle)
	links := map[routemodel.Link]int{}
	var prev *rx
	for i := range got {
		r := &got[i]
		if r.Sent.Before(res.Start) {
			prev = r
			continue
		}
		if r.Sent.After(res.End) {
			break
		}
		if r.Sent.After(settleFrom) {
			links[r.Link]++
		}
		if prev != nil {
			gap := r.Sent.Sub(prev.Sent) - p.interval
			if missing := int(r.Seq - prev.Seq - 1); missing > 0 {
				sr.Lost += missing
				if gap > sr.Outage {
					sr.Outage = gap
					sr.GapStart = prev.Sent
				}
			}
		}
		prev = r
	}
	// Probes sent up to the step's end and never received (an outage the
	// step did not see end); the step drained its receivers first.
	if prev != nil {
		if n, last := p.sentBetween(prev.Seq, res.End); n > 0 {
			sr.Lost += n
			if gap := last.Sub(prev.Sent); gap > sr.Outage {
				sr.Outage, sr.GapStart = gap, prev.Sent
			}
		}
	}
	seen := slices.Collect(maps.Keys(links))
	switch {
	case len(seen) == 0:
		sr.Observed = routemodel.NoLink
	case len(seen) == 1 || routemodel.JoinLinks(seen...) == sr.Predicted:
		// Several circuits that share the traffic, as predicted, are one
		// observation: the ECMP link.
		sr.Observed = routemodel.JoinLinks(seen...)
	default:
		sr.Mixed = true
		best := 0
		for k, n := range links {
			if n > best {
				sr.Observed, best = k, n
			}
		}
	}
	sr.Links = links
	return sr
}

// bfdDowns counts, per circuit, the BFD session-down events on its two
// ends, the gateway's session to its VBR and the VBR's (0 without BFD; a
// count that cannot be read counts as none).
func (l *lab) bfdDowns(ctx context.Context) []int {
	out := make([]int, len(l.t.Circuits))
	for i, c := range l.t.Circuits {
		if c.BFD == nil {
			continue
		}
		for _, end := range []struct {
			n    ns
			peer string
		}{{l.t.GW, c.VBRIP.String()}, {c.VBR, c.PeeringIP.String()}} {
			n, err := l.frrs[end.n].bfdDowns(ctx, end.peer)
			if err != nil {
				l.log("BFD counters: %v", err)
			}
			out[i] += n
		}
	}
	return out
}

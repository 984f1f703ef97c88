package lab

import (
	"context"
	"fmt"
	"slices"
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
	// Name is one of StepNames; Title says what happens.
	Name, Title string
	Kind        Kind
	Faults      routemodel.Faults
	// change injects or repairs a fault; nil for none.
	change func(ctx context.Context) error
	// hold is the least time the step lasts; timeout the most it may take
	// to reach the predicted paths.
	hold, timeout time.Duration
}

// Step names, in the order they run.
const (
	StepNormal          = "normal"
	StepCircuitCut      = "circuit-cut"
	StepCircuitRestored = "circuit-restored"
	StepVPNCut          = "vpn-cut"
	StepVPNRestored     = "vpn-restored"
	StepLinkDown        = "link-down"
	StepLinkUp          = "link-up"
)

// StepNames are every step, in order.
var StepNames = []string{StepNormal, StepCircuitCut, StepCircuitRestored, StepVPNCut, StepVPNRestored, StepLinkDown, StepLinkUp}

// steps are the run's steps.
func (l *lab) steps() []stepSpec {
	t := l.t
	circuit := cut("circuit", t.GW, t.Circuit, t.VBR, vbrCircle)
	vpn := cut("VPN", t.GW, gwWAN, t.VPN, vpnWAN)
	down := linkDown(t)
	detect := l.predictedDetection()
	failover := detect + 6*time.Second
	failback := 20 * time.Second
	all := []stepSpec{
		{StepNormal, "normal", Steady, routemodel.Faults{}, nil, time.Second, 15 * time.Second},
		{StepCircuitCut, "circuit fails: every packet dropped, link up", Failover, routemodel.Faults{CircuitDown: true}, circuit.inject, time.Second, failover},
		{StepCircuitRestored, "circuit restored", Failback, routemodel.Faults{}, circuit.repair, time.Second, failback},
		{StepVPNCut, "VPN fails while the circuit is up", NoImpact, routemodel.Faults{VPNDown: true}, vpn.inject, 1500 * time.Millisecond, 5 * time.Second},
		{StepVPNRestored, "VPN restored", Steady, routemodel.Faults{}, vpn.repair, time.Second, 5 * time.Second},
		{StepLinkDown, "circuit link down", Failover, routemodel.Faults{CircuitDown: true}, down.inject, time.Second, failover},
		{StepLinkUp, "circuit link up", Failback, routemodel.Faults{}, down.repair, time.Second, failback},
	}
	if len(l.opts.Steps) == 0 {
		return all
	}
	var out []stepSpec
	for _, s := range all {
		if slices.Contains(l.opts.Steps, s.Name) {
			out = append(out, s)
		}
	}
	return out
}

// predictedDetection is how long the gateway and the VBR take to notice a
// silent circuit failure: BFD's detection time, or else BGP's hold time.
func (l *lab) predictedDetection() time.Duration {
	if l.cloud.bfd != nil {
		return l.cloud.bfd.Detection()
	}
	return vbrHold * time.Second
}

// settle is how long a step's paths are observed once they have converged.
const settle = 500 * time.Millisecond

// stable is how many consecutive probes on the predicted link make a
// stream converged.
const stable = 20

// probe starts the probes, runs the steps and builds the report.
func (l *lab) probe(ctx context.Context) (*Report, error) {
	p, err := newProber(l.t, l.opts.Interval)
	if err != nil {
		return nil, err
	}
	pctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { p.run(pctx); close(done) }()
	r := l.newReport(p)
	l.warmUp(ctx, p)
	var runErr error
	for _, s := range l.steps() {
		res, err := l.runStep(ctx, p, s)
		r.Steps = append(r.Steps, res)
		if err != nil {
			runErr = err
			r.Findings = append(r.Findings, Finding{Step: s.Name, Kind: Incomplete, Message: err.Error()})
			break
		}
		l.judge(ctx, r, res)
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
	res := &StepResult{Name: s.Name, Title: s.Title, Kind: s.Kind, Faults: s.Faults, Start: time.Now(), Timeout: s.timeout}
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
	res.BFDDowns = l.bfdDowns(ctx) - bfdBefore
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
// since, arrived over the predicted link (streams predicted to get nothing
// are left to the step's hold time).
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
		for _, r := range last {
			if r.Link != want || !r.Sent.After(since) {
				return false
			}
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
	switch len(links) {
	case 0:
		sr.Observed = routemodel.NoLink
	case 1:
		for k := range links {
			sr.Observed = k
		}
	default:
		sr.Mixed = true
		best := 0
		for k, n := range links {
			if n > best {
				sr.Observed, best = k, n
			}
		}
	}
	return sr
}

// bfdDowns counts the BFD session-down events on both ends of the circuit
// (0 without BFD; a count that cannot be read counts as none).
func (l *lab) bfdDowns(ctx context.Context) int {
	if l.cloud.bfd == nil {
		return 0
	}
	n := 0
	for _, r := range []ns{l.t.GW, l.t.VBR} {
		c, err := l.frrs[r].bfdDowns(ctx)
		if err != nil {
			l.log("BFD counters: %v", err)
		}
		n += c
	}
	return n
}

package lab

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// A BFD session that goes down while the circuit has no fault is reported
// as the machine starving bfdd, with the step's loss; the same count in a
// step that cuts the circuit is the failover itself.
func TestBFDFlapIsNamed(t *testing.T) {
	steady := StreamResult{Predicted: routemodel.Circuit, Observed: routemodel.Circuit, Lost: 7}
	r := &Report{}
	(&lab{}).judge(context.Background(), r, &StepResult{Name: StepNormal, Kind: Steady, BFDDowns: []int{2}, Streams: []StreamResult{steady, steady}}, routemodel.Faults{})
	require.Len(t, r.Findings, 1)
	assert.Equal(t, BFDFlap, r.Findings[0].Kind)
	assert.Contains(t, r.Findings[0].Message, "BFD flapped: the machine starved bfdd — 2 BFD session(s) went down")
	assert.Contains(t, r.Findings[0].Message, "14 probe(s) lost")

	r = &Report{}
	(&lab{}).judge(context.Background(), r, &StepResult{Name: StepCircuitCut, Kind: Failover, Faults: routemodel.Faults{CircuitDown: true}, BFDDowns: []int{2}}, routemodel.Faults{})
	assert.Empty(t, r.Findings)

	// Two circuits: circuit B's session going down while only A is cut is
	// a flap, named; A's is the failover.
	r = &Report{}
	(&lab{}).judge(context.Background(), r, &StepResult{Name: StepCircuitACut, Kind: Failover, Faults: routemodel.Faults{CircuitDown: true}, BFDDowns: []int{2, 1}}, routemodel.Faults{})
	require.Len(t, r.Findings, 1)
	assert.Contains(t, r.Findings[0].Message, "1 BFD session(s) went down on the gateway and the VBR with no fault on circuit B")
	// Restoring a circuit: its session was down in the step before.
	r = &Report{}
	(&lab{}).judge(context.Background(), r, &StepResult{Name: StepCircuitABack, Kind: Failback, BFDDowns: []int{1, 0}}, routemodel.Faults{CircuitDown: true})
	assert.Empty(t, r.Findings)
}

// Loss is a probe sent by the step's end and never received: a sender the
// machine held up is no loss, probes missing in the middle or at the end
// of the step are.
func TestObserveCountsProbesSentAndNotReceived(t *testing.T) {
	const interval = 10 * time.Millisecond
	start := time.Now()
	st := &stream{ID: 0, Direction: routemodel.Forward}
	p := &prober{interval: interval, streams: []*stream{st}, got: map[int][]rx{}}
	for seq := range 100 {
		p.sentAt = append(p.sentAt, start.Add(time.Duration(seq)*interval))
	}
	receive := func(skip func(seq int) bool) {
		p.got[0] = nil
		for seq, at := range p.sentAt {
			if !skip(seq) {
				p.got[0] = append(p.got[0], rx{Seq: int64(seq), Sent: at, Link: routemodel.Circuit})
			}
		}
	}
	// The sender stalled for 300 ms before the step's end.
	res := &StepResult{Start: start.Add(-time.Millisecond), End: p.sentAt[99].Add(300 * time.Millisecond)}
	receive(func(int) bool { return false })
	assert.Zero(t, (&lab{}).observe(p, st, res, nil).Lost)

	receive(func(seq int) bool { return seq >= 40 && seq <= 42 || seq >= 95 })
	sr := (&lab{}).observe(p, st, res, nil)
	assert.Equal(t, 8, sr.Lost)
	assert.Equal(t, 50*time.Millisecond, sr.Outage, "the five probes missing at the end")
}

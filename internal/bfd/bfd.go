// Package bfd holds the BFD timers of the BGP session on the Express
// Connect circuit and hybridlink's defaults for them: the one definition the
// VBR (Alibaba Cloud's side) and the on-premises renderers (the other side)
// both use, so the two ends detect a failure alike.
package bfd

import (
	"fmt"
	"time"

	"github.com/hybridlink/hybridlink/internal/limits"
)

// Defaults: Alibaba Cloud's own for a VBR, which hybridlink sets explicitly
// so that both ends are rendered with the same values.
const (
	DefaultIntervalMs = 1000
	DefaultMultiplier = 3
)

// Timers are a BFD session's timers. Zero fields take the defaults (see
// WithDefaults).
type Timers struct {
	// MinTxIntervalMs is the interval at which this end sends BFD packets,
	// 200–1000 ms on a VBR.
	MinTxIntervalMs int `pulumi:"minTxIntervalMs,optional"`
	// MinRxIntervalMs is the shortest interval at which this end accepts
	// them, 200–1000 ms on a VBR.
	MinRxIntervalMs int `pulumi:"minRxIntervalMs,optional"`
	// DetectMultiplier is how many packets may be missed before the
	// session is declared down, 3–10 on a VBR.
	DetectMultiplier int `pulumi:"detectMultiplier,optional"`
}

// WithDefaults fills zero fields with the defaults: 1000 ms, multiplier 3.
func (t Timers) WithDefaults() Timers {
	if t.MinTxIntervalMs == 0 {
		t.MinTxIntervalMs = DefaultIntervalMs
	}
	if t.MinRxIntervalMs == 0 {
		t.MinRxIntervalMs = DefaultIntervalMs
	}
	if t.DetectMultiplier == 0 {
		t.DetectMultiplier = DefaultMultiplier
	}
	return t
}

func (t Timers) String() string {
	return fmt.Sprintf("tx %d ms, rx %d ms, multiplier %d", t.MinTxIntervalMs, t.MinRxIntervalMs, t.DetectMultiplier)
}

// IsZero reports timers left entirely to the defaults.
func (t Timers) IsZero() bool { return t == Timers{} }

// Detection is how long a silent failure goes unnoticed when both ends run
// these timers: the multiplier times the slower of the two intervals the
// ends agree on (RFC 5880 §6.8.4).
func (t Timers) Detection() time.Duration {
	t = t.WithDefaults()
	return time.Duration(max(t.MinTxIntervalMs, t.MinRxIntervalMs)*t.DetectMultiplier) * time.Millisecond
}

// FieldError is a timer out of the VBR's range; Field names it.
type FieldError struct {
	Field string
	Value int
	msg   string
}

func (e *FieldError) Error() string { return e.msg }

// Check returns a *FieldError for each set field outside the VBR's range.
func (t Timers) Check() []error {
	var errs []error
	interval := func(field string, v int) {
		if v != 0 && (v < limits.BFDIntervalMinMs || v > limits.BFDIntervalMaxMs) {
			errs = append(errs, &FieldError{field, v, fmt.Sprintf("%d ms is out of range %d–%d ms", v, limits.BFDIntervalMinMs, limits.BFDIntervalMaxMs)})
		}
	}
	interval("MinTxIntervalMs", t.MinTxIntervalMs)
	interval("MinRxIntervalMs", t.MinRxIntervalMs)
	if v := t.DetectMultiplier; v != 0 && (v < limits.BFDDetectMultiplierMin || v > limits.BFDDetectMultiplierMax) {
		errs = append(errs, &FieldError{"DetectMultiplier", v, fmt.Sprintf("%d is out of range %d–%d", v, limits.BFDDetectMultiplierMin, limits.BFDDetectMultiplierMax)})
	}
	return errs
}

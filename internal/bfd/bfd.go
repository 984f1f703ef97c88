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

// Timers are a BFD session's timers. An unset field takes its default (see
// WithDefaults); a value given is the value judged, 0 included.
type Timers struct {
	// MinTxIntervalMs is the interval at which this end sends BFD packets,
	// 200–1000 ms on a VBR.
	MinTxIntervalMs *int `pulumi:"minTxIntervalMs,optional"`
	// MinRxIntervalMs is the shortest interval at which this end accepts
	// them, 200–1000 ms on a VBR.
	MinRxIntervalMs *int `pulumi:"minRxIntervalMs,optional"`
	// DetectMultiplier is how many packets may be missed before the
	// session is declared down, 3–10 on a VBR.
	DetectMultiplier *int `pulumi:"detectMultiplier,optional"`
}

// WithDefaults returns the timers in effect, every field set: nil fields
// take 1000 ms and multiplier 3.
func (t Timers) WithDefaults() Timers {
	return Timers{
		MinTxIntervalMs:  orDefault(t.MinTxIntervalMs, DefaultIntervalMs),
		MinRxIntervalMs:  orDefault(t.MinRxIntervalMs, DefaultIntervalMs),
		DetectMultiplier: orDefault(t.DetectMultiplier, DefaultMultiplier),
	}
}

func orDefault(v *int, def int) *int {
	if v == nil {
		return &def
	}
	return new(*v)
}

// String shows the timers as given, "unset" for those left to the default.
func (t Timers) String() string {
	show := func(v *int, unit string) string {
		if v == nil {
			return "unset"
		}
		return fmt.Sprintf("%d%s", *v, unit)
	}
	return fmt.Sprintf("tx %s, rx %s, multiplier %s", show(t.MinTxIntervalMs, " ms"), show(t.MinRxIntervalMs, " ms"), show(t.DetectMultiplier, ""))
}

// IsZero reports timers left entirely to the defaults.
func (t Timers) IsZero() bool {
	return t.MinTxIntervalMs == nil && t.MinRxIntervalMs == nil && t.DetectMultiplier == nil
}

// Detection is how long a silent failure goes unnoticed when both ends run
// these timers: the multiplier times the slower of the two intervals the
// ends agree on (RFC 5880 §6.8.4).
func (t Timers) Detection() time.Duration {
	t = t.WithDefaults()
	return time.Duration(max(*t.MinTxIntervalMs, *t.MinRxIntervalMs)**t.DetectMultiplier) * time.Millisecond
}

// FieldError is a timer out of the VBR's range; Field names it.
type FieldError struct {
	Field string
	Value int
	msg   string
}

func (e *FieldError) Error() string { return e.msg }

// Check returns a *FieldError for each field given outside the VBR's
// range (0 included).
func (t Timers) Check() []error {
	var errs []error
	interval := func(field string, v *int) {
		if v != nil && (*v < limits.BFDIntervalMinMs || *v > limits.BFDIntervalMaxMs) {
			errs = append(errs, &FieldError{field, *v, fmt.Sprintf("%d ms is out of range %d–%d ms", *v, limits.BFDIntervalMinMs, limits.BFDIntervalMaxMs)})
		}
	}
	interval("MinTxIntervalMs", t.MinTxIntervalMs)
	interval("MinRxIntervalMs", t.MinRxIntervalMs)
	if v := t.DetectMultiplier; v != nil && (*v < limits.BFDDetectMultiplierMin || *v > limits.BFDDetectMultiplierMax) {
		errs = append(errs, &FieldError{"DetectMultiplier", *v, fmt.Sprintf("%d is out of range %d–%d", *v, limits.BFDDetectMultiplierMin, limits.BFDDetectMultiplierMax)})
	}
	return errs
}

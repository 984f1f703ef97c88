package bfd_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/hybridlink/hybridlink/internal/bfd"
)

func timers(tx, rx, mult int) bfd.Timers {
	return bfd.Timers{MinTxIntervalMs: &tx, MinRxIntervalMs: &rx, DetectMultiplier: &mult}
}

func TestDefaultsAndDetection(t *testing.T) {
	assert.Equal(t, timers(1000, 1000, 3), bfd.Timers{}.WithDefaults())
	assert.Equal(t, timers(200, 1000, 3), bfd.Timers{MinTxIntervalMs: new(200)}.WithDefaults())
	assert.Equal(t, 3*time.Second, bfd.Timers{}.Detection())
	assert.Equal(t, 600*time.Millisecond, timers(200, 200, 3).Detection())
	// The slower interval rules.
	assert.Equal(t, 1500*time.Millisecond, timers(200, 500, 3).Detection())
	assert.Equal(t, "tx 200 ms, rx unset, multiplier unset", bfd.Timers{MinTxIntervalMs: new(200)}.String())
	assert.Equal(t, "tx 200 ms, rx 1000 ms, multiplier 3", bfd.Timers{MinTxIntervalMs: new(200)}.WithDefaults().String())
}

func TestCheck(t *testing.T) {
	assert.Empty(t, bfd.Timers{}.Check())
	assert.Empty(t, timers(200, 1000, 10).Check())
	errs := timers(100, 1001, 2).Check()
	var fields []string
	for _, err := range errs {
		fields = append(fields, err.(*bfd.FieldError).Field)
	}
	assert.Equal(t, []string{"MinTxIntervalMs", "MinRxIntervalMs", "DetectMultiplier"}, fields)
	assert.EqualError(t, errs[0], "100 ms is out of range 200–1000 ms")
}

// A timer given as 0 is judged, not taken for unset.
func TestCheckExplicitZero(t *testing.T) {
	errs := timers(0, 0, 0).Check()
	assert.Len(t, errs, 3)
	assert.EqualError(t, errs[0], "0 ms is out of range 200–1000 ms")
	assert.EqualError(t, errs[2], "0 is out of range 3–10")
	assert.False(t, bfd.Timers{DetectMultiplier: new(0)}.IsZero())
}

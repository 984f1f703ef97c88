package bfd_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/hybridlink/hybridlink/internal/bfd"
)

func TestDefaultsAndDetection(t *testing.T) {
	assert.Equal(t, bfd.Timers{MinTxIntervalMs: 1000, MinRxIntervalMs: 1000, DetectMultiplier: 3}, bfd.Timers{}.WithDefaults())
	assert.Equal(t, 3*time.Second, bfd.Timers{}.Detection())
	assert.Equal(t, 600*time.Millisecond, bfd.Timers{MinTxIntervalMs: 200, MinRxIntervalMs: 200, DetectMultiplier: 3}.Detection())
	// The slower interval rules.
	assert.Equal(t, 1500*time.Millisecond, bfd.Timers{MinTxIntervalMs: 200, MinRxIntervalMs: 500, DetectMultiplier: 3}.Detection())
}

func TestCheck(t *testing.T) {
	assert.Empty(t, bfd.Timers{}.Check())
	assert.Empty(t, bfd.Timers{MinTxIntervalMs: 200, MinRxIntervalMs: 1000, DetectMultiplier: 10}.Check())
	errs := bfd.Timers{MinTxIntervalMs: 100, MinRxIntervalMs: 1001, DetectMultiplier: 2}.Check()
	var fields []string
	for _, err := range errs {
		fields = append(fields, err.(*bfd.FieldError).Field)
	}
	assert.Equal(t, []string{"MinTxIntervalMs", "MinRxIntervalMs", "DetectMultiplier"}, fields)
	assert.EqualError(t, errs[0], "100 ms is out of range 200–1000 ms")
}

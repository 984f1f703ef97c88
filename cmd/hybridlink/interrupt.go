package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// forced closes at the operator's second interrupt: sandboxes stop the
// engine at once (sandbox.Options.Force).
var forced = make(chan struct{})

// handleInterrupts gives Ctrl-C (and SIGTERM) the meaning Pulumi gives it:
// the first ends the returned context, and the engine cancels gracefully,
// finishing and recording what is in flight; the second closes forced, and
// the engine stops at once; a third exits without waiting. The engine runs
// in a process group of its own (see internal/sandbox), so only hybridlink
// receives the terminal's signal and the engine gets each one once.
func handleInterrupts(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	sigs := make(chan os.Signal, 3)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		n := 0
		for range sigs {
			n++
			switch n {
			case 1:
				fmt.Fprintln(os.Stderr, "hybridlink: interrupted; stopping gracefully — a running engine finishes what is in flight (interrupt again to stop at once)")
				cancel()
			case 2:
				fmt.Fprintln(os.Stderr, "hybridlink: stopping the engine at once; the next `hybridlink sandbox up` settles what it leaves in flight")
				close(forced)
			default:
				os.Exit(130)
			}
		}
	}()
	return ctx, func() { signal.Stop(sigs); cancel() }
}

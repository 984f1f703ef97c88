package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// dieWithParent has the kernel kill the pack when the engine that started
// it ends, however it ends: a killed `pulumi` (or a killed hybridlink, whose
// engine dies with it) must not leave the pack running.
func dieWithParent() {
	parent := os.Getppid()
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0); err != nil {
		return
	}
	if os.Getppid() != parent { // the engine ended before the prctl
		os.Exit(1)
	}
}

// Package termquery keeps the terminal UI library the Pulumi SDK links from
// querying the terminal when a program starts. bubbletea v1 (imported by
// the SDK's go/common/util/cmdutil) asks lipgloss for the terminal's
// background colour in its init; with a terminal on stdout, termenv then
// writes ESC]11;? and ESC[6n and waits up to 5 s for answers that some
// terminals (IDEs, tmux and ssh set-ups) never send. termenv skips the query
// when TERM is "dumb": this package sets that before those packages
// initialise, and Restore puts TERM back before the program runs.
//
// It runs first because Go (1.21 and later) initialises, of the packages
// whose imports are initialised, the one whose import path sorts first: this
// package imports only os, and its path sorts before github.com/muesli/termenv,
// which lipgloss and bubbletea import. The pty test of the hybridlink binary
// (tests/termquery_test.go) pins it.
//
// Import it for its effect in a main package and call Restore first in main.
package termquery

import "os"

// term is TERM as the process found it.
var term, termSet = os.LookupEnv("TERM")

func init() { os.Setenv("TERM", "dumb") }

// Restore puts TERM back as the process found it, for the program and the
// commands it runs.
func Restore() {
	if termSet {
		os.Setenv("TERM", term)
	} else {
		os.Unsetenv("TERM")
	}
}

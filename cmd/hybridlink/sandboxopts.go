package main

import (
	"os"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
)

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// previewOptions pass `sandbox preview`'s --diff and --target to the
// engine; what the CLI writes to stderr (an error that is no resource's
// diagnostic) reaches the user as it comes.
func previewOptions(diff bool, targets []string) []optpreview.Option {
	opts := []optpreview.Option{optpreview.ErrorProgressStreams(os.Stderr)}
	if diff {
		opts = append(opts, optpreview.Diff())
	}
	if len(targets) > 0 {
		opts = append(opts, optpreview.Target(targets))
	}
	return opts
}

// upOptions are previewOptions for `sandbox up`.
func upOptions(diff bool, targets []string) []optup.Option {
	opts := []optup.Option{optup.ErrorProgressStreams(os.Stderr)}
	if diff {
		opts = append(opts, optup.Diff())
	}
	if len(targets) > 0 {
		opts = append(opts, optup.Target(targets))
	}
	return opts
}

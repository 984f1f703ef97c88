package main

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
)

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// previewOptions pass `sandbox preview`'s --diff and --target to the engine.
func previewOptions(diff bool, targets []string) []optpreview.Option {
	var opts []optpreview.Option
	if diff {
		opts = append(opts, optpreview.Diff())
	}
	if len(targets) > 0 {
		opts = append(opts, optpreview.Target(targets))
	}
	return opts
}

// upOptions pass `sandbox up`'s --diff and --target to the engine.
func upOptions(diff bool, targets []string) []optup.Option {
	var opts []optup.Option
	if diff {
		opts = append(opts, optup.Diff())
	}
	if len(targets) > 0 {
		opts = append(opts, optup.Target(targets))
	}
	return opts
}

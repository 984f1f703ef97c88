package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hybridlink/hybridlink/internal/lab"
	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// labCmd runs the stack's rendered on-premises configuration on FRR and
// strongSwan in network namespaces against an emulated Alibaba Cloud side,
// and measures failover and failback with probes.
func labCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("lab", flag.ContinueOnError)
	stack := fs.String("stack", "", "stack to run, e.g. dev, prod or prod-dual (required)")
	dir := fs.String("dir", "", "project directory (Pulumi.yaml, stacks/); default: the nearest one at or above the working directory")
	report := fs.String("report", "", "write the report as Markdown to this file, with the timeline plots next to it (<name>-forward.svg, <name>-return.svg)")
	keep := fs.Bool("keep", false, "leave the namespaces and daemons running afterwards (remove them with the next run)")
	staticPref := fs.Int("onprem-static-preference", 0, "run the on-premises gateway with this static-route preference, and tell the route model (as the drill's flag)")
	localPref := fs.String("onprem-local-preference", "", "two circuits: run the on-premises gateway with these BGP local preferences on circuit A's and B's sessions, \"A,B\", and tell the route model (as the drill's flag)")
	steps := fs.String("steps", "", "comma-separated step names to run (default all): with one circuit "+strings.Join(lab.StepNames, "; ")+"; with two "+strings.Join(lab.DualStepNames, "; "))
	if err := fs.Parse(args); err != nil {
		return exitError{2}
	}
	if *stack == "" {
		return fmt.Errorf("--stack is required (e.g. dev, prod or prod-dual)")
	}
	a, b, err := parseLocalPreferences(*localPref)
	if err != nil {
		return err
	}
	root, err := projectRoot(*dir)
	if err != nil {
		return err
	}
	s, err := lab.LoadStack(root, *stack, passphrase())
	if err != nil {
		return err
	}
	opts := lab.Options{StaticPreference: *staticPref, Keep: *keep, Log: os.Stderr}
	if *localPref != "" {
		opts.LocalPreferences = []int{a, b}
	}
	if *steps != "" {
		for _, name := range strings.Split(*steps, ",") {
			opts.Steps = append(opts.Steps, strings.TrimSpace(name))
		}
	}
	r, err := lab.Run(ctx, s, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "hybridlink:", err)
	}
	if r != nil {
		fmt.Print(r.Text())
		if *report != "" {
			if werr := writeLabReport(r, *report); werr != nil {
				return werr
			}
		}
	}
	if err != nil || !r.Passed() {
		return exitError{1}
	}
	return nil
}

// writeLabReport writes the Markdown report and its two plots.
func writeLabReport(r *lab.Report, path string) error {
	base := strings.TrimSuffix(path, filepath.Ext(path))
	fwd, ret := base+"-forward.svg", base+"-return.svg"
	for _, f := range []struct {
		path, text string
	}{
		{fwd, r.SVG(routemodel.Forward)},
		{ret, r.SVG(routemodel.Return)},
		{path, r.Markdown(filepath.Base(fwd), filepath.Base(ret))},
	} {
		if err := os.WriteFile(f.path, []byte(f.text), 0o644); err != nil {
			return err
		}
		fmt.Fprintln(os.Stderr, "wrote", f.path)
	}
	return nil
}

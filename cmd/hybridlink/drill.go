package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/hybridlink/hybridlink/internal/drill"
)

// drillCmd deploys the stack to the sandbox if needed, then runs the
// failover drill: normal, circuit down, circuit restored.
func drillCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("drill", flag.ContinueOnError)
	var f sandboxFlags
	f.register(fs)
	report := fs.String("report", "", "also write the report as Markdown (tables and Mermaid diagrams) to this file")
	noDeploy := fs.Bool("no-deploy", false, "drill the sandbox as it is, without `up` first")
	bgpPref := fs.Int("onprem-bgp-preference", 0, "model the on-premises gateway with this BGP preference instead of the stack's (as it is actually configured)")
	staticPref := fs.Int("onprem-static-preference", 0, "model the on-premises gateway with this static-route preference instead of the stack's")
	if err := fs.Parse(args); err != nil {
		return exitError{2}
	}
	s, env, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	onprem := env.OnPremModel()
	if *bgpPref != 0 {
		onprem.BGPPreference = *bgpPref
	}
	if *staticPref != 0 {
		onprem.StaticPreference = *staticPref
	}
	if !*noDeploy {
		if _, err := s.Up(ctx); err != nil {
			fmt.Fprintf(os.Stderr, "hybridlink: deploying %s for the drill failed\n", f.stack)
			return exitError{1}
		}
	}
	r, err := drill.Run(f.stack, s.Cloud, onprem)
	if err != nil {
		return err
	}
	fmt.Print(r.Text())
	if *report != "" {
		if err := os.WriteFile(*report, []byte(r.Markdown()), 0o644); err != nil {
			return err
		}
		fmt.Fprintln(os.Stderr, "wrote", *report)
	}
	if !r.Passed() {
		return exitError{1}
	}
	return nil
}

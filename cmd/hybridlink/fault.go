package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"

	"github.com/hybridlink/hybridlink/internal/drill"
	"github.com/hybridlink/hybridlink/internal/routemodel"
	"github.com/hybridlink/hybridlink/internal/sandbox"
)

// fault throws the local cloud's fault switch by hand, as an operator shuts
// the circuit port in the design's test: `fault circuit down`, `fault vpn
// up`; `circuit-b` is a two-circuit stack's second circuit (`circuit` its
// first). The sandbox's routing follows at once (see `routes`).
func fault(_ context.Context, args []string) error {
	if len(args) < 2 || !slices.Contains([]string{"circuit", "circuit-b", "vpn"}, args[0]) || (args[1] != "down" && args[1] != "up") {
		return fmt.Errorf("fault needs a link and a state: circuit|circuit-b|vpn down|up (circuit-b: a two-circuit stack's second circuit)")
	}
	fs := flag.NewFlagSet("fault", flag.ContinueOnError)
	var f sandboxFlags
	f.register(fs)
	if err := f.parse(fs, args[2:]); err != nil {
		return err
	}
	cloud, err := sandbox.OpenCloud(sandbox.StateDir(f.dir, f.state))
	if err != nil {
		return err
	}
	faults, err := cloud.Faults()
	if err != nil {
		return err
	}
	down := args[1] == "down"
	switch args[0] {
	case "circuit":
		faults.CircuitDown = down
	case "circuit-b":
		faults.CircuitBDown = down
	default:
		faults.VPNDown = down
	}
	if err := cloud.SetFaults(faults); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "local cloud: %s\n", linkStates(faults))
	if rs, err := cloud.Snapshot(); err == nil && len(rs) == 0 {
		fmt.Fprintf(os.Stderr, "local cloud: nothing is deployed in %s yet; the switch applies to what `hybridlink sandbox up --stack <s>` deploys\n", sandbox.StateDir(f.dir, f.state))
	}
	return nil
}

// routes prints the paths and route tables of a stack deployed in the
// sandbox, under the faults in force.
func routes(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("routes", flag.ContinueOnError)
	var f sandboxFlags
	f.register(fs)
	if err := f.parse(fs, args); err != nil {
		return err
	}
	env, err := loadStack(f, false)
	if err != nil {
		return err
	}
	cloud, err := sandbox.OpenCloud(sandbox.StateDir(f.dir, f.state))
	if err != nil {
		return err
	}
	n, faults, err := cloud.Routing(f.stack, env.OnPremModel())
	if err != nil {
		return err
	}
	fmt.Printf("%s\n\n", linkStates(faults))
	paths := n.Paths(faults)
	if len(paths) == 0 {
		return fmt.Errorf("no workload VPC of %s in the sandbox: run `hybridlink sandbox up --stack %s`", f.stack, f.stack)
	}
	for _, p := range paths {
		fmt.Println(p)
	}
	fmt.Println()
	fmt.Print(drill.MarkdownTables(n.Tables(faults)))
	alerts, err := cloud.Alerts(f.stack)
	if err != nil {
		return err
	}
	for _, a := range alerts {
		mark := "  "
		if a.Fired() {
			mark = "🔔"
		}
		fmt.Println(mark, a)
	}
	if findings := n.Verify([]routemodel.Scenario{{Name: "now", Faults: faults}}); len(findings) > 0 {
		for _, fd := range findings {
			fmt.Println("✗", fd.Message)
		}
		return exitError{1}
	}
	return nil
}

// linkStates says which links the faults shut; circuit B only where it is
// down, as a stack with one circuit has none.
func linkStates(f routemodel.Faults) string {
	if f.CircuitBDown {
		return fmt.Sprintf("circuit A is %s, circuit B is %s, the VPN is %s", upDown(f.CircuitDown), upDown(f.CircuitBDown), upDown(f.VPNDown))
	}
	return fmt.Sprintf("the circuit is %s, the VPN is %s", upDown(f.CircuitDown), upDown(f.VPNDown))
}

func upDown(down bool) string {
	if down {
		return "down"
	}
	return "up"
}

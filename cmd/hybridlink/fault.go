package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/hybridlink/hybridlink/internal/drill"
	"github.com/hybridlink/hybridlink/internal/routemodel"
	"github.com/hybridlink/hybridlink/internal/sandbox"
)

// fault throws the local cloud's fault switch by hand, as an operator shuts
// the circuit port in the design's test: `fault circuit down`, `fault vpn
// up`. The sandbox's routing follows at once (see `routes`).
func fault(_ context.Context, args []string) error {
	if len(args) < 2 || (args[0] != "circuit" && args[0] != "vpn") || (args[1] != "down" && args[1] != "up") {
		return fmt.Errorf("fault needs a link and a state: circuit|vpn down|up")
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
	if args[0] == "circuit" {
		faults.CircuitDown = down
	} else {
		faults.VPNDown = down
	}
	if err := cloud.SetFaults(faults); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "local cloud: the circuit is %s, the VPN is %s\n", upDown(faults.CircuitDown), upDown(faults.VPNDown))
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
	fmt.Printf("circuit %s, VPN %s\n\n", upDown(faults.CircuitDown), upDown(faults.VPNDown))
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

func upDown(down bool) string {
	if down {
		return "down"
	}
	return "up"
}

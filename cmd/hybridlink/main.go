// Command hybridlink is the operator CLI: offline checks of the stack files,
// sandbox runs of the real Pulumi engine against a local Alibaba Cloud, and
// (see the README) failover drills and on-premises configuration.
//
//	hybridlink plan-check                         address plans of all stacks are disjoint
//	hybridlink check --stack <s>                  sandbox preview with the policy pack
//	hybridlink review [--base ref] [--stack <s>]... [--allow-replace name]... [--markdown f.md]
//	                                              the pull-request review: the change against the deployed base
//	hybridlink sandbox <preview|up|destroy|refresh> --stack <s> [--diff] [--target urn]
//	hybridlink sandbox reset --stack <s>           start the stack's sandbox over
//	hybridlink pulumi --stack <s> -- <args>       the pinned Pulumi CLI on the sandbox's stack
//	hybridlink localcloud serve                   serve the local cloud for the plain pulumi CLI
//	hybridlink backend check <url>                preflight of a team's backend: layout, versioning, public access, locks
//	hybridlink backend unlock <url> --lock <id>   remove the lock of a run that is gone
//	hybridlink drill --stack <s> [--method fault-switch|failover-test] [--real [--yes]] [--report f.md]
//	                                              failover drill: normal, circuit down, restored, VPN down
//	hybridlink fault <circuit|circuit-b|vpn> <down|up> throw the local cloud's fault switch
//	hybridlink routes --stack <s>                  paths and route tables under the faults in force
//	hybridlink render onprem --stack <s> --vendor <v> [--show-secrets]
//	hybridlink lab --stack <s> [--report lab.md]   failover measured on FRR and strongSwan in namespaces
//	hybridlink tools                              build the pinned Pulumi CLI and the policy pack
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/hybridlink/hybridlink/internal/termquery"
)

// exitError carries a process exit code for a failure already reported.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

type command struct {
	name, usage string
	run         func(ctx context.Context, args []string) error
}

var commands = []command{
	{"plan-check", "plan-check [--dir .]: check that every stack's address plan is valid and disjoint from the others'", planCheck},
	{"check", "check --stack <s>: sandbox preview with the policy pack (the offline pull-request check)", check},
	{"drill", "drill --stack <s> [--method fault-switch|failover-test] [--real [--yes] [--settle 5m]] [--minutes 30] [--report drill.md] [--no-deploy] [--onprem-bgp-preference N] [--onprem-static-preference N] [--onprem-local-preference A,B]: failover drill, in the sandbox or (--real, failover test) on the real account", drillCmd},
	{"fault", "fault <circuit|circuit-b|vpn> <down|up> [--state dir]: throw the local cloud's fault switch by hand", fault},
	{"routes", "routes --stack <s>: paths, route tables and alarms of the sandbox deployment under the faults in force", routes},
	{"render", "render onprem --stack <s> --vendor <cisco-ios|huawei-vrp|junos|linux-frr> [--show-secrets] [--vpn-ip ip[,ip]] [--out dir]: the on-premises gateway's configuration", render},
	{"lab", "lab --stack <s> [--report lab.md] [--keep] [--onprem-static-preference N] [--onprem-local-preference A,B] [--steps a,b]: run the rendered on-prem config on FRR and strongSwan in network namespaces; measure failover (root)", labCmd},
	{"tools", "tools: build the pinned Pulumi CLI (go.mod's version) and the policy pack into .cache/", tools},
	{"sandbox", "sandbox <preview|up|destroy|refresh> --stack <s> [--diff] [--target urn]... [--unprotect] [--no-policy]: run the real engine against the local cloud; sandbox reset --stack <s>: start the stack's sandbox over", sandboxCmd},
	{"review", "review [--base <git ref>] [--stack <s>]... [--allow-replace <name>]... [--markdown review.md] [--cache dir] [--verbose]: what the working tree's change does to the base's deployed stacks — the change, policy, what it breaks, the on-premises side and the failover paths before and after (the pull-request check)", reviewCmd},
	{"pulumi", "pulumi --stack <s> -- <args>: run the pinned Pulumi CLI on the sandbox's stack, its local cloud serving", pulumiCmd},
	{"backend", "backend check <url>: read-only preflight of a team's backend (reachable, layout, versioning, public access, locks); backend unlock <url> --lock <id>: remove one lock of a run that is gone", backendCmd},
	{"localcloud", "localcloud serve [--state dir]: serve the local cloud and print the environment for the plain pulumi CLI", localcloudCmd},
}

func main() {
	termquery.Restore()
	ctx, stop := handleInterrupts(context.Background())
	code := run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage()
		return 2
	}
	for _, c := range commands {
		if c.name == args[0] {
			err := c.run(ctx, args[1:])
			var exit exitError
			switch {
			case errors.As(err, &exit):
				return exit.code
			case err != nil:
				fmt.Fprintln(os.Stderr, "hybridlink:", err)
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(os.Stderr, "hybridlink: unknown command %q\n", args[0])
	usage()
	return 2
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: hybridlink <command> [flags]")
	for _, c := range commands {
		fmt.Fprintln(os.Stderr, "  "+c.usage)
	}
}

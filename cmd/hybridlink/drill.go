package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/hybridlink/hybridlink/components"
	"github.com/hybridlink/hybridlink/internal/drill"
	"github.com/hybridlink/hybridlink/internal/routemodel"
	"github.com/hybridlink/hybridlink/stacks"
)

// drillFlags are the drill's own flags.
type drillFlags struct {
	report, method      string
	noDeploy, real, yes bool
	bgpPref, staticPref int
	localPref           string
	minutes             int
	settle              time.Duration
}

// drillCmd runs the failover drill: in the sandbox (deploying the stack
// first unless --no-deploy) with the fault switch or the failover test, or
// with --real against the real account with the failover test.
func drillCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("drill", flag.ContinueOnError)
	var f sandboxFlags
	f.register(fs)
	f.registerBackend(fs)
	var d drillFlags
	fs.StringVar(&d.report, "report", "", "also write the report as Markdown (tables and Mermaid diagrams) to this file")
	fs.StringVar(&d.method, "method", string(drill.FaultSwitch), "how the circuit is shut: fault-switch (the local cloud's; the default) or failover-test (Alibaba Cloud's Express Connect failover test, through the engine)")
	fs.BoolVar(&d.noDeploy, "no-deploy", false, "drill the sandbox as it is, without `up` first")
	fs.BoolVar(&d.real, "real", false, "run the failover test against the real account (the Pulumi CLI on PATH, its backend and your Alibaba Cloud credentials): the circuit is really shut")
	fs.BoolVar(&d.yes, "yes", false, "with --real: do not ask for confirmation")
	fs.IntVar(&d.minutes, "minutes", drill.DefaultTestMinutes, "failover test: the job's duration (1–4320); the cloud restores the circuit by itself after it, should the drill die")
	fs.DurationVar(&d.settle, "settle", 5*time.Minute, "failover test with --real: how long each step waits for the transit router's routes to converge")
	fs.IntVar(&d.bgpPref, "onprem-bgp-preference", 0, "model the on-premises gateway with this BGP preference instead of the stack's (as it is actually configured)")
	fs.IntVar(&d.staticPref, "onprem-static-preference", 0, "model the on-premises gateway with this static-route preference instead of the stack's")
	fs.StringVar(&d.localPref, "onprem-local-preference", "", "two circuits: model the on-premises gateway with these BGP local preferences on circuit A's and B's sessions, \"A,B\", instead of the rendered ones (e.g. 100,200: B preferred on premises only)")
	if err := f.parse(fs, args); err != nil {
		return err
	}
	if _, _, err := parseLocalPreferences(d.localPref); err != nil {
		return err
	}
	switch drill.Method(d.method) {
	case drill.FaultSwitch:
		if d.real {
			return fmt.Errorf("--real needs --method failover-test: a real account has no fault switch")
		}
	case drill.FailoverTest:
	default:
		return fmt.Errorf("unknown --method %q: use fault-switch or failover-test", d.method)
	}
	var (
		r   *drill.Report
		err error
	)
	if d.real {
		r, err = realFailoverTest(ctx, f, d)
	} else {
		r, err = sandboxDrill(ctx, f, d)
	}
	if r != nil {
		fmt.Print(r.Text())
		if d.report != "" {
			if werr := os.WriteFile(d.report, []byte(r.Markdown()), 0o644); werr != nil {
				err = errors.Join(err, werr)
			} else {
				fmt.Fprintln(os.Stderr, "wrote", d.report)
			}
		}
	}
	if err != nil {
		return err
	}
	if !r.Passed() {
		return exitError{1}
	}
	return nil
}

func (d drillFlags) onPrem(env *stacks.Environment) (routemodel.OnPrem, error) {
	onprem := env.OnPremModel()
	if d.bgpPref != 0 {
		onprem.BGPPreference = d.bgpPref
	}
	if d.staticPref != 0 {
		onprem.StaticPreference = d.staticPref
	}
	if a, b, _ := parseLocalPreferences(d.localPref); d.localPref != "" {
		if len(onprem.Sessions) != 2 {
			return onprem, fmt.Errorf("--onprem-local-preference needs a stack with two circuits; %s has one", env.Stack)
		}
		onprem.Sessions[0].LocalPreference, onprem.Sessions[1].LocalPreference = a, b
	}
	return onprem, nil
}

// parseLocalPreferences reads --onprem-local-preference: "A,B", two BGP
// local preferences (0–4294967295); "" is none.
func parseLocalPreferences(s string) (a, b int, err error) {
	if s == "" {
		return 0, 0, nil
	}
	as, bs, ok := strings.Cut(s, ",")
	x, errA := strconv.ParseUint(strings.TrimSpace(as), 10, 32)
	y, errB := strconv.ParseUint(strings.TrimSpace(bs), 10, 32)
	if !ok || errA != nil || errB != nil {
		return 0, 0, fmt.Errorf("--onprem-local-preference %q: give two local preferences, circuit A's and B's, e.g. 200,100", s)
	}
	return int(x), int(y), nil
}

func sandboxDrill(ctx context.Context, f sandboxFlags, d drillFlags) (*drill.Report, error) {
	s, env, err := f.open(ctx)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	if !d.noDeploy {
		if _, err := s.Up(ctx); err != nil {
			return nil, fmt.Errorf("drill: deploying the stack: %w", err)
		}
	}
	onprem, err := d.onPrem(env)
	if err != nil {
		return nil, err
	}
	if drill.Method(d.method) == drill.FaultSwitch {
		return drill.Run(f.stack, s.Cloud, onprem)
	}
	outputs, err := s.Stack.Outputs(ctx)
	if err != nil {
		return nil, err
	}
	o, err := testOptions(env, outputs, d)
	if err != nil {
		return nil, err
	}
	o.Pulumi, o.Env, o.Cloud, o.OnPrem, o.Log = s.PulumiCommand(), s.EngineEnv(), s.Cloud, onprem, os.Stdout
	return drill.RunFailoverTest(ctx, o)
}

// testOptions are the failover test's options from the environment's
// configuration and stack outputs.
func testOptions(env *stacks.Environment, outputs auto.OutputMap, d drillFlags) (drill.FailoverTestOptions, error) {
	if env.Args.SecondExpressConnect != nil {
		return drill.FailoverTestOptions{}, fmt.Errorf("drill: the failover-test method shuts one circuit and %s has two; it does not drill two circuits yet: "+
			"use the fault switch (the default) in the sandbox, and on a real account Express Connect's failover test on each circuit in turn", env.Stack)
	}
	str := func(name string) (string, error) {
		v, ok := outputs[name].Value.(string)
		if !ok || v == "" {
			return "", fmt.Errorf("the stack %s has no output %s: is it deployed?", env.Stack, name)
		}
		return v, nil
	}
	table, err := str(components.OutputTransitRouterRouteTableID)
	if err != nil {
		return drill.FailoverTestOptions{}, err
	}
	vbrAtt, err := str(components.OutputVBRAttachmentID)
	if err != nil {
		return drill.FailoverTestOptions{}, err
	}
	vpcAtts, _ := outputs[components.OutputVPCAttachmentIDs].Value.(map[string]any)
	transit, _ := vpcAtts[env.Config.TransitVPC.Name].(string)
	if transit == "" {
		return drill.FailoverTestOptions{}, fmt.Errorf("the stack %s has no attachment of the transit VPC %s in %s", env.Stack, env.Config.TransitVPC.Name, components.OutputVPCAttachmentIDs)
	}
	var alarms []string
	if ids, ok := outputs[stacks.OutputAlarmIDs].Value.([]any); ok {
		for _, id := range ids {
			if s, ok := id.(string); ok {
				alarms = append(alarms, s)
			}
		}
	}
	return drill.FailoverTestOptions{
		Stack: env.Stack, Circuit: env.Config.ExpressConnect.Items[0].PhysicalConnectionID, RouteTableID: table, AlarmIDs: alarms,
		Attachments: drill.Attachments{VBR: vbrAtt, Transit: transit}, IDCPrefixes: env.Args.IDCPrefixes,
		Region: env.Config.Region, Minutes: d.minutes,
	}, nil
}

// realFailoverTest runs the failover test against the real account, after
// the operator confirms what it costs.
func realFailoverTest(ctx context.Context, f sandboxFlags, d drillFlags) (*drill.Report, error) {
	env, err := loadStack(f, false)
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(f.dir)
	if err != nil {
		return nil, err
	}
	// The environment's stack as `pulumi up` deployed it; reading its
	// outputs runs no program.
	// The backend the operator chose with --backend; PULUMI_BACKEND_URL
	// reaches the CLI by itself.
	backend := map[string]string{}
	if f.backendFlag {
		backend[backendEnv] = f.backend
	}
	envStack, err := auto.SelectStackLocalSource(ctx, f.stack, dir, auto.EnvVars(backend))
	if err != nil {
		return nil, fmt.Errorf("selecting the stack %s with the Pulumi CLI on PATH: %w", f.stack, err)
	}
	outputs, err := envStack.Outputs(ctx)
	if err != nil {
		return nil, err
	}
	o, err := testOptions(env, outputs, d)
	if err != nil {
		return nil, err
	}
	if !d.yes {
		if err := confirm(os.Stdin, os.Stderr, o); err != nil {
			return nil, err
		}
	}
	if o.OnPrem, err = d.onPrem(env); err != nil {
		return nil, err
	}
	o.Settle, o.Poll, o.Log, o.Env = d.settle, 20*time.Second, os.Stderr, backend
	return drill.RunFailoverTest(ctx, o)
}

// confirm states what the real failover test does and asks the operator to
// type the stack's name.
func confirm(in io.Reader, out io.Writer, o drill.FailoverTestOptions) error {
	fmt.Fprintf(out, `This runs Alibaba Cloud's Express Connect failover test on circuit %s (%s):
the circuit is really shut — every VBR on it, of every environment, loses its
BGP session — and traffic to %s moves to the IPsec-VPN until the drill stops
the test, or at the latest after %d minutes. A Pulumi stack %s (project %s)
holds the test job and is removed afterwards.
Type the stack name (%s) to proceed: `, o.Circuit, o.Region, joinPrefixes(o), o.Minutes, drill.TestStackName(o.Stack), drill.TestProject, o.Stack)
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	if strings.TrimSpace(line) != o.Stack {
		return fmt.Errorf("not confirmed: nothing was changed (pass --yes to skip the question)")
	}
	return nil
}

func joinPrefixes(o drill.FailoverTestOptions) string {
	parts := make([]string, len(o.IDCPrefixes))
	for i, p := range o.IDCPrefixes {
		parts[i] = p.String()
	}
	return strings.Join(parts, ", ")
}

// Command failover measures, on the lab (internal/lab: the rendered
// on-premises configuration on real FRR and strongSwan in network
// namespaces), how long traffic stops when a circuit fails silently and
// when it comes back: per stack, several runs, the longest outage per
// direction of each measured step in each run, and their median, minimum
// and maximum, beside the detection time the BFD timers predict.
//
// A stack with one circuit runs normal → circuit cut → circuit restored. A
// stack with two runs normal → circuit A cut (A → B) → circuit B cut too
// (B → the VPN) → circuit B back (the VPN → B) → circuit A back (B → A).
//
//	sudo go run ./bench/failover                        # 5 runs each of prod, prod-dual and dev
//	sudo go run ./bench/failover -runs 10 -stacks prod-dual
//
// It is a measurement, not a test: it fails only when a run cannot finish
// or the lab disagrees with the route model. It needs root, FRR and
// strongSwan (see internal/lab).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/hybridlink/hybridlink/bench/internal/measure"
	"github.com/hybridlink/hybridlink/internal/lab"
	"github.com/hybridlink/hybridlink/internal/routemodel"
	"github.com/hybridlink/hybridlink/internal/stackfile"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// measured is a step whose outage is measured, and what it is called.
type measured struct {
	step, name string
}

// The measured steps, by the number of circuits.
var (
	oneCircuit = []measured{
		{lab.StepCircuitCut, "failover outage"},
		{lab.StepCircuitRestored, "failback outage"},
	}
	twoCircuits = []measured{
		{lab.StepCircuitACut, "failover A → B (A cut)"},
		{lab.StepBothCut, "failover B → VPN (B cut too)"},
		{lab.StepCircuitBBack, "failback VPN → B (B back)"},
		{lab.StepCircuitABack, "failback B → A (A back)"},
	}
)

func run() error {
	runs := flag.Int("runs", 5, "lab runs per stack")
	stackList := flag.String("stacks", "prod,prod-dual,dev", "comma-separated stacks")
	dir := flag.String("dir", ".", "the repository (stacks/)")
	flag.Parse()
	if *runs < 1 {
		return fmt.Errorf("-runs must be at least 1")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Printf("| stack | measure | direction | median | min | max | the timers predict | runs |\n|---|---|---|---:|---:|---:|---|---:|\n")
	for _, name := range strings.Split(*stackList, ",") {
		s, err := lab.LoadStack(*dir, strings.TrimSpace(name), stackfile.Passphrase())
		if err != nil {
			return err
		}
		steps := oneCircuit
		if s.Env.Args.SecondExpressConnect != nil {
			steps = twoCircuits
		}
		opts := lab.Options{Steps: []string{lab.StepNormal}}
		for _, m := range steps {
			opts.Steps = append(opts.Steps, m.step)
		}
		got := map[string]map[routemodel.Direction][]time.Duration{}
		predicted := map[string]string{}
		for i := range *runs {
			r, err := lab.Run(ctx, s, opts)
			if err != nil {
				return fmt.Errorf("%s run %d: %w", name, i+1, err)
			}
			if !r.AgreesWithModel() {
				return fmt.Errorf("%s run %d: the lab disagrees with the route model:\n%s", name, i+1, r.Text())
			}
			for _, st := range r.Steps {
				if st.Kind == lab.Failover {
					predicted[st.Name] = fmt.Sprintf("%s (%s)", ms(st.Detection), st.DetectionBasis)
				}
			}
			for _, m := range steps {
				if got[m.step] == nil {
					got[m.step] = map[routemodel.Direction][]time.Duration{}
				}
				for dir, outage := range r.StepOutages(m.step) {
					got[m.step][dir] = append(got[m.step][dir], outage)
				}
			}
			fmt.Fprintf(os.Stderr, "%s run %d/%d done (load average %s)\n", name, i+1, *runs, measure.LoadAverage())
		}
		for _, m := range steps {
			for _, dir := range []routemodel.Direction{routemodel.Forward, routemodel.Return} {
				d := got[m.step][dir]
				slices.Sort(d)
				fmt.Printf("| %s | %s | %s | %s | %s | %s | %s | %d |\n", name, m.name, dir, ms(measure.Median(d)), ms(d[0]), ms(d[len(d)-1]), predicted[m.step], len(d))
			}
		}
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%d ms", d.Milliseconds()) }

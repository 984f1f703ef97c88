// Command failover measures, on the lab (internal/lab: the rendered
// on-premises configuration on real FRR and strongSwan in network
// namespaces), how long traffic stops when the circuit fails silently and
// when it comes back: per stack, several runs of normal → circuit cut →
// circuit restored, the longest outage per direction in each run, and
// their median, minimum and maximum.
//
//	sudo go run ./bench/failover                    # 5 runs each of prod and dev
//	sudo go run ./bench/failover -runs 10 -stacks prod
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

func run() error {
	runs := flag.Int("runs", 5, "lab runs per stack")
	stackList := flag.String("stacks", "prod,dev", "comma-separated stacks")
	dir := flag.String("dir", ".", "the repository (stacks/)")
	flag.Parse()
	if *runs < 1 {
		return fmt.Errorf("-runs must be at least 1")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Printf("| stack | measure | direction | median | min | max | runs |\n|---|---|---|---:|---:|---:|---:|\n")
	for _, name := range strings.Split(*stackList, ",") {
		s, err := lab.LoadStack(*dir, strings.TrimSpace(name), stackfile.Passphrase())
		if err != nil {
			return err
		}
		got := map[lab.Kind]map[routemodel.Direction][]time.Duration{lab.Failover: {}, lab.Failback: {}}
		var detection string
		for i := range *runs {
			r, err := lab.Run(ctx, s, lab.Options{Steps: []string{lab.StepNormal, lab.StepCircuitCut, lab.StepCircuitRestored}})
			if err != nil {
				return fmt.Errorf("%s run %d: %w", name, i+1, err)
			}
			if !r.AgreesWithModel() {
				return fmt.Errorf("%s run %d: the lab disagrees with the route model:\n%s", name, i+1, r.Text())
			}
			detection = fmt.Sprintf("%s, %s", ms(r.Detection), r.DetectionBasis)
			for kind, byDir := range got {
				for dir, outages := range r.Outages(kind) {
					byDir[dir] = append(byDir[dir], slices.Max(outages))
				}
			}
			fmt.Fprintf(os.Stderr, "%s run %d/%d done\n", name, i+1, *runs)
		}
		for _, kind := range []lab.Kind{lab.Failover, lab.Failback} {
			for _, dir := range []routemodel.Direction{routemodel.Forward, routemodel.Return} {
				d := got[kind][dir]
				slices.Sort(d)
				fmt.Printf("| %s | %s outage | %s | %s | %s | %s | %d |\n", name, kind, dir, ms(measure.Median(d)), ms(d[0]), ms(d[len(d)-1]), len(d))
			}
		}
		fmt.Printf("| %s | detection the timers predict | | %s | | | |\n", name, detection)
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%d ms", d.Milliseconds()) }

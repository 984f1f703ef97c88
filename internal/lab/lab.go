package lab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/hybridlink/hybridlink/internal/onprem"
	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// Options configure a lab run.
type Options struct {
	// StaticPreference, when not 0, models the on-premises gateway as
	// configured with this static-route preference (the drill's
	// --onprem-static-preference): the route model is told, and the
	// rendered frr.conf is changed to match.
	StaticPreference int
	// LocalPreferences, when set, are the BGP local preferences of circuit
	// A's and B's sessions on the on-premises gateway (the drill's
	// --onprem-local-preference), in place of the rendered ones: the route
	// model is told, and frr.conf is changed to match.
	LocalPreferences []int
	// Break changes the rendered configuration without telling the route
	// model — a broken configuration the lab must catch (tests).
	Break []Transform
	// Steps limits the run to these steps, by name (StepNames); empty runs
	// them all.
	Steps []string
	// Interval between probes on each stream; 0 means 10 ms.
	Interval time.Duration
	// Keep leaves the namespaces and daemons running after the run.
	Keep bool
	// Dir holds the daemons' files; "" means a directory per stack under
	// the system's temporary directory, removed afterwards unless Keep.
	Dir string
	// Log receives progress lines; nil discards them.
	Log io.Writer
}

// lab is one run in progress.
type lab struct {
	opts    Options
	stack   *Stack
	site    onprem.Site
	model   *routemodel.Network
	t       *topology
	dp      datapath
	dpWhy   string
	dir     string
	log     func(format string, args ...any)
	frrs    map[ns]*frr
	charons []*charon
	applied []Transform
	cloud   *cloudSide
	// trConf is the emulated transit router's frr.conf, for the report.
	trConf string
	// stepList are the steps to run.
	stepList []stepSpec
}

// Run builds the lab for the stack, runs the steps and tears it all down
// (unless Keep), also when ctx is cancelled. A Report is returned whenever
// probing started; err says why the lab could not run or finish.
func Run(ctx context.Context, s *Stack, opts Options) (*Report, error) {
	if err := Check(); err != nil {
		return nil, err
	}
	if opts.Interval == 0 {
		opts.Interval = 10 * time.Millisecond
	}
	l := &lab{opts: opts, stack: s, frrs: map[ns]*frr{}}
	l.log = func(format string, args ...any) {
		if opts.Log != nil {
			fmt.Fprintf(opts.Log, "lab %s: "+format+"\n", append([]any{s.Env.Stack}, args...)...)
		}
	}
	unlock, err := l.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := l.prepare(); err != nil {
		return nil, err
	}
	// Cleanup must run even when ctx is already cancelled.
	clean := context.WithoutCancel(ctx)
	l.removeStale(clean)
	defer func() {
		if opts.Keep {
			l.log("kept: namespaces %s…, files in %s", Prefix+s.Env.Stack+"-", l.dir)
			return
		}
		l.teardown(clean)
	}()
	if err := l.setUp(ctx); err != nil {
		return nil, l.redact(err)
	}
	r, err := l.probe(ctx)
	if r != nil {
		for i := range r.Findings {
			r.Findings[i].Message = l.redact(errors.New(r.Findings[i].Message)).Error()
		}
	}
	return r, l.redact(err)
}

// lock makes runs for one stack exclusive — a second run would remove the
// first one's namespaces as stale — by waiting, at most lockWait, for a run
// in progress (another checkout's tests, say) to finish.
func (l *lab) lock(ctx context.Context) (func(), error) {
	path := filepath.Join(os.TempDir(), "hybridlink-lab-"+l.stack.Env.Stack+".lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(lockWait)
	for logged := false; ; logged = true {
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err == nil {
			return func() { f.Close() }, nil
		}
		if !logged {
			l.log("waiting for another lab of stack %s to finish (lock %s)", l.stack.Env.Stack, path)
		}
		if time.Now().After(deadline) || sleep(ctx, 500*time.Millisecond) != nil {
			f.Close()
			return nil, fmt.Errorf("another lab for stack %s is still running after %s (lock %s held)", l.stack.Env.Stack, lockWait, path)
		}
	}
}

// lockWait bounds the wait for another run of the same stack.
const lockWait = 3 * time.Minute

// prepare renders the configuration and plans the topology.
func (l *lab) prepare() error {
	env := l.stack.Env
	l.site = env.OnPremSite(l.stack.VPNPeers, l.stack.PSK, true)
	onPremModel := env.OnPremModel()
	if p := l.opts.StaticPreference; p != 0 {
		onPremModel.StaticPreference = p
	}
	if lp := l.opts.LocalPreferences; lp != nil {
		if len(lp) != 2 || len(onPremModel.Sessions) != 2 {
			return fmt.Errorf("lab for %s: local preferences need a stack with two circuits and one value per circuit", env.Stack)
		}
		onPremModel.Sessions[0].LocalPreference, onPremModel.Sessions[1].LocalPreference = lp[0], lp[1]
	}
	l.model = routemodel.Build(l.stack.Resources, onPremModel)
	var workloads []vpcSpec
	for _, v := range env.Args.WorkloadVPCs {
		if len(v.VSwitches) == 0 {
			return fmt.Errorf("workload VPC %s has no vSwitch to place the lab's host in", v.Name)
		}
		workloads = append(workloads, vpcSpec{Name: v.Name, CIDR: v.CIDR, VSwitch: v.VSwitches[0].CIDR})
	}
	tv := env.Args.TransitVPC
	if len(tv.VSwitches) == 0 {
		return fmt.Errorf("transit VPC %s has no vSwitch for the VPN gateway", tv.Name)
	}
	var err error
	l.t, err = newTopology(l.site, l.model.Circuits(), workloads, vpcSpec{Name: tv.Name, CIDR: tv.CIDR, VSwitch: tv.VSwitches[0].CIDR})
	if err != nil {
		return fmt.Errorf("lab for %s: %w", env.Stack, err)
	}
	l.dir = l.opts.Dir
	if l.dir == "" {
		l.dir = filepath.Join(os.TempDir(), "hybridlink-lab-"+env.Stack)
	}
	l.cloud = &cloudSide{site: l.site, normal: l.model.Tables(routemodel.Faults{}), t: l.t}
	l.stepList, err = l.steps()
	return err
}

// removeStale removes what a killed run for this stack left behind.
func (l *lab) removeStale(ctx context.Context) {
	for _, n := range namespaces(Prefix + l.stack.Env.Stack + "-") {
		l.log("removing namespace %s left by an earlier run", n)
		_ = n.remove(ctx)
	}
	_ = os.RemoveAll(l.dir)
}

// teardown stops the daemons and removes the namespaces and files.
func (l *lab) teardown(ctx context.Context) {
	for _, c := range l.charons {
		c.stop()
	}
	for _, f := range l.frrs {
		f.stop()
	}
	for _, n := range l.t.all() {
		_ = n.remove(ctx)
	}
	_ = os.RemoveAll(l.dir)
}

// setUp builds the network, starts the daemons and waits until BGP and
// the tunnels are up.
func (l *lab) setUp(ctx context.Context) error {
	t := l.t
	if err := os.MkdirAll(l.dir, 0o711); err != nil {
		return err
	}
	l.log("building namespaces %s…", Prefix+t.Stack+"-")
	if err := t.build(ctx); err != nil {
		return err
	}
	if len(l.model.Expect(routemodel.Faults{}).Parts()) > 1 {
		// ECMP: hash by ports too, so that one host pair's flows spread
		// (the report lists this as ecmp-l4-hash).
		for _, n := range []ns{t.GW, t.TR} {
			if err := n.sysctl(ctx, "net.ipv4.fib_multipath_hash_policy=1"); err != nil {
				return err
			}
		}
	}
	l.dp, l.dpWhy = detectDatapath(ctx, t.GW)
	l.log("IPsec datapath: %s (%s)", l.dp, l.dpWhy)
	files, err := onprem.Render("linux-frr", l.site)
	if err != nil {
		return err
	}
	gwSwan := filepath.Join(l.dir, "gw-strongswan")
	l.applied = []Transform{updownPath(gwSwan)}
	if l.dp == libipsec {
		l.applied = append(l.applied, libipsecTransforms()...)
	}
	if p := l.opts.StaticPreference; p != 0 {
		l.applied = append(l.applied, StaticPreference(p))
	}
	if lp := l.opts.LocalPreferences; lp != nil {
		l.applied = append(l.applied, LocalPreferences(lp[0], lp[1]))
	}
	l.applied = append(l.applied, l.opts.Break...)
	if files, err = applyTransforms(files, l.applied); err != nil {
		return err
	}

	// Alibaba Cloud's side first, so the gateway finds its peers up.
	type instance struct {
		n    ns
		conf string
	}
	var instances []instance
	for i, ct := range t.Circuits {
		conf, err := l.cloud.vbrConf(i)
		if err != nil {
			return err
		}
		instances = append(instances, instance{ct.VBR, conf})
	}
	trConf, err := l.cloud.trConf()
	if err != nil {
		return err
	}
	l.trConf = trConf
	for _, d := range append(instances, instance{t.TR, trConf}, instance{t.GW, files[frrConf]}) {
		f, err := startFRR(ctx, d.n, filepath.Join(l.dir, string(d.n)+"-frr"), d.conf)
		if f != nil {
			l.frrs[d.n] = f
		}
		if err != nil {
			return err
		}
	}
	if err := l.startVPN(ctx, files, gwSwan); err != nil {
		return err
	}
	l.log("waiting for BGP and IPsec")
	for _, ct := range t.Circuits {
		if err := l.frrs[t.GW].waitEstablished(ctx, 20*time.Second, l.md5Watch(ctx, ct), ct.VBRIP.String()); err != nil {
			return fmt.Errorf("%w; the gateway's route to the VBR: %s", err, l.frrs[t.GW].route(ctx, ct.VBRIP.String()))
		}
		if err := l.frrs[t.TR].waitEstablished(ctx, 10*time.Second, nil, ct.VBRLink.String()); err != nil {
			return err
		}
		if ct.BFD != nil {
			if err := l.frrs[t.GW].waitBFD(ctx, 10*time.Second, ct.VBRIP.String()); err != nil {
				return err
			}
			if err := l.frrs[ct.VBR].waitBFD(ctx, 10*time.Second, ct.PeeringIP.String()); err != nil {
				return err
			}
		}
	}
	if err := l.charons[1].waitInstalled(ctx, len(t.VPNPeers), 20*time.Second); err != nil {
		return err
	}
	if err := t.countTunnels(ctx); err != nil {
		return err
	}
	return t.markLinks(ctx, l.dp)
}

// startVPN starts the emulated VPN gateway (responder) and the on-premises
// gateway's strongSwan with the rendered swanctl.conf and updown script.
func (l *lab) startVPN(ctx context.Context, files map[string]string, gwDir string) error {
	t := l.t
	vpnDir := filepath.Join(l.dir, "vpngw-strongswan")
	vpn, err := l.startCharon(ctx, t.VPN, vpnDir)
	if err != nil {
		return err
	}
	updown := filepath.Join(vpnDir, "updown.sh")
	if err := os.WriteFile(updown, []byte(l.cloud.vpnUpdown()), 0o700); err != nil {
		return err
	}
	conf := filepath.Join(vpnDir, "swanctl.conf")
	if err := os.WriteFile(conf, []byte(l.cloud.vpnGatewayConf(l.dp, updown)), 0o600); err != nil {
		return err
	}
	if err := vpn.load(ctx, conf); err != nil {
		return fmt.Errorf("the emulated VPN gateway: %w", err)
	}
	if l.dp == libipsec {
		for _, p := range l.cloud.tunnelRoutes() {
			if err := t.VPN.ip(ctx, "route", "add", p.String(), "dev", "ipsec0"); err != nil {
				return err
			}
		}
	}
	gw, err := l.startCharon(ctx, t.GW, gwDir)
	if err != nil {
		return err
	}
	up := updownName(files)
	if err := os.WriteFile(filepath.Join(gwDir, up), []byte(files[up]), 0o700); err != nil {
		return err
	}
	conf = filepath.Join(gwDir, swanctlConf)
	if err := os.WriteFile(conf, []byte(files[swanctlConf]), 0o600); err != nil {
		return err
	}
	if err := gw.load(ctx, conf); err != nil {
		return fmt.Errorf("the on-premises gateway's rendered swanctl.conf: %w", err)
	}
	return nil
}

// startCharon starts a charon and, under libipsec, undoes its policy
// routing: libipsec sends everything into ipsec0 through rule 220 ahead of
// the main table, whatever install_routes says, which would override FRR
// (and the on-link routes BGP's own packets need). Routing is FRR's and the
// emulated VPN gateway's job here.
func (l *lab) startCharon(ctx context.Context, n ns, dir string) (*charon, error) {
	c, err := startCharon(ctx, n, dir, l.dp)
	if c != nil {
		l.charons = append(l.charons, c)
	}
	if err != nil || l.dp != libipsec {
		return c, err
	}
	if err := n.ip(ctx, "rule", "del", "table", "220"); err != nil {
		return c, fmt.Errorf("libipsec's routing rule in %s: %w", n, err)
	}
	return c, nil
}

package lab

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// frrDaemons is where Debian installs FRR's daemons.
const frrDaemons = "/usr/lib/frr"

// frr is one FRR instance (zebra, staticd, bfdd, bgpd) in one namespace.
// Its sockets, pid files and configuration live in its own directory, so
// instances in different namespaces never meet, and vtysh reaches it from
// outside the namespace through its vty sockets.
type frr struct {
	ns  ns
	dir string
}

// startFRR writes conf as the instance's integrated frr.conf, starts the
// daemons and loads the configuration with `vtysh -b`, as FRR's own init
// does.
func startFRR(ctx context.Context, n ns, dir, conf string) (*frr, error) {
	f := &frr{ns: n, dir: dir}
	uid, gid, err := frrUser()
	if err != nil {
		return nil, err
	}
	for _, d := range []string{dir, filepath.Join(dir, "etc"), filepath.Join(dir, "vty")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
		if err := os.Chown(d, uid, gid); err != nil {
			return nil, err
		}
	}
	// frr.conf may hold the BGP key: readable by FRR only.
	path := filepath.Join(dir, "etc", "frr.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		return nil, err
	}
	if err := os.Chown(path, uid, gid); err != nil {
		return nil, err
	}
	common := []string{"-d", "-P", "0", "--vty_socket", filepath.Join(dir, "vty"), "-z", filepath.Join(dir, "zserv.api")}
	for _, d := range []struct {
		name  string
		extra []string
		prio  []string
	}{
		{"zebra", nil, nil},
		{"staticd", nil, nil},
		{"bfdd", []string{"--bfdctl", filepath.Join(dir, "bfdd.sock")}, bfddPriority},
		{"bgpd", nil, nil},
	} {
		args := slices.Concat(d.prio, []string{filepath.Join(frrDaemons, d.name)}, common, []string{"-i", filepath.Join(dir, d.name+".pid")})
		if _, err := n.exec(ctx, "", append(args, d.extra...)...); err != nil {
			return f, fmt.Errorf("FRR in %s: %w", n, err)
		}
	}
	// FRR logs to syslog by default, which namespaces share (if any):
	// each instance logs to its own file instead.
	vty := filepath.Join(dir, "vty")
	if _, err := run(ctx, "", "vtysh", "--vty_socket", vty, "-c", "configure", "-c", "log file "+filepath.Join(dir, "frr.log")+" informational"); err != nil {
		return f, fmt.Errorf("FRR in %s: %w", n, err)
	}
	if out, err := run(ctx, "", "vtysh", "-b", "--config_dir", filepath.Join(dir, "etc"), "--vty_socket", filepath.Join(dir, "vty")); err != nil {
		return f, fmt.Errorf("FRR in %s did not accept its configuration: %w %s", n, err, out)
	}
	return f, nil
}

// bfddPriority runs bfdd at a real-time priority, as a router runs BFD in
// its fast path apart from the control plane: on a loaded machine an
// ordinary bfdd misses its 200 ms transmit interval three times over and
// the session flaps with no fault on the circuit. The report lists it
// among the differences (bfddRealtime).
var bfddPriority = []string{"chrt", "--rr", "50"}

// bfddRealtime says what bfddPriority changes, for the report.
const bfddRealtime = "`bfdd-realtime`: FRR's bfdd runs at real-time priority (SCHED_RR 50), as a router runs BFD in its fast path, so that a loaded machine cannot starve it into a BFD flap; the configuration and the timers are unchanged"

// frrUser is the user FRR's daemons run as.
func frrUser() (int, int, error) {
	u, err := user.Lookup("frr")
	if err != nil {
		return 0, 0, fmt.Errorf("no user frr: is FRR installed (Debian: apt-get install frr)? %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return uid, gid, nil
}

// vtysh runs show commands on the instance.
func (f *frr) vtysh(ctx context.Context, cmds ...string) (string, error) {
	args := []string{"--vty_socket", filepath.Join(f.dir, "vty")}
	for _, c := range cmds {
		args = append(args, "-c", c)
	}
	return run(ctx, "", "vtysh", args...)
}

// bgpState returns the BGP state of each neighbor, by address.
func (f *frr) bgpState(ctx context.Context) (map[string]string, error) {
	out, err := f.vtysh(ctx, "show bgp neighbors json")
	if err != nil {
		return nil, err
	}
	var ns map[string]struct {
		State string `json:"bgpState"`
	}
	if err := json.Unmarshal([]byte(out), &ns); err != nil {
		return nil, fmt.Errorf("FRR in %s: show bgp neighbors json: %w", f.ns, err)
	}
	states := map[string]string{}
	for a, n := range ns {
		states[a] = n.State
	}
	return states, nil
}

// waitEstablished waits until BGP with every given neighbor is up; check,
// when not nil, can give up early with the reason.
func (f *frr) waitEstablished(ctx context.Context, timeout time.Duration, check func() error, neighbors ...string) error {
	deadline := time.Now().Add(timeout)
	for {
		if check != nil {
			if err := check(); err != nil {
				return err
			}
		}
		states, err := f.bgpState(ctx)
		if err != nil {
			return err
		}
		var down []string
		for _, n := range neighbors {
			if states[n] != "Established" {
				down = append(down, fmt.Sprintf("%s (%s)", n, cmp.Or(states[n], "not configured")))
			}
		}
		if len(down) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("BGP in %s not established with %s after %s", f.ns, strings.Join(down, ", "), timeout)
		}
		if err := sleep(ctx, 200*time.Millisecond); err != nil {
			return err
		}
	}
}

// route shows how the instance routes to a prefix, for error messages.
func (f *frr) route(ctx context.Context, prefix string) string {
	out, err := f.vtysh(ctx, "show ip route "+prefix)
	if err != nil {
		return err.Error()
	}
	return strings.TrimSpace(out)
}

// stop ends the instance's daemons.
func (f *frr) stop() {
	for _, d := range []string{"bgpd", "bfdd", "staticd", "zebra"} {
		stopPIDFile(filepath.Join(f.dir, d+".pid"))
	}
}

// stopPIDFile terminates the process a pid file names.
func stopPIDFile(path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 1 {
		_ = syscall.Kill(pid, syscall.SIGTERM)
	}
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// waitBFD waits until the BFD session with peer is up: a failure before
// then would fall back to BGP's hold timer.
func (f *frr) waitBFD(ctx context.Context, timeout time.Duration, peer string) error {
	deadline := time.Now().Add(timeout)
	for {
		out, err := f.vtysh(ctx, "show bfd peers json")
		if err != nil {
			return err
		}
		var peers []struct {
			Peer   string `json:"peer"`
			Status string `json:"status"`
		}
		if err := json.Unmarshal([]byte(out), &peers); err != nil {
			return fmt.Errorf("FRR in %s: show bfd peers json: %w", f.ns, err)
		}
		state := "no session"
		for _, p := range peers {
			if p.Peer == peer {
				state = p.Status
			}
		}
		if state == "up" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("BFD in %s with %s is %s after %s", f.ns, peer, state, timeout)
		}
		if err := sleep(ctx, 200*time.Millisecond); err != nil {
			return err
		}
	}
}

// bfdDowns counts the times the instance's BFD session with peer went down
// since it was created.
func (f *frr) bfdDowns(ctx context.Context, peer string) (int, error) {
	out, err := f.vtysh(ctx, "show bfd peers counters json")
	if err != nil {
		return 0, err
	}
	var peers []struct {
		Peer string `json:"peer"`
		Down int    `json:"session-down"`
	}
	if err := json.Unmarshal([]byte(out), &peers); err != nil {
		return 0, fmt.Errorf("FRR in %s: show bfd peers counters json: %w", f.ns, err)
	}
	n := 0
	for _, p := range peers {
		if p.Peer == peer {
			n += p.Down
		}
	}
	return n, nil
}

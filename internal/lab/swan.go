package lab

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// charonPath is where Debian installs strongSwan's IKE daemon.
const charonPath = "/usr/lib/ipsec/charon"

// charon is one strongSwan IKE daemon in one namespace, with its own
// strongswan.conf, vici socket and, through a private /run, its own pid
// file.
type charon struct {
	ns   ns
	dir  string
	cmd  *exec.Cmd
	done chan struct{}
}

// strongswanConf configures a charon for the lab: only the plugins it
// needs (the Debian packages auto-load many more), the datapath's kernel
// interface and a vici socket of its own. Routes are FRR's business.
func strongswanConf(dir string, dp datapath) string {
	plugins := "random nonce aes sha1 sha2 hmac gmp kdf socket-default vici updown kernel-netlink"
	if dp == libipsec {
		plugins = "random nonce aes sha1 sha2 hmac gmp kdf socket-default vici updown kernel-libipsec kernel-netlink"
	}
	return fmt.Sprintf(`charon {
  load = %s
  install_routes = no
  install_virtual_ip = no
  filelog {
    lab {
      path = %s
      default = 1
      time_format = %%T
    }
  }
  plugins {
    vici {
      socket = unix://%s
    }
  }
}
`, plugins, filepath.Join(dir, "charon.log"), filepath.Join(dir, "charon.vici"))
}

// startCharon starts charon in the namespace with its configuration in dir.
func startCharon(ctx context.Context, n ns, dir string, dp datapath) (*charon, error) {
	for _, d := range []string{dir, filepath.Join(dir, "run")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	conf := filepath.Join(dir, "strongswan.conf")
	if err := os.WriteFile(conf, []byte(strongswanConf(dir, dp)), 0o600); err != nil {
		return nil, err
	}
	// `ip netns exec` gives the command a mount namespace of its own: a
	// private /run there keeps charon's pid file apart from other charons.
	script := fmt.Sprintf("mount --bind %s /run && exec %s", filepath.Join(dir, "run"), charonPath)
	cmd := exec.Command("ip", "netns", "exec", string(n), "sh", "-c", script)
	cmd.Env = append(os.Environ(), "STRONGSWAN_CONF="+conf)
	// Its own session: a Ctrl-C at the terminal reaches the lab, which
	// stops charon in order (or leaves it running with --keep).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &charon{ns: n, dir: dir, cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(c.done) }()
	// Ready when its vici socket answers.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := c.swanctl(ctx, "--stats"); err == nil {
			return c, nil
		}
		select {
		case <-c.done:
			return c, fmt.Errorf("charon in %s exited at start: see %s", n, filepath.Join(dir, "charon.log"))
		default:
		}
		if time.Now().After(deadline) {
			return c, fmt.Errorf("charon in %s did not open its vici socket within 10s", n)
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return c, err
		}
	}
}

// swanctl runs swanctl against this charon.
func (c *charon) swanctl(ctx context.Context, args ...string) (string, error) {
	return run(ctx, "", "swanctl", append(args, "--uri", "unix://"+filepath.Join(c.dir, "charon.vici"))...)
}

// load loads a swanctl.conf (connections and secrets).
func (c *charon) load(ctx context.Context, path string) error {
	_, err := c.swanctl(ctx, "--load-all", "--noprompt", "--file", path)
	return err
}

// installed counts the CHILD_SAs that are installed.
func (c *charon) installed(ctx context.Context) (int, error) {
	out, err := c.swanctl(ctx, "--list-sas")
	if err != nil {
		return 0, err
	}
	return strings.Count(out, "INSTALLED"), nil
}

// waitInstalled waits until n CHILD_SAs are installed.
func (c *charon) waitInstalled(ctx context.Context, n int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		got, err := c.installed(ctx)
		if err != nil {
			return err
		}
		if got >= n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("IPsec in %s: %d of %d tunnels up after %s (IKE log: %s)", c.ns, got, n, timeout, filepath.Join(c.dir, "charon.log"))
		}
		if err := sleep(ctx, 200*time.Millisecond); err != nil {
			return err
		}
	}
}

// stop terminates charon.
func (c *charon) stop() {
	if c.cmd.Process != nil {
		_ = c.cmd.Process.Signal(syscall.SIGTERM)
	}
	select {
	case <-c.done:
	case <-time.After(3 * time.Second):
		_ = c.cmd.Process.Kill()
	}
}

package lab

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Prefix starts the name of every namespace the lab creates, so that a lab
// left behind by a killed run is recognised and removed by the next one.
const Prefix = "hl-"

// cmdTimeout bounds every external command the lab runs.
const cmdTimeout = 15 * time.Second

// run runs a command and returns its standard output; the error carries
// the command and its standard error.
func run(ctx context.Context, stdin string, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// ns is a network namespace of the lab.
type ns string

// ip runs `ip -n <ns> args…`.
func (n ns) ip(ctx context.Context, args ...string) error {
	_, err := run(ctx, "", "ip", append([]string{"-n", string(n)}, args...)...)
	return err
}

// exec runs a command inside the namespace.
func (n ns) exec(ctx context.Context, stdin string, args ...string) (string, error) {
	return run(ctx, stdin, "ip", append([]string{"netns", "exec", string(n)}, args...)...)
}

// nft loads an nftables script into the namespace.
func (n ns) nft(ctx context.Context, script string) error {
	_, err := n.exec(ctx, script, "nft", "-f", "-")
	return err
}

// sysctl sets kernel parameters of the namespace.
func (n ns) sysctl(ctx context.Context, kv ...string) error {
	_, err := n.exec(ctx, "", append([]string{"sysctl", "-q", "-w"}, kv...)...)
	return err
}

// create adds the namespace with its loopback up.
func (n ns) create(ctx context.Context) error {
	if _, err := run(ctx, "", "ip", "netns", "add", string(n)); err != nil {
		return err
	}
	return n.ip(ctx, "link", "set", "lo", "up")
}

// remove kills every process left in the namespace and deletes it.
func (n ns) remove(ctx context.Context) error {
	out, _ := run(ctx, "", "ip", "netns", "pids", string(n))
	for _, f := range strings.Fields(out) {
		var pid int
		if _, err := fmt.Sscan(f, &pid); err == nil && pid > 1 {
			_ = unix.Kill(pid, unix.SIGKILL)
		}
	}
	_, err := run(ctx, "", "ip", "netns", "del", string(n))
	return err
}

// namespaces lists the namespaces whose names start with prefix.
func namespaces(prefix string) []ns {
	entries, _ := os.ReadDir("/run/netns")
	var out []ns
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			out = append(out, ns(e.Name()))
		}
	}
	return out
}

// in runs f on an OS thread switched into the namespace: sockets f opens
// belong to the namespace and keep working from any thread afterwards. If
// the thread cannot be switched back it is left locked, so the runtime
// retires it.
func (n ns) in(f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		self, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()))
		if err != nil {
			errc <- err
			return
		}
		defer self.Close()
		target, err := os.Open(filepath.Join("/run/netns", string(n)))
		if err != nil {
			errc <- err
			return
		}
		defer target.Close()
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("enter namespace %s: %w", n, err)
			return
		}
		ferr := f()
		if err := unix.Setns(int(self.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("leave namespace %s: %w", n, err)
			return
		}
		runtime.UnlockOSThread()
		errc <- ferr
	}()
	return <-errc
}

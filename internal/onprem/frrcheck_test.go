package onprem_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vtysh returns the path of FRR's vtysh. Without it the test fails: FRR's
// check is part of the suite, and ./test.sh installs FRR.
func vtysh(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("vtysh")
	if err == nil {
		return path
	}
	// Debian installs it outside a non-root user's PATH on some set-ups.
	for _, p := range []string{"/usr/bin/vtysh", "/usr/local/bin/vtysh"} {
		if _, serr := os.Stat(p); serr == nil {
			return p
		}
	}
	t.Fatalf("vtysh not found (%v): FRR's own check of the rendered frr.conf needs the Debian package frr; "+
		"run ./test.sh, which installs it, or apt-get install frr", err)
	return ""
}

// frrDryRun runs FRR's own configuration check, `vtysh --dryrun
// --inputfile <file>`: it parses every line with the commands of all FRR
// daemons and exits non-zero on any line it rejects, without touching a
// running FRR.
func frrDryRun(t *testing.T, conf string) (string, error) {
	t.Helper()
	bin := vtysh(t)
	file := filepath.Join(t.TempDir(), "frr.conf")
	require.NoError(t, os.WriteFile(file, []byte(conf), 0o644))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "--dryrun", "--inputfile", file).CombinedOutput()
	return string(out), err
}

func TestFRRAcceptsRenderedConfig(t *testing.T) {
	sites := goldenSites(t)
	for name := range variants {
		t.Run(name, func(t *testing.T) {
			out, err := frrDryRun(t, render(t, "linux-frr", sites[name])["frr.conf"])
			assert.NoError(t, err, "vtysh --dryrun rejected frr.conf:\n%s", out)
		})
	}
	for _, stack := range stackNames(t) {
		t.Run(stack, func(t *testing.T) {
			site, env := committedSite(t, stack)
			out, err := frrDryRun(t, render(t, "linux-frr", site)["frr.conf"])
			assert.NoError(t, err, "vtysh --dryrun rejected frr.conf:\n%s", out)
			// With the real secrets, too.
			site.PSK = env.Config.VPNPSK.Value
			site.BGPAuthKey = env.Config.BGPAuthKey.Value
			if site.BGPAuthKey != "" {
				_, err = frrDryRun(t, render(t, "linux-frr", site)["frr.conf"])
				assert.NoError(t, err, "vtysh --dryrun rejected frr.conf with the stack's BGP key")
			}
		})
	}
}

// TestFRRRejectsBrokenConfig proves that the check above can fail.
func TestFRRRejectsBrokenConfig(t *testing.T) {
	site, _ := committedSite(t, "prod")
	conf := render(t, "linux-frr", site)["frr.conf"]
	for name, broken := range map[string]string{
		"misspelt keyword":       strings.Replace(conf, " remote-as 45104", " remote-az 45104", 1),
		"distance out of range":  strings.Replace(conf, "ip route 192.168.0.0/16 xfrm1 253", "ip route 192.168.0.0/16 xfrm1 256", 1),
		"command out of context": strings.Replace(conf, "  network 172.16.0.0/16\n", "", 1) + "network 172.16.0.0/16\n",
	} {
		t.Run(name, func(t *testing.T) {
			require.NotEqual(t, conf, broken)
			out, err := frrDryRun(t, broken)
			assert.Error(t, err, "vtysh --dryrun accepted a broken frr.conf:\n%s", out)
		})
	}
}

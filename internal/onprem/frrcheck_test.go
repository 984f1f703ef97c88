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

// skipFRRCheck, when set to 1, skips FRR's own check of the rendered
// frr.conf on machines without FRR. CI installs FRR instead (Debian:
// apt-get install -y frr) so that the check runs.
const skipFRRCheck = "HYBRIDLINK_SKIP_FRR_CHECK"

// vtysh returns the path of FRR's vtysh. Without it the test fails — FRR's
// check is part of the suite — unless HYBRIDLINK_SKIP_FRR_CHECK=1.
func vtysh(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("vtysh")
	if err != nil {
		for _, p := range []string{"/usr/bin/vtysh", "/usr/local/bin/vtysh"} {
			if _, serr := os.Stat(p); serr == nil {
				return p
			}
		}
		if os.Getenv(skipFRRCheck) == "1" {
			t.Skipf("vtysh not found; FRR's check of frr.conf skipped because %s=1", skipFRRCheck)
		}
		t.Fatalf("vtysh not found (%v): install FRR to check the rendered frr.conf with FRR itself "+
			"(Debian/Ubuntu: apt-get install -y frr), or set %s=1 to skip this check", err, skipFRRCheck)
	}
	return path
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

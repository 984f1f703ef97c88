package lab_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/lab"
	"github.com/hybridlink/hybridlink/internal/routemodel"
	"github.com/hybridlink/hybridlink/internal/stackfile"
)

// The lab runs on real FRR and strongSwan, as root (as CI does). It does
// not skip: a machine without them fails, naming the packages to install.

func load(t *testing.T, stack string) *lab.Stack {
	t.Helper()
	require.NoError(t, lab.Check())
	s, err := lab.LoadStack(filepath.Join("..", ".."), stack, stackfile.SandboxPassphrase)
	require.NoError(t, err)
	return s
}

func runLab(t *testing.T, s *lab.Stack, opts lab.Options) (*lab.Report, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if testing.Verbose() {
		opts.Log = os.Stderr
	}
	return lab.Run(ctx, s, opts)
}

// TestLab runs both stacks through circuit failure and recovery, with dev
// also checked against broken and overridden configurations. The stacks'
// namespaces are distinct, so the two run side by side.
func TestLab(t *testing.T) {
	t.Run("prod", func(t *testing.T) {
		t.Parallel()
		s := load(t, "prod")
		r, err := runLab(t, s, lab.Options{})
		require.NoError(t, err)
		assertPassed(t, r, len(lab.StepNames))
		// prod sets a BGP key; dev has none.
		t.Run("wrong BGP key breaks the lab", func(t *testing.T) {
			_, err := runLab(t, s, lab.Options{Break: []lab.Transform{lab.WrongBGPKey()}, Steps: []string{lab.StepNormal}})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "MD5 signature")
			assert.Contains(t, err.Error(), "does not match the VBR's")
		})
	})
	t.Run("prod-dual", func(t *testing.T) {
		t.Parallel()
		testTwoCircuits(t)
	})
	t.Run("dev", func(t *testing.T) {
		t.Parallel()
		s := load(t, "dev")
		t.Run("failover", func(t *testing.T) {
			r, err := runLab(t, s, lab.Options{Steps: []string{lab.StepNormal, lab.StepCircuitCut, lab.StepCircuitRestored, lab.StepVPNCut}})
			require.NoError(t, err)
			assertPassed(t, r, 4)
		})
		t.Run("onprem static preference 10 is asymmetric, as the model says", func(t *testing.T) {
			r, err := runLab(t, s, lab.Options{StaticPreference: 10, Steps: []string{lab.StepNormal}})
			require.NoError(t, err)
			assert.False(t, r.Passed())
			assert.True(t, r.AgreesWithModel(), "findings: %v", r.Findings)
			require.Len(t, r.Findings, 1)
			assert.Equal(t, lab.Asymmetric, r.Findings[0].Kind)
			assert.Contains(t, r.Findings[0].Message, "forward over IPsec-VPN, return over Express Connect (the route model predicts the same)")
			assert.Contains(t, transformNames(r), "static-preference=10")
		})
		t.Run("static route below BGP breaks the lab", func(t *testing.T) {
			r, err := runLab(t, s, lab.Options{Break: []lab.Transform{lab.StaticPreference(10)}, Steps: []string{lab.StepNormal}})
			require.NoError(t, err)
			assert.False(t, r.AgreesWithModel())
			var msgs []string
			for _, f := range r.Findings {
				msgs = append(msgs, f.String())
			}
			all := strings.Join(msgs, "\n")
			assert.Contains(t, all, "IDC 172.16.0.0/16 → VPC workload 10.20.0.0/16: the route model predicts Express Connect")
			assert.Contains(t, all, "the lab observed IPsec-VPN")
			assert.Contains(t, all, `Known via "static", distance 10`)
		})
	})
}

// assertPassed checks a run: every step done, paths as the model
// predicts and symmetric, and the outages measured.
func assertPassed(t *testing.T, r *lab.Report, steps int) {
	t.Helper()
	require.Len(t, r.Steps, steps)
	assert.True(t, r.Passed(), "lab failed:\n%s", r.Text())
	for _, s := range r.Steps {
		require.NotEmpty(t, s.Streams, s.Name)
		assert.False(t, s.TimedOut, "step %s did not converge", s.Name)
		for i, st := range s.Streams {
			assert.Equal(t, st.Predicted, st.Observed, "step %s stream %d", s.Name, i)
			assert.NotEqual(t, routemodel.NoLink, st.Observed, "step %s stream %d carried nothing", s.Name, i)
		}
		for i := 0; i+1 < len(s.Streams); i += 2 {
			assert.Equal(t, s.Streams[i].Observed, s.Streams[i+1].Observed, "step %s: asymmetric", s.Name)
		}
		switch s.Kind {
		case lab.Failover:
			if s.Name == lab.StepLinkDown {
				break // the gateway sees its carrier go: faster than the timers
			}
			for _, st := range s.Streams {
				// A silent cut loses traffic until the timers detect it:
				// with ECMP only the flows on the cut circuit, between
				// which the others still arrive.
				assert.Positive(t, st.Lost, "step %s: no probe lost", s.Name)
				if !r.ECMP {
					assert.Greater(t, st.Outage, 100*time.Millisecond)
				}
				assert.LessOrEqual(t, st.Outage, s.Detection+1500*time.Millisecond)
			}
		case lab.NoImpact:
			for _, st := range s.Streams {
				assert.Zero(t, st.Lost, "step %s: probes lost on a steady circuit (BFD sessions down during the step: %v)", s.Name, s.BFDDowns)
			}
		}
		if s.Name == lab.StepNormal {
			for _, st := range s.Streams {
				assert.Zero(t, st.Lost, "step %s: probes lost on a steady circuit (BFD sessions down during the step: %v)", s.Name, s.BFDDowns)
			}
		}
	}
	o := r.Outages(lab.Failover)
	assert.NotEmpty(t, o[routemodel.Forward])
	assert.NotEmpty(t, o[routemodel.Return])
	md := r.Markdown("f.svg", "r.svg")
	for _, want := range []string{"## Differences from the rendered configuration", "`libipsec-tun`", "## IPsec datapath", "![IDC → cloud](f.svg)"} {
		assert.Contains(t, md, want)
	}
	assert.Contains(t, r.SVG(routemodel.Forward), "<svg")
}

func transformNames(r *lab.Report) []string {
	var out []string
	for _, tr := range r.Transforms {
		out = append(out, tr.Name)
	}
	return out
}

// testTwoCircuits runs prod-dual: active-standby through every step (A
// fails to B, B to the VPN, back to B and to A, B alone, the VPN), with both
// directions on the same circuit throughout and each failover within its
// circuit's BFD detection; ECMP with both circuits carrying probes and one
// surviving a cut; and a local preference set on premises only, which the
// lab finds asymmetric, as the route model does.
func testTwoCircuits(t *testing.T) {
	s := load(t, "prod-dual")
	a, b := routemodel.CircuitLink(0), routemodel.CircuitLink(1)
	r, err := runLab(t, s, lab.Options{})
	require.NoError(t, err)
	assertPassed(t, r, len(lab.DualStepNames))
	want := map[string]struct {
		kind lab.Kind
		link routemodel.Link
	}{
		lab.StepNormal: {lab.Steady, a}, lab.StepCircuitACut: {lab.Failover, b}, lab.StepBothCut: {lab.Failover, routemodel.Tunnel},
		lab.StepCircuitBBack: {lab.Failback, b}, lab.StepCircuitABack: {lab.Failback, a}, lab.StepCircuitBCut: {lab.NoImpact, a},
		lab.StepCircuitBRestored: {lab.Steady, a}, lab.StepVPNCut: {lab.NoImpact, a}, lab.StepVPNRestored: {lab.Steady, a},
	}
	for _, st := range r.Steps {
		assert.Equal(t, want[st.Name].kind, st.Kind, st.Name)
		for _, sr := range st.Streams {
			assert.Equal(t, want[st.Name].link, sr.Observed, "%s %s", st.Name, sr.Direction)
		}
	}
	// Each failover is detected by the BFD of the circuit it cuts: A's
	// 200 ms × 3, B's 300 ms × 3.
	detection := map[string]time.Duration{}
	for _, st := range r.Steps {
		detection[st.Name] = st.Detection
	}
	assert.Equal(t, 600*time.Millisecond, detection[lab.StepCircuitACut])
	assert.Equal(t, 900*time.Millisecond, detection[lab.StepBothCut])
	md := r.Markdown("f.svg", "r.svg")
	assert.Contains(t, md, "blue: Express Connect A, green: Express Connect B, orange: IPsec-VPN")
	assert.Contains(t, r.SVG(routemodel.Forward), "Express Connect B")

	t.Run("ecmp", func(t *testing.T) {
		s := loadEdited(t, "prod-dual", "hybridlink:circuitMode: active-standby", "hybridlink:circuitMode: ecmp")
		r, err := runLab(t, s, lab.Options{Steps: []string{lab.StepNormal, lab.StepCircuitBCut, lab.StepCircuitBRestored}})
		require.NoError(t, err)
		assertPassed(t, r, 3)
		assert.True(t, r.ECMP)
		both := routemodel.JoinLinks(a, b)
		for _, st := range r.Steps {
			wantLink, kind := both, lab.Steady
			switch st.Name {
			case lab.StepCircuitBCut:
				wantLink, kind = a, lab.Failover
			case lab.StepCircuitBRestored:
				kind = lab.Failback
			}
			assert.Equal(t, kind, st.Kind, st.Name)
			for _, sr := range st.Streams {
				assert.Equal(t, wantLink, sr.Observed, "%s %s", st.Name, sr.Direction)
				if wantLink == both {
					assert.Positive(t, sr.Links[a], "%s %s: circuit A carried probes", st.Name, sr.Direction)
					assert.Positive(t, sr.Links[b], "%s %s: circuit B carried probes", st.Name, sr.Direction)
				}
			}
		}
		md := r.Markdown("f.svg", "r.svg")
		assert.Contains(t, md, "`ecmp-l4-hash`")
		// The report shows the share: in the normal step, the first, both
		// circuits carried probes and the tunnel none.
		assert.Regexp(t, `Settled probes per link: IDC 172\.16\.0\.0/16 → VPC workload 10\.30\.0\.0/16: Express Connect A [1-9][0-9]*, Express Connect B [1-9][0-9]*, IPsec-VPN 0;`, md)
		assert.Contains(t, r.Text(), "settled probes per link: IDC 172.16.0.0/16 → VPC workload 10.30.0.0/16: Express Connect A ")
	})

	t.Run("a priority on premises only is asymmetric, as the model says", func(t *testing.T) {
		r, err := runLab(t, s, lab.Options{LocalPreferences: []int{100, 200}, Steps: []string{lab.StepNormal}})
		require.NoError(t, err)
		assert.False(t, r.Passed())
		assert.True(t, r.AgreesWithModel(), "findings: %v", r.Findings)
		require.Len(t, r.Findings, 1)
		assert.Equal(t, lab.Asymmetric, r.Findings[0].Kind)
		assert.Contains(t, r.Findings[0].Message, "forward over Express Connect B, return over Express Connect A (the route model predicts the same)")
		assert.Contains(t, transformNames(r), "local-preference=100,200")
	})
}

// loadEdited loads a committed stack with its file edited (old → new, once).
func loadEdited(t *testing.T, stack, old, new string) *lab.Stack {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "stacks"), 0o755))
	b, err := os.ReadFile(filepath.Join("..", "..", "stacks", "Pulumi."+stack+".yaml"))
	require.NoError(t, err)
	require.Equal(t, 1, strings.Count(string(b), old))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "stacks", "Pulumi."+stack+".yaml"), []byte(strings.Replace(string(b), old, new, 1)), 0o644))
	s, err := lab.LoadStack(dir, stack, stackfile.SandboxPassphrase)
	require.NoError(t, err)
	return s
}

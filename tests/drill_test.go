package tests

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/drill"
	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/routemodel"
	"github.com/hybridlink/hybridlink/internal/stackfile"
	"github.com/hybridlink/hybridlink/stacks"
)

// The failover drill against each stack deployed to the local cloud: it
// passes as committed, and fails, with the route model's explanation, once
// the VPN route advertisement is gone or when the on-premises gateway
// prefers its static route.
func TestDrill(t *testing.T) {
	skipShort(t)
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			t.Parallel()
			b := openBox(t, copyProject(t), stack)
			b.mustSucceed("up", b.up())
			env := loadEnv(t, b.dir, stack)
			outputs := b.outputs()
			vbrIP := env.Args.ExpressConnect.LocalGatewayIP.String()
			vpnIP := fmt.Sprint(outputs["vpnInternetIp"].Value)

			t.Run("passes the design's steps", func(t *testing.T) {
				r := runDrill(t, b, env.OnPremModel())
				require.Len(t, r.Steps, 4)
				want := []struct {
					name string
					link routemodel.Link
					via  string
				}{
					{"normal", routemodel.Circuit, "VBR " + vbrIP},
					{"circuit down", routemodel.Tunnel, "VPN gateway " + vpnIP},
					{"circuit restored", routemodel.Circuit, "VBR " + vbrIP},
					{"VPN fails while the circuit is up", routemodel.Circuit, "VBR " + vbrIP},
				}
				for i, w := range want {
					s := r.Steps[i]
					assert.Equal(t, w.name, s.Scenario.Name)
					require.Len(t, s.Paths, 2, "one IDC prefix, one workload VPC, both directions")
					for _, p := range s.Paths {
						assert.Equal(t, w.link, p.Link, "%s: %s", w.name, p)
						assert.Contains(t, p.Hops, w.via, "%s: %s", w.name, p)
						assert.Empty(t, p.Problem)
					}
				}
				assert.Equal(t, []string{"on-prem gateway", "VPN gateway " + vpnIP, vpcHop(b, "transit"), "transit router", vpcHop(b, "workload")},
					r.Steps[1].Paths[0].Hops, "circuit down, IDC → cloud")
				assert.Contains(t, r.Markdown(), "```mermaid\nflowchart LR\n")
				if stack == "prod" {
					require.True(t, r.Passed(), r.Text())
					assert.Empty(t, r.Warnings(), "prod's alarms watch its standby")
					return
				}
				// dev has no alarms: its failover works, so the drill passes,
				// and it warns that the standby can fail unnoticed.
				require.True(t, r.Passed(), r.Text())
				require.Len(t, r.Warnings(), 1, r.Text())
				require.Len(t, r.Steps[3].Warnings, 1, r.Text())
				assert.Contains(t, r.Steps[3].Warnings[0].Message, drill.UnmonitoredStandby)
				assert.Contains(t, r.Text(), "drill of dev (fault-switch): passed, with 1 warning")
			})

			t.Run("fails when the on-prem gateway prefers its static route", func(t *testing.T) {
				onprem := env.OnPremModel()
				onprem.StaticPreference = 10
				r := runDrill(t, b, onprem)
				assert.False(t, r.Passed())
				assert.True(t, r.Steps[1].Passed(), "with the circuit down the VPN is the only path anyway")
				for _, i := range []int{0, 2} {
					require.Len(t, r.Steps[i].Findings, 1, r.Text())
					msg := r.Steps[i].Findings[0].Message
					assert.Contains(t, msg, "asymmetric routing")
					assert.Contains(t, msg, "the on-prem gateway prefers its static route via the VPN (preference 10) to BGP (preference 20)")
				}
			})

			t.Run("fails once the VPN route is no longer advertised to CEN", func(t *testing.T) {
				advert := ofType(managed(b.snapshot()), inventory.CENRouteEntry)
				require.Len(t, advert, 1)
				urn := string(advert[0].URN)
				if stack == "prod" {
					b.pulumi("state", "unprotect", urn, "--yes")
				}
				_, err := b.sb.Stack.Destroy(t.Context(), optdestroy.Target([]string{urn}))
				require.NoError(t, err)
				require.Empty(t, ofType(managed(b.snapshot()), inventory.CENRouteEntry))

				r := runDrill(t, b, env.OnPremModel())
				assert.False(t, r.Passed())
				assert.True(t, r.Steps[0].Passed(), "the primary path does not need the advertisement")
				assert.True(t, r.Steps[2].Passed())
				require.Len(t, r.Steps[1].Findings, 1, r.Text())
				assert.Contains(t, r.Steps[1].Findings[0].Message,
					"→ IDC 172.16.0.0/16 has no path: VPC workload")
				assert.Contains(t, r.Steps[1].Findings[0].Message,
					"has no route to 172.16.0.0/16: the VPN route is not advertised from VPC transit")
				assert.True(t, strings.HasSuffix(r.Steps[1].Findings[0].Message, "to CEN"), r.Steps[1].Findings[0].Message)
			})
		})
	}
}

// runDrill drills the sandbox and checks that the links are restored after.
func runDrill(t *testing.T, b *box, onprem routemodel.OnPrem) *drill.Report {
	t.Helper()
	r, err := drill.Run(b.stack, b.sb.Cloud, onprem)
	require.NoError(t, err)
	faults, err := b.sb.Cloud.Faults()
	require.NoError(t, err)
	assert.Equal(t, routemodel.Faults{}, faults, "the drill restores the links")
	return r
}

// vpcHop names a VPC as the paths do: its name and ID.
func vpcHop(b *box, name string) string {
	for _, r := range ofType(managed(b.snapshot()), inventory.VPC) {
		if r.Name() == name {
			return "VPC " + r.Describe()
		}
	}
	b.t.Fatalf("no VPC %s", name)
	return ""
}

func loadEnv(t *testing.T, dir, stack string) *stacks.Environment {
	t.Helper()
	f, err := stackfile.Read(filepath.Join(dir, "stacks"), stack)
	require.NoError(t, err)
	cfg, err := f.Config("")
	require.NoError(t, err)
	env, err := stacks.Load(stack, cfg)
	require.NoError(t, err)
	return env
}

// The drill of a two-circuit stack, deployed in each mode: every single and
// double failure and its restoration, each direction on the expected link
// and on the same one, the silent failures reported by the alarm of the
// link that failed; and a priority set on premises only fails it, naming
// the direction that strays.
func TestDrillTwoCircuits(t *testing.T) {
	skipShort(t)
	for _, mode := range []string{"active-standby", "ecmp"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			dir := copyProject(t)
			editFile(t, stackFile(dir, "prod-dual"), "hybridlink:circuitMode: active-standby", "hybridlink:circuitMode: "+mode)
			b := openBox(t, dir, "prod-dual")
			b.mustSucceed("up", b.up())
			env := loadEnv(t, dir, "prod-dual")
			require.NoError(t, b.sb.Cloud.SetOnPrem("prod-dual", env.OnPremModel()))
			r := runDrill(t, b, env.OnPremModel())
			require.True(t, r.Passed(), r.Text())

			a, bb := routemodel.CircuitLink(0), routemodel.CircuitLink(1)
			normal := a
			if mode == "ecmp" {
				normal = routemodel.JoinLinks(a, bb)
			}
			want := []struct {
				step  string
				link  routemodel.Link
				alarm string // an alert that must fire ("" for none required)
			}{
				{"normal", normal, ""},
				{"circuit A down", bb, "hybridlink-monitoring-circuit-loss"},
				{"circuit A restored", normal, ""},
				{"circuit B down", a, "hybridlink-monitoring-circuit-b-loss"},
				{"circuit B restored", normal, ""},
				{"VPN down", normal, "hybridlink-monitoring-vpn-events"},
				{"VPN restored", normal, ""},
				{"circuits A and B down", routemodel.Tunnel, "hybridlink-monitoring-circuit-b-loss"},
				{"circuits A and B restored", normal, ""},
				{"circuit A and the VPN down", bb, "hybridlink-monitoring-vpn-events"},
				{"circuit A and the VPN restored", normal, ""},
				{"circuit B and the VPN down", a, "hybridlink-monitoring-circuit-b-loss"},
				{"circuit B and the VPN restored", normal, ""},
			}
			require.Len(t, r.Steps, len(want), r.Text())
			for i, w := range want {
				s := r.Steps[i]
				assert.Equal(t, w.step, s.Scenario.Name)
				assert.Equal(t, w.link, s.Expect, w.step)
				require.Len(t, s.Paths, 2, w.step)
				for _, p := range s.Paths {
					assert.Equal(t, w.link, p.Link, "%s: %s", w.step, p)
				}
				var fired []string
				for _, al := range s.Alerts {
					if al.Fired() {
						fired = append(fired, al.Name)
					}
				}
				if w.alarm == "" {
					assert.Empty(t, fired, w.step)
				} else {
					assert.Contains(t, fired, w.alarm, w.step)
				}
			}
			md := r.Markdown()
			assert.Contains(t, md, "## Step 8: circuits A and B down — expect IPsec-VPN both ways: passed")
			assert.Contains(t, md, "**VBR 10.1.0.13 (Express Connect B)**")

			t.Run("a priority on premises only fails it", func(t *testing.T) {
				onprem := env.OnPremModel()
				onprem.Sessions[0].LocalPreference, onprem.Sessions[1].LocalPreference = 100, 200
				r := runDrill(t, b, onprem)
				assert.False(t, r.Passed())
				require.NotEmpty(t, r.Steps[0].Findings, r.Text())
				msg := r.Steps[0].Findings[0].Message
				assert.Contains(t, msg, "asymmetric routing")
				if mode == "ecmp" {
					assert.Contains(t, msg, "IDC → cloud takes Express Connect B, not Express Connect A+B")
				} else {
					assert.Contains(t, msg, "IDC → cloud takes Express Connect B, not Express Connect A")
					assert.NotContains(t, msg, "cloud → IDC takes")
				}
				assert.True(t, r.Steps[1].Passed(), "with A down both take B anyway")
			})
		})
	}
}

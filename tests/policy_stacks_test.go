package tests

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/pkg/v3/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/mockcloud"
	"github.com/hybridlink/hybridlink/internal/stackfile"
	"github.com/hybridlink/hybridlink/stacks"
)

// The committed stacks, run through the program under mocks, are given to
// the built policy pack through the engine's own analyzer client, as
// `pulumi preview` would: no mandatory violation. Then one change per
// mandatory rule, made to the resources as a program change would, gives
// exactly that rule's violation.
func TestCommittedStacksPassThePolicyPack(t *testing.T) {
	skipShort(t)
	for _, stack := range []string{"dev", "prod", "prod-dual"} {
		t.Run(stack, func(t *testing.T) {
			resources, cfg := mockedStack(t, stack)
			a := startPack(t, stack, cfg)
			for _, d := range analyzeAll(t, a, resources) {
				assert.NotEqual(t, apitype.Mandatory, d.EnforcementLevel, "%s: %s", d.PolicyName, d.Message)
			}
		})
	}
}

func TestOneMutationPerMandatoryRule(t *testing.T) {
	skipShort(t)
	resources, cfg := mockedStack(t, "prod")
	a := startPack(t, "prod", cfg)
	cases := []struct {
		rule   string
		mutate func(rs []inventory.Resource) []inventory.Resource
	}{
		// A workload vSwitch carved from the transit VPC's block.
		{"cidr-no-overlap", set("workload-cn-hangzhou-h", "cidrBlock", "10.0.1.0/24")},
		// A second active route to the IDC on the same gateway.
		{"vpn-route-single-weight-100", clone("hybridlink-vpn-route-172-16-0-0-16", "hybridlink-vpn-route-copy")},
		{"vbr-peering-subnet", set("hybridlink-expressconnect-vbr", "vlanId", 3000)},
		// An extra peer at the wrong IP; the right one keeps BGP up.
		{"bgp-peer-matches-vbr", then(clone("hybridlink-expressconnect-bgp-peer", "hybridlink-stray-peer"), set("hybridlink-stray-peer", "peerIpAddress", "10.1.0.1"))},
		{"bgp-asn-valid", set("hybridlink-expressconnect-bgp-group", "peerAsn", 45104)},
		{"tr-attachment-two-zones", trimZones("hybridlink-hub-workload")},
		// A VPN route to a prefix outside the IDC plan, not published: the
		// standby structure is incomplete, the IDC's own paths are not.
		{"standby-path-complete", then(clone("hybridlink-vpn-route-172-16-0-0-16", "hybridlink-vpn-route-extra"),
			set("hybridlink-vpn-route-extra", "routeDest", "172.20.0.0/16"), set("hybridlink-vpn-route-extra", "publishVpc", false))},
		// The workload VPC stops learning the transit router's routes.
		{"failover-symmetric", set("hybridlink-hub-workload", "autoPublishRouteEnabled", false)},
		{"ipsec-psk-secret", plainPSK("hybridlink-vpn-connection")},
		{"customer-gateway-public-ip", set("hybridlink-vpn-customer-gateway", "ipAddress", "10.2.3.4")},
	}
	mandatory := map[string]bool{}
	for _, c := range cases {
		mandatory[c.rule] = true
		t.Run(c.rule, func(t *testing.T) {
			var got []string
			for _, d := range analyzeAll(t, a, c.mutate(copyResources(resources))) {
				if d.EnforcementLevel == apitype.Mandatory && !slices.Contains(got, d.PolicyName) {
					got = append(got, d.PolicyName)
				}
				if d.EnforcementLevel == apitype.Mandatory {
					assert.NotEmpty(t, d.URN, "a violation names its resource: %s", d.Message)
				}
			}
			assert.Equal(t, []string{c.rule}, got)
		})
	}
	info, err := a.GetAnalyzerInfo(context.Background())
	require.NoError(t, err)
	for _, p := range info.Policies {
		if p.EnforcementLevel == apitype.Mandatory {
			assert.True(t, mandatory[p.Name], "no mutation for mandatory rule %s", p.Name)
		}
	}
}

// mockedStack runs a committed stack through the program under mocks and
// returns its custom resources and its stack config.
func mockedStack(t *testing.T, stack string) ([]inventory.Resource, *stackfile.Config) {
	t.Helper()
	f, err := stackfile.Read(filepath.Join(repo, "stacks"), stack)
	require.NoError(t, err)
	cfg, err := f.Config(stackfile.SandboxPassphrase)
	require.NoError(t, err)
	var secrets []string
	for k := range cfg.Secrets {
		secrets = append(secrets, k)
	}
	m, err := mockcloud.Run(stack, cfg.Values, secrets, stacks.Program)
	require.NoError(t, err)
	return m.Inventory(), cfg
}

// startPack starts the built pack with the stack's (non-secret) config, as
// the engine's ConfigureStack sends it.
func startPack(t *testing.T, stack string, cfg *stackfile.Config) plugin.Analyzer {
	t.Helper()
	values := map[config.Key]string{}
	for k, v := range cfg.Values {
		if !cfg.Secrets[k] {
			values[config.MustParseKey(k)] = v
		}
	}
	sink := diag.DefaultSink(io.Discard, os.Stderr, diag.FormatOptions{Color: colors.Never})
	host := &plugin.MockHost{}
	pctx, err := plugin.NewContext(context.Background(), sink, sink, host, nil, filepath.Dir(tools.PolicyPack), nil, false, nil, nil)
	require.NoError(t, err)
	a, err := plugin.NewPolicyAnalyzer(host, pctx, "hybridlink", tools.PolicyPack,
		&plugin.PolicyAnalyzerOptions{Project: "hybridlink", Stack: stack, DryRun: true, Config: values})
	require.NoError(t, err)
	t.Cleanup(func() { a.Close() })
	return a
}

// analyzeAll runs Analyze on each resource and AnalyzeStack on all.
func analyzeAll(t *testing.T, a plugin.Analyzer, resources []inventory.Resource) []plugin.AnalyzeDiagnostic {
	t.Helper()
	ctx := context.Background()
	var stack []plugin.AnalyzerStackResource
	var out []plugin.AnalyzeDiagnostic
	for _, r := range resources {
		ar := plugin.AnalyzerResource{URN: r.URN, Type: r.Type, Name: r.Name(), Properties: resource.FromResourcePropertyMap(r.Props)}
		resp, err := a.Analyze(ctx, ar)
		require.NoError(t, err)
		out = append(out, resp.Diagnostics...)
		stack = append(stack, plugin.AnalyzerStackResource{AnalyzerResource: ar, PropertyDependencies: r.Deps})
	}
	resp, err := a.AnalyzeStack(ctx, stack)
	require.NoError(t, err)
	out = append(out, resp.Diagnostics...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].PolicyName < out[j].PolicyName })
	return out
}

type mutation = func([]inventory.Resource) []inventory.Resource

func copyResources(rs []inventory.Resource) []inventory.Resource {
	out := make([]inventory.Resource, len(rs))
	for i, r := range rs {
		r.Props = r.Props.Copy()
		out[i] = r
	}
	return out
}

func index(rs []inventory.Resource, name string) int {
	for i, r := range rs {
		if r.Name() == name {
			return i
		}
	}
	panic("no resource " + name)
}

func set(name, prop string, v any) mutation {
	return func(rs []inventory.Resource) []inventory.Resource {
		rs[index(rs, name)].Props[resource.PropertyKey(prop)] = resource.NewPropertyValue(v)
		return rs
	}
}

// clone adds a copy of a resource under another name (and ID).
func clone(name, as string) mutation {
	return func(rs []inventory.Resource) []inventory.Resource {
		r := rs[index(rs, name)]
		r.Props = r.Props.Copy()
		qualified := string(r.URN.QualifiedType())
		parent := tokens.Type("")
		if i := strings.LastIndex(qualified, "$"); i >= 0 {
			parent = tokens.Type(qualified[:i])
		}
		r.URN = resource.NewURN(r.URN.Stack(), r.URN.Project(), parent, r.Type, as)
		r.ID = resource.ID(as + "-id")
		return append(rs, r)
	}
}

func then(ms ...mutation) mutation {
	return func(rs []inventory.Resource) []inventory.Resource {
		for _, m := range ms {
			rs = m(rs)
		}
		return rs
	}
}

func trimZones(name string) mutation {
	return func(rs []inventory.Resource) []inventory.Resource {
		props := rs[index(rs, name)].Props
		zones := props["zoneMappings"].ArrayValue()
		props["zoneMappings"] = resource.NewProperty(zones[:1])
		return rs
	}
}

// plainPSK stores the connection's pre-shared keys unmarked, as a program
// passing a plain string would.
func plainPSK(name string) mutation {
	return func(rs []inventory.Resource) []inventory.Resource {
		props := rs[index(rs, name)].Props
		tunnels := props["tunnelOptionsSpecifications"]
		for tunnels.IsSecret() {
			tunnels = tunnels.SecretValue().Element
		}
		var plain []resource.PropertyValue
		for _, tun := range tunnels.ArrayValue() {
			m := tun.ObjectValue().Copy()
			ike := m["tunnelIkeConfig"].ObjectValue().Copy()
			psk := ike["psk"]
			for psk.IsSecret() {
				psk = psk.SecretValue().Element
			}
			ike["psk"] = psk
			m["tunnelIkeConfig"] = resource.NewProperty(ike)
			plain = append(plain, resource.NewProperty(m))
		}
		props["tunnelOptionsSpecifications"] = resource.NewProperty(plain)
		return rs
	}
}

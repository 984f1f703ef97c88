package main

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/policy/rules"
	"github.com/pulumi/pulumi/pkg/v3/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// packBinary is the pack, built once per test binary by TestMain, with
// PulumiPolicy.yaml beside it as a release would ship it.
var packBinary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hybridlink-policy-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	packBinary = filepath.Join(dir, "hybridlink-policy")
	build := exec.Command("go", "build", "-o", packBinary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	err = build.Run()
	if err == nil {
		err = copyFile("PulumiPolicy.yaml", filepath.Join(dir, "PulumiPolicy.yaml"))
	}
	code := 1
	if err == nil {
		code = m.Run()
		if dev != nil {
			dev.Close()
		}
	} else {
		fmt.Fprintln(os.Stderr, "building the pack:", err)
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}

// start starts the pack through the engine's own analyzer client. Options
// make the client send ConfigureStack, as `pulumi preview` does; nil options
// skip it, as `pulumi policy publish` and `pulumi policy analyze` do.
func start(opts *plugin.PolicyAnalyzerOptions) (plugin.Analyzer, error) {
	// The pack's stderr reaches the test log; its stdout carries only the port.
	sink := diag.DefaultSink(io.Discard, os.Stderr, diag.FormatOptions{Color: colors.Never})
	host := &plugin.MockHost{}
	pctx, err := plugin.NewContext(context.Background(), sink, sink, host, nil, filepath.Dir(packBinary), nil, false, nil, nil)
	if err != nil {
		return nil, err
	}
	return plugin.NewPolicyAnalyzer(host, pctx, "hybridlink", packBinary, opts)
}

// boot starts a pack process for one test.
func boot(t *testing.T, opts *plugin.PolicyAnalyzerOptions) (plugin.Analyzer, error) {
	a, err := start(opts)
	if err == nil {
		t.Cleanup(func() { a.Close() })
	}
	return a, err
}

// devStack is the stack config `pulumi preview` on stack dev sends.
func devStack(idcPrefixes string) *plugin.PolicyAnalyzerOptions {
	return &plugin.PolicyAnalyzerOptions{
		Project: "hybridlink", Stack: "dev", DryRun: true,
		Config: map[config.Key]string{
			config.MustMakeKey("hybridlink", "idcPrefixes"): idcPrefixes,
			config.MustMakeKey("alicloud", "region"):        "cn-hangzhou",
		},
	}
}

// dev is one pack process, configured for stack dev, that the tests share:
// starting one takes a moment. TestMain closes it.
var dev plugin.Analyzer

func devAnalyzer(t *testing.T) plugin.Analyzer {
	t.Helper()
	if dev == nil {
		a, err := start(devStack(`["172.16.0.0/16"]`))
		require.NoError(t, err)
		dev = a
	}
	// Each test starts from the default levels.
	require.NoError(t, dev.Configure(context.Background(), levelsConfig(nil)))
	return dev
}

// levelsConfig is a full policy config, as the engine sends after
// reconciling a --policy-pack-config file: every rule at its default level
// unless overridden.
func levelsConfig(override map[string]apitype.EnforcementLevel) map[string]plugin.AnalyzerPolicyConfig {
	out := map[string]plugin.AnalyzerPolicyConfig{}
	for _, r := range rules.All() {
		level := r.Level
		if l, ok := override[r.Name]; ok {
			level = l
		}
		out[r.Name] = plugin.AnalyzerPolicyConfig{EnforcementLevel: level}
	}
	return out
}

// res builds a resource as the engine sends it: realistic URN, properties
// and, for AnalyzeStack, property dependencies.
func res(t tokens.Type, parent tokens.Type, name string, props map[string]any, deps map[resource.PropertyKey][]resource.URN) plugin.AnalyzerStackResource {
	urn := resource.NewURN("dev", "hybridlink", parent, t, name)
	return plugin.AnalyzerStackResource{
		AnalyzerResource: plugin.AnalyzerResource{
			URN: urn, Type: t, Name: name,
			Properties: resource.FromResourcePropertyMap(resource.NewPropertyMapFromMap(props)),
		},
		PropertyDependencies: deps,
	}
}

var unknown = resource.MakeComputed(resource.NewProperty(""))

const vpnLeg = "hybridlink:index:HybridConnection$hybridlink:index:VpnStandbyLeg"

// previewStack is a first preview of a new stack: a VPN gateway (in a VPC
// of another stack) and two weight-100 routes to one destination, every ID
// unknown.
func previewStack() []plugin.AnalyzerStackResource {
	gw := res(inventory.VPNGateway, vpnLeg, "dev-hc-vpn-gateway", map[string]any{"vpcId": "vpc-transit", "bandwidth": 10}, nil)
	route := func(name string) plugin.AnalyzerStackResource {
		return res(inventory.VPNRouteEntry, vpnLeg, name, map[string]any{
			"vpnGatewayId": unknown, "nextHop": unknown, "routeDest": "172.16.0.0/16", "weight": 100, "publishVpc": true,
		}, map[resource.PropertyKey][]resource.URN{"vpnGatewayId": {gw.URN}})
	}
	return []plugin.AnalyzerStackResource{gw, route("dev-hc-vpn-route-a"), route("dev-hc-vpn-route-b")}
}

func TestGetAnalyzerInfoListsEveryRule(t *testing.T) {
	info, err := devAnalyzer(t).GetAnalyzerInfo(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "hybridlink", info.Name)
	assert.Equal(t, packVersion, info.Version)
	assert.True(t, info.SupportsConfig)
	require.Len(t, info.Policies, len(rules.All()))
	byName := map[string]plugin.AnalyzerPolicyInfo{}
	for _, p := range info.Policies {
		byName[p.Name] = p
	}
	for _, r := range rules.All() {
		p, ok := byName[r.Name]
		if !assert.True(t, ok, r.Name) {
			continue
		}
		assert.Equal(t, r.Level, p.EnforcementLevel, r.Name)
		assert.Equal(t, r.Severity, p.Severity, r.Name)
		assert.Equal(t, r.Description, p.Description, r.Name)
		assert.Equal(t, r.Remediation, p.RemediationSteps, r.Name)
		want := plugin.AnalyzerPolicyTypeResource
		if r.IsStack() {
			want = plugin.AnalyzerPolicyTypeStack
		}
		assert.Equal(t, want, p.Type, r.Name)
	}
	assert.Equal(t, apitype.Mandatory, byName["cidr-no-overlap"].EnforcementLevel)
	assert.Equal(t, apitype.Advisory, byName["ike-version-allowed"].EnforcementLevel)
	schema := byName["ike-version-allowed"].ConfigSchema
	require.NotNil(t, schema)
	assert.Equal(t, []any{"ikev1", "ikev2"}, schema.Properties["allowedVersions"]["default"])
}

func TestAnalyzeReportsResourceRules(t *testing.T) {
	a := devAnalyzer(t)
	vbr := res(inventory.VBR, "", "dev-hc-ec-vbr", map[string]any{
		"vlanId": 3000, "localGatewayIp": "10.1.0.1", "peerGatewayIp": "10.1.0.2", "peeringSubnetMask": "255.255.255.252",
	}, nil)
	r, err := a.Analyze(context.Background(), vbr.AnalyzerResource)
	require.NoError(t, err)
	require.Len(t, r.Diagnostics, 1)
	d := r.Diagnostics[0]
	assert.Equal(t, "vbr-peering-subnet", d.PolicyName)
	assert.Equal(t, "hybridlink", d.PolicyPackName)
	assert.Equal(t, apitype.Mandatory, d.EnforcementLevel)
	assert.Equal(t, apitype.PolicySeverityHigh, d.Severity)
	assert.Equal(t, vbr.URN, d.URN)
	assert.Equal(t, "VBR dev-hc-ec-vbr: vlanId: VLAN 3000 is out of range 0–2999; use the VLAN the circuit provider assigned", d.Message)

	vbr = res(inventory.VBR, "", "dev-hc-ec-vbr", map[string]any{
		"vlanId": 0, "localGatewayIp": "10.1.0.1", "peerGatewayIp": "10.1.0.2", "peeringSubnetMask": "255.255.255.252",
	}, nil)
	r, err = a.Analyze(context.Background(), vbr.AnalyzerResource)
	require.NoError(t, err)
	assert.Empty(t, r.Diagnostics)
}

func TestAnalyzeStackTiesUnknownReferencesByDependency(t *testing.T) {
	r, err := devAnalyzer(t).AnalyzeStack(context.Background(), previewStack())
	require.NoError(t, err)
	require.Len(t, r.Diagnostics, 1)
	d := r.Diagnostics[0]
	assert.Equal(t, "vpn-route-single-weight-100", d.PolicyName)
	assert.Equal(t, apitype.Mandatory, d.EnforcementLevel)
	assert.Equal(t, resource.NewURN("dev", "hybridlink", vpnLeg, inventory.VPNRouteEntry, "dev-hc-vpn-route-b"), d.URN)
	assert.Contains(t, d.Message, "VPN route dev-hc-vpn-route-b and VPN route dev-hc-vpn-route-a both route 172.16.0.0/16 on VPN gateway dev-hc-vpn-gateway with weight 100")
}

func TestStackConfigReachesStackRules(t *testing.T) {
	// The stack config's IDC prefix is 172.16.0.0/16; a VPC on it overlaps.
	vpc := res(inventory.VPC, "", "dev-vpc1", map[string]any{"cidrBlock": "172.16.0.0/12"}, nil)
	r, err := devAnalyzer(t).AnalyzeStack(context.Background(), []plugin.AnalyzerStackResource{vpc})
	require.NoError(t, err)
	require.Len(t, r.Diagnostics, 1)
	assert.Equal(t, "cidr-no-overlap", r.Diagnostics[0].PolicyName)
	assert.Equal(t, vpc.URN, r.Diagnostics[0].URN)
	assert.Equal(t, "IDC prefix 172.16.0.0/16 (stack config hybridlink:idcPrefixes) overlaps VPC dev-vpc1 172.16.0.0/12: "+
		"every VPC, VBR peering subnet and IDC prefix needs its own block and a vSwitch one inside its own VPC, "+
		"or routes to these addresses are ambiguous; renumber one of them", r.Diagnostics[0].Message)
}

func TestConfigureChangesLevels(t *testing.T) {
	a := devAnalyzer(t)
	peer := res(inventory.BGPPeer, "", "dev-hc-ec-bgp-peer", map[string]any{"bgpGroupId": "bgpg-1", "peerIpAddress": "10.1.0.2"}, nil)
	r, err := a.Analyze(context.Background(), peer.AnalyzerResource)
	require.NoError(t, err)
	require.Len(t, r.Diagnostics, 1)
	assert.Equal(t, apitype.Advisory, r.Diagnostics[0].EnforcementLevel)

	require.NoError(t, a.Configure(context.Background(), levelsConfig(map[string]apitype.EnforcementLevel{
		"bgp-bfd-enabled":             apitype.Mandatory,
		"vpn-route-single-weight-100": apitype.Disabled,
	})))
	r, err = a.Analyze(context.Background(), peer.AnalyzerResource)
	require.NoError(t, err)
	require.Len(t, r.Diagnostics, 1)
	assert.Equal(t, "bgp-bfd-enabled", r.Diagnostics[0].PolicyName)
	assert.Equal(t, apitype.Mandatory, r.Diagnostics[0].EnforcementLevel)

	r, err = a.AnalyzeStack(context.Background(), previewStack())
	require.NoError(t, err)
	assert.Empty(t, r.Diagnostics, "a disabled rule reports nothing")
}

func TestConfigurePassesRuleProperties(t *testing.T) {
	a := devAnalyzer(t)
	conn := res(inventory.VPNConnection, vpnLeg, "dev-hc-vpn-connection", map[string]any{
		"vpnGatewayId": "vpn-1", "ikeConfig": map[string]any{"ikeVersion": "ikev1"},
	}, nil)
	r, err := a.Analyze(context.Background(), conn.AnalyzerResource)
	require.NoError(t, err)
	assert.Empty(t, r.Diagnostics)

	cfg := levelsConfig(nil)
	cfg["ike-version-allowed"] = plugin.AnalyzerPolicyConfig{
		EnforcementLevel: apitype.Advisory, Properties: map[string]any{"allowedVersions": []any{"ikev2"}},
	}
	require.NoError(t, a.Configure(context.Background(), cfg))
	r, err = a.Analyze(context.Background(), conn.AnalyzerResource)
	require.NoError(t, err)
	require.Len(t, r.Diagnostics, 1)
	assert.Equal(t, "ike-version-allowed", r.Diagnostics[0].PolicyName)
	assert.Contains(t, r.Diagnostics[0].Message, "ikeConfig.ikeVersion is ikev1, which is not allowed (allowed: ikev2)")
}

func TestUnknownValuesDoNotCrashThePack(t *testing.T) {
	a := devAnalyzer(t)
	var stack []plugin.AnalyzerStackResource
	for i, typ := range []tokens.Type{
		inventory.VPC, inventory.VSwitch, inventory.VBR, inventory.BGPGroup, inventory.BGPPeer, inventory.VPNGateway,
		inventory.CustomerGateway, inventory.VPNConnection, inventory.VPNRouteEntry, inventory.TransitRouter,
		inventory.TRVPCAttachment, inventory.TRVBRAttachment, inventory.CENRouteEntry,
	} {
		// Every property the rules read, unknown, some as unknown secrets
		// or inside unknown containers.
		props := map[string]any{}
		for _, k := range []string{"cidrBlock", "vpcId", "localGatewayIp", "peerGatewayIp", "peeringSubnetMask", "vlanId",
			"peerAsn", "localAsn", "routerId", "bgpGroupId", "peerIpAddress", "enableBfd", "ipAddress", "vpnGatewayId",
			"routeDest", "weight", "publishVpc", "transitRouterId", "vbrId", "routeTableId", "zoneMappings", "ikeConfig"} {
			props[k] = unknown
		}
		props["authKey"] = resource.MakeSecret(unknown)
		props["tunnelOptionsSpecifications"] = []any{map[string]any{"tunnelIkeConfig": unknown}}
		stack = append(stack, res(typ, "", fmt.Sprintf("r%d", i), props, nil))
		r, err := a.Analyze(context.Background(), stack[i].AnalyzerResource)
		require.NoError(t, err, typ)
		assert.Empty(t, r.Diagnostics, typ)
	}
	r, err := a.AnalyzeStack(context.Background(), stack)
	require.NoError(t, err)
	assert.Empty(t, r.Diagnostics)
	_, err = a.GetPluginInfo(context.Background())
	require.NoError(t, err, "the pack is still serving")
}

func TestInfoBeforeConfigureStack(t *testing.T) {
	a, err := boot(t, nil) // `pulumi policy publish`: no stack, no ConfigureStack
	require.NoError(t, err)
	pi, err := a.GetPluginInfo(context.Background())
	require.NoError(t, err)
	require.NotNil(t, pi.Version)
	assert.Equal(t, packVersion, pi.Version.String())
	info, err := a.GetAnalyzerInfo(context.Background())
	require.NoError(t, err)
	assert.Len(t, info.Policies, len(rules.All()))

	// `pulumi policy analyze`: Configure and AnalyzeStack without stack config.
	require.NoError(t, a.Configure(context.Background(), levelsConfig(nil)))
	r, err := a.AnalyzeStack(context.Background(), previewStack())
	require.NoError(t, err)
	require.Len(t, r.Diagnostics, 1)
	assert.Equal(t, "vpn-route-single-weight-100", r.Diagnostics[0].PolicyName)
}

func TestInvalidStackConfigFailsClearly(t *testing.T) {
	_, err := boot(t, devStack(`["172.16.1.0/16"]`))
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), `hybridlink:idcPrefixes[0]: "172.16.1.0/16" has host bits set; the network is 172.16.0.0/16`), err.Error())
}

// The on-premises preferences reach failover-symmetric with the stack
// config, without disturbing the policy levels Configure set.
func TestConfigureStackKeepsOnPremPreferences(t *testing.T) {
	a := newAnalyzer()
	a.cfg.Policies = map[string]rules.PolicyConfig{"bgp-bfd-enabled": {Level: apitype.Mandatory}}
	_, err := a.ConfigureStack(context.Background(), &pulumirpc.AnalyzerStackConfigureRequest{
		Stack:  "dev",
		Config: map[string]string{"hybridlink:idcPrefixes": `["172.16.0.0/16"]`, "hybridlink:onPrem": `{"staticRoutePreference": 10}`},
	})
	require.NoError(t, err)
	cfg := a.config()
	assert.Equal(t, 10, cfg.OnPrem.StaticPreference)
	assert.Equal(t, 20, cfg.OnPrem.BGPPreference)
	assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("172.16.0.0/16")}, cfg.IDCPrefixes)
	assert.Equal(t, apitype.Mandatory, cfg.Policies["bgp-bfd-enabled"].Level)
}

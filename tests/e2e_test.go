package tests

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/vpc"
	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/vpn"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/sandbox"
	"github.com/hybridlink/hybridlink/stacks"
	"github.com/stretchr/testify/assert"
)

// Each committed stack, what its design adds, and the changes and mistakes
// the tests make to it.
var stackCases = []stackCase{
	{
		stack: "dev", dualTunnel: false, healthCheck: false, protect: false, alarms: false,
		workloadCIDR: "10.20.0.0/16", overlapCIDR: "10.20.128.0/17",
		overlapEdit: [2]string{"cidr: 10.21.0.0/16", "cidr: 10.20.0.0/16"},
		edits: []string{
			// updated in place
			"    peeringSubnetMask: 255.255.255.252\n", "    peeringSubnetMask: 255.255.255.252\n    bandwidthMbps: 50\n",
			"enableBfd: false", "enableBfd: true",
			// replaced
			"bandwidthMbps: 10\n", "bandwidthMbps: 100\n",
			"customerGatewayIp: 203.0.113.68", "customerGatewayIp: 203.0.113.69",
		},
		vbrBandwidth: 50, vpnBandwidth: 100, bfd: true,
	},
	{
		stack: "prod", dualTunnel: true, healthCheck: true, protect: true, alarms: true,
		workloadCIDR: "192.168.0.0/16", overlapCIDR: "192.168.128.0/17",
		overlapEdit: [2]string{"cidr: 10.0.0.0/16", "cidr: 192.168.0.0/16"},
		edits: []string{
			"bandwidthMbps: 1000\n", "bandwidthMbps: 500\n",
			// BFD off takes its timers with it (timers without BFD are refused).
			"enableBfd: true\n    # Detection in 600 ms (200 ms × 3): failover under a second.\n    bfd:\n      minTxIntervalMs: 200\n      minRxIntervalMs: 200\n      detectMultiplier: 3\n", "enableBfd: false\n",
			"bandwidthMbps: 100\n", "bandwidthMbps: 200\n",
			"customerGatewayIp: 203.0.113.68", "customerGatewayIp: 203.0.113.69",
		},
		vbrBandwidth: 500, vpnBandwidth: 200, bfd: false,
	},
}

type stackCase struct {
	stack                            string
	dualTunnel, healthCheck, protect bool
	// alarms: hybridlink:alarms is on.
	alarms bool
	// workloadCIDR is the workload VPC's block; overlapCIDR one inside it,
	// for a VPC the policy must reject.
	workloadCIDR, overlapCIDR string
	// overlapEdit moves the transit VPC onto the workload VPC's block.
	overlapEdit [2]string
	// edits are old/new pairs for the stack file: the VBR's bandwidth
	// and the BGP peer's BFD (updated in place), the VPN gateway's
	// bandwidth and the customer gateway's IP (force-new: replaced).
	edits                      []string
	vbrBandwidth, vpnBandwidth int64
	bfd                        bool
}

// The resources the design deploys, by type, for a stack with n IDC
// prefixes (2 VPCs with 2 vSwitches each).
func wantCloud(c stackCase, n int) map[tokens.Type]int {
	want := map[tokens.Type]int{
		inventory.VPC: 2, inventory.VSwitch: 4,
		inventory.VBR: 1, inventory.BGPGroup: 1, inventory.BGPPeer: 1,
		inventory.VPNGateway: 1, inventory.CustomerGateway: 1, inventory.VPNConnection: 1, inventory.VPNRouteEntry: n,
		inventory.CEN: 1, inventory.TransitRouter: 1,
		inventory.TRVPCAttachment: 2, inventory.TRVBRAttachment: 1,
		inventory.TRAssociation: 3, inventory.TRPropagation: 3,
		inventory.CENRouteEntry: n,
	}
	if c.healthCheck {
		want[inventory.VBRHealthCheck] = 1
	}
	if c.alarms {
		want[inventory.AlarmContactGroup], want[inventory.Alarm], want[inventory.EventRule] = 1, 2, 1
	}
	return want
}

// stateOnly is what the engine's state holds besides the cloud's
// resources: the stack, the default provider and the components.
func stateOnly(c stackCase) map[tokens.Type]int {
	m := maps.Clone(stateAlways)
	if c.alarms {
		m["hybridlink:index:StandbyMonitoring"] = 1
	}
	return m
}

var stateAlways = map[tokens.Type]int{
	"pulumi:pulumi:Stack":                1,
	inventory.Provider:                   1,
	"hybridlink:index:HybridConnection":  1,
	"hybridlink:index:ExpressConnectLeg": 1,
	"hybridlink:index:VpnStandbyLeg":     1,
	"hybridlink:index:CenHub":            1,
}

// protectedTypes are the resources of the Express Connect leg and the CEN
// hub, which `protect: true` protects.
var protectedTypes = []tokens.Type{
	inventory.VBR, inventory.BGPGroup, inventory.BGPPeer,
	inventory.CEN, inventory.TransitRouter, inventory.TRVPCAttachment, inventory.TRVBRAttachment,
	inventory.TRAssociation, inventory.TRPropagation, inventory.CENRouteEntry, inventory.VBRHealthCheck,
	"hybridlink:index:ExpressConnectLeg", "hybridlink:index:CenHub",
}

// TestEndToEnd runs each committed stack through the real engine, the
// policy pack and the local cloud: a first preview with mistakes the
// policy must stop, up, a second up without changes, mistakes again on the
// deployed stack, in-place updates and replacements, the secrecy of the
// pre-shared key throughout, and destroy.
func TestEndToEnd(t *testing.T) {
	skipShort(t)
	for _, c := range stackCases {
		t.Run(c.stack, func(t *testing.T) {
			t.Parallel()
			(&lifecycle{stackCase: c}).run(t)
		})
	}
}

type lifecycle struct {
	stackCase
	dir       string
	cfg       stackConfig
	file      []byte // the stack file as the test last wrote it
	b         *box
	deployed  []inventory.Resource // the cloud after the first up
	outputs   map[string]any
	plaintext map[string]string // secrets that must never show, by what they are
}

func (l *lifecycle) run(t *testing.T) {
	l.dir = copyProject(t)
	l.cfg = readConfig(t, l.dir, l.stack)
	var err error
	if l.file, err = os.ReadFile(stackFile(l.dir, l.stack)); err != nil {
		t.Fatal(err)
	}
	l.b = openBox(t, l.dir, l.stack)
	l.plaintext = map[string]string{}
	if l.cfg.VPNPSK != "" {
		l.plaintext["the stack's vpnPsk"] = l.cfg.VPNPSK
	}
	if l.cfg.BGPAuthKey != "" {
		l.plaintext["the stack's bgpAuthKey"] = l.cfg.BGPAuthKey
	}
	if l.protect != l.cfg.Protect || l.healthCheck != l.cfg.VBRHealthCheck || l.dualTunnel != l.cfg.VPN.DualTunnel {
		t.Fatalf("%s: the stack file no longer matches the test's case (protect %v, vbrHealthCheck %v, dualTunnel %v)",
			l.stack, l.cfg.Protect, l.cfg.VBRHealthCheck, l.cfg.VPN.DualTunnel)
	}
	steps := []struct {
		name string
		fn   func(*testing.T)
	}{
		{"policy-stops-bad-changes-to-new-stack", l.badChangesFresh},
		{"up", l.up},
		{"second-up-changes-nothing", l.upAgain},
		{"policy-stops-bad-changes-to-deployed-stack", l.badChangesDeployed},
		{"config-overlap-fails-before-any-resource", l.configOverlap},
		{"update-in-place-and-replace", l.changes},
		{"no-plaintext-secrets", l.noPlaintextSecrets},
		{"destroy", l.destroy},
	}
	for _, s := range steps {
		// Every step after up leaves the stack deployed (or destroyed) even
		// when its checks fail, so only a failed up stops the rest.
		if !t.Run(s.name, s.fn) && l.deployed == nil && s.name == "up" {
			t.Fatalf("%s: up failed; the later steps need the deployed stack", l.stack)
		}
	}
}

// overlappingVPC is the stack's program plus a VPC inside the workload
// VPC's block: a mistake only the policy pack sees (the stack config is
// valid).
func (l *lifecycle) overlappingVPC(ctx *pulumi.Context) error {
	if err := stacks.Program(ctx); err != nil {
		return err
	}
	_, err := vpc.NewNetwork(ctx, "overlapping-vpc", &vpc.NetworkArgs{
		VpcName:   pulumi.String("overlapping-vpc"),
		CidrBlock: pulumi.String(l.overlapCIDR),
	})
	return err
}

// secondActiveRoute is the stack's program plus a second weight-100 route
// to the first IDC prefix on the same VPN gateway and connection: the
// arguments are those of the component's own route (captured by a stack
// transformation), so the gateway and connection are referenced exactly as
// the component references them — by unknown ID and dependency at the first
// preview, by ID afterwards.
func secondActiveRoute(ctx *pulumi.Context) error {
	var route *vpn.RouteEntryArgs
	err := ctx.RegisterStackTransformation(func(a *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
		if args, ok := a.Props.(*vpn.RouteEntryArgs); ok && route == nil && a.Type == string(inventory.VPNRouteEntry) {
			copied := *args
			route = &copied
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := stacks.Program(ctx); err != nil {
		return err
	}
	if route == nil {
		return fmt.Errorf("the program registered no VPN route to duplicate")
	}
	_, err = vpn.NewRouteEntry(ctx, "second-active-route", route)
	return err
}

// policyCase is a program mutation and what the policy pack must say.
type policyCase struct {
	name    string
	program pulumi.RunFunc
	policy  string
	// target matches the resource the violation is reported against, as
	// the engine prints it: (<type>: <name>).
	target string
	// message holds fragments of the violation's message.
	message []string
}

func (l *lifecycle) policyCases() []policyCase {
	idc := l.cfg.IDCPrefixes[0]
	return []policyCase{
		{"overlapping-vpc", l.overlappingVPC, "cidr-no-overlap", `alicloud:vpc:Network: overlapping-vpc`,
			[]string{"overlapping-vpc " + l.overlapCIDR + " overlaps", l.cfg.WorkloadVPCs[0].Name + " " + l.workloadCIDR, "needs its own block"}},
		// Which of the two routes is reported depends on the order the
		// engine registered them in, which the program leaves open.
		{"second-weight-100-route", secondActiveRoute, "vpn-route-single-weight-100",
			`alicloud:vpn:RouteEntry: (second-active-route|` + stacks.ComponentName + `-vpn-route-[0-9-]+)`,
			[]string{"VPN route second-active-route", "VPN route " + stacks.ComponentName + "-vpn-route-", "both route " + idc, "with weight 100"}},
	}
}

// expectPolicyFailure checks that op failed on the policy's mandatory
// violation, reported against the offending resource.
func (l *lifecycle) expectPolicyFailure(t *testing.T, what string, pc policyCase, r opResult) {
	t.Helper()
	if r.err == nil {
		t.Fatalf("%s %s with %s succeeded; want it to fail on policy %s\nengine output:\n%s", l.stack, what, pc.name, pc.policy, r.output)
	}
	var missing []string
	line := regexp.MustCompile(`\[mandatory\].*\s` + regexp.QuoteMeta(pc.policy) + `\s+\(` + pc.target + `\)`)
	if !line.MatchString(r.output) {
		missing = append(missing, fmt.Sprintf("a mandatory violation of %s reported against (%s)", pc.policy, pc.target))
	}
	for _, m := range pc.message {
		if !strings.Contains(r.output, m) {
			missing = append(missing, fmt.Sprintf("the message fragment %q", m))
		}
	}
	if len(missing) > 0 {
		t.Errorf("%s %s with %s failed, but not on policy %s: the engine output lacks %s.\nIts errors:\n%s\nengine output:\n%s",
			l.stack, what, pc.name, pc.policy, strings.Join(missing, ", "), errorLines(r.output), r.output)
	}
	// And the operator is told why and what to do.
	var f *sandbox.Failure
	if assert.ErrorAs(t, r.err, &f, "%s %s with %s", l.stack, what, pc.name) {
		assert.True(t, strings.HasPrefix(f.Cause, "the policy pack found a mandatory violation"), "%s %s with %s: the cause given is %q", l.stack, what, pc.name, f.Cause)
		assert.Contains(t, f.Next, "policy/README.md")
	}
}

// errorLines picks the error lines out of the engine's output.
func errorLines(output string) string {
	var out []string
	for _, line := range strings.Split(output, "\n") {
		if strings.Contains(line, "error:") && !slices.Contains(out, strings.TrimSpace(line)) {
			out = append(out, strings.TrimSpace(line))
		}
	}
	return "  " + strings.Join(out, "\n  ")
}

func (l *lifecycle) badChangesFresh(t *testing.T) {
	for _, pc := range l.policyCases() {
		l.b.withProgram(pc.program, func() {
			l.expectPolicyFailure(t, "first preview", pc, l.b.preview())
			l.expectPolicyFailure(t, "first up", pc, l.b.up())
		})
		if rs := l.b.snapshot(); len(rs) != 0 {
			t.Errorf("%s: the failed preview and up with %s created resources in the local cloud:\n%s", l.stack, pc.name, describeCloud(rs))
		}
		if st := l.b.export(); len(st.resources) != 0 {
			t.Errorf("%s: the failed preview and up with %s left resources in the state: %v", l.stack, pc.name, st.urns())
		}
	}
}

func (l *lifecycle) up(t *testing.T) {
	r := l.b.up()
	l.b.mustSucceed("up", r)
	st := l.b.export()
	cloud := l.b.snapshot()
	l.deployed = cloud
	want := wantCloud(l.stackCase, len(l.cfg.IDCPrefixes))
	// The summary counts everything but the default provider.
	total := -stateAlways[inventory.Provider]
	for _, n := range want {
		total += n
	}
	for _, n := range stateOnly(l.stackCase) {
		total += n
	}
	if got := r.summary[apitype.OpCreate]; got != total || len(r.summary) != 1 {
		t.Errorf("%s up: summary %v, want %d creates only", l.stack, r.summary, total)
	}

	// The state: the design's resources, the stack, provider and components.
	wantState := maps.Clone(want)
	maps.Copy(wantState, stateOnly(l.stackCase))
	if got := countTypes(st.resources, func(r apitype.ResourceV3) tokens.Type { return r.Type }); !maps.Equal(got, wantState) {
		t.Errorf("%s: the state's resources by type:\n%s", l.stack, diffCounts(got, wantState))
	}
	// The cloud: the same resources, plus the transit router's system
	// route table, which the cloud creates with the router.
	wantLive := maps.Clone(want)
	wantLive[trRouteTable] = want[inventory.TransitRouter]
	if got := countTypes(cloud, func(r inventory.Resource) tokens.Type { return r.Type }); !maps.Equal(got, wantLive) {
		t.Errorf("%s: the local cloud's resources by type:\n%s", l.stack, diffCounts(got, wantLive))
	}
	// Each resource of the state is the cloud's object of that URN, ID and type.
	for _, s := range st.custom() {
		live, ok := byURN(cloud, s.URN)
		switch {
		case !ok:
			t.Errorf("%s: %s (%s) is in the state but not in the local cloud", l.stack, s.URN, s.ID)
		case live.ID != s.ID || live.Type != s.Type:
			t.Errorf("%s: %s is %s %s in the state but %s %s in the local cloud", l.stack, s.URN, s.Type, s.ID, live.Type, live.ID)
		}
	}
	if n, m := len(st.custom()), len(managed(cloud)); n != m {
		t.Errorf("%s: %d resources in the state, %d managed ones in the local cloud", l.stack, n, m)
	}
	// Protection: prod protects the Express Connect leg and the hub.
	for _, s := range st.resources {
		if want := l.protect && slices.Contains(protectedTypes, s.Type); s.Protect != want {
			t.Errorf("%s: %s protect = %v, want %v", l.stack, s.URN, s.Protect, want)
		}
	}

	l.outputs = map[string]any{}
	for k, v := range r.outputs {
		l.outputs[k] = v.Value
	}
	l.checkOutputs(t, cloud)
	l.collectPSKs(t, cloud)
	// The BGP MD5 key reached the cloud (and must not show anywhere else).
	if groups := ofType(cloud, inventory.BGPGroup); len(groups) == 1 {
		if got, _ := groups[0].String("authKey"); got != l.cfg.BGPAuthKey {
			t.Errorf("%s: the BGP group's authKey is not the stack's bgpAuthKey (set: %v)", l.stack, got != "")
		}
	}
	l.checkFile(t)
}

func countTypes[R any](rs []R, typ func(R) tokens.Type) map[tokens.Type]int {
	out := map[tokens.Type]int{}
	for _, r := range rs {
		out[typ(r)]++
	}
	return out
}

func diffCounts(got, want map[tokens.Type]int) string {
	keys := map[tokens.Type]bool{}
	for k := range got {
		keys[k] = true
	}
	for k := range want {
		keys[k] = true
	}
	var lines []string
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		mark := "  "
		if got[k] != want[k] {
			mark = "! "
		}
		lines = append(lines, fmt.Sprintf("%s%s: got %d, want %d", mark, k, got[k], want[k]))
	}
	return strings.Join(lines, "\n")
}

// ID formats of the API: regional IDs carry the region's code (bp1 for
// cn-hangzhou) and 18 characters; CEN instances and attachments have no
// region code.
func regionalID(prefix string) *regexp.Regexp {
	return regexp.MustCompile(`^` + prefix + `-bp1[a-z0-9]{18}$`)
}

func globalID(prefix string) *regexp.Regexp {
	return regexp.MustCompile(`^` + prefix + `-[a-z0-9]{18}$`)
}

// checkOutputs checks every exported output: present, in the API's
// format, and naming the object the local cloud holds.
func (l *lifecycle) checkOutputs(t *testing.T, cloud []inventory.Resource) {
	t.Helper()
	if l.cfg.Region != "cn-hangzhou" {
		t.Fatalf("%s: region %s; the ID formats below are cn-hangzhou's", l.stack, l.cfg.Region)
	}
	out := l.outputs
	get := func(path string) any {
		var v any = out
		for _, k := range strings.Split(path, ".") {
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		}
		return v
	}
	// live finds the cloud object of a type whose field (its ID when
	// field is "") is the output's value.
	live := func(path string, typ tokens.Type, field string) (inventory.Resource, bool) {
		v, _ := get(path).(string)
		for _, r := range ofType(cloud, typ) {
			got := string(r.ID)
			if field != "" {
				got, _ = r.String(field)
			}
			if got == v {
				return r, true
			}
		}
		t.Errorf("%s: output %s = %q names no %s in the local cloud", l.stack, path, v, typ)
		return inventory.Resource{}, false
	}
	type idOutput struct {
		path   string
		format *regexp.Regexp
		typ    tokens.Type
		field  string
	}
	ids := []idOutput{
		{"vpnGatewayId", regionalID("vpn"), inventory.VPNGateway, ""},
		{"vpnConnectionId", regionalID("vco"), inventory.VPNConnection, ""},
		{"customerGatewayId", regionalID("cgw"), inventory.CustomerGateway, ""},
		{"vbrId", regionalID("vbr"), inventory.VBR, ""},
		{"vbrRouteTableId", regionalID("vtb"), inventory.VBR, "routeTableId"},
		{"bgp.bgpGroupId", regionalID("bgpg"), inventory.BGPGroup, ""},
		{"bgp.bgpPeerId", regionalID("bgp"), inventory.BGPPeer, ""},
		{"cenId", globalID("cen"), inventory.CEN, ""},
		{"transitRouterId", regionalID("tr"), inventory.TransitRouter, "transitRouterId"},
		{"transitRouterRouteTableId", regionalID("vtb"), trRouteTable, "transitRouterRouteTableId"},
		{"vbrAttachmentId", globalID("tr-attach"), inventory.TRVBRAttachment, "transitRouterAttachmentId"},
	}
	for _, name := range l.cfg.vpcNames() {
		ids = append(ids,
			idOutput{"vpcIds." + name, regionalID("vpc"), inventory.VPC, ""},
			idOutput{"vpcRouteTableIds." + name, regionalID("vtb"), inventory.VPC, "routeTableId"},
			idOutput{"vpcAttachmentIds." + name, globalID("tr-attach"), inventory.TRVPCAttachment, "transitRouterAttachmentId"},
		)
	}
	for _, id := range ids {
		v, ok := get(id.path).(string)
		if !ok || !id.format.MatchString(v) {
			t.Errorf("%s: output %s = %#v, want an ID like %s", l.stack, id.path, get(id.path), id.format)
			continue
		}
		live(id.path, id.typ, id.field)
	}
	// The VPC outputs are keyed by exactly the configured VPC names.
	for _, m := range []string{"vpcIds", "vpcRouteTableIds", "vpcAttachmentIds"} {
		got, _ := get(m).(map[string]any)
		if keys, want := slices.Sorted(maps.Keys(got)), slices.Sorted(slices.Values(l.cfg.vpcNames())); !slices.Equal(keys, want) {
			t.Errorf("%s: output %s has keys %v, want %v", l.stack, m, keys, want)
		}
	}
	// The attachments and route tables name the right VPCs.
	for _, name := range l.cfg.vpcNames() {
		vpcID, _ := get("vpcIds." + name).(string)
		if att, ok := live("vpcAttachmentIds."+name, inventory.TRVPCAttachment, "transitRouterAttachmentId"); ok {
			if got, _ := att.String("vpcId"); got != vpcID {
				t.Errorf("%s: attachment %s attaches VPC %s, want %s's %s", l.stack, att.ID, got, name, vpcID)
			}
		}
		if v, ok := live("vpcIds."+name, inventory.VPC, ""); ok {
			if got, _ := v.String("routeTableId"); got != get("vpcRouteTableIds."+name) {
				t.Errorf("%s: VPC %s's route table is %s, output vpcRouteTableIds.%s = %v", l.stack, name, got, name, get("vpcRouteTableIds."+name))
			}
		}
	}

	// Public IPs: IPv4, and the gateway's. Only a dual-tunnel gateway
	// (prod) has a disaster-recovery IP.
	gw, _ := live("vpnGatewayId", inventory.VPNGateway, "")
	ipOutputs := map[string]string{"vpnInternetIp": "internetIp"}
	if l.dualTunnel {
		ipOutputs["vpnDisasterRecoveryInternetIp"] = "disasterRecoveryInternetIp"
	} else if v, ok := out["vpnDisasterRecoveryInternetIp"]; ok {
		t.Errorf("%s: single-tunnel stack exports vpnDisasterRecoveryInternetIp = %v; want no such output", l.stack, v)
	}
	for name, field := range ipOutputs {
		v, _ := out[name].(string)
		a, err := netip.ParseAddr(v)
		if err != nil || !a.Is4() {
			t.Errorf("%s: output %s = %#v, want an IPv4 address", l.stack, name, out[name])
		}
		if want, _ := gw.String(field); v != want {
			t.Errorf("%s: output %s = %q, the gateway's %s is %q", l.stack, name, v, field, want)
		}
	}
	if l.dualTunnel && out["vpnInternetIp"] == out["vpnDisasterRecoveryInternetIp"] {
		t.Errorf("%s: both tunnels have public IP %v", l.stack, out["vpnInternetIp"])
	}

	// The BGP map: the peering plan and ASNs of the stack file.
	ec := l.cfg.EC
	wantBGP := map[string]any{
		"vlanId":           float64(ec.VLANID),
		"alibabaPeeringIp": ec.LocalGatewayIP,
		"onPremPeeringIp":  ec.PeerGatewayIP,
		"peeringSubnet":    l.cfg.peeringSubnet(t).String(),
		"alibabaAsn":       float64(ec.LocalASN),
		"onPremAsn":        float64(ec.PeerASN),
	}
	for k, want := range wantBGP {
		if got := get("bgp." + k); got != want {
			t.Errorf("%s: output bgp.%s = %#v, want %#v (from the stack file)", l.stack, k, got, want)
		}
	}
	if peer, ok := live("bgp.bgpPeerId", inventory.BGPPeer, ""); ok {
		if got, _ := peer.String("peerIpAddress"); got != ec.PeerGatewayIP {
			t.Errorf("%s: the BGP peer's IP is %s, want the on-premises peering IP %s", l.stack, got, ec.PeerGatewayIP)
		}
		if got, _ := peer.String("bgpGroupId"); got != get("bgp.bgpGroupId") {
			t.Errorf("%s: the BGP peer is in group %s, output bgp.bgpGroupId = %v", l.stack, got, get("bgp.bgpGroupId"))
		}
	}
	if group, ok := live("bgp.bgpGroupId", inventory.BGPGroup, ""); ok {
		if got, _ := group.Int("peerAsn"); got != ec.PeerASN {
			t.Errorf("%s: the BGP group's peer AS is %d, want %d", l.stack, got, ec.PeerASN)
		}
		if got, _ := group.String("routerId"); got != get("vbrId") {
			t.Errorf("%s: the BGP group runs on %s, output vbrId = %v", l.stack, got, get("vbrId"))
		}
	}
	var prefixes []string
	if list, ok := out["idcPrefixes"].([]any); ok {
		for _, p := range list {
			s, _ := p.(string)
			prefixes = append(prefixes, s)
		}
	}
	if !slices.Equal(prefixes, l.cfg.IDCPrefixes) {
		t.Errorf("%s: output idcPrefixes = %#v, want %v", l.stack, out["idcPrefixes"], l.cfg.IDCPrefixes)
	}
}

// checkFile fails when the engine rewrote the project's stack file.
func (l *lifecycle) checkFile(t *testing.T) {
	t.Helper()
	got, err := os.ReadFile(stackFile(l.dir, l.stack))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(l.file) {
		t.Errorf("%s: the engine rewrote the stack file:\n--- want\n%s\n--- got\n%s", l.stack, l.file, got)
	}
}

func (l *lifecycle) writeFile(t *testing.T, content []byte) {
	t.Helper()
	if err := os.WriteFile(stackFile(l.dir, l.stack), content, 0o644); err != nil {
		t.Fatal(err)
	}
	l.file = content
}

func (l *lifecycle) upAgain(t *testing.T) {
	r := l.b.up(optup.ExpectNoChanges())
	l.b.mustSucceed("second up (--expect-no-changes)", r)
	n := 0
	for _, k := range r.summary {
		n += k
	}
	if r.summary[apitype.OpSame] != n || n == 0 {
		t.Errorf("%s: second up summary %v, want only unchanged resources", l.stack, r.summary)
	}
	for urn, ops := range r.ops() {
		if slices.ContainsFunc(ops, func(op apitype.OpType) bool { return op != apitype.OpSame }) {
			t.Errorf("%s: second up: %s: %v, want same", l.stack, urn, ops)
		}
	}
	sameCloud(t, l.stack+" second up", l.deployed, l.b.snapshot())
	l.checkFile(t)
}

func (l *lifecycle) badChangesDeployed(t *testing.T) {
	for _, pc := range l.policyCases() {
		before, cloud := l.b.export(), l.b.snapshot()
		l.b.withProgram(pc.program, func() {
			l.expectPolicyFailure(t, "preview", pc, l.b.preview())
			// An up previews first and stops there (sandbox.Up): the
			// stack policies run only at the end of an operation.
			l.expectPolicyFailure(t, "up", pc, l.b.up())
		})
		sameCloud(t, l.stack+" "+pc.name, cloud, l.b.snapshot())
		sameState(t, l.stack+" "+pc.name, before, l.b.export())
	}
}

func (l *lifecycle) configOverlap(t *testing.T) {
	orig := l.file
	editFile(t, stackFile(l.dir, l.stack), l.overlapEdit[0], l.overlapEdit[1])
	defer l.writeFile(t, orig)
	before, cloud := l.b.export(), l.b.snapshot()
	want := []string{
		"stack " + l.stack + ":", "configuration problem(s), nothing was deployed",
		"hybridlink:transitVpc.cidr = " + l.workloadCIDR + ": overlaps hybridlink:workloadVpcs[0].cidr",
	}
	for name, r := range map[string]opResult{"preview": l.b.preview(), "up": l.b.up()} {
		if r.err == nil {
			t.Fatalf("%s %s with transitVpc.cidr = %s succeeded; want the configuration error\n%s", l.stack, name, l.workloadCIDR, r.output)
		}
		for _, w := range want {
			if !strings.Contains(r.output, w) {
				t.Errorf("%s %s: the engine output lacks %q:\n%s", l.stack, name, w, r.output)
			}
		}
	}
	sameCloud(t, l.stack+" config overlap", cloud, l.b.snapshot())
	sameState(t, l.stack+" config overlap", before, l.b.export())
}

func (l *lifecycle) changes(t *testing.T) {
	st := l.b.export()
	urnOf := func(typ tokens.Type) resource.URN {
		rs := st.byType(typ)
		if len(rs) != 1 {
			t.Fatalf("%s: %d %s in the state, want 1", l.stack, len(rs), typ)
		}
		return rs[0].URN
	}
	updated := map[resource.URN]tokens.Type{urnOf(inventory.VBR): inventory.VBR, urnOf(inventory.BGPPeer): inventory.BGPPeer}
	// The gateway and customer gateway change force-new properties; the
	// connection and the route reference them by force-new properties.
	replaced := map[resource.URN]tokens.Type{}
	for _, typ := range []tokens.Type{inventory.VPNGateway, inventory.CustomerGateway, inventory.VPNConnection, inventory.VPNRouteEntry} {
		for _, r := range st.byType(typ) {
			replaced[r.URN] = typ
		}
	}
	before := l.b.snapshot()
	l.collectPSKs(t, before)

	editFile(t, stackFile(l.dir, l.stack), l.edits...)
	l.file, _ = os.ReadFile(stackFile(l.dir, l.stack))

	checkOps := func(what string, r opResult) {
		t.Helper()
		want := map[apitype.OpType]int{apitype.OpSame: summarized(st) - len(updated) - len(replaced),
			apitype.OpUpdate: len(updated), apitype.OpReplace: len(replaced)}
		if !maps.Equal(r.summary, want) {
			t.Errorf("%s %s: change summary %v, want %v", l.stack, what, r.summary, want)
		}
		ops := r.ops()
		for urn, got := range ops {
			if replaced[urn] != "" {
				continue
			}
			want := []apitype.OpType{apitype.OpSame}
			if updated[urn] != "" {
				want = []apitype.OpType{apitype.OpUpdate}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s %s: %s: %v, want %v", l.stack, what, urn, got, want)
			}
		}
		for urn := range updated {
			if _, ok := ops[urn]; !ok {
				t.Errorf("%s %s: no step for %s, want an update", l.stack, what, urn)
			}
		}
		for urn := range replaced {
			if !slices.Contains(ops[urn], apitype.OpReplace) {
				t.Errorf("%s %s: %s: %v, want a replacement", l.stack, what, urn, ops[urn])
			}
		}
	}
	// The preview with diffs, as the pull-request check runs it.
	p := l.b.preview(optpreview.Diff())
	l.b.mustSucceed("preview of the changes", p)
	checkOps("preview", p)
	r := l.b.up()
	l.b.mustSucceed("up of the changes", r)
	checkOps("up", r)

	after := l.b.snapshot()
	l.collectPSKs(t, after)
	for urn, typ := range updated {
		old, _ := byURN(before, urn)
		now, ok := byURN(after, urn)
		if !ok || now.ID != old.ID {
			t.Errorf("%s: updated %s: ID %s before, %s after; an update keeps the object", l.stack, typ, old.ID, now.ID)
		}
	}
	for urn, typ := range replaced {
		old, _ := byURN(before, urn)
		now, ok := byURN(after, urn)
		if !ok || now.ID == old.ID {
			t.Errorf("%s: replaced %s: ID %s before, %s after; a replacement is a new object", l.stack, typ, old.ID, now.ID)
		}
		if _, still := byID(after, typ, old.ID); still {
			t.Errorf("%s: replaced %s %s is still in the local cloud", l.stack, typ, old.ID)
		}
	}
	// The new values reached the cloud.
	vbr, _ := byURN(after, urnOf(inventory.VBR))
	if got, _ := vbr.Int("bandwidth"); got != l.vbrBandwidth {
		t.Errorf("%s: VBR bandwidth %d after the update, want %d", l.stack, got, l.vbrBandwidth)
	}
	peer, _ := byURN(after, urnOf(inventory.BGPPeer))
	if got, _ := peer.Bool("enableBfd"); got != l.bfd {
		t.Errorf("%s: BGP peer enableBfd %v after the update, want %v", l.stack, got, l.bfd)
	}
	gw, _ := byURN(after, urnOf(inventory.VPNGateway))
	if got, _ := gw.Int("bandwidth"); got != l.vpnBandwidth {
		t.Errorf("%s: VPN gateway bandwidth %d after the replacement, want %d", l.stack, got, l.vpnBandwidth)
	}
	cgw, _ := byURN(after, urnOf(inventory.CustomerGateway))
	if got, _ := cgw.String("ipAddress"); got != "203.0.113.69" {
		t.Errorf("%s: customer gateway IP %s after the replacement, want 203.0.113.69", l.stack, got)
	}
	conn, _ := byURN(after, urnOf(inventory.VPNConnection))
	if got, _ := conn.String("vpnGatewayId"); got != string(gw.ID) {
		t.Errorf("%s: the new connection is on gateway %s, want the new gateway %s", l.stack, got, gw.ID)
	}
	if n := len(managed(after)); n != len(managed(before)) {
		t.Errorf("%s: %d managed resources in the local cloud after the changes, %d before", l.stack, n, len(managed(before)))
	}
	// The stack converged.
	again := l.b.preview()
	l.b.mustSucceed("preview after the changes", again)
	if again.summary[apitype.OpSame] != summarized(st) || len(again.summary) != 1 {
		t.Errorf("%s: preview after the changes: %v, want %d unchanged", l.stack, again.summary, summarized(st))
	}
	l.checkFile(t)
}

// summarized is the number of resources a change summary counts: all but
// the default provider.
func summarized(st state) int {
	return len(st.resources) - len(st.byType(inventory.Provider))
}

// collectPSKs adds the pre-shared keys the local cloud holds (it generates
// one when the stack gives none) to the secrets that must not show.
func (l *lifecycle) collectPSKs(t *testing.T, cloud []inventory.Resource) {
	t.Helper()
	conns := ofType(cloud, inventory.VPNConnection)
	if len(conns) != 1 {
		t.Fatalf("%s: %d VPN connections in the local cloud, want 1", l.stack, len(conns))
	}
	c := conns[0]
	var paths []string
	if l.dualTunnel {
		for i := range c.Len("tunnelOptionsSpecifications") {
			paths = append(paths, fmt.Sprintf("tunnelOptionsSpecifications[%d].tunnelIkeConfig.psk", i))
		}
	} else {
		paths = append(paths, "ikeConfig.psk")
	}
	for _, p := range paths {
		psk, ok := c.String(p)
		if !ok || len(psk) < 8 {
			t.Fatalf("%s: connection %s has no pre-shared key at %s in the local cloud (%q)", l.stack, c.ID, p, psk)
		}
		if l.cfg.VPNPSK != "" && psk != l.cfg.VPNPSK {
			t.Errorf("%s: connection %s %s is not the stack's vpnPsk", l.stack, c.ID, p)
		}
		l.plaintext[fmt.Sprintf("the PSK of connection %s (%s)", c.ID, p)] = psk
	}
}

// noPlaintextSecrets checks every place the engine writes to: the state
// as stored (`pulumi stack export`, and every file of the file backend), the
// stack outputs as `pulumi stack output` shows them, the engine's progress
// output and events of every operation so far. The Automation API's
// Stack.Export and Stack.Outputs decrypt secrets (--show-secrets), so they
// are checked for what they must be instead: outputs that hold a secret are
// secret outputs.
func (l *lifecycle) noPlaintextSecrets(t *testing.T) {
	if len(l.plaintext) == 0 {
		t.Fatalf("%s: no secrets collected", l.stack)
	}
	if l.stack == "prod" && (l.cfg.VPNPSK == "" || l.cfg.BGPAuthKey == "") {
		t.Fatalf("prod: the stack file has no vpnPsk or bgpAuthKey secret to check")
	}
	where := map[string]string{
		"`pulumi stack export`":                  l.b.pulumi("stack", "export"),
		"`pulumi stack output --json`":           l.b.pulumi("stack", "output", "--json"),
		"the engine's output of every operation": l.b.out.String(),
		"the engine's events":                    l.events(t),
	}
	for name, content := range l.b.backendFiles() {
		where["the backend's "+name] = content
	}
	for _, name := range sortedKeys(l.plaintext) {
		secret := l.plaintext[name]
		for _, w := range sortedKeys(where) {
			if strings.Contains(where[w], secret) {
				t.Errorf("%s: %s appears in plaintext in %s", l.stack, name, w)
			}
		}
	}
	// Outputs that carry a secret (the pre-shared key, the rendered
	// on-premises configuration) are secret outputs.
	outs := l.b.outputs()
	for _, k := range sortedKeys(outs) {
		b, err := json.Marshal(outs[k].Value)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range sortedKeys(l.plaintext) {
			if strings.Contains(string(b), l.plaintext[name]) && !outs[k].Secret {
				t.Errorf("%s: output %s holds %s but is not a secret output", l.stack, k, name)
			}
		}
	}
	// The keys are in the state, encrypted: the connection's IKE settings
	// are secret values.
	var untyped apitype.UntypedDeployment
	var dep apitype.DeploymentV3
	if err := json.Unmarshal([]byte(where["`pulumi stack export`"]), &untyped); err != nil {
		t.Fatalf("%s: pulumi stack export: %v", l.stack, err)
	}
	if err := json.Unmarshal(untyped.Deployment, &dep); err != nil {
		t.Fatalf("%s: pulumi stack export: %v", l.stack, err)
	}
	key := "ikeConfig"
	if l.dualTunnel {
		key = "tunnelOptionsSpecifications"
	}
	found := false
	for _, r := range dep.Resources {
		if r.Type != inventory.VPNConnection {
			continue
		}
		found = true
		if v, ok := r.Outputs[key].(map[string]any); !ok || v[resource.SigKey] != resource.SecretSig || v["ciphertext"] == nil {
			t.Errorf("%s: the connection's %s is not an encrypted secret in the state: %#v", l.stack, key, r.Outputs[key])
		}
	}
	if !found {
		t.Errorf("%s: no VPN connection in the exported state", l.stack)
	}
}

// events is every engine event of the operations so far, as JSON.
func (l *lifecycle) events(t *testing.T) string {
	b, err := json.Marshal(l.b.events)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (l *lifecycle) destroy(t *testing.T) {
	if l.protect {
		before, cloud := l.b.export(), l.b.snapshot()
		var protected []apitype.ResourceV3
		for _, r := range before.resources {
			if r.Protect {
				protected = append(protected, r)
			}
		}
		if len(protected) == 0 {
			t.Fatalf("%s: no protected resources in the state", l.stack)
		}
		r := l.b.destroy(false)
		if r.err == nil {
			t.Fatalf("%s: destroy without unprotecting succeeded; want it to refuse the protected resources\n%s", l.stack, r.output)
		}
		if !strings.Contains(r.output, "because it is protected") {
			t.Errorf("%s: the failed destroy does not say a resource is protected:\n%s", l.stack, r.output)
		}
		after, now := l.b.export(), l.b.snapshot()
		for _, p := range protected {
			if !slices.Contains(after.urns(), string(p.URN)) {
				t.Errorf("%s: destroy without unprotecting removed protected %s from the state", l.stack, p.URN)
			}
			if p.Custom {
				if live, ok := byURN(now, p.URN); !ok || live.ID != p.ID {
					t.Errorf("%s: destroy without unprotecting deleted protected %s (%s) from the local cloud", l.stack, p.URN, p.ID)
				}
			}
		}
		// Whatever it deleted, it deleted from both.
		for _, c := range cloud {
			if _, ok := byURN(now, c.URN); !ok && c.Type != trRouteTable && slices.Contains(after.urns(), string(c.URN)) {
				t.Errorf("%s: %s is gone from the local cloud but still in the state", l.stack, c.URN)
			}
		}
		t.Logf("%s: destroy without unprotecting left %d of %d resources in the state", l.stack, len(after.resources), len(before.resources))
	}
	r := l.b.destroy(l.protect)
	l.b.mustSucceed("destroy", r)
	if st := l.b.export(); len(st.resources) != 0 {
		t.Errorf("%s: the state holds %d resources after destroy: %v", l.stack, len(st.resources), st.urns())
	}
	if rs := l.b.snapshot(); len(rs) != 0 {
		t.Errorf("%s: the local cloud holds %d resources after destroy:\n%s", l.stack, len(rs), describeCloud(rs))
	}
	if r.summary[apitype.OpDelete] == 0 {
		t.Errorf("%s: destroy summary %v, want deletes", l.stack, r.summary)
	}
	l.checkFile(t)
}

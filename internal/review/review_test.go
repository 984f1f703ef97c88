package review

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/sig"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/drill"
	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/routemodel"
)

func urn(typ, name string) string {
	return "urn:pulumi:prod::hybridlink::hybridlink:index:HybridConnection$" + typ + "::" + name
}

// step is an engine event of a resource step.
func step(op apitype.OpType, typ, name string, old, new map[string]any, diff map[string]apitype.DiffKind) apitype.EngineEvent {
	md := apitype.StepEventMetadata{Op: op, URN: urn(typ, name), Type: typ}
	if old != nil {
		md.Old = &apitype.StepEventStateMetadata{Custom: true, Inputs: old}
	}
	if new != nil {
		md.New = &apitype.StepEventStateMetadata{Custom: true, Inputs: new}
	}
	if diff != nil {
		md.DetailedDiff = map[string]apitype.PropertyDiff{}
		for k, v := range diff {
			md.DetailedDiff[k] = apitype.PropertyDiff{Kind: v, InputDiff: true}
		}
	}
	return apitype.EngineEvent{ResourcePreEvent: &apitype.ResourcePreEvent{Metadata: md}}
}

func TestChangesFromEvents(t *testing.T) {
	vbr, att, route := string(inventory.VBR), string(inventory.TRVBRAttachment), string(inventory.VPNRouteEntry)
	events := []apitype.EngineEvent{
		step(apitype.OpSame, vbr, "same", map[string]any{"a": 1.0}, map[string]any{"a": 1.0}, nil),
		step(apitype.OpUpdate, vbr, "vbr",
			map[string]any{"minTxInterval": 200.0, "tags": map[string]any{"environment": "prod"}},
			map[string]any{"minTxInterval": 300.0, "tags": map[string]any{"environment": "prod", "team": "net"}},
			map[string]apitype.DiffKind{"minTxInterval": apitype.DiffUpdate, "tags": apitype.DiffUpdate}),
		step(apitype.OpCreateReplacement, att, "att", nil, map[string]any{"vbrId": plugin.UnknownStringValue}, nil),
		step(apitype.OpReplace, att, "att", map[string]any{"vbrId": "vbr-1"}, map[string]any{"vbrId": plugin.UnknownStringValue},
			map[string]apitype.DiffKind{"vbrId": apitype.DiffUpdateReplace}),
		step(apitype.OpDeleteReplaced, att, "att", map[string]any{"vbrId": "vbr-1"}, nil, nil),
		step(apitype.OpCreate, route, "route", nil, map[string]any{"routeDest": "172.17.0.0/16", "psk": "hunter2hunter2", "__defaults": []any{},
			"authKey": map[string]any{sig.Key: sig.Secret, "ciphertext": "v1:abc"}}, nil),
		step(apitype.OpUpdate, "alicloud:vpn/connection:Connection", "conn",
			map[string]any{"ikeConfig": map[string]any{"psk": "[secret]"}}, map[string]any{"ikeConfig": map[string]any{"psk": "[secret]"}},
			map[string]apitype.DiffKind{"ikeConfig": apitype.DiffUpdate}),
		step(apitype.OpDelete, "pulumi:providers:alicloud", "default", map[string]any{}, nil, nil),
	}
	// A component's step is bookkeeping.
	comp := step(apitype.OpCreate, "hybridlink:index:CENHub", "hub", nil, map[string]any{}, nil)
	comp.ResourcePreEvent.Metadata.New.Custom = false
	events = append(events, comp)

	changes := changesOf(events, map[resource.URN]bool{resource.URN(urn(att, "att")): true}, newMasker([]string{"hunter2hunter2"}))
	require.Len(t, changes, 4)
	// Most disruptive first.
	assert.Equal(t, []Op{Replace, Create, Update, Update}, []Op{changes[0].Op, changes[1].Op, changes[2].Op, changes[3].Op})

	assert.Equal(t, "att", changes[0].Name())
	assert.True(t, changes[0].Protected)
	assert.Equal(t, "VBR attachment", changes[0].Kind())
	assert.Equal(t, []PropChange{{Path: "vbrId", Old: "vbr-1", New: unknownShown, Replaces: true}}, changes[0].Props)
	assert.False(t, changes[0].DeleteFirst, "created before the old one is deleted")

	assert.Equal(t, "VPN destination route", changes[1].Kind())
	assert.Equal(t, []PropChange{{Path: "authKey", New: "[secret]", Added: true}, {Path: "psk", New: "[secret]", Added: true}, {Path: "routeDest", New: "172.17.0.0/16", Added: true}},
		changes[1].Props, "a secret the engine serialized and a key passed in plaintext are masked; the engine's bookkeeping is left out")

	assert.Equal(t, "vbr", changes[2].Name())
	assert.Equal(t, []PropChange{
		{Path: "minTxInterval", Old: "200", New: "300"},
		{Path: "tags.team", New: "net", Added: true},
	}, changes[2].Props)
	assert.Equal(t, "~ update VBR vbr\n-     minTxInterval: 200\n+     minTxInterval: 300\n+     tags.team: net\n", changes[2].diffText())

	// A secret that changes shows as changed without a value.
	assert.Equal(t, []PropChange{{Path: "ikeConfig", Old: "[secret]", New: "[secret] (another value)"}}, changes[3].Props)
}

// A resource deleted before its replacement is created (deleteBeforeReplace)
// takes its dependents with it: the engine emits delete-replaced first, and
// a dependent's replace step names nothing — its create-replacement names
// the key that forces it, and the inputs show what else changes.
func TestDeleteFirstReplacement(t *testing.T) {
	gw, conn := string(inventory.VPNGateway), string(inventory.VPNConnection)
	keyed := func(e apitype.EngineEvent, keys ...string) apitype.EngineEvent {
		e.ResourcePreEvent.Metadata.Keys = keys
		return e
	}
	oldConn := map[string]any{"vpnGatewayId": "vpn-1", "ikeConfig": map[string]any{"ikeVersion": "ikev2"}, "__defaults": []any{}}
	newConn := map[string]any{"vpnGatewayId": plugin.UnknownStringValue, "tunnelOptionsSpecifications": []any{map[string]any{"role": "master"}}, "__defaults": []any{"x"}}
	events := []apitype.EngineEvent{
		step(apitype.OpDeleteReplaced, conn, "conn", oldConn, nil, nil),
		step(apitype.OpDeleteReplaced, gw, "gw", map[string]any{"disasterRecoveryVswitchId": ""}, nil, nil),
		keyed(step(apitype.OpReplace, gw, "gw", map[string]any{"disasterRecoveryVswitchId": ""}, map[string]any{"disasterRecoveryVswitchId": "vsw-2"},
			map[string]apitype.DiffKind{"disasterRecoveryVswitchId": apitype.DiffAddReplace}), "disasterRecoveryVswitchId"),
		step(apitype.OpReplace, conn, "conn", oldConn, newConn, nil),
		keyed(step(apitype.OpCreateReplacement, conn, "conn", oldConn, newConn, nil), "vpnGatewayId"),
	}
	changes := changesOf(events, nil, newMasker(nil))
	require.Len(t, changes, 2)
	assert.Equal(t, "conn", changes[0].Name())
	assert.True(t, changes[0].DeleteFirst)
	assert.Equal(t, []PropChange{
		{Path: "ikeConfig.ikeVersion", Old: "ikev2", Removed: true},
		{Path: "tunnelOptionsSpecifications[0].role", New: "master", Added: true},
		{Path: "vpnGatewayId", Old: "vpn-1", New: unknownShown, Replaces: true},
	}, changes[0].Props)
	assert.Equal(t, "ikeConfig, tunnelOptionsSpecifications, vpnGatewayId (forces replacement)", changes[0].what())
	assert.True(t, changes[1].DeleteFirst)
	assert.Equal(t, []PropChange{{Path: "disasterRecoveryVswitchId", Old: `""`, New: "vsw-2", Replaces: true}}, changes[1].Props)
	assert.True(t, strings.HasPrefix(changes[1].diffText(), "+- replace VPN gateway gw (deleted before its replacement is created)\n"), changes[1].diffText())

	base := Base{Resources: []apitype.ResourceV3{
		{URN: resource.URN(urn(gw, "gw")), Type: tokens.Type(gw)}, {URN: resource.URN(urn(conn, "conn")), Type: tokens.Type(conn)},
	}}
	breaks := breaksOf(changes, indexBase(base), nil)
	s := &Stack{Name: "dev", Status: Changed, Changes: changes, Breaks: breaks}
	assert.Contains(t, s.Warnings(), "IPsec connection conn would be deleted, then replaced: standby path down")
	assert.Contains(t, markdown(s.breakDocument(), false), "| `gw` | VPN gateway | replace, deleted first |")
}

func TestPolicyFromEvents(t *testing.T) {
	peer := urn(string(inventory.BGPPeer), "peer")
	group := urn(string(inventory.BGPGroup), "group")
	events := []apitype.EngineEvent{
		{PolicyAnalyzeSummaryEvent: &apitype.PolicyAnalyzeSummaryEvent{ResourceURN: peer, Passed: []string{"bgp-asn-valid"}, Failed: []string{"bgp-bfd-enabled"}}},
		{PolicyAnalyzeSummaryEvent: &apitype.PolicyAnalyzeSummaryEvent{ResourceURN: group, Passed: []string{"bgp-asn-valid", "bgp-bfd-enabled"}}},
		{PolicyAnalyzeStackSummaryEvent: &apitype.PolicyAnalyzeStackSummaryEvent{Passed: []string{"cidr-no-overlap"}, Failed: []string{"standby-path-complete"}}},
		{PolicyEvent: &apitype.PolicyEvent{PolicyName: "bgp-bfd-enabled", ResourceURN: peer, EnforcementLevel: "advisory", Message: "<{%fg 12%}>peer has no BFD<{%reset%}>\n"}},
		{PolicyEvent: &apitype.PolicyEvent{PolicyName: "standby-path-complete", ResourceURN: peer, EnforcementLevel: "mandatory", Message: "publishVpc is off with key s3cr3t-key\n"}},
		{PolicyEvent: &apitype.PolicyEvent{PolicyName: "standby-path-complete", ResourceURN: group, EnforcementLevel: "mandatory", Message: "excepted",
			Exceptions: []apitype.PolicyEventException{{ID: "EXC-1", Reason: "lab"}}}},
	}
	p := policyOf(events, newMasker([]string{"s3cr3t-key"}))
	require.True(t, p.Ran)
	names := []string{}
	for _, r := range p.Rules {
		names = append(names, r.Name)
	}
	assert.Equal(t, []string{"bgp-bfd-enabled", "standby-path-complete", "bgp-asn-valid", "cidr-no-overlap"}, names, "failing first")
	bfd := p.Rules[0]
	assert.Equal(t, 1, bfd.Checked, "the rule judges BGP peers: the group does not count")
	assert.Equal(t, "peer has no BFD", bfd.Violations[0].Message, "color tags stripped")
	assert.False(t, bfd.Violations[0].Blocks())
	assert.Contains(t, bfd.Violations[0].Fix, "enableBfd: true", "the rule's remediation")
	standby := p.Rules[1]
	assert.True(t, standby.Stack)
	assert.Equal(t, "publishVpc is off with key [secret]", standby.Violations[0].Message)
	assert.True(t, standby.Violations[0].Blocks())
	assert.False(t, standby.Violations[1].Blocks(), "an excepted violation does not block")
	assert.Equal(t, 1, p.Blocking())
	// The pack reports every resource rule passed on every resource; a rule
	// counts only the types it judges (bgp-asn-valid: BGP groups).
	assert.Equal(t, 1, p.Rules[2].Checked)
}

func TestBreaks(t *testing.T) {
	res := func(typ, name, id string, inputs, outputs map[string]any, protect bool) apitype.ResourceV3 {
		return apitype.ResourceV3{URN: resource.URN(urn(typ, name)), Type: tokens.Type(typ), ID: resource.ID(id), Inputs: inputs, Outputs: outputs, Protect: protect}
	}
	base := Base{
		VPCNames: map[string]string{"vpc-w": "workload", "vpc-t": "transit"},
		Resources: []apitype.ResourceV3{
			res(string(inventory.VPNGateway), "gw", "vpn-1", map[string]any{"vpcId": "vpc-t"}, nil, false),
			res(string(inventory.TRVPCAttachment), "att-w", "cen:tr-w", map[string]any{"vpcId": "vpc-w"}, map[string]any{"transitRouterAttachmentId": "tr-w"}, false),
			res(string(inventory.TRVPCAttachment), "att-t", "cen:tr-t", map[string]any{"vpcId": "vpc-t"}, map[string]any{"transitRouterAttachmentId": "tr-t"}, false),
			res(string(inventory.TRAssociation), "assoc-w", "tr-w:vtb", map[string]any{"transitRouterAttachmentId": "tr-w"}, nil, true),
			res(string(inventory.VBR), "vbr", "vbr-1", nil, nil, true),
		},
	}
	change := func(op Op, typ, name string, protected bool) Change {
		return Change{Op: op, URN: resource.URN(urn(typ, name)), Type: typ, Protected: protected}
	}
	changes := []Change{
		change(Replace, string(inventory.VPNGateway), "gw", false),
		change(Delete, string(inventory.TRVPCAttachment), "att-w", false),
		change(Replace, string(inventory.TRVPCAttachment), "att-t", false),
		change(Replace, string(inventory.TRAssociation), "assoc-w", true),
		change(Replace, string(inventory.VBR), "vbr", true),
		change(Update, string(inventory.VBR), "other", false),
		change(Replace, "aws:s3/bucket:Bucket", "odd", false),
	}
	breaks := breaksOf(changes, indexBase(base), []string{"vbr*"})
	require.Len(t, breaks, 6, "updates break nothing")
	effects := map[string][]Effect{}
	for _, b := range breaks {
		effects[b.Change.Name()] = b.Effects
	}
	assert.Equal(t, []Effect{StandbyDown, VPNIPsChange}, effects["gw"])
	assert.Equal(t, []Effect{VPCDetached}, effects["att-w"])
	assert.Contains(t, breaks[1].Why, "VPC workload")
	assert.Equal(t, []Effect{StandbyDown}, effects["att-t"], "the transit VPC's attachment carries the standby")
	assert.Equal(t, []Effect{VPCDetached}, effects["assoc-w"], "an association matters as much as its attachment")
	assert.Equal(t, []Effect{PrimaryDown}, effects["vbr"])
	assert.Equal(t, []Effect{Unclassified}, effects["odd"])
	assert.False(t, breaks[3].Allowed, "--allow-replace vbr* does not name assoc-w")
	assert.True(t, breaks[4].Allowed, "a pattern names the VBR")

	s := &Stack{Name: "prod", Status: Changed, Breaks: breaks}
	require.Len(t, s.Blocking(), 1)
	assert.Contains(t, s.Blocking()[0], "1 protected resource would be replaced or deleted (VPC detached from the hub): `assoc-w`")
	r := NewReport(Side{}, Side{}, []*Stack{s}, []string{"vbr*", "typo"})
	assert.Equal(t, []string{"typo"}, r.UnusedAllow)
}

func drillPath(dir routemodel.Direction, idc, vpc string, link routemodel.Link) routemodel.Path {
	return routemodel.Path{Direction: dir, IDC: netip.MustParsePrefix(idc), VPC: vpc, VPCURN: resource.URN(urn("alicloud:vpc/network:Network", vpc)),
		VPCCIDR: netip.MustParsePrefix("192.168.0.0/16"), Link: link}
}

func TestPaths(t *testing.T) {
	sc := routemodel.Normal
	base := &drill.Report{Steps: []drill.Step{{Scenario: sc, Expect: routemodel.Circuit, Paths: []routemodel.Path{
		drillPath(routemodel.Forward, "172.16.0.0/16", "workload", routemodel.Circuit),
		drillPath(routemodel.Return, "172.16.0.0/16", "workload", routemodel.Circuit),
	}, Findings: []routemodel.Finding{{Message: "old problem"}}}}}
	head := &drill.Report{Steps: []drill.Step{{Scenario: sc, Expect: routemodel.Circuit, Paths: []routemodel.Path{
		drillPath(routemodel.Forward, "172.16.0.0/16", "workload", routemodel.Tunnel),
		drillPath(routemodel.Return, "172.16.0.0/16", "workload", routemodel.Circuit),
		drillPath(routemodel.Forward, "172.17.0.0/16", "workload", routemodel.Circuit),
	}, Findings: []routemodel.Finding{{Message: "old problem"}, {Message: "asymmetric"}}}}}
	p := comparePaths(base, head, "", "")
	changed, added, removed := p.Count()
	assert.Equal(t, [3]int{1, 1, 0}, [3]int{changed, added, removed})
	assert.Equal(t, []string{"IDC 172.16.0.0/16 → VPC workload 192.168.0.0/16 goes over IPsec-VPN, but VPC workload 192.168.0.0/16 → IDC 172.16.0.0/16 returns over Express Connect"},
		p.HeadAsymmetric())
	assert.Equal(t, []string{"asymmetric"}, p.Steps[0].NewFindings, "a finding the base had already is not the change's")
	assert.Equal(t, []string{"normal"}, p.Broken())

	// The base's own failure, unchanged, blocks nothing.
	same := comparePaths(base, base, "", "")
	assert.Empty(t, same.Broken())
	s := &Stack{Name: "dev", Status: Changed, Paths: same}
	assert.Empty(t, s.Blocking())
	assert.Contains(t, s.Warnings(), "the failover drill already fails at the base, before this change (see the drill below)")
}

// A drill warning the base had (an environment never monitored) is not the
// change's; one only the head has (alarms removed) is for the reviewer to
// weigh, and the step table shows both.
func TestPathWarnings(t *testing.T) {
	step := func(name string, warnings ...string) drill.Step {
		st := drill.Step{Scenario: routemodel.Scenario{Name: name}, Expect: routemodel.Circuit}
		for _, w := range warnings {
			st.Warnings = append(st.Warnings, routemodel.Finding{Scenario: name, Message: w})
		}
		return st
	}
	base := &drill.Report{Steps: []drill.Step{step("normal"), step("VPN down", "unmonitored")}}
	head := &drill.Report{Steps: []drill.Step{step("normal", "new"), step("VPN down", "unmonitored", "new")}}
	p := comparePaths(base, head, "", "")
	assert.Equal(t, []Remark{{Message: "new", Steps: []string{"normal", "VPN down"}, New: true}, {Message: "unmonitored", Steps: []string{"VPN down"}}},
		p.HeadWarnings())
	assert.Empty(t, p.Broken(), "a warning fails nothing")
	s := &Stack{Name: "prod", Status: Changed, Paths: p}
	assert.Empty(t, s.Blocking())
	assert.Equal(t, []string{"the failover drill warns, which it did not at the base (normal, VPN down): new"}, s.Warnings())
	md := markdown(s.pathsDocument(), false)
	assert.Contains(t, md, "| VPN down | Express Connect | ✅ passed, with 1 warning | ✅ passed, with 2 warnings |")
	assert.Contains(t, md, "- VPN down: unmonitored *(as at the base)*\n")
	assert.Equal(t, "✅ passes, with 3 warnings; paths unchanged", s.pathsSummary())
}

func TestRendering(t *testing.T) {
	doc := []block{
		heading{3, "verdict"},
		table{head: []string{"a", "b"}, rows: [][]string{{"x|y", "`code`"}, {"longer cell", "z"}}},
		details{"more", []block{code{"diff", "+ a\n- b\n"}}},
	}
	md := markdown(doc, false)
	assert.Contains(t, md, "| x\\|y | `code` |", "a pipe in a cell is escaped")
	assert.Contains(t, md, "<details><summary>more</summary>\n\n```diff\n+ a\n- b\n```\n\n</details>")
	assert.Contains(t, markdown(doc, true), "*more: left out to fit a comment", "compact leaves details out")
	txt := text(doc)
	assert.Contains(t, txt, "verdict\n=======\n")
	assert.Contains(t, txt, "  a            b\n  ───────────  ────\n  x|y          code\n  longer cell  z\n")
	assert.Contains(t, txt, "    + a\n    - b\n")

	// Too long for a comment: details go first, then the text is cut.
	big := &Report{Stacks: []*Stack{{Name: "prod", Status: Changed, Changes: []Change{{Op: Update, URN: resource.URN(urn("t:t:T", "r")), Type: "t:t:T",
		Props: []PropChange{{Path: "p", Old: strings.Repeat("a", 70000), New: "b"}}}}}}}
	md = big.Markdown(CommentLimit)
	assert.LessOrEqual(t, len(md), CommentLimit)
	assert.True(t, strings.HasPrefix(md, Marker+"\n### "), "the marker and the verdict stay first")
	assert.Contains(t, md, "left out to fit a comment")
}

package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hybridlink/hybridlink/internal/drill"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// configKey inserts a top-level config key into a stack file.
func configKey(t *testing.T, dir, stack, yaml string) {
	t.Helper()
	replaceIn(t, dir, filepath.Join("stacks", "Pulumi."+stack+".yaml"), "\nconfig:\n", "\nconfig:\n"+yaml)
}

// The summary table's cells, after the stack's name.
const (
	colChange = iota + 1
	colPolicy
	colBreaks
	colOnPrem
	colPaths
)

// everyVendor is what the summary shows when the configuration of every
// vendor changes.
const everyVendor = "⚠️ changes: cisco-ios, huawei-vrp, junos, linux-frr"

// nothingBlocks and blocks are the verdict's first line.
const nothingBlocks = "### ✅ hybridlink review: nothing blocks this change"

var blocks = regexp.MustCompile(`(?m)^### ❌ hybridlink review: \d+ problems? blocks? this change$`)

// passed asserts a review that nothing blocks.
func passed(t *testing.T, r reviewResult) {
	t.Helper()
	require.Equal(t, 0, r.code, "exit code; stdout:\n%s\nstderr:\n%s", r.text, r.stderr)
	assert.Contains(t, r.markdown, nothingBlocks)
	assert.True(t, strings.HasPrefix(r.text, "✅ hybridlink review: nothing blocks this change\n"), "the verdict comes first:\n%s", r.text)
}

// blocked asserts a review that fails, for the reasons given (each a
// substring of one "Blocking" item).
func blocked(t *testing.T, r reviewResult, reasons ...string) {
	t.Helper()
	require.Equal(t, 1, r.code, "exit code; stdout:\n%s\nstderr:\n%s", r.text, r.stderr)
	assert.Regexp(t, blocks, r.markdown)
	assert.True(t, strings.HasPrefix(r.text, "❌ hybridlink review: "), "the verdict comes first:\n%s", r.text)
	items := section(r.markdown, "**Blocking**", "\n\n")
	for _, reason := range reasons {
		assert.Contains(t, items, reason, "a blocking reason")
	}
}

// section is the text between the first start and the end after it.
func section(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	if j := strings.Index(strings.TrimLeft(s, "\n"), end); j >= 0 {
		return strings.TrimLeft(s, "\n")[:j]
	}
	return s
}

// ops lists the operations of a stack's changes, one per row.
func ops(rows [][]string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r[0]
	}
	return out
}

// rowFor is the change row of a resource.
func rowFor(t *testing.T, rows [][]string, name string) []string {
	t.Helper()
	for _, r := range rows {
		if strings.Trim(strings.Fields(r[1])[0], "`") == name {
			return r
		}
	}
	t.Fatalf("no change of %s in %q", name, rows)
	return nil
}

// dualTunnelPSK is the key the dual-tunnel scenario gives dev's VPN.
const dualTunnelPSK = "hl-review-dualtunnel-7f3a9c"

var reviewScenarios = []reviewScenario{
	{
		// Every stack is reviewed; only prod changes.
		name: "tag-change",
		edit: func(t *testing.T, dir string) {
			configKey(t, dir, "prod", "  hybridlink:tags:\n    cost-center: network\n")
		},
		check: func(t *testing.T, r reviewResult) {
			passed(t, r)
			prod := summaryRow(t, r.markdown, "prod")
			assert.Regexp(t, `^\d+ updates$`, prod[colChange])
			assert.Equal(t, "✅ 12 of 12 rules passed", prod[colPolicy])
			assert.Equal(t, []string{"nothing", "no change", "✅ passes; paths unchanged"}, prod[colBreaks:])
			rows := changeRows(t, r.markdown, "prod")
			for _, row := range rows {
				assert.Equal(t, []string{"update", "tags"}, []string{row[0], row[3]}, "%q", row)
			}
			assert.Contains(t, stackSection(t, r.markdown, "prod"), "+     tags.cost-center: network\n")
			dev := summaryRow(t, r.markdown, "dev")
			assert.Equal(t, "no change", dev[colChange])
			// dev has no alarms: its drill passes with a warning.
			assert.Equal(t, []string{"nothing", "no change", "✅ passes, with 1 warning; paths unchanged"}, dev[colBreaks:])
			assert.Empty(t, changeRows(t, r.markdown, "dev"))
		},
	},
	{
		name: "bfd-timers",
		edit: func(t *testing.T, dir string) {
			replaceIn(t, dir, "stacks/Pulumi.prod.yaml", "minTxIntervalMs: 200", "minTxIntervalMs: 300")
			replaceIn(t, dir, "stacks/Pulumi.prod.yaml", "minRxIntervalMs: 200", "minRxIntervalMs: 300")
		},
		args: []string{"--stack", "prod"},
		check: func(t *testing.T, r reviewResult) {
			passed(t, r)
			assert.Equal(t, [][]string{{"update", "`hybridlink-expressconnect-vbr` 🔒", "VBR", "minRxInterval, minTxInterval"}}, changeRows(t, r.markdown, "prod"))
			prod := summaryRow(t, r.markdown, "prod")
			assert.Equal(t, []string{"1 update", "✅ 12 of 12 rules passed", "nothing", everyVendor, "✅ passes; paths unchanged"}, prod[1:])
			md := stackSection(t, r.markdown, "prod")
			for _, line := range []string{
				"-     minTxInterval: 200\n", "+     minTxInterval: 300\n",
				"--- base/cisco-ios/cisco-ios.cfg\n", "+ bfd interval 300 min_rx 300 multiplier 3\n",
				"+  transmit-interval 300\n", // linux-frr
			} {
				assert.Contains(t, md, line)
			}
		},
	},
	{
		// The drill passes without alarms, warning that a failed standby
		// would go unnoticed: the review must not let that pass unseen
		// when the change is what removed them.
		name: "alarms-removed",
		edit: func(t *testing.T, dir string) {
			replaceIn(t, dir, "stacks/Pulumi.prod.yaml",
				"  hybridlink:alarms:\n    enabled: true\n    contactGroup:\n      name: hybridlink-prod-oncall\n      contacts:\n        - netops-oncall\n", "")
		},
		args: []string{"--stack", "prod"},
		check: func(t *testing.T, r reviewResult) {
			passed(t, r)
			prod := summaryRow(t, r.markdown, "prod")
			assert.Regexp(t, `^\d+ deletes$`, prod[colChange])
			assert.Equal(t, "✅ passes, with 1 warning; paths unchanged", prod[colPaths])
			assert.Contains(t, section(r.markdown, "**To weigh**", "\n\n|"),
				`**prod**: the failover drill warns, which it did not at the base (VPN fails while the circuit is up): `+drill.UnmonitoredStandby)
			assert.Contains(t, stackSection(t, r.markdown, "prod"),
				"| VPN fails while the circuit is up | Express Connect | ✅ passed | ✅ passed, with 1 warning |")
		},
	},
	{
		name: "idc-prefix-added",
		edit: func(t *testing.T, dir string) {
			replaceIn(t, dir, "stacks/Pulumi.prod.yaml", "  hybridlink:idcPrefixes:\n    - 172.16.0.0/16\n", "  hybridlink:idcPrefixes:\n    - 172.16.0.0/16\n    - 172.17.0.0/16\n")
		},
		args: []string{"--stack", "prod"},
		check: func(t *testing.T, r reviewResult) {
			passed(t, r)
			rows := changeRows(t, r.markdown, "prod")
			assert.Equal(t, "VPN destination route", rowFor(t, rows, "hybridlink-vpn-route-172-17-0-0-16")[2])
			assert.Equal(t, "VPN route advertisement", rowFor(t, rows, "hybridlink-hub-advertise-172-17-0-0-16")[2])
			assert.NotContains(t, ops(rows), "replace")
			assert.NotContains(t, ops(rows), "delete")
			prod := summaryRow(t, r.markdown, "prod")
			// Both directions of the new prefix are new paths; the old ones keep their links.
			assert.Equal(t, []string{"nothing", everyVendor, "✅ passes; paths unchanged, 2 new"}, prod[colBreaks:])
			md := stackSection(t, r.markdown, "prod")
			assert.Contains(t, md, "| IDC → cloud | IDC 172.17.0.0/16 | VPC workload 192.168.0.0/16 | — | Express Connect (new) |")
			assert.Contains(t, md, "| cloud → IDC | VPC workload 192.168.0.0/16 | IDC 172.17.0.0/16 | — | IPsec-VPN (new) |")
		},
	},
	{
		name: "workload-vpc-added",
		edit: func(t *testing.T, dir string) {
			replaceIn(t, dir, "stacks/Pulumi.dev.yaml", "  hybridlink:transitVpc:\n",
				"    - name: analytics\n      cidr: 10.22.0.0/16\n      vSwitches:\n        - zoneId: cn-hangzhou-h\n          cidr: 10.22.1.0/24\n"+
					"        - zoneId: cn-hangzhou-i\n          cidr: 10.22.2.0/24\n  hybridlink:transitVpc:\n")
		},
		args: []string{"--stack", "dev"},
		check: func(t *testing.T, r reviewResult) {
			passed(t, r)
			rows := changeRows(t, r.markdown, "dev")
			assert.Equal(t, []string{"create", "create", "create", "create", "create", "create"}, ops(rows))
			for name, kind := range map[string]string{
				"analytics": "VPC", "analytics-cn-hangzhou-h": "vSwitch", "analytics-cn-hangzhou-i": "vSwitch",
				"hybridlink-hub-analytics": "VPC attachment", "hybridlink-hub-analytics-association": "route table association",
				"hybridlink-hub-analytics-propagation": "route table propagation",
			} {
				assert.Equal(t, kind, rowFor(t, rows, name)[2], name)
			}
			dev := summaryRow(t, r.markdown, "dev")
			// dev has no alarms: its drill passes, warning that a failed VPN
			// would go unnoticed, and says so in the stack's section.
			assert.Equal(t, []string{"nothing", everyVendor, "✅ passes, with 1 warning; paths unchanged, 2 new"}, dev[colBreaks:])
			md := stackSection(t, r.markdown, "dev")
			assert.Contains(t, md, "What the drill warns of at the head, without failing, and in which steps:\n\n- VPN fails while the circuit is up: "+drill.UnmonitoredStandby)
			assert.NotContains(t, section(r.markdown, "**To weigh**", "\n\n|"), drill.UnmonitoredStandby, "dev had no alarms before this change either")
			assert.Contains(t, md, "| IDC → cloud | IDC 172.16.0.0/16 | VPC analytics 10.22.0.0/16 | — | Express Connect (new) |")
			assert.Contains(t, md, "+ip route 10.22.0.0 255.255.0.0") // cisco-ios: the standby route to the new VPC
		},
	},
	{
		// The VBR attachment stops publishing the transit router's routes
		// to the VBR: the IDC learns no route to the VPCs over BGP and
		// sends over the VPN, while the cloud answers over the circuit.
		name: "asymmetric-routing",
		edit: func(t *testing.T, dir string) {
			replaceIn(t, dir, "components/cen_hub.go",
				"\t\t\t// The on-premises gateway learns the VPC CIDRs over BGP.\n\t\t\tAutoPublishRouteEnabled: pulumi.Bool(true),",
				"\t\t\tAutoPublishRouteEnabled: pulumi.Bool(false),")
		},
		code: true,
		args: []string{"--stack", "prod"},
		check: func(t *testing.T, r reviewResult) {
			blocked(t, r, `the change breaks the failover drill at the head in step "normal", "circuit restored", "VPN fails while the circuit is up"`,
				"mandatory policy failover-symmetric fails on workload: normal: asymmetric routing")
			assert.Equal(t, [][]string{{"update", "`hybridlink-hub-vbr` 🔒", "VBR attachment", "autoPublishRouteEnabled"}}, changeRows(t, r.markdown, "prod"))
			prod := summaryRow(t, r.markdown, "prod")
			assert.Equal(t, "❌ fails at the head: asymmetric routing — IDC 172.16.0.0/16 → VPC workload 192.168.0.0/16 goes over IPsec-VPN, "+
				"but VPC workload 192.168.0.0/16 → IDC 172.16.0.0/16 returns over Express Connect", prod[colPaths])
			md := stackSection(t, r.markdown, "prod")
			assert.Contains(t, md, "| normal | Express Connect | ✅ passed | ❌ failed |")
			assert.Contains(t, md, "| circuit down | IPsec-VPN | ✅ passed | ✅ passed |")
			assert.Contains(t, md, "| IDC → cloud | IDC 172.16.0.0/16 | VPC workload 192.168.0.0/16 | Express Connect | **IPsec-VPN** (changed) |")
			assert.Contains(t, md, "autoPublishRouteEnabled is off on its attachment")
		},
	},
	{
		name: "protected-vbr-replaced",
		edit: func(t *testing.T, dir string) {
			replaceIn(t, dir, "stacks/Pulumi.prod.yaml", "physicalConnectionId: pc-bp1hybridlinkprod0001", "physicalConnectionId: pc-bp1hybridlinkprod0002")
		},
		args:   []string{"--stack", "prod"},
		readme: true,
		check: func(t *testing.T, r reviewResult) {
			blocked(t, r, "7 protected resources would be replaced or deleted (primary path down, monitoring gap): ",
				"`hybridlink-expressconnect-vbr`", "`hybridlink-hub-vbr`", "review again with --allow-replace naming each")
			assert.Equal(t, []string{"replace", "`hybridlink-expressconnect-vbr` 🔒", "VBR", "physicalConnectionId (forces replacement)"},
				rowFor(t, changeRows(t, r.markdown, "prod"), "hybridlink-expressconnect-vbr"))
			prod := summaryRow(t, r.markdown, "prod")
			assert.Equal(t, []string{"❌ primary path down, monitoring gap (protected)", "no change", "✅ passes; paths unchanged"}, prod[colBreaks:])
			assert.Contains(t, stackSection(t, r.markdown, "prod"),
				"| `hybridlink-expressconnect-vbr` 🔒 refused | VBR | replace | primary path down | the circuit's BGP session ends with the VBR")
		},
		again: &reviewScenario{
			args: []string{"--stack", "prod", "--allow-replace", "hybridlink-expressconnect-*", "--allow-replace", "hybridlink-hub-vbr*"},
			check: func(t *testing.T, r reviewResult) {
				passed(t, r)
				prod := summaryRow(t, r.markdown, "prod")
				assert.Equal(t, "⚠️ primary path down, monitoring gap", prod[colBreaks])
				assert.Contains(t, r.markdown, "VBR hybridlink-expressconnect-vbr would be replaced: primary path down (allowed by --allow-replace)")
				assert.Contains(t, stackSection(t, r.markdown, "prod"), "| `hybridlink-expressconnect-vbr` 🔒 allowed | VBR | replace |")
			},
		},
	},
	{
		// The VPN route stops being advertised to the transit VPC: the
		// standby path no longer exists.
		name: "mandatory-policy-violation",
		edit: func(t *testing.T, dir string) {
			replaceIn(t, dir, "components/vpn_standby_leg.go", "PublishVpc:   pulumi.Bool(true),", "PublishVpc:   pulumi.Bool(false),")
		},
		code: true,
		args: []string{"--stack", "dev"},
		check: func(t *testing.T, r reviewResult) {
			blocked(t, r, "mandatory policy standby-path-complete fails on hybridlink-vpn-route-172-16-0-0-16: VPN route hybridlink-vpn-route-172-16-0-0-16 has publishVpc false",
				`the change breaks the failover drill at the head in step "circuit down"`)
			dev := summaryRow(t, r.markdown, "dev")
			assert.Equal(t, "❌ 9 of 12 rules passed, 2 mandatory violations, 1 advisory", dev[colPolicy])
			md := stackSection(t, r.markdown, "dev")
			assert.Contains(t, md, "| `standby-path-complete` | stack | ❌ 1 violation |")
			assert.Contains(t, md, "- `standby-path-complete` (mandatory) on `hybridlink-vpn-route-172-16-0-0-16`: VPN route hybridlink-vpn-route-172-16-0-0-16 has publishVpc false")
			assert.Contains(t, md, "<br>**Fix**: Set publishVpc: true on the VPN route;")
			assert.Equal(t, [][]string{{"update", "`hybridlink-vpn-route-172-16-0-0-16`", "VPN destination route", "publishVpc"}}, changeRows(t, r.markdown, "dev"))
		},
	},
	{
		// A gateway's vSwitches cannot change in place: turning the second
		// tunnel on replaces the gateway, deleting it first (issue 16), and
		// with it the IPsec connection and the VPN route on it; the
		// on-premises side needs the new gateway's IPs and the second tunnel.
		name: "dual-tunnel-on",
		edit: func(t *testing.T, dir string) {
			replaceIn(t, dir, "stacks/Pulumi.dev.yaml", "    dualTunnel: false\n", "    dualTunnel: true\n")
			configKey(t, dir, "dev", "  hybridlink:vpnPsk:\n    secure: "+encrypt(t, dir, "dev", dualTunnelPSK)+"\n")
		},
		args: []string{"--stack", "dev"},
		check: func(t *testing.T, r reviewResult) {
			passed(t, r)
			rows := changeRows(t, r.markdown, "dev")
			assert.Equal(t, []string{"replace", "replace", "replace"}, ops(rows))
			assert.Equal(t, []string{"replace", "`hybridlink-vpn-gateway`", "VPN gateway", "disasterRecoveryVswitchId (forces replacement)"},
				rowFor(t, rows, "hybridlink-vpn-gateway"))
			// The engine replaces the connection because the gateway it is
			// on goes first: the gateway's ID forces it, the rest is the
			// second tunnel.
			assert.Equal(t, []string{"replace", "`hybridlink-vpn-connection`", "IPsec connection",
				"customerGatewayId, ikeConfig, ipsecConfig, tunnelOptionsSpecifications, vpnGatewayId (forces replacement)"},
				rowFor(t, rows, "hybridlink-vpn-connection"))
			assert.Contains(t, rowFor(t, rows, "hybridlink-vpn-route-172-16-0-0-16")[3], "vpnGatewayId (forces replacement)")
			dev := summaryRow(t, r.markdown, "dev")
			assert.Equal(t, []string{"⚠️ standby path down, VPN gateway's public IPs change", everyVendor}, dev[colBreaks:colPaths])
			assert.Contains(t, r.markdown, "VPN gateway hybridlink-vpn-gateway would be deleted, then replaced: standby path down, VPN gateway's public IPs change")
			md := stackSection(t, r.markdown, "dev")
			for _, name := range []string{"hybridlink-vpn-gateway", "hybridlink-vpn-connection", "hybridlink-vpn-route-172-16-0-0-16"} {
				assert.Regexp(t, "\\| `"+name+"` \\| [^|]+ \\| replace, deleted first \\| standby path down", md)
			}
			assert.Contains(t, md, "+- replace VPN gateway hybridlink-vpn-gateway (deleted before its replacement is created)\n")
			// cisco-ios: the first tunnel's peer at the new gateway's IP, and a second peer.
			assert.Regexp(t, `\n-  address 198\.51\.100\.\d+\n\+  address 198\.51\.100\.\d+\n`, md)
			assert.Contains(t, md, "+ peer HL-DEV-VPN2\n")
			assert.Contains(t, md, "+     tunnelOptionsSpecifications[1].tunnelIkeConfig.psk: [secret]\n")
		},
	},
	{
		// dev goes and staging comes: a stack only at the base is a
		// destroy, one only at the head a create. staging, like dev, has no
		// alarms: its drill passes with the warning that a failure of its
		// standby would go unnoticed.
		name: "stack-replaced",
		edit: func(t *testing.T, dir string) {
			b, err := os.ReadFile(filepath.Join(dir, "stacks", "Pulumi.dev.yaml"))
			require.NoError(t, err)
			// An address plan of its own, disjoint from every committed stack's.
			staging := strings.NewReplacer("10.20.", "10.40.", "10.21.", "10.41.", "vlanId: 100", "vlanId: 200",
				"10.1.0.5", "10.1.0.17", "10.1.0.6", "10.1.0.18", "firstTunnel: 11", "firstTunnel: 21").Replace(string(b))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "stacks", "Pulumi.staging.yaml"), []byte(staging), 0o644))
			require.NoError(t, os.Remove(filepath.Join(dir, "stacks", "Pulumi.dev.yaml")))
		},
		check: func(t *testing.T, r reviewResult) {
			passed(t, r) // deleting an unprotected stack blocks nothing
			dev := summaryRow(t, r.markdown, "dev")
			assert.Regexp(t, `^stack removed: \d+ deletes$`, dev[colChange])
			assert.Equal(t, "— (stack removed)", dev[colPolicy])
			for _, e := range []string{"primary path down", "standby path down", "VPC detached from the hub"} {
				assert.Contains(t, dev[colBreaks], e, "deleting the stack")
			}
			assert.Equal(t, []string{everyVendor, "— (stack removed)"}, dev[colOnPrem:])
			for _, row := range changeRows(t, r.markdown, "dev") {
				assert.Equal(t, "delete", row[0], "%q", row)
			}
			staging := summaryRow(t, r.markdown, "staging")
			assert.Regexp(t, `^new stack: \d+ creates$`, staging[colChange])
			assert.Equal(t, []string{"nothing", everyVendor}, staging[colBreaks:colPaths])
			assert.Equal(t, "✅ passes, with 1 warning; paths unchanged, 2 new", staging[colPaths])
			assert.Contains(t, section(r.markdown, "**To weigh**", "\n\n|"),
				"**staging**: the new stack's failover drill warns (VPN fails while the circuit is up): "+drill.UnmonitoredStandby)
			assert.Equal(t, "no change", summaryRow(t, r.markdown, "prod")[colChange])
			// cisco-ios, from nothing; in the job summary, which keeps the
			// configuration diff a comment of three stacks leaves out.
			assert.Contains(t, stackSection(t, r.summary, "staging"), "+router bgp 65530\n")
		},
	},
}

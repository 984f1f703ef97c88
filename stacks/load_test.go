package stacks

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/onprem"
)

const (
	pskKey     = "hybridlink:vpnPsk"
	authKeyKey = "hybridlink:bgpAuthKey"
)

func TestCommittedStacksLoad(t *testing.T) {
	for _, stack := range []string{"dev", "prod", "prod-dual"} {
		env, err := Load(stack, committed(t, stack))
		require.NoError(t, err, stack)
		assert.Equal(t, stack, env.Stack)
		assert.NoError(t, env.Args.Validate())
	}
	env, err := Load("prod", committed(t, "prod"))
	require.NoError(t, err)
	assert.True(t, env.Config.VPNPSK.Set && env.Config.VPNPSK.Encrypted && !env.Config.VPNPSK.Opaque)
	assert.True(t, env.Args.VPN.DualTunnel)
	assert.True(t, env.Config.Protect)
	assert.Equal(t, 255, env.Config.OnPrem.StaticPreference())
}

// malformed is one broken configuration: a valid stack with one thing
// changed, and the problem it must produce.
type malformed struct {
	name   string
	stack  string // the stack to start from; prod unless set
	mutate func(t *testing.T, src MapSource)
	// keys are the exact keys of every problem (sorted); the first is the
	// one the case is about.
	keys []string
	// value is that problem's exact Value.
	value string
	// mentions are texts its problem or fix must contain.
	mentions []string
}

func malformedConfigs() []malformed {
	return []malformed{
		// Decoding: malformed JSON, wrong types, unknown keys and fields.
		{name: "malformed JSON object", mutate: raw("hybridlink:vpn", `{"bandwidthMbps": 100,`),
			keys: []string{"hybridlink:vpn"}, value: `{"bandwidthMbps": 100,`, mentions: []string{"not a valid map"}},
		{name: "JSON with trailing data", mutate: raw("hybridlink:idcPrefixes", `["172.16.0.0/16"] ["10.9.0.0/16"]`),
			keys: []string{"hybridlink:idcPrefixes"}, value: `["172.16.0.0/16"] ["10.9.0.0/16"]`, mentions: []string{"not a valid list"}},
		{name: "string for a number", mutate: set("hybridlink:expressConnect", "vlanId", "zero"),
			keys: []string{"hybridlink:expressConnect.vlanId"}, value: `"zero"`, mentions: []string{"whole number"}},
		{name: "fraction for a number", mutate: set("hybridlink:vpn", "bandwidthMbps", 10.5),
			keys: []string{"hybridlink:vpn.bandwidthMbps"}, value: "10.5", mentions: []string{"whole number"}},
		{name: "wrong type inside a list", mutate: set("hybridlink:workloadVpcs", "[0].vSwitches[1].cidr", 24),
			keys: []string{"hybridlink:workloadVpcs[0].vSwitches[1].cidr"}, value: "24", mentions: []string{"string"}},
		{name: "string for a list", stack: "dev", mutate: raw("hybridlink:idcPrefixes", `"172.16.0.0/16"`),
			keys: []string{"hybridlink:idcPrefixes"}, value: `"172.16.0.0/16"`, mentions: []string{"list"}},
		{name: "not a boolean", mutate: raw("hybridlink:protect", "maybe"),
			keys: []string{"hybridlink:protect"}, value: "maybe", mentions: []string{"true or false"}},
		{name: "unknown key", mutate: raw("hybridlink:vpnPks", "x"),
			keys: []string{"hybridlink:vpnPks"}, value: "", mentions: []string{"not a hybridlink setting", pskKey}},
		{name: "unknown field", mutate: set("hybridlink:expressConnect", "vlan", 5),
			keys: []string{"hybridlink:expressConnect"}, value: "vlan", mentions: []string{`unknown field "vlan"`, "vlanId"}},
		{name: "unknown nested field", mutate: set("hybridlink:vpn", "ike.mode", "main"),
			keys: []string{"hybridlink:vpn.ike"}, value: "mode", mentions: []string{`unknown field "mode"`, "version, encAlg"}},

		// The address plan: overlaps of every kind, canonical IPv4 only.
		{name: "VPC overlaps VPC", mutate: func(t *testing.T, src MapSource) {
			src.setJSON(t, "hybridlink:transitVpc", "cidr", "192.168.128.0/17")
			src.setJSON(t, "hybridlink:transitVpc", "vSwitches[0].cidr", "192.168.130.0/24")
			src.setJSON(t, "hybridlink:transitVpc", "vSwitches[1].cidr", "192.168.131.0/24")
			src.setJSON(t, "hybridlink:vpn", "healthCheck.sourceIp", "192.168.130.10")
		}, keys: []string{"hybridlink:transitVpc.cidr", "hybridlink:transitVpc.vSwitches[0].cidr", "hybridlink:transitVpc.vSwitches[1].cidr"},
			value: "192.168.128.0/17", mentions: []string{"overlaps hybridlink:workloadVpcs[0].cidr (192.168.0.0/16)"}},
		{name: "vSwitch overlaps another VPC", mutate: set("hybridlink:transitVpc", "vSwitches[1].cidr", "192.168.22.0/24"),
			keys: []string{"hybridlink:transitVpc.vSwitches[1].cidr", "hybridlink:transitVpc.vSwitches[1].cidr"}, value: "192.168.22.0/24",
			mentions: []string{"outside its VPC's CIDR 10.0.0.0/16"}},
		{name: "vSwitch outside its VPC", mutate: set("hybridlink:workloadVpcs", "[0].vSwitches[0].cidr", "10.5.1.0/24"),
			keys: []string{"hybridlink:workloadVpcs[0].vSwitches[0].cidr"}, value: "10.5.1.0/24", mentions: []string{"outside its VPC's CIDR 192.168.0.0/16"}},
		{name: "vSwitch overlaps a vSwitch of its VPC", mutate: set("hybridlink:transitVpc", "vSwitches[1].cidr", "10.0.1.128/25"),
			keys: []string{"hybridlink:transitVpc.vSwitches[1].cidr"}, value: "10.0.1.128/25", mentions: []string{"overlaps hybridlink:transitVpc.vSwitches[0].cidr (10.0.1.0/24)"}},
		{name: "peering subnet inside a VPC", mutate: func(t *testing.T, src MapSource) {
			src.setJSON(t, "hybridlink:expressConnect", "localGatewayIp", "10.0.9.1")
			src.setJSON(t, "hybridlink:expressConnect", "peerGatewayIp", "10.0.9.2")
		}, keys: []string{"hybridlink:expressConnect.peerGatewayIp"}, value: "10.0.9.0/30", mentions: []string{"overlaps hybridlink:transitVpc.cidr"}},
		{name: "IDC prefix inside a VPC", mutate: set("hybridlink:idcPrefixes", "[1]", "192.168.128.0/17"),
			keys: []string{"hybridlink:idcPrefixes[1]"}, value: "192.168.128.0/17", mentions: []string{"overlaps hybridlink:workloadVpcs[0].cidr"}},
		{name: "host bits set", mutate: set("hybridlink:workloadVpcs", "[0].vSwitches[0].cidr", "192.168.20.1/24"),
			keys: []string{"hybridlink:workloadVpcs[0].vSwitches[0].cidr"}, value: "192.168.20.1/24", mentions: []string{"192.168.20.0/24"}},
		{name: "no prefix length", mutate: set("hybridlink:idcPrefixes", "[0]", "172.16.0.0"),
			keys: []string{"hybridlink:idcPrefixes[0]"}, value: "172.16.0.0", mentions: []string{"no prefix length"}},
		{name: "IPv6 prefix", mutate: set("hybridlink:idcPrefixes", "[1]", "fd00::/8"),
			keys: []string{"hybridlink:idcPrefixes[1]"}, value: "fd00::/8", mentions: []string{"not IPv4"}},
		{name: "vSwitch mask too narrow", mutate: set("hybridlink:transitVpc", "vSwitches[1].cidr", "10.0.2.0/30"),
			keys: []string{"hybridlink:transitVpc.vSwitches[1].cidr"}, value: "10.0.2.0/30", mentions: []string{"/16 to /29"}},

		// The primary path.
		{name: "VLAN out of range", mutate: set("hybridlink:expressConnect", "vlanId", 3000),
			keys: []string{"hybridlink:expressConnect.vlanId"}, value: "3000", mentions: []string{"0–2999"}},
		{name: "BFD interval out of range", mutate: set("hybridlink:expressConnect", "bfd.minRxIntervalMs", 100),
			keys: []string{"hybridlink:expressConnect.bfd.minRxIntervalMs"}, value: "100", mentions: []string{"200–1000 ms"}},
		{name: "BFD timers without BFD", stack: "dev", mutate: set("hybridlink:expressConnect", "bfd.detectMultiplier", 5),
			keys: []string{"hybridlink:expressConnect.bfd"}, value: "tx unset, rx unset, multiplier 5", mentions: []string{"BFD is not enabled"}},
		{name: "reserved ASN", mutate: set("hybridlink:expressConnect", "peerAsn", 23456),
			keys: []string{"hybridlink:expressConnect.peerAsn"}, value: "23456", mentions: []string{"reserved"}},
		{name: "documentation ASN", mutate: set("hybridlink:expressConnect", "peerAsn", 64500),
			keys: []string{"hybridlink:expressConnect.peerAsn"}, value: "64500", mentions: []string{"RFC 5398"}},
		{name: "invalid ASN", mutate: set("hybridlink:expressConnect", "peerAsn", 4294967295),
			keys: []string{"hybridlink:expressConnect.peerAsn"}, value: "4294967295", mentions: []string{"out of range"}},
		{name: "peer ASN missing", mutate: set("hybridlink:expressConnect", "peerAsn", nil),
			keys: []string{"hybridlink:expressConnect.peerAsn"}, value: "", mentions: []string{"is required"}},
		{name: "equal ASNs", mutate: set("hybridlink:expressConnect", "peerAsn", 45104),
			keys: []string{"hybridlink:expressConnect.peerAsn"}, value: "45104", mentions: []string{"eBGP"}},
		{name: "reserved local ASN", mutate: set("hybridlink:expressConnect", "localAsn", 65025),
			keys: []string{"hybridlink:expressConnect.localAsn"}, value: "65025", mentions: []string{"reserved by Alibaba Cloud"}},
		{name: "VBR bandwidth not a tier", mutate: set("hybridlink:expressConnect", "bandwidthMbps", 1500),
			keys: []string{"hybridlink:expressConnect.bandwidthMbps"}, value: "1500", mentions: []string{"1000, 2048"}},
		{name: "peer IP outside the peering subnet", mutate: set("hybridlink:expressConnect", "peerGatewayIp", "10.1.0.6"),
			keys: []string{"hybridlink:expressConnect.peerGatewayIp"}, value: "10.1.0.6", mentions: []string{"outside 10.1.0.0/30"}},
		{name: "peering IPs equal", mutate: set("hybridlink:expressConnect", "peerGatewayIp", "10.1.0.1"),
			keys: []string{"hybridlink:expressConnect.peerGatewayIp"}, value: "10.1.0.1", mentions: []string{"must differ"}},
		{name: "peering IP not an address", mutate: set("hybridlink:expressConnect", "localGatewayIp", "10.1.0.256"),
			keys: []string{"hybridlink:expressConnect.localGatewayIp"}, value: "10.1.0.256", mentions: []string{"IPv4 address"}},
		{name: "peering mask not contiguous", mutate: set("hybridlink:expressConnect", "peeringSubnetMask", "255.255.0.255"),
			keys: []string{"hybridlink:expressConnect.peeringSubnetMask"}, value: "255.255.0.255", mentions: []string{"not contiguous"}},
		{name: "peering mask /31", mutate: set("hybridlink:expressConnect", "peeringSubnetMask", "255.255.255.254"),
			keys: []string{"hybridlink:expressConnect.peeringSubnetMask"}, value: "255.255.255.254", mentions: []string{"out of range"}},
		{name: "circuit missing", mutate: set("hybridlink:expressConnect", "physicalConnectionId", nil),
			keys: []string{"hybridlink:expressConnect.physicalConnectionId"}, value: "", mentions: []string{"is required", "pc-"}},

		// The standby path.
		{name: "VPN bandwidth not a tier", mutate: set("hybridlink:vpn", "bandwidthMbps", 150),
			keys: []string{"hybridlink:vpn.bandwidthMbps"}, value: "150", mentions: []string{"10, 100, 200"}},
		{name: "IKE version", mutate: set("hybridlink:vpn", "ike.version", "ikev3"),
			keys: []string{"hybridlink:vpn.ike.version"}, value: "ikev3", mentions: []string{"ikev1 or ikev2"}},
		{name: "IKE algorithm", mutate: set("hybridlink:vpn", "ike.encAlg", "aes512"),
			keys: []string{"hybridlink:vpn.ike.encAlg"}, value: "aes512", mentions: []string{"aes256"}},
		{name: "IPsec DH group", mutate: set("hybridlink:vpn", "ipsec.pfs", "group3"),
			keys: []string{"hybridlink:vpn.ipsec.pfs"}, value: "group3", mentions: []string{"group14"}},
		{name: "IPsec lifetime", mutate: set("hybridlink:vpn", "ipsec.lifetimeSecs", 90000),
			keys: []string{"hybridlink:vpn.ipsec.lifetimeSecs"}, value: "90000", mentions: []string{"86400"}},
		{name: "private customer gateway", mutate: set("hybridlink:vpn", "customerGatewayIp", "192.168.1.1"),
			keys: []string{"hybridlink:vpn.customerGatewayIp"}, value: "192.168.1.1", mentions: []string{"not a public unicast"}},
		{name: "IPv6 customer gateway", mutate: set("hybridlink:vpn", "customerGatewayIp", "2001:db8::1"),
			keys: []string{"hybridlink:vpn.customerGatewayIp"}, value: "2001:db8::1", mentions: []string{"IPv4"}},
		{name: "dual tunnel in one zone", mutate: set("hybridlink:transitVpc", "vSwitches[1].zoneId", "cn-hangzhou-h"),
			keys: []string{"hybridlink:vpn.dualTunnel", "hybridlink:transitVpc.vSwitches"}, value: "true", mentions: []string{"two zones"}},
		{name: "health check outside the IDC", mutate: set("hybridlink:vpn", "healthCheck.destinationIp", "10.9.9.9"),
			keys: []string{"hybridlink:vpn.healthCheck.destinationIp"}, value: "10.9.9.9", mentions: []string{"IDC prefix"}},
		{name: "health check source outside the VPCs", mutate: set("hybridlink:vpn", "healthCheck.sourceIp", "10.99.0.1"),
			keys: []string{"hybridlink:vpn.healthCheck.sourceIp"}, value: "10.99.0.1", mentions: []string{"not inside the transit VPC 10.0.0.0/16"}},
		{name: "dual tunnel without a PSK", mutate: drop("hybridlink:vpnPsk"),
			keys: []string{"hybridlink:vpnPsk"}, mentions: []string{"dual-tunnel"}},
		// Its replies would return over the VPN while the host's other
		// traffic uses the circuit.
		{name: "health check source in a workload VPC", mutate: set("hybridlink:vpn", "healthCheck.sourceIp", "192.168.20.161"),
			keys: []string{"hybridlink:vpn.healthCheck.sourceIp"}, value: "192.168.20.161", mentions: []string{"not inside the transit VPC"}},

		// Regions and zones.
		{name: "zone not in the region", mutate: set("hybridlink:transitVpc", "vSwitches[1].zoneId", "cn-shanghai-b"),
			keys: []string{"hybridlink:transitVpc.vSwitches[1].zoneId"}, value: "cn-shanghai-b", mentions: []string{"cn-hangzhou-h"}},
		{name: "bad region", mutate: raw("alicloud:region", "cn-atlantis"),
			keys: []string{"alicloud:region"}, value: "cn-atlantis", mentions: []string{"cn-hangzhou"}},
		{name: "region missing", mutate: func(_ *testing.T, src MapSource) { delete(src.Values, "alicloud:region") },
			keys: []string{"alicloud:region"}, value: "", mentions: []string{"region"}},
		{name: "one zone only", mutate: set("hybridlink:workloadVpcs", "[0].vSwitches[1].zoneId", "cn-hangzhou-h"),
			keys: []string{"hybridlink:workloadVpcs[0].vSwitches"}, value: "2", mentions: []string{"two distinct zones"}},
		{name: "same VPC name twice", mutate: set("hybridlink:transitVpc", "name", "workload"),
			keys: []string{"hybridlink:transitVpc.name"}, value: "workload", mentions: []string{"distinct"}},

		// Secrets: stored encrypted, well formed, never shown.
		{name: "PSK in plaintext", mutate: func(_ *testing.T, src MapSource) { delete(src.Secrets, pskKey) },
			keys: []string{pskKey}, value: "[plaintext]", mentions: []string{"pulumi config set --secret vpnPsk"}},
		{name: "PSK bad characters", mutate: raw(pskKey, "no spaces allowed"),
			keys: []string{pskKey}, value: "[secret]", mentions: []string{"17 characters"}},
		{name: "PSK too long", mutate: raw(pskKey, strings.Repeat("k", 101)),
			keys: []string{pskKey}, value: "[secret]", mentions: []string{"1–100"}},
		{name: "BGP key with a space", mutate: raw(authKeyKey, "md5 key"),
			keys: []string{authKeyKey}, value: "[secret]", mentions: []string{"without spaces"}},
		{name: "BGP key in plaintext", mutate: func(_ *testing.T, src MapSource) { delete(src.Secrets, authKeyKey) },
			keys: []string{authKeyKey}, value: "[plaintext]", mentions: []string{"--secret bgpAuthKey"}},

		// Existing VPCs: all IDs or none.
		{name: "existing VPC without routeTableId", mutate: func(t *testing.T, src MapSource) {
			src.setJSON(t, "hybridlink:transitVpc", "id", "vpc-bp1t00000000000001")
			src.setJSON(t, "hybridlink:transitVpc", "vSwitches[0].id", "vsw-bp1s100000000000001")
			src.setJSON(t, "hybridlink:transitVpc", "vSwitches[1].id", "vsw-bp1s200000000000001")
		}, keys: []string{"hybridlink:transitVpc.routeTableId"}, value: "", mentions: []string{"vtb-"}},
		{name: "existing VPC without a vSwitch id", mutate: func(t *testing.T, src MapSource) {
			src.setJSON(t, "hybridlink:workloadVpcs", "[0].id", "vpc-bp1w00000000000001")
			src.setJSON(t, "hybridlink:workloadVpcs", "[0].routeTableId", "vtb-bp1w00000000000001")
			src.setJSON(t, "hybridlink:workloadVpcs", "[0].vSwitches[0].id", "vsw-bp1s100000000000001")
		}, keys: []string{"hybridlink:workloadVpcs[0].vSwitches[1].id"}, value: "", mentions: []string{"vsw-"}},
		{name: "vSwitch id in a created VPC", mutate: set("hybridlink:transitVpc", "vSwitches[0].id", "vsw-bp1s100000000000001"),
			keys: []string{"hybridlink:transitVpc.vSwitches[0].id"}, value: "vsw-bp1s100000000000001", mentions: []string{"creates"}},

		// On-premises.
		{name: "static route preference", mutate: set("hybridlink:onPrem", "staticRoutePreference", 300),
			stack: "prod", keys: []string{"hybridlink:onPrem.staticRoutePreference"}, value: "300", mentions: []string{"2–255"}},

		// Alarms.
		{name: "alarm loss rate above 100 %", mutate: set("hybridlink:alarms", "lossRatePercent", 150),
			keys: []string{"hybridlink:alarms.lossRatePercent"}, value: "150", mentions: []string{"1–100", "unset for 10"}},
		{name: "alarm silence too short", mutate: set("hybridlink:alarms", "silenceSecs", 60),
			keys: []string{"hybridlink:alarms.silenceSecs"}, value: "60", mentions: []string{"300–86400"}},
		{name: "alarm contact group without contacts", mutate: set("hybridlink:alarms", "contactGroup.contacts", []any{}),
			keys: []string{"hybridlink:alarms.contactGroup.contacts"}, value: "", mentions: []string{"alarm contacts"}},
		{name: "alarm contact group name", mutate: set("hybridlink:alarms", "contactGroup.name", "on call!"),
			keys: []string{"hybridlink:alarms.contactGroup.name"}, value: "on call!", mentions: []string{"letters, digits"}},
		{name: "alarm setting misspelt", mutate: set("hybridlink:alarms", "lossRate", 5),
			keys: []string{"hybridlink:alarms"}, value: "lossRate", mentions: []string{"unknown field", "lossRatePercent"}},
		{name: "alarms without the VBR health check", mutate: raw("hybridlink:vbrHealthCheck", "false"),
			keys: []string{"hybridlink:alarms"}, mentions: []string{"health check", "VBRHealthCheck"}},
		{name: "alarms configured but off", mutate: set("hybridlink:alarms", "enabled", false),
			keys: []string{"hybridlink:alarms.enabled"}, value: "false", mentions: []string{"set enabled: true"}},
		{name: "alarm webhook in plaintext", mutate: raw("hybridlink:alarmWebhook", "https://hooks.example.com/x?token=t"),
			keys: []string{"hybridlink:alarmWebhook"}, value: "[plaintext]", mentions: []string{"--secret alarmWebhook"}},
		{name: "alarm webhook not http", mutate: func(_ *testing.T, src MapSource) {
			src.Values["hybridlink:alarmWebhook"], src.Secrets["hybridlink:alarmWebhook"] = "ftp://hooks.example.com/?token=t", true
		}, keys: []string{"hybridlink:alarmWebhook"}, value: "[secret]", mentions: []string{"not an http or https URL"}},
		{name: "dev: alarm webhook without alarms", stack: "dev", mutate: func(_ *testing.T, src MapSource) {
			src.Values["hybridlink:alarmWebhook"], src.Secrets["hybridlink:alarmWebhook"] = "https://hooks.example.com/?token=t", true
		}, keys: []string{"hybridlink:alarmWebhook"}, value: "[secret]", mentions: []string{"alarms are off"}},

		// A dev case, so both stacks' shapes are exercised.
		{name: "dev: PSK given in plaintext", stack: "dev", mutate: raw(pskKey, "plain-psk"),
			keys: []string{pskKey}, value: "[plaintext]", mentions: []string{"config rm vpnPsk"}},

		// Two circuits: the list, the pair, the mode.
		{name: "dual: three circuits", stack: "prod-dual", mutate: func(t *testing.T, src MapSource) {
			var list []any
			require.NoError(t, json.Unmarshal([]byte(src.Values[ecKey]), &list))
			b, _ := json.Marshal(append(list, list[1]))
			src.Values[ecKey] = string(b)
		}, keys: []string{ecKey}, value: "[3 circuits]", mentions: []string{"list of 3 circuits", "one circuit or two", "as a map"}},
		{name: "dual: both on one line", stack: "prod-dual", mutate: set(ecKey, "[1].physicalConnectionId", "pc-bp1hlaccesspointa0001"),
			keys: []string{ecKey + "[1].physicalConnectionId"}, value: "pc-bp1hlaccesspointa0001", mentions: []string{"the first circuit's too", "another access point"}},
		{name: "dual: two on-premises ASes", stack: "prod-dual", mutate: set(ecKey, "[1].peerAsn", 65531),
			keys: []string{ecKey + "[1].peerAsn"}, value: "65531", mentions: []string{"differs from the first circuit's 65530", "use 65530"}},
		{name: "dual: peering subnets overlap", stack: "prod-dual", mutate: func(t *testing.T, src MapSource) {
			src.setJSON(t, ecKey, "[1].peeringSubnetMask", "255.255.255.248")
		}, keys: []string{ecKey + "[0].peerGatewayIp"}, value: "10.1.0.8/30", mentions: []string{"overlaps " + ecKey + "[1].peerGatewayIp (10.1.0.8/29)"}},
		{name: "dual: the first circuit's key in the list", stack: "prod-dual", mutate: set(ecKey, "[0].vlanId", 3000),
			keys: []string{ecKey + "[0].vlanId"}, value: "3000", mentions: []string{"out of range 0–2999"}},
		{name: "dual: wrong type in the second circuit", stack: "prod-dual", mutate: set(ecKey, "[1].vlanId", "ten"),
			keys: []string{ecKey + "[1].vlanId"}, value: `"ten"`, mentions: []string{"whole number"}},
		{name: "dual: unknown mode", stack: "prod-dual", mutate: raw(modeKey, "hot-standby"),
			keys: []string{modeKey}, value: "hot-standby", mentions: []string{`"active-standby"`, `"ecmp"`}},
		{name: "mode with one circuit", mutate: raw(modeKey, "ecmp"),
			keys: []string{modeKey}, value: "ecmp", mentions: []string{"one circuit", "leave it unset"}},
		{name: "circuits neither a map nor a list", mutate: raw(ecKey, `"pc-bp1hybridlinkprod0001"`),
			keys: []string{ecKey}, value: `"pc-bp1hybridlinkprod0001"`, mentions: []string{"map (one circuit) or list of two maps"}},
	}
}

const (
	ecKey   = "hybridlink:expressConnect"
	modeKey = "hybridlink:circuitMode"
)

// TestMalformedConfigs loads every malformed stack as the CLI does (the
// stack file's keys listed) and runs it through the program under mocks as
// `pulumi up` does (the keys listed in PULUMI_CONFIG, as the language host
// sets it): both name the same keys, and nothing is registered.
func TestMalformedConfigs(t *testing.T) {
	cases := append(malformedConfigs(), hostileConfigs()...)
	require.GreaterOrEqual(t, len(cases), 60)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { checkMalformed(t, tc) })
	}
}

// checkMalformed loads a malformed stack and runs it through the program:
// both report the case's problems, and nothing is registered.
func checkMalformed(t *testing.T, tc malformed) {
	t.Setenv(RegionEnv, "")
	stack := tc.stack
	if stack == "" {
		stack = "prod"
	}
	src := committed(t, stack)
	if stack == "prod" {
		// onPrem is unset in the stack file; give the cases a value to change.
		src.Values["hybridlink:onPrem"] = "{}"
	}
	tc.mutate(t, src)
	secrets := []string{src.Values[pskKey], src.Values[authKeyKey]}

	_, err := Load(stack, src)
	ce := configError(t, err)
	assertProblems(t, tc, ce, secrets)

	m, err := runProgramListingKeys(t, stack, src)
	ce = configError(t, err)
	assertProblems(t, tc, ce, secrets)
	assert.Empty(t, m.Resources(), "nothing is registered")
}

func assertProblems(t *testing.T, tc malformed, ce *ConfigError, secrets []string) {
	t.Helper()
	want := append([]string(nil), tc.keys...)
	assert.ElementsMatch(t, want, problemKeys(ce), "problem keys of %v", ce)
	var p *Problem
	for i := range ce.Problems {
		if ce.Problems[i].Key == tc.keys[0] {
			p = &ce.Problems[i]
			break
		}
	}
	require.NotNil(t, p, "a problem for %s in %v", tc.keys[0], ce)
	if len(tc.keys) > 1 && tc.keys[1] == tc.keys[0] {
		// Two problems of one key: match the value on either.
		var values []string
		for _, q := range ce.Problems {
			if q.Key == tc.keys[0] {
				values = append(values, q.Value)
			}
		}
		assert.Contains(t, values, tc.value)
	} else {
		assert.Equal(t, tc.value, p.Value, "value of %s", p.Key)
	}
	text := ""
	for _, q := range ce.Problems {
		if q.Key == tc.keys[0] {
			text += q.Problem + " " + q.Fix + " "
		}
	}
	for _, m := range tc.mentions {
		assert.Contains(t, text, m)
	}
	for _, q := range ce.Problems {
		assert.NotEmpty(t, q.Problem, "%s has a problem", q.Key)
		assert.NotEmpty(t, q.Fix, "%s has a fix", q.Key)
		assert.True(t, strings.HasPrefix(q.String(), q.Key), "%s names its key", q)
	}
	msg := ce.Error()
	assert.Contains(t, msg, "nothing was deployed")
	for _, s := range secrets {
		if s != "" {
			assert.NotContains(t, msg, s, "a secret's plaintext never appears")
		}
	}
}

func TestLoadReportsEveryProblemAtOnce(t *testing.T) {
	src := committed(t, "prod")
	src.setJSON(t, "hybridlink:expressConnect", "vlanId", 3000)
	src.setJSON(t, "hybridlink:vpn", "bandwidthMbps", 7)
	src.Values["alicloud:region"] = "mars-1"
	delete(src.Secrets, pskKey)
	ce := configError(t, func() error { _, err := Load("prod", src); return err }())
	assert.Equal(t, []string{"alicloud:region", "hybridlink:expressConnect.vlanId", "hybridlink:vpn.bandwidthMbps", pskKey}, problemKeys(ce))
	assert.Equal(t, problemKeys(ce), func() []string {
		keys := []string{}
		for _, p := range ce.Problems {
			keys = append(keys, p.Key)
		}
		return keys
	}(), "problems are sorted by key")
	assert.Contains(t, ce.Error(), "stack prod: 4 configuration problem(s)")
}

// A stack file read without its passphrase holds opaque secrets: they load,
// but are not checked (their values are unknown) and are never shown.
func TestLoadWithOpaqueSecrets(t *testing.T) {
	src := opaqueSource{committed(t, "prod")}
	env, err := Load("prod", src)
	require.NoError(t, err)
	assert.True(t, env.Config.VPNPSK.Opaque)
	assert.True(t, env.Config.VPNPSK.Set)
	assert.Empty(t, env.Config.VPNPSK.Value)
	assert.True(t, env.Config.BGPAuthKey.Opaque)
}

// opaqueSource hides its secrets, like a stack file read without passphrase.
type opaqueSource struct{ MapSource }

func (o opaqueSource) IsOpaque(key string) bool { return o.Secrets[key] }

func TestLoadWithoutKeyLister(t *testing.T) {
	// A source that cannot list its keys (the running program's config)
	// cannot report unknown keys; everything else is still checked.
	src := committed(t, "dev")
	src.Values["hybridlink:bogus"] = "1"
	_, err := Load("dev", struct{ Source }{src})
	require.NoError(t, err)
	_, err = Load("dev", src)
	assert.Equal(t, []string{"hybridlink:bogus"}, problemKeys(configError(t, err)))
}

func TestStaticRoutePreference(t *testing.T) {
	assert.Equal(t, 255, onprem.Config{}.StaticPreference())
	assert.Equal(t, 100, onprem.Config{StaticRoutePreference: new(100)}.StaticPreference())
	for _, p := range []int{100, 255} {
		src := committed(t, "dev")
		src.Values["hybridlink:onPrem"] = fmt.Sprintf(`{"staticRoutePreference": %d}`, p)
		_, err := Load("dev", src)
		assert.NoError(t, err, "preference %d", p)
	}
	for _, p := range []int{1, 256, -1} {
		src := committed(t, "dev")
		src.Values["hybridlink:onPrem"] = fmt.Sprintf(`{"staticRoutePreference": %d}`, p)
		_, err := Load("dev", src)
		assert.Equal(t, []string{"hybridlink:onPrem.staticRoutePreference"}, problemKeys(configError(t, err)), "preference %d", p)
	}
}

// A loaded configuration can be printed or marshalled without its secrets.
func TestSecretsDoNotPrint(t *testing.T) {
	env, err := Load("prod", committed(t, "prod"))
	require.NoError(t, err)
	psk := env.Config.VPNPSK.Value
	require.NotEmpty(t, psk)
	b, err := json.Marshal(env.Config)
	require.NoError(t, err)
	for _, shown := range []string{fmt.Sprintf("%v", env.Config), fmt.Sprintf("%+v", env.Config), fmt.Sprintf("%#v", env.Config), string(b)} {
		assert.NotContains(t, shown, psk)
		assert.NotContains(t, shown, env.Config.BGPAuthKey.Value)
		assert.Contains(t, shown, "[secret]")
	}
}

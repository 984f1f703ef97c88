package localcloud

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/inventory"
)

// with returns base with the given properties replaced (nil deletes).
func with(base props, changes props) props {
	out := maps.Clone(base)
	for k, v := range changes {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

var (
	vswitchBase = props{"vpcId": "vpc-bp1aaaaaaaaaaaaaaaaaa", "cidrBlock": "10.0.1.0/24", "zoneId": "cn-hangzhou-h"}
	groupBase   = props{"routerId": "vbr-bp1aaaaaaaaaaaaaaaaaa", "peerAsn": 65530}
	gatewayBase = props{"vpcId": "vpc-bp1aaaaaaaaaaaaaaaaaa", "bandwidth": 10}
	connBase    = props{"vpnGatewayId": "vpn-bp1aaaaaaaaaaaaaaaaaa", "customerGatewayId": "cgw-bp1aaaaaaaaaaaaaaaaaa",
		"localSubnets": []string{"0.0.0.0/0"}, "remoteSubnets": []string{"0.0.0.0/0"}}
	routeBase = props{"vpnGatewayId": "vpn-bp1aaaaaaaaaaaaaaaaaa", "nextHop": "vco-bp1aaaaaaaaaaaaaaaaaa",
		"routeDest": "172.16.0.0/16", "weight": 100, "publishVpc": true}
	attBase = props{"vpcId": "vpc-bp1aaaaaaaaaaaaaaaaaa", "cenId": "cen-aaaaaaaaaaaaaaaaaa",
		"zoneMappings": []any{props{"zoneId": "cn-hangzhou-h", "vswitchId": "vsw-bp1aaaaaaaaaaaaaaaaaa"}}}
	alarmBase = props{"contactGroups": []string{"oncall"}, "metric": "VBRHealthyCheckLossRate", "project": "acs_cen",
		"metricDimensions": `[{"cenId":"cen-x","vbrInstanceId":"vbr-x"}]`, "escalationsCritical": props{"threshold": "1"}}
	healthBase = props{"cenId": "cen-aaaaaaaaaaaaaaaaaa", "healthCheckTargetIp": "10.1.0.2",
		"vbrInstanceId": "vbr-bp1aaaaaaaaaaaaaaaaaa", "vbrInstanceRegionId": "cn-hangzhou"}
)

func TestCheckRejectsWhatTheAPIRejects(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name      string
		tok       tokens.Type
		in        props
		prop      string
		code      string
		fragments []string
	}{
		{"vSwitch needs its VPC", inventory.VSwitch, with(vswitchBase, props{"vpcId": nil}), "vpcId", "MissingParameter", nil},
		{"CIDR syntax", inventory.VPC, props{"cidrBlock": "10.0.0.0/33"}, "cidrBlock", "InvalidCidrBlock.Malformed", []string{"10.0.0.0/33"}},
		{"CIDR host bits", inventory.VPC, props{"cidrBlock": "10.0.0.1/16"}, "cidrBlock", "InvalidCidrBlock.Malformed", []string{"host bits"}},
		{"VPC mask", inventory.VPC, props{"cidrBlock": "10.0.0.0/29"}, "cidrBlock", "InvalidCidrBlock.Malformed", []string{"/29"}},
		{"VPC forbidden range", inventory.VPC, props{"cidrBlock": "100.64.0.0/16"}, "cidrBlock", "InvalidCidrBlock.Malformed", []string{"100.64.0.0/10"}},
		{"vSwitch mask", inventory.VSwitch, with(vswitchBase, props{"cidrBlock": "10.0.1.0/30"}), "cidrBlock", "InvalidCidrBlock.Malformed", []string{"/30"}},
		{"zone of another region", inventory.VSwitch, with(vswitchBase, props{"zoneId": "cn-beijing-a"}), "zoneId", "InvalidZoneId.NotFound", []string{"cn-hangzhou"}},
		{"deprecated zone field", inventory.VSwitch, with(vswitchBase, props{"zoneId": nil, "availabilityZone": "us-east-1a"}), "availabilityZone", "InvalidZoneId.NotFound", nil},
		{"VLAN range", inventory.VBR, with(vbrProps(), props{"vlanId": 3000}), "vlanId", "InvalidVlanId.Malformed", []string{"3000", "0–2999"}},
		{"physical connection ID", inventory.VBR, with(vbrProps(), props{"physicalConnectionId": "circuit-1"}), "physicalConnectionId", "InvalidPhysicalConnectionId.NotFound", nil},
		{"physical connection ID form", inventory.VBR, with(vbrProps(), props{"physicalConnectionId": "pc-X"}), "physicalConnectionId", "InvalidPhysicalConnectionId.NotFound", []string{"lowercase letters or digits"}},
		{"reserved tag key", inventory.VPC, props{"cidrBlock": "10.0.0.0/16", "tags": props{"acs:team": "net"}}, "tags.acs:team", "InvalidTagKey.Malformed", []string{"reserves"}},
		{"tag value with a URL", inventory.VSwitch, with(vswitchBase, props{"tags": props{"wiki": "http://x"}}), "tags.wiki", "InvalidTagValue.Malformed", []string{"http://"}},
		{"too many tags", inventory.VPNGateway, with(gatewayBase, props{"tags": manyTags(21)}), "tags", "InvalidTags.Malformed", []string{"at most 20"}},
		{"peering mask", inventory.VBR, with(vbrProps(), props{"peeringSubnetMask": "255.255.255.254"}), "peeringSubnetMask", "InvalidPeeringSubnetMask.Malformed", []string{"/31"}},
		{"peering mask syntax", inventory.VBR, with(vbrProps(), props{"peeringSubnetMask": "255.0.255.0"}), "peeringSubnetMask", "InvalidPeeringSubnetMask.Malformed", []string{"contiguous"}},
		{"peer outside the subnet", inventory.VBR, with(vbrProps(), props{"peerGatewayIp": "10.1.0.6"}), "peerGatewayIp", "InvalidPeerGatewayIp.Malformed", []string{"10.1.0.0/30"}},
		{"peering IP is the network", inventory.VBR, with(vbrProps(), props{"localGatewayIp": "10.1.0.0"}), "localGatewayIp", "InvalidLocalGatewayIp.Malformed", []string{"network address"}},
		{"peering IP syntax", inventory.VBR, with(vbrProps(), props{"localGatewayIp": "10.1.0.300"}), "localGatewayIp", "InvalidLocalGatewayIp.Malformed", nil},
		{"VBR bandwidth tier", inventory.VBR, with(vbrProps(), props{"bandwidth": 150}), "bandwidth", "InvalidBandwidth.Malformed", []string{"150"}},
		{"BFD multiplier", inventory.VBR, with(vbrProps(), props{"detectMultiplier": 20}), "detectMultiplier", "InvalidDetectMultiplier.Malformed", []string{"3–10"}},
		{"peer ASN range", inventory.BGPGroup, with(groupBase, props{"peerAsn": 0}), "peerAsn", "InvalidPeerAsn.Malformed", nil},
		{"peer ASN reserved", inventory.BGPGroup, with(groupBase, props{"peerAsn": 23456}), "peerAsn", "InvalidPeerAsn.Malformed", []string{"reserved"}},
		{"peer ASN is Alibaba's", inventory.BGPGroup, with(groupBase, props{"peerAsn": 45104}), "peerAsn", "InvalidPeerAsn.Malformed", []string{"45104"}},
		{"peer ASN equals local", inventory.BGPGroup, with(groupBase, props{"peerAsn": 65001, "localAsn": 65001}), "peerAsn", "InvalidPeerAsn.Malformed", []string{"eBGP"}},
		{"local ASN", inventory.BGPGroup, with(groupBase, props{"localAsn": 65025}), "localAsn", "InvalidLocalAsn.Malformed", nil},
		{"BGP router is a VBR", inventory.BGPGroup, with(groupBase, props{"routerId": "vrt-bp1x"}), "routerId", "InvalidRouterId.Malformed", nil},
		{"BGP IP version", inventory.BGPPeer, props{"bgpGroupId": "bgpg-x", "ipVersion": "IPv5"}, "ipVersion", "InvalidIpVersion.Malformed", nil},
		{"VPN bandwidth tier", inventory.VPNGateway, with(gatewayBase, props{"bandwidth": 15}), "bandwidth", "InvalidBandwidth.Malformed", []string{"15"}},
		{"private VPN bandwidth tier", inventory.VPNGateway, with(gatewayBase, props{"bandwidth": 100, "networkType": "private"}), "bandwidth", "InvalidBandwidth.Malformed", []string{"200, 1000"}},
		{"dual tunnel needs the first vSwitch", inventory.VPNGateway, with(gatewayBase, props{"disasterRecoveryVswitchId": "vsw-x"}), "vswitchId", "MissingParameter", nil},
		{"customer gateway IP private", inventory.CustomerGateway, props{"ipAddress": "192.168.1.1"}, "ipAddress", "InvalidIpAddress.Malformed", []string{"public"}},
		{"customer gateway IP shared space", inventory.CustomerGateway, props{"ipAddress": "100.64.0.1"}, "ipAddress", "InvalidIpAddress.Malformed", nil},
		{"customer gateway ASN", inventory.CustomerGateway, props{"ipAddress": "203.0.113.1", "asn": "sixty"}, "asn", "InvalidAsn.Malformed", nil},
		{"IKE version", inventory.VPNConnection, with(connBase, props{"ikeConfig": props{"ikeVersion": "ikev3"}}), "ikeConfig.ikeVersion", "InvalidIkeVersion.Malformed", []string{"ikev1, ikev2"}},
		{"IKE mode", inventory.VPNConnection, with(connBase, props{"ikeConfig": props{"ikeMode": "quick"}}), "ikeConfig.ikeMode", "InvalidIkeMode.Malformed", nil},
		{"IKE algorithm", inventory.VPNConnection, with(connBase, props{"ikeConfig": props{"ikeAuthAlg": "sha2"}}), "ikeConfig.ikeAuthAlg", "InvalidIkeAuthAlg.Malformed", nil},
		{"IKE lifetime", inventory.VPNConnection, with(connBase, props{"ikeConfig": props{"ikeLifetime": 90000}}), "ikeConfig.ikeLifetime", "InvalidIkeLifetime.Malformed", nil},
		{"IPsec DH group", inventory.VPNConnection, with(connBase, props{"ipsecConfig": props{"ipsecPfs": "group3"}}), "ipsecConfig.ipsecPfs", "InvalidIpsecPfs.Malformed", nil},
		{"PSK charset", inventory.VPNConnection, with(connBase, props{"ikeConfig": props{"psk": "has spaces in it"}}), "ikeConfig.psk", "InvalidPsk.Malformed", []string{"16 characters"}},
		{"tunnel IKE algorithm", inventory.VPNConnection, with(connBase, props{"tunnelOptionsSpecifications": []any{
			props{"role": "master", "tunnelIkeConfig": props{"ikeEncAlg": "rc4"}}, props{"role": "slave"}}}),
			"tunnelOptionsSpecifications[0].tunnelIkeConfig.ikeEncAlg", "InvalidIkeEncAlg.Malformed", nil},
		{"tunnel roles", inventory.VPNConnection, with(connBase, props{"tunnelOptionsSpecifications": []any{props{"role": "master"}, props{"role": "master"}}}),
			"tunnelOptionsSpecifications[1].role", "InvalidRole.Duplicated", nil},
		{"tunnel count", inventory.VPNConnection, with(connBase, props{"tunnelOptionsSpecifications": []any{props{"role": "master"}}}),
			"tunnelOptionsSpecifications", "InvalidParameter.TunnelOptionsSpecification", nil},
		{"route destination", inventory.VPNRouteEntry, with(routeBase, props{"routeDest": "172.16.0.0"}), "routeDest", "InvalidRouteDest.Malformed", nil},
		{"CEN protection level", inventory.CEN, props{"protectionLevel": "FULL"}, "protectionLevel", "InvalidProtectionLevel.Malformed", nil},
		{"attachment needs a transit router", inventory.TRVPCAttachment, with(attBase, props{"cenId": nil}), "transitRouterId", "MissingParameter", nil},
		{"attachment zone", inventory.TRVPCAttachment, with(attBase, props{"zoneMappings": []any{props{"zoneId": "cn-shanghai-a", "vswitchId": "vsw-x"}}}),
			"zoneMappings[0].zoneId", "InvalidZoneId.NotFound", nil},
		{"attachment zones duplicated", inventory.TRVPCAttachment, with(attBase, props{"zoneMappings": []any{
			props{"zoneId": "cn-hangzhou-h", "vswitchId": "vsw-x"}, props{"zoneId": "cn-hangzhou-h", "vswitchId": "vsw-y"}}}),
			"zoneMappings[1].zoneId", "InvalidZoneId.Duplicated", nil},
		{"attachment zone count", inventory.TRVPCAttachment, with(attBase, props{"zoneMappings": []any{}}), "zoneMappings", "InvalidZoneMappings.Malformed", nil},
		{"CEN route CIDR", inventory.CENRouteEntry, props{"instanceId": "cen-x", "routeTableId": "vtb-x", "cidrBlock": "172.16.0.1/16"}, "cidrBlock", "InvalidCidrBlock.Malformed", nil},
		{"health check interval", inventory.VBRHealthCheck, with(healthBase, props{"healthCheckInterval": 5}), "healthCheckInterval", "InvalidHealthCheckInterval.Malformed", []string{"2–3"}},
		{"health check threshold", inventory.VBRHealthCheck, with(healthBase, props{"healthyThreshold": 2}), "healthyThreshold", "InvalidHealthyThreshold.Malformed", nil},
		{"health check target", inventory.VBRHealthCheck, with(healthBase, props{"healthCheckTargetIp": "vbr"}), "healthCheckTargetIp", "InvalidHealthCheckTargetIp.Malformed", nil},
		{"health check region", inventory.VBRHealthCheck, with(healthBase, props{"vbrInstanceRegionId": "hangzhou"}), "vbrInstanceRegionId", "InvalidVbrInstanceRegionId.Malformed", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fails := h.check(tc.tok, "r", tc.in)
			requireFailure(t, fails, tc.prop, tc.code, tc.fragments...)
			assert.Len(t, fails, 1, "only the broken property fails: %v", fails)
		})
	}
}

// TestCheckAppliesTheProviderSchema refuses, at Check, what the real
// provider's schema refuses — one case per rule form — with the provider's
// own message naming the Terraform key.
func TestCheckAppliesTheProviderSchema(t *testing.T) {
	h := newHarness(t)
	const note = " \n[NOTE] set env variable TF_SKIP_RESOURCE_SCHEMA_VALIDATION to true can skip the error and get a warning"
	cases := []struct {
		name string
		tok  tokens.Type
		in   props
		want string
	}{
		{"required", inventory.VBR, with(vbrProps(), props{"vlanId": nil}), "Missing required property 'vlanId'"},
		{"required null", inventory.VPNRouteEntry, with(routeBase, props{"weight": resource.NewNullProperty()}), "Missing required property 'weight'"},
		{"required in a block", inventory.TRVPCAttachment, with(attBase, props{"zoneMappings": []any{props{"zoneId": "cn-hangzhou-h"}}}),
			"Missing required property 'zoneMappings[0].vswitchId'"},
		{"StringInSlice, case ignored", inventory.VPNGateway, with(gatewayBase, props{"vpnType": "Standard"}),
			"expected vpn_type to be one of [Normal NationalStandard], got Standard" + note},
		{"StringInSlice, nested", inventory.Alarm, with(alarmBase, props{"escalationsCritical": props{"comparisonOperator": "=>", "threshold": "1"}}),
			"expected escalations_critical.0.comparison_operator to be one of [> >= < <= != == GreaterThanYesterday LessThanYesterday GreaterThanLastWeek LessThanLastWeek GreaterThanLastPeriod LessThanLastPeriod], got =>" + note},
		{"StringInSlice, in a set", inventory.Alarm, with(alarmBase, props{"targets": []any{props{"level": "Major"}}}),
			"expected targets.0.level to be one of [Critical Warn Info], got Major" + note},
		{"IntInSlice", inventory.VBR, with(vbrProps(), props{"mtu": 1400}), "expected mtu to be one of [0 1500 8500], got 1400" + note},
		{"IntInSlice of terraform-plugin-sdk", inventory.VPNRouteEntry, with(routeBase, props{"weight": 50}), "expected weight to be one of [0 100], got 50"},
		{"IntBetween", inventory.BGPPeer, props{"bgpGroupId": "bgpg-x", "bfdMultiHop": 300}, "expected bfd_multi_hop to be in the range (1 - 255), got 300" + note},
		{"Any", inventory.VPNGateway, with(gatewayBase, props{"period": 10}), "expected period to be in the range (1 - 9), got 10" + note},
		{"CIDR network", inventory.VPNConnection, with(connBase, props{"remoteSubnets": []string{"172.16.0.0/16", "172.16.0.1/16"}}),
			`"remote_subnet.1" must contain a valid network CIDR, expected "172.16.0.0/16", got "172.16.0.1/16"`},
		{"MinItems", inventory.VPNConnection, with(connBase, props{"localSubnets": []string{}}), "local_subnet: attribute supports 1 item as a minimum, config has 0 declared"},
		{"MaxItems", inventory.VPNConnection, with(connBase, props{"localSubnets": manyCIDRs(11)}), "local_subnet: attribute supports 10 item maximum, config has 11 declared"},
		{"ConflictsWith", inventory.VPC, props{"cidrBlock": "10.0.0.0/16", "name": "a", "vpcName": "b"}, `"vpc_name": conflicts with name. Examine values at 'r.vpcName'.`},
		{"ExactlyOneOf, neither", inventory.VSwitch, with(vswitchBase, props{"zoneId": nil}), "\"zone_id\": one of `availability_zone,zone_id` must be specified"},
		{"ExactlyOneOf, both", inventory.VSwitch, with(vswitchBase, props{"availabilityZone": "cn-hangzhou-h"}),
			"\"zone_id\": only one of `availability_zone,zone_id` can be specified, but `availability_zone,zone_id` were specified."},
		{"output only", inventory.VPNGateway, with(gatewayBase, props{"internetIp": "1.2.3.4"}), `"internet_ip": this field cannot be set`},
		{"unknown property", inventory.VPC, props{"colour": "blue"}, ": invalid or unknown key: colour"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fails := h.check(tc.tok, "r", tc.in)
			var reasons []string
			for _, f := range fails {
				reasons = append(reasons, f.Reason)
				assert.Empty(t, f.Property, "the bridge names the key in the reason, not in Property")
			}
			assert.Contains(t, reasons, tc.want)
		})
	}
}

// manyCIDRs is n distinct /24 blocks.
func manyCIDRs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("10.%d.0.0/24", i)
	}
	return out
}

func TestCheckAcceptsTheReferenceValues(t *testing.T) {
	h := newHarness(t)
	for tok, in := range map[tokens.Type]props{
		inventory.VPC:             {"cidrBlock": "192.168.0.0/16"},
		inventory.VSwitch:         vswitchBase,
		inventory.VBR:             with(vbrProps(), props{"bandwidth": 1000, "detectMultiplier": 3}),
		inventory.BGPGroup:        with(groupBase, props{"localAsn": 45104, "authKey": "k3y"}),
		inventory.VPNGateway:      with(gatewayBase, props{"vswitchId": "vsw-a", "disasterRecoveryVswitchId": "vsw-b"}),
		inventory.CustomerGateway: {"ipAddress": "203.0.113.68", "asn": "65530"},
		inventory.VPNConnection:   with(connBase, props{"ikeConfig": props{"psk": "Abc~!`@#$%^&*()_-+={}[]|;:',.<>/?"}}),
		inventory.VPNRouteEntry:   routeBase,
		inventory.TRVPCAttachment: attBase,
		inventory.VBRHealthCheck:  healthBase,
	} {
		assert.Empty(t, h.check(tok, "r", in), "%s", tok)
	}
}

// TestUnknownsNeverFail checks every type with every input unknown, as at
// the first preview of a stack, and with unknowns nested in objects and
// arrays.
func TestUnknownsNeverFail(t *testing.T) {
	h := newHarness(t)
	s := loadSchema(t)
	for tok := range servedKinds() {
		in := props{}
		for p := range s.Resources[string(tok)].InputProperties {
			in[p] = unknown
		}
		assert.Empty(t, h.check(tok, "r", in), "%s all unknown", tok)
		// Absent is not unknown: every required input is reported.
		fails := h.check(tok, "r", props{})
		for _, p := range s.Resources[string(tok)].RequiredInputs {
			requireProviderFailure(t, fails, "Missing required property '"+p+"'")
		}
	}
	nested := []struct {
		tok tokens.Type
		in  props
	}{
		{inventory.VPNConnection, with(connBase, props{"vpnGatewayId": unknown, "ikeConfig": props{"psk": unknown, "ikeVersion": unknown},
			"tunnelOptionsSpecifications": []any{props{"customerGatewayId": unknown, "role": "master"}, unknown},
			"localSubnets":                []any{unknown}})},
		{inventory.TRVPCAttachment, with(attBase, props{"zoneMappings": []any{props{"zoneId": unknown, "vswitchId": unknown}, unknown}})},
		{inventory.VPNRouteEntry, with(routeBase, props{"vpnGatewayId": unknown, "nextHop": unknown})},
		{inventory.VBR, with(vbrProps(), props{"localGatewayIp": unknown, "peeringSubnetMask": unknown})},
		{inventory.BGPGroup, with(groupBase, props{"localAsn": unknown, "peerAsn": 45104 + 1})},
		{inventory.VPNGateway, with(gatewayBase, props{"networkType": unknown, "bandwidth": 15})},
		{inventory.VPNGateway, with(gatewayBase, props{"vpcId": unknown, "vswitchId": unknown, "disasterRecoveryVswitchId": unknown})},
	}
	for _, tc := range nested {
		assert.Empty(t, h.check(tc.tok, "r", tc.in), "%s nested unknowns", tc.tok)
	}
	// A secret that is also unknown is still only unknown.
	assert.Empty(t, h.check(inventory.VPNConnection, "r", with(connBase, props{"ikeConfig": resource.MakeSecret(unknown)})))
}

func TestSecretsStayOutOfMessages(t *testing.T) {
	h := newHarness(t)
	const key = "not valid key"
	in := with(connBase, props{"ikeConfig": props{"psk": resource.MakeSecret(resource.NewStringProperty(key))}})
	fails := h.check(inventory.VPNConnection, "r", in)
	requireFailure(t, fails, "ikeConfig.psk", "InvalidPsk.Malformed", "secret")
	b, err := json.Marshal(fails)
	require.NoError(t, err)
	assert.NotContains(t, string(b), key)

	// A secret value of any other property is not shown either.
	fails = h.check(inventory.VPC, "r", props{"cidrBlock": resource.MakeSecret(resource.NewStringProperty("10.9.9.9/99"))})
	requireFailure(t, fails, "cidrBlock", "InvalidCidrBlock.Malformed")
	assert.False(t, strings.Contains(fails[0].Reason, "10.9.9.9"), fails[0].Reason)

	// Nor does Create repeat it.
	w := newWorld(h)
	_, err = h.tryCreate(inventory.VPNConnection, "bad", with(dualTunnel(w.gw.id, w.cgw.id), props{"tunnelOptionsSpecifications": []any{
		props{"role": "master", "customerGatewayId": w.cgw.id, "tunnelIkeConfig": props{"psk": resource.MakeSecret(resource.NewStringProperty(key))}},
		props{"role": "slave", "customerGatewayId": w.cgw.id}}}))
	require.ErrorContains(t, err, "InvalidPsk.Malformed")
	assert.NotContains(t, err.Error(), key)
}

// manyTags is n distinct tags.
func manyTags(n int) props {
	out := props{}
	for i := range n {
		out[fmt.Sprintf("t%d", i)] = "v"
	}
	return out
}

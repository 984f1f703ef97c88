package localcloud

import (
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

// TestCreateRefusesWhatTheAPIRefuses applies each rule the API
// documentation adds beyond the provider's schema: at Create, as the API
// does, with the API's error code on the property, and nothing else failing.
// Check, like the real provider's, lets them all through.
func TestCreateRefusesWhatTheAPIRefuses(t *testing.T) {
	h := newHarness(t)
	w := newWorld(h)
	gw1 := h.create(inventory.VPNGateway, "gw1", props{"vpcId": w.vpc1.id, "bandwidth": 10, "vswitchId": w.sw1h.id})
	var (
		sw      = props{"vpcId": w.vpc2.id, "cidrBlock": "10.0.9.0/24", "zoneId": "cn-hangzhou-h"}
		vbr     = with(vbrProps(), props{"vlanId": 7})
		gateway = props{"vpcId": w.vpc2.id, "bandwidth": 10}
		single  = props{"vpnGatewayId": gw1.id, "customerGatewayId": w.cgw.id, "localSubnets": []string{"0.0.0.0/0"}, "remoteSubnets": []string{"0.0.0.0/0"}}
		dual    = dualTunnel(w.gw.id, w.cgw.id)
		route   = props{"vpnGatewayId": w.gw.id, "nextHop": w.conn.id, "routeDest": "172.17.0.0/16", "weight": 100, "publishVpc": true}
		att     = props{"vpcId": w.vpc1.id, "transitRouterId": w.tr.str("transitRouterId"),
			"zoneMappings": []any{props{"zoneId": "cn-hangzhou-h", "vswitchId": w.sw1h.id}}}
		health   = props{"cenId": w.cen.id, "healthCheckTargetIp": "10.1.0.2", "vbrInstanceId": w.vbr.id, "vbrInstanceRegionId": "cn-hangzhou"}
		routeMap = routeMapProps(w, 12)
	)
	tunnels := func(master, slave props) props {
		ts := dual["tunnelOptionsSpecifications"].([]any)
		return with(dual, props{"tunnelOptionsSpecifications": []any{with(ts[0].(props), master), with(ts[1].(props), slave)}})
	}
	cases := []struct {
		name      string
		tok       tokens.Type
		in        props
		prop      string
		code      string
		fragments []string
	}{
		{"vSwitch needs its VPC", inventory.VSwitch, with(sw, props{"vpcId": nil}), "vpcId", "MissingParameter", nil},
		{"CIDR syntax", inventory.VPC, props{"cidrBlock": "10.0.0.0/33"}, "cidrBlock", "InvalidCidrBlock.Malformed", []string{"10.0.0.0/33"}},
		{"CIDR host bits", inventory.VPC, props{"cidrBlock": "10.0.0.1/16"}, "cidrBlock", "InvalidCidrBlock.Malformed", []string{"host bits"}},
		{"VPC mask", inventory.VPC, props{"cidrBlock": "10.0.0.0/29"}, "cidrBlock", "InvalidCidrBlock.Malformed", []string{"/29", "/8 to /28"}},
		{"VPC reserved range", inventory.VPC, props{"cidrBlock": "100.64.0.0/16"}, "cidrBlock", "InvalidCidrBlock.Malformed", []string{"100.64.0.0/10"}},
		{"vSwitch mask", inventory.VSwitch, with(sw, props{"cidrBlock": "10.0.9.0/30"}), "cidrBlock", "InvalidCidrBlock.Malformed", []string{"/30"}},
		{"vSwitch outside its VPC", inventory.VSwitch, with(sw, props{"cidrBlock": "10.9.0.0/24"}), "cidrBlock", "InvalidCidrBlock.NotInVpc", nil},
		{"zone of another region", inventory.VSwitch, with(sw, props{"zoneId": "cn-beijing-a"}), "zoneId", "InvalidZoneId.NotFound", []string{"cn-hangzhou"}},
		{"deprecated zone field", inventory.VSwitch, with(sw, props{"zoneId": nil, "availabilityZone": "us-east-1a"}), "availabilityZone", "InvalidZoneId.NotFound", nil},
		{"VLAN range", inventory.VBR, with(vbr, props{"vlanId": 3000}), "vlanId", "InvalidVlanId.Malformed", []string{"3000", "0–2999"}},
		{"VLAN taken on the circuit", inventory.VBR, with(vbr, props{"vlanId": 0}), "vlanId", "InvalidVlanId.Used", []string{w.vbr.id}},
		{"reserved tag key", inventory.VPC, props{"cidrBlock": "10.3.0.0/16", "tags": props{"acs:team": "net"}}, "tags.acs:team", "InvalidTagKey.Malformed", []string{"reserves"}},
		{"tag key too long", inventory.VPC, props{"cidrBlock": "10.3.0.0/16", "tags": props{strings.Repeat("k", 129): "v"}}, "tags." + strings.Repeat("k", 129), "InvalidTagKey.Malformed", []string{"at most 128"}},
		{"tag value with a URL", inventory.VSwitch, with(sw, props{"tags": props{"wiki": "http://x"}}), "tags.wiki", "InvalidTagValue.Malformed", []string{"http://"}},
		{"too many tags", inventory.VPNGateway, with(gateway, props{"tags": manyTags(21)}), "tags", "InvalidTags.Malformed", []string{"at most 20"}},
		{"peering mask syntax", inventory.VBR, with(vbr, props{"peeringSubnetMask": "255.0.255.0"}), "peeringSubnetMask", "InvalidPeeringSubnetMask.Malformed", []string{"contiguous"}},
		{"peer outside the subnet", inventory.VBR, with(vbr, props{"peerGatewayIp": "10.1.0.6"}), "peerGatewayIp", "InvalidPeerGatewayIp.Malformed", []string{"10.1.0.0/30"}},
		{"peering IP syntax", inventory.VBR, with(vbr, props{"localGatewayIp": "10.1.0.300"}), "localGatewayIp", "InvalidLocalGatewayIp.Malformed", nil},
		{"VBR bandwidth tier", inventory.VBR, with(vbr, props{"bandwidth": 150}), "bandwidth", "InvalidBandwidth.Malformed", []string{"150"}},
		{"BFD multiplier", inventory.VBR, with(vbr, props{"detectMultiplier": 20}), "detectMultiplier", "InvalidDetectMultiplier.Malformed", []string{"3–10"}},
		{"local ASN", inventory.BGPGroup, props{"routerId": w.vbr.id, "peerAsn": 65530, "localAsn": 65025}, "localAsn", "InvalidLocalAsn.Malformed", nil},
		{"BGP IP version", inventory.BGPPeer, props{"bgpGroupId": w.bgpGroup.id, "ipVersion": "IPv5"}, "ipVersion", "InvalidIpVersion.Malformed", nil},
		{"VPN bandwidth tier", inventory.VPNGateway, with(gateway, props{"bandwidth": 50}), "bandwidth", "InvalidBandwidth.Malformed", []string{"50", "10, 100, 200, 500, 1000"}},
		{"private VPN bandwidth tier", inventory.VPNGateway, with(gateway, props{"bandwidth": 100, "networkType": "private"}), "bandwidth", "InvalidBandwidth.Malformed", []string{"200, 1000"}},
		{"dual tunnel needs the first vSwitch", inventory.VPNGateway, with(gateway, props{"disasterRecoveryVswitchId": w.sw2i.id}), "vswitchId", "MissingParameter", nil},
		{"dual tunnel in one zone", inventory.VPNGateway, with(gateway, props{"vswitchId": w.sw2h.id, "disasterRecoveryVswitchId": w.sw2h.id}), "disasterRecoveryVswitchId", "InvalidVSwitchId.SameZone", nil},
		{"customer gateway IP private", inventory.CustomerGateway, props{"ipAddress": "192.168.1.1"}, "ipAddress", "InvalidIpAddress.Malformed", []string{"public"}},
		{"customer gateway IP reserved", inventory.CustomerGateway, props{"ipAddress": "100.64.0.1"}, "ipAddress", "InvalidIpAddress.Malformed", []string{"100.64.0.0/10"}},
		{"customer gateway ASN", inventory.CustomerGateway, props{"ipAddress": "203.0.113.1", "asn": "sixty"}, "asn", "InvalidAsn.Malformed", nil},
		{"customer gateway ASN is Alibaba's", inventory.CustomerGateway, props{"ipAddress": "203.0.113.1", "asn": "45104"}, "asn", "InvalidAsn.Malformed", []string{"45104"}},
		{"IKE version", inventory.VPNConnection, with(single, props{"ikeConfig": props{"ikeVersion": "ikev3"}}), "ikeConfig.ikeVersion", "InvalidIkeVersion.Malformed", []string{"ikev1, ikev2"}},
		{"IKE mode", inventory.VPNConnection, with(single, props{"ikeConfig": props{"ikeMode": "quick"}}), "ikeConfig.ikeMode", "InvalidIkeMode.Malformed", nil},
		{"IKE algorithm", inventory.VPNConnection, with(single, props{"ikeConfig": props{"ikeAuthAlg": "sha2"}}), "ikeConfig.ikeAuthAlg", "InvalidIkeAuthAlg.Malformed", nil},
		{"IKE lifetime", inventory.VPNConnection, with(single, props{"ikeConfig": props{"ikeLifetime": 90000}}), "ikeConfig.ikeLifetime", "InvalidIkeLifetime.Malformed", nil},
		{"IPsec DH group", inventory.VPNConnection, with(single, props{"ipsecConfig": props{"ipsecPfs": "group3"}}), "ipsecConfig.ipsecPfs", "InvalidIpsecPfs.Malformed", nil},
		{"PSK charset", inventory.VPNConnection, with(single, props{"ikeConfig": props{"psk": "has spaces in it"}}), "ikeConfig.psk", "InvalidPsk.Malformed", []string{"16 characters"}},
		{"tunnel IKE algorithm", inventory.VPNConnection, tunnels(props{"tunnelIkeConfig": props{"ikeEncAlg": "rc4"}}, nil),
			"tunnelOptionsSpecifications[0].tunnelIkeConfig.ikeEncAlg", "InvalidIkeEncAlg.Malformed", nil},
		{"tunnel roles", inventory.VPNConnection, tunnels(nil, props{"role": "master"}), "tunnelOptionsSpecifications[1].role", "InvalidRole.Duplicated", nil},
		{"tunnel count", inventory.VPNConnection, with(dual, props{"tunnelOptionsSpecifications": dual["tunnelOptionsSpecifications"].([]any)[:1]}),
			"tunnelOptionsSpecifications", "InvalidParameter.TunnelOptionsSpecification", nil},
		{"route destination", inventory.VPNRouteEntry, with(route, props{"routeDest": "172.17.0.0"}), "routeDest", "InvalidRouteDest.Malformed", nil},
		{"default route", inventory.VPNRouteEntry, with(route, props{"routeDest": "0.0.0.0/0"}), "routeDest", "InvalidRouteDest.Malformed", []string{"0.0.0.0/0"}},
		{"two active routes", inventory.VPNRouteEntry, with(route, props{"routeDest": "172.16.0.0/16"}), "weight", "VpnRouteEntry.WeightConflict", []string{"172.16.0.0/16"}},
		{"CEN protection level", inventory.CEN, props{"protectionLevel": "FULL"}, "protectionLevel", "InvalidProtectionLevel.Malformed", nil},
		{"second transit router", inventory.TransitRouter, props{"cenId": w.cen.id}, "cenId", "Duplicated.TransitRouter", []string{w.tr.id}},
		{"attachment needs a transit router", inventory.TRVPCAttachment, with(att, props{"transitRouterId": nil}), "transitRouterId", "MissingParameter", nil},
		{"attachment zone of another region", inventory.TRVPCAttachment, with(att, props{"zoneMappings": []any{props{"zoneId": "cn-shanghai-a", "vswitchId": w.sw1h.id}}}),
			"zoneMappings[0].zoneId", "InvalidZoneId.NotFound", nil},
		{"attachment zone not the vSwitch's", inventory.TRVPCAttachment, with(att, props{"zoneMappings": []any{props{"zoneId": "cn-hangzhou-i", "vswitchId": w.sw1h.id}}}),
			"zoneMappings[0].zoneId", "InvalidZoneId.Mismatch", []string{"cn-hangzhou-h"}},
		{"CEN route CIDR", inventory.CENRouteEntry, props{"instanceId": w.cen.id, "routeTableId": w.vpc2.str("routeTableId"), "cidrBlock": "172.16.0.1/16"}, "cidrBlock", "InvalidCidrBlock.Malformed", nil},
		{"CEN route not in the VPC", inventory.CENRouteEntry, props{"instanceId": w.cen.id, "routeTableId": w.vpc2.str("routeTableId"), "cidrBlock": "172.18.0.0/16"}, "cidrBlock", "InvalidRouteEntry.NotFound", nil},
		{"health check interval", inventory.VBRHealthCheck, with(health, props{"healthCheckInterval": 5}), "healthCheckInterval", "InvalidHealthCheckInterval.Malformed", []string{"2–3"}},
		{"health check threshold", inventory.VBRHealthCheck, with(health, props{"healthyThreshold": 2}), "healthyThreshold", "InvalidHealthyThreshold.Malformed", nil},
		{"health check target", inventory.VBRHealthCheck, with(health, props{"healthCheckTargetIp": "vbr"}), "healthCheckTargetIp", "InvalidHealthCheckTargetIp.Malformed", nil},
		{"health check region", inventory.VBRHealthCheck, with(health, props{"vbrInstanceRegionId": "cn-beijing"}), "vbrInstanceRegionId", "InvalidVbrInstanceRegionId.Mismatch", nil},
		{"route map priority", inventory.RouteMap, with(routeMap, props{"priority": 0}), "priority", "InvalidPriority.Malformed", []string{"1–100"}},
		{"route preference", inventory.RouteMap, with(routeMap, props{"preference": 101}), "preference", "InvalidPreference.Malformed", []string{"1–100"}},
		{"next map of a denying map", inventory.RouteMap, with(routeMap, props{"mapResult": "Deny", "preference": nil, "nextPriority": 20}), "nextPriority", "IllegalParam.NextPriority", []string{"Deny"}},
		{"next map before this one", inventory.RouteMap, with(routeMap, props{"nextPriority": 12}), "nextPriority", "IllegalParam.NextPriority", []string{"12"}},
		{"route map region", inventory.RouteMap, with(routeMap, props{"cenRegionId": "hangzhou"}), "cenRegionId", "InvalidCenRegionId.Malformed", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, f := range h.check(tc.tok, "r", tc.in) {
				assert.Empty(t, f.Property, "Check applies no API rule: %s", f.Reason)
			}
			_, err := h.tryCreate(tc.tok, "r", tc.in)
			requireAPIError(t, err, tc.prop, tc.code, tc.fragments...)
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

// TestCreateAcceptsTheEdgeValues creates, with the API's rules applied,
// values at the edges of what its documentation accepts.
func TestCreateAcceptsTheEdgeValues(t *testing.T) {
	h := newHarness(t)
	w := newWorld(h)
	gw1 := h.create(inventory.VPNGateway, "gw1", props{"vpcId": w.vpc1.id, "bandwidth": 1000, "vswitchId": w.sw1h.id,
		"tags": props{strings.Repeat("k", 128): strings.Repeat("v", 128)}})
	h.create(inventory.VPC, "vpc8", props{"cidrBlock": "10.0.0.0/8"})
	h.create(inventory.VSwitch, "sw29", props{"vpcId": w.vpc2.id, "cidrBlock": "10.0.9.0/29", "zoneId": "cn-hangzhou-h"})
	h.create(inventory.VBR, "vbr2999", with(vbrProps(), props{"vlanId": 2999, "bandwidth": 1000, "detectMultiplier": 3}))
	h.create(inventory.BGPGroup, "group", props{"routerId": w.vbr.id, "peerAsn": 65530, "localAsn": 45104, "authKey": "k3y"})
	h.create(inventory.CustomerGateway, "cgw", props{"ipAddress": "198.51.100.7", "asn": "65530"})
	h.create(inventory.VPNConnection, "conn", props{"vpnGatewayId": gw1.id, "customerGatewayId": w.cgw.id,
		"localSubnets": []string{"0.0.0.0/0"}, "remoteSubnets": []string{"0.0.0.0/0"},
		"ikeConfig": props{"psk": "Abc~!`@#$%^&*()_-+={}[]|;:\",.<>/?"}})
	h.create(inventory.RouteMap, "first", with(routeMapProps(w, 1), props{"preference": 1, "nextPriority": 100}))
	h.create(inventory.RouteMap, "last", with(routeMapProps(w, 100), props{"preference": 100}))
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
	w := newWorld(h)
	const key = "not valid key"
	gw1 := h.create(inventory.VPNGateway, "gw1", props{"vpcId": w.vpc1.id, "bandwidth": 10, "vswitchId": w.sw1h.id})
	_, err := h.tryCreate(inventory.VPNConnection, "bad", props{"vpnGatewayId": gw1.id, "customerGatewayId": w.cgw.id,
		"localSubnets": []string{"0.0.0.0/0"}, "remoteSubnets": []string{"0.0.0.0/0"},
		"ikeConfig": props{"psk": resource.MakeSecret(resource.NewStringProperty(key))}})
	requireAPIError(t, err, "ikeConfig.psk", "InvalidPsk.Malformed", "secret")
	assert.NotContains(t, err.Error(), key)

	// A secret value of any other property is not shown either.
	_, err = h.tryCreate(inventory.VPC, "r", props{"cidrBlock": resource.MakeSecret(resource.NewStringProperty("10.9.9.9/99"))})
	requireAPIError(t, err, "cidrBlock", "InvalidCidrBlock.Malformed")
	assert.NotContains(t, err.Error(), "10.9.9.9")

	// Nor in a tunnel's settings.
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

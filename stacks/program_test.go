package stacks

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/mockcloud"
)

// runWithExports runs Program under mocks and returns its stack outputs,
// awaited inside the program; the secret ones are listed in secretExports.
func runWithExports(stack string, src MapSource) (*mockcloud.Mocks, map[string]any, error) {
	exports := map[string]any{}
	clear(secretExports)
	m, err := mockcloud.Run(stack, src.Values, src.secretKeys(), func(ctx *pulumi.Context) error {
		if err := Program(ctx); err != nil {
			return err
		}
		for name, v := range ctx.GetCurrentExportMap() {
			r, err := internals.UnsafeAwaitOutput(ctx.Context(), pulumi.ToOutput(v))
			if err != nil {
				return err
			}
			if !r.Known {
				return fmt.Errorf("export %s is unknown", name)
			}
			exports[name] = r.Value
			secretExports[name] = r.Secret
		}
		return nil
	})
	return m, exports, err
}

var secretExports = map[string]bool{}

// onPremExports checks the secret exports that carry the pre-shared key —
// the key itself and the on-premises configuration of every vendor — and
// removes them from exports.
func onPremExports(t *testing.T, exports map[string]any, psk string, wants ...string) {
	t.Helper()
	assert.True(t, secretExports["vpnPreSharedKey"], "the PSK export is secret")
	assert.True(t, secretExports["onPremConfig"], "the on-prem configuration carries the PSK, so it is secret")
	assert.Equal(t, psk, exports["vpnPreSharedKey"])
	cfg, ok := exports["onPremConfig"].(map[string]any)
	require.True(t, ok, "onPremConfig is a map of vendors")
	assert.ElementsMatch(t, []string{"cisco-ios", "huawei-vrp", "junos", "linux-frr"}, slices.Collect(maps.Keys(cfg)))
	ios := cfg["cisco-ios"].(map[string]any)["cisco-ios.cfg"].(string)
	for _, want := range wants {
		assert.Contains(t, ios, want)
	}
	delete(exports, "vpnPreSharedKey")
	delete(exports, "onPremConfig")
}

type typedName struct {
	Type tokens.Type
	Name string
}

// expectedResources is the resource set of a committed stack: its VPCs and
// the hybrid connection.
func expectedResources(prod bool) []typedName {
	const (
		hc  = "hybridlink:index:HybridConnection"
		ec  = "hybridlink:index:ExpressConnectLeg"
		vpn = "hybridlink:index:VpnStandbyLeg"
		hub = "hybridlink:index:CenHub"
	)
	want := []typedName{
		{inventory.VPC, "workload"},
		{inventory.VSwitch, "workload-cn-hangzhou-h"},
		{inventory.VSwitch, "workload-cn-hangzhou-i"},
		{inventory.VPC, "transit"},
		{inventory.VSwitch, "transit-cn-hangzhou-h"},
		{inventory.VSwitch, "transit-cn-hangzhou-i"},
		{hc, "hybridlink"},
		{ec, "hybridlink-expressconnect"},
		{inventory.VBR, "hybridlink-expressconnect-vbr"},
		{inventory.BGPGroup, "hybridlink-expressconnect-bgp-group"},
		{inventory.BGPPeer, "hybridlink-expressconnect-bgp-peer"},
		{vpn, "hybridlink-vpn"},
		{inventory.VPNGateway, "hybridlink-vpn-gateway"},
		{inventory.CustomerGateway, "hybridlink-vpn-customer-gateway"},
		{inventory.VPNConnection, "hybridlink-vpn-connection"},
		{inventory.VPNRouteEntry, "hybridlink-vpn-route-172-16-0-0-16"},
		{hub, "hybridlink-hub"},
		{inventory.CEN, "hybridlink-hub-cen"},
		{inventory.TransitRouter, "hybridlink-hub-tr"},
		{inventory.TRVPCAttachment, "hybridlink-hub-workload"},
		{inventory.TRAssociation, "hybridlink-hub-workload-association"},
		{inventory.TRPropagation, "hybridlink-hub-workload-propagation"},
		{inventory.TRVPCAttachment, "hybridlink-hub-transit"},
		{inventory.TRAssociation, "hybridlink-hub-transit-association"},
		{inventory.TRPropagation, "hybridlink-hub-transit-propagation"},
		{inventory.TRVBRAttachment, "hybridlink-hub-vbr"},
		{inventory.TRAssociation, "hybridlink-hub-vbr-association"},
		{inventory.TRPropagation, "hybridlink-hub-vbr-propagation"},
		{inventory.CENRouteEntry, "hybridlink-hub-advertise-172-16-0-0-16"},
	}
	if prod {
		want = append(want, typedName{inventory.VBRHealthCheck, "hybridlink-hub-vbr-health-check"},
			typedName{"hybridlink:index:StandbyMonitoring", "hybridlink-monitoring"},
			typedName{inventory.AlarmContactGroup, "hybridlink-monitoring-contacts"},
			typedName{inventory.Alarm, "hybridlink-monitoring-circuit-loss"},
			typedName{inventory.Alarm, "hybridlink-monitoring-circuit-latency"},
			typedName{inventory.EventRule, "hybridlink-monitoring-vpn-events"})
	}
	return want
}

func registered(m *mockcloud.Mocks) []typedName {
	var got []typedName
	for _, r := range m.Resources() {
		got = append(got, typedName{r.Type, r.Name})
	}
	return got
}

// in reads an input of a named resource; secret says whether it must be
// secret.
func in(t *testing.T, m *mockcloud.Mocks, name, path string, secret bool) any {
	t.Helper()
	r, ok := m.Named(name)
	require.True(t, ok, "%s registered", name)
	v, isSecret, ok := r.Input(path)
	require.True(t, ok, "%s has %s", name, path)
	assert.Equal(t, secret, isSecret, "%s %s secret", name, path)
	return v
}

func absent(t *testing.T, m *mockcloud.Mocks, name, path string) {
	t.Helper()
	r, ok := m.Named(name)
	require.True(t, ok, "%s registered", name)
	v, _, ok := r.Input(path)
	assert.True(t, !ok || v == nil, "%s %s is unset, got %v", name, path, v)
}

func TestProdStack(t *testing.T) {
	src := committed(t, "prod")
	psk, authKey := src.Values["hybridlink:vpnPsk"], src.Values["hybridlink:bgpAuthKey"]
	require.NotEmpty(t, psk, "the sandbox PSK decrypts")
	require.NotEmpty(t, authKey)

	m, exports, err := runWithExports("prod", src)
	require.NoError(t, err)
	assert.ElementsMatch(t, expectedResources(true), registered(m))

	// The reference plan.
	assert.Equal(t, "192.168.0.0/16", in(t, m, "workload", "cidrBlock", false))
	assert.Equal(t, "10.0.0.0/16", in(t, m, "transit", "cidrBlock", false))
	assert.Equal(t, "10.0.1.0/24", in(t, m, "transit-cn-hangzhou-h", "cidrBlock", false))
	assert.Equal(t, "vpc-transit", in(t, m, "transit-cn-hangzhou-i", "vpcId", false))
	assert.Equal(t, map[string]any{"managed-by": "hybridlink", "environment": "prod"}, in(t, m, "workload", "tags", false))

	// Primary: VLAN 0, 10.1.0.1/10.1.0.2 /30, AS 65530 vs 45104, BFD, MD5.
	vbr := "hybridlink-expressconnect-vbr"
	assert.Equal(t, 0.0, in(t, m, vbr, "vlanId", false))
	assert.Equal(t, "10.1.0.1", in(t, m, vbr, "localGatewayIp", false))
	assert.Equal(t, "10.1.0.2", in(t, m, vbr, "peerGatewayIp", false))
	assert.Equal(t, "255.255.255.252", in(t, m, vbr, "peeringSubnetMask", false))
	assert.Equal(t, 1000.0, in(t, m, vbr, "bandwidth", false))
	group := "hybridlink-expressconnect-bgp-group"
	assert.Equal(t, 65530.0, in(t, m, group, "peerAsn", false))
	assert.Equal(t, 45104.0, in(t, m, group, "localAsn", false))
	assert.Equal(t, authKey, in(t, m, group, "authKey", true))
	peer := "hybridlink-expressconnect-bgp-peer"
	assert.Equal(t, true, in(t, m, peer, "enableBfd", false))
	assert.Equal(t, "10.1.0.2", in(t, m, peer, "peerIpAddress", false))

	// Standby: dual tunnel in the transit VPC, IKEv2, the PSK secret.
	gw := "hybridlink-vpn-gateway"
	assert.Equal(t, 100.0, in(t, m, gw, "bandwidth", false))
	assert.Equal(t, "vpc-transit", in(t, m, gw, "vpcId", false))
	assert.Equal(t, "vsw-transit-cn-hangzhou-h", in(t, m, gw, "vswitchId", false))
	assert.Equal(t, "vsw-transit-cn-hangzhou-i", in(t, m, gw, "disasterRecoveryVswitchId", false))
	conn := "hybridlink-vpn-connection"
	absent(t, m, conn, "ikeConfig")
	absent(t, m, conn, "customerGatewayId")
	for i, role := range []string{"master", "slave"} {
		at := fmt.Sprintf("tunnelOptionsSpecifications[%d].", i)
		assert.Equal(t, role, in(t, m, conn, at+"role", false))
		assert.Equal(t, "ikev2", in(t, m, conn, at+"tunnelIkeConfig.ikeVersion", false))
		assert.Equal(t, "group14", in(t, m, conn, at+"tunnelIkeConfig.ikePfs", false))
		assert.Equal(t, psk, in(t, m, conn, at+"tunnelIkeConfig.psk", true))
		assert.Equal(t, 3600.0, in(t, m, conn, at+"tunnelIpsecConfig.ipsecLifetime", false))
	}
	assert.Equal(t, map[string]any{"enable": true, "sip": "10.0.1.10", "dip": "172.16.1.188", "interval": 3.0, "retry": 3.0},
		in(t, m, conn, "healthCheckConfig", false))
	route := "hybridlink-vpn-route-172-16-0-0-16"
	assert.Equal(t, 100.0, in(t, m, route, "weight", false))
	assert.Equal(t, true, in(t, m, route, "publishVpc", false))

	// Hub: health check on the customer side, advertisement from transit.
	assert.Equal(t, "10.1.0.2", in(t, m, "hybridlink-hub-vbr-health-check", "healthCheckTargetIp", false))
	assert.Equal(t, "vtb-transit", in(t, m, "hybridlink-hub-advertise-172-16-0-0-16", "routeTableId", false))

	// Alarms: the circuit's health check and the VPN's events page prod's
	// on-call group.
	assert.Equal(t, "hybridlink-prod-oncall", in(t, m, "hybridlink-monitoring-contacts", "alarmContactGroupName", false))
	assert.Equal(t, []any{"netops-oncall"}, in(t, m, "hybridlink-monitoring-contacts", "contacts", false))
	loss := "hybridlink-monitoring-circuit-loss"
	assert.Equal(t, `[{"cenId":"cen-hybridlink-hub-cen","vbrInstanceId":"vbr-hybridlink-expressconnect-vbr"}]`, in(t, m, loss, "metricDimensions", false))
	assert.Equal(t, "10", in(t, m, loss, "escalationsCritical.threshold", false))
	absent(t, m, loss, "webhook")
	assert.Equal(t, "hybridlink-prod-oncall-vpn-events", in(t, m, "hybridlink-monitoring-vpn-events", "ruleName", false))

	// Protect: the primary path and the hub, not the standby path.
	for _, r := range m.Resources() {
		want := r.Parent.Name() == "hybridlink-expressconnect" || r.Parent.Name() == "hybridlink-hub" ||
			r.Name == "hybridlink-expressconnect" || r.Name == "hybridlink-hub"
		assert.Equal(t, want, r.Protect, "%s protect", r.Name)
	}

	onPremExports(t, exports, psk, "pre-shared-key "+psk+"\n", " neighbor 10.1.0.1 remote-as 45104\n", "interface Tunnel2\n")
	assert.Equal(t, map[string]any{
		"vpnInternetIp":                 "198.51.100.10",
		"vpnDisasterRecoveryInternetIp": "198.51.100.11",
		"vpnGatewayId":                  "vpn-hybridlink-vpn-gateway",
		"vpnConnectionId":               "vco-hybridlink-vpn-connection",
		"customerGatewayId":             "cgw-hybridlink-vpn-customer-gateway",
		"vbrId":                         "vbr-hybridlink-expressconnect-vbr",
		"vbrRouteTableId":               "vtb-hybridlink-expressconnect-vbr",
		"bgp": map[string]any{
			"vlanId": 0, "alibabaPeeringIp": "10.1.0.1", "onPremPeeringIp": "10.1.0.2",
			"peeringSubnet": "10.1.0.0/30", "alibabaAsn": 45104, "onPremAsn": 65530,
			"bgpGroupId": "bgpg-hybridlink-expressconnect-bgp-group", "bgpPeerId": "bgp-hybridlink-expressconnect-bgp-peer",
		},
		"cenId":                     "cen-hybridlink-hub-cen",
		"transitRouterId":           "tr-hybridlink-hub-tr",
		"transitRouterRouteTableId": mockcloud.SystemRouteTableID("tr-hybridlink-hub-tr"),
		"vpcAttachmentIds":          map[string]string{"workload": "tr-attach-hybridlink-hub-workload", "transit": "tr-attach-hybridlink-hub-transit"},
		"vbrAttachmentId":           "tr-attach-hybridlink-hub-vbr",
		"vpcIds":                    map[string]string{"workload": "vpc-workload", "transit": "vpc-transit"},
		"vpcRouteTableIds":          map[string]string{"workload": "vtb-workload", "transit": "vtb-transit"},
		"idcPrefixes":               []string{"172.16.0.0/16"},
		"alarmIds":                  []string{"hybridlink-monitoring-circuit-loss-id", "hybridlink-monitoring-circuit-latency-id"},
	}, exports)
}

func TestDevStack(t *testing.T) {
	src := committed(t, "dev")
	m, exports, err := runWithExports("dev", src)
	require.NoError(t, err)
	assert.ElementsMatch(t, expectedResources(false), registered(m))

	// Single tunnel, small bandwidth, no PSK given (Alibaba Cloud generates one).
	gw := "hybridlink-vpn-gateway"
	assert.Equal(t, 10.0, in(t, m, gw, "bandwidth", false))
	assert.Equal(t, "", in(t, m, gw, "disasterRecoveryVswitchId", false))
	conn := "hybridlink-vpn-connection"
	assert.Equal(t, "cgw-hybridlink-vpn-customer-gateway", in(t, m, conn, "customerGatewayId", false))
	assert.Equal(t, "ikev2", in(t, m, conn, "ikeConfig.ikeVersion", false))
	absent(t, m, conn, "ikeConfig.psk")
	absent(t, m, conn, "tunnelOptionsSpecifications")
	assert.Equal(t, false, in(t, m, conn, "healthCheckConfig.enable", false))
	absent(t, m, "hybridlink-expressconnect-bgp-group", "authKey")
	absent(t, m, "hybridlink-expressconnect-vbr", "bandwidth")
	assert.Equal(t, 100.0, in(t, m, "hybridlink-expressconnect-vbr", "vlanId", false))
	assert.Equal(t, false, in(t, m, "hybridlink-expressconnect-bgp-peer", "enableBfd", false))
	assert.Equal(t, "dev", in(t, m, "workload", "tags.environment", false))
	for _, r := range m.Resources() {
		assert.False(t, r.Protect, "%s is not protected in dev", r.Name)
	}
	assert.NotContains(t, exports, "vpnDisasterRecoveryInternetIp", "a single-tunnel gateway has no second IP")
	// The mocks, unlike Alibaba Cloud, generate no PSK: the configuration
	// then shows the placeholder.
	onPremExports(t, exports, "", "pre-shared-key <vpn-psk:", " neighbor 10.1.0.5 remote-as 45104\n", "interface Tunnel11\n")
	for _, k := range []string{"vpnInternetIp", "vpnGatewayId", "vbrId", "bgp", "cenId", "transitRouterId",
		"transitRouterRouteTableId", "vpcAttachmentIds", "vbrAttachmentId", "vpcIds", "vpcRouteTableIds", "idcPrefixes"} {
		assert.Contains(t, exports, k)
	}
	assert.Equal(t, "10.1.0.4/30", exports["bgp"].(map[string]any)["peeringSubnet"])
}

// Both environments reach the same IDC over the same on-premises gateway, so
// dev's blocks must be disjoint from prod's and from the IDC; only the IDC
// prefixes themselves are shared.
func TestDevAddressPlanIsDisjointFromProdAndTheIDC(t *testing.T) {
	dev, err := Load("dev", committed(t, "dev"))
	require.NoError(t, err)
	prod, err := Load("prod", committed(t, "prod"))
	require.NoError(t, err)
	var idc []netip.Prefix
	for _, p := range prod.Config.IDCPrefixes {
		idc = append(idc, netip.MustParsePrefix(p))
	}
	assert.Equal(t, prod.Config.IDCPrefixes, dev.Config.IDCPrefixes, "both reach the same IDC")
	devPlan, prodPlan := dev.Args.AddressPlan(), prod.Args.AddressPlan()
	require.Len(t, devPlan, 8)
	for _, d := range devPlan {
		if d.Field == "IDCPrefixes[0]" {
			continue
		}
		for _, p := range prodPlan {
			assert.False(t, d.Prefix.Overlaps(p.Prefix), "dev %s %s overlaps prod %s %s", d.Field, d.Prefix, p.Field, p.Prefix)
		}
		for _, p := range idc {
			assert.False(t, d.Prefix.Overlaps(p), "dev %s %s overlaps the IDC %s", d.Field, d.Prefix, p)
		}
	}
}

// A configuration that does not validate registers nothing: not even the
// VPCs, which the program creates before the components.
func TestProgramRegistersNothingWhenValidationFails(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		src := committed(t, stack)
		src.setJSON(t, "hybridlink:transitVpc", "vSwitches[1].cidr", "10.99.0.0/24")
		m, err := runProgram(stack, src)
		ce := configError(t, err)
		assert.Equal(t, stack, ce.Stack)
		assert.Equal(t, []string{"hybridlink:transitVpc.vSwitches[1].cidr"}, problemKeys(ce))
		assert.Empty(t, m.Resources(), "%s: nothing registered", stack)
		assert.Empty(t, m.Invokes())
	}
}

// vSwitches are named <vpc>-<zone>; two in one zone must still get distinct
// names, wherever they are in the list.
func TestProgramNamesVSwitchesInARepeatedZoneApart(t *testing.T) {
	src := committed(t, "dev")
	src.setJSON(t, "hybridlink:transitVpc", "vSwitches[2]", map[string]any{"zoneId": "cn-hangzhou-h", "cidr": "10.21.3.0/24"})
	src.setJSON(t, "hybridlink:workloadVpcs", "[0].vSwitches[2]", map[string]any{"zoneId": "cn-hangzhou-i", "cidr": "10.20.3.0/24"})
	m, err := runProgram("dev", src)
	require.NoError(t, err)
	var names []string
	for _, r := range m.OfType(inventory.VSwitch) {
		names = append(names, r.Name+"="+r.Inputs["cidrBlock"].StringValue())
	}
	assert.ElementsMatch(t, []string{
		"transit-cn-hangzhou-h=10.21.1.0/24", "transit-cn-hangzhou-i=10.21.2.0/24", "transit-cn-hangzhou-h-2=10.21.3.0/24",
		"workload-cn-hangzhou-h=10.20.1.0/24", "workload-cn-hangzhou-i=10.20.2.0/24", "workload-cn-hangzhou-i-2=10.20.3.0/24",
	}, names)
}

// Existing VPCs are used by ID: nothing is created for them.
func TestProgramUsesExistingVPCs(t *testing.T) {
	src := committed(t, "dev")
	existingTransitVPC(t, src)
	m, err := runProgram("dev", src)
	require.NoError(t, err)
	_, created := m.Named("transit")
	assert.False(t, created)
	assert.Len(t, m.OfType(inventory.VSwitch), 2, "only the workload VPC's vSwitches")
	assert.Equal(t, "vpc-bp1transit0000001", in(t, m, "hybridlink-vpn-gateway", "vpcId", false))
	assert.Equal(t, "vsw-bp1transith000001", in(t, m, "hybridlink-vpn-gateway", "vswitchId", false))
	assert.Equal(t, "vtb-bp1transit0000001", in(t, m, "hybridlink-hub-advertise-172-16-0-0-16", "routeTableId", false))
}

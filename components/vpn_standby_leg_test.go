package components_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/components"
	"github.com/hybridlink/hybridlink/internal/inventory"
)

const typeVPNStandbyLeg = "hybridlink:index:VpnStandbyLeg"

const testPSK = "s3cret-Psk_42"

// referenceVPNArgs is the design's standby path, single tunnel, IKE/IPsec
// defaults.
func referenceVPNArgs() *components.VPNStandbyLegArgs {
	return &components.VPNStandbyLegArgs{
		BandwidthMbps:     pulumi.IntRef(10),
		CustomerGatewayIP: ip("203.0.113.68"),
		VPCID:             pulumi.String("vpc-bp1transit0000001"),
		VSwitchID:         pulumi.String("vsw-bp1h00000000000001"),
		IDCPrefixes:       []netip.Prefix{pfx("172.16.0.0/16")},
	}
}

func TestVpnStandbyLegSingleTunnel(t *testing.T) {
	args := referenceVPNArgs()
	args.PSK = pulumi.String(testPSK)
	args.IDCPrefixes = append(args.IDCPrefixes, pfx("172.17.0.0/24"))
	got := outputs{}
	m, err := run(func(ctx *pulumi.Context) error {
		p, err := newProvider(ctx)
		if err != nil {
			return err
		}
		leg, err := components.NewVPNStandbyLeg(ctx, "vpn", args, pulumi.Providers(p))
		if err != nil {
			return err
		}
		return await(ctx, got, map[string]pulumi.Output{
			"gatewayId": leg.GatewayID, "internetIp": leg.InternetIP,
			"drIp": leg.DisasterRecoveryInternetIP, "customerGatewayId": leg.CustomerGatewayID,
			"connectionId": leg.ConnectionID, "routeEntryIds": leg.RouteEntryIDs,
		})
	})
	require.NoError(t, err)

	comp := component(t, m, typeVPNStandbyLeg, "vpn")
	assert.Equal(t, stackURN, comp.Parent)
	assertChildren(t, m, comp.URN,
		child{inventory.VPNGateway, "vpn-gateway"},
		child{inventory.CustomerGateway, "vpn-customer-gateway"},
		child{inventory.VPNConnection, "vpn-connection"},
		child{inventory.VPNRouteEntry, "vpn-route-172-16-0-0-16"},
		child{inventory.VPNRouteEntry, "vpn-route-172-17-0-0-24"})
	assert.Len(t, m.Resources(), 7)
	assertAllUseProvider(t, m)

	gw := res(t, m, "vpn-gateway")
	assert.Equal(t, "vpc-bp1transit0000001", input(t, gw, "vpcId"))
	assert.Equal(t, "vsw-bp1h00000000000001", input(t, gw, "vswitchId"))
	assert.Equal(t, 10.0, input(t, gw, "bandwidth"))
	assert.Equal(t, true, input(t, gw, "enableIpsec"))
	assert.Equal(t, false, input(t, gw, "enableSsl"))
	assert.Equal(t, "public", input(t, gw, "networkType"))
	assert.Equal(t, "", input(t, gw, "disasterRecoveryVswitchId"), "explicit, so that turning dual-tunnel off is a change")
	assert.Equal(t, []string{"disasterRecoveryVswitchId"}, gw.ReplaceOnChanges, "the provider never sends it at update")
	assert.True(t, gw.DeleteBeforeReplace, "the new gateway takes the same vSwitches and routes")

	cgw := res(t, m, "vpn-customer-gateway")
	assert.Equal(t, "203.0.113.68", input(t, cgw, "ipAddress"))

	conn := res(t, m, "vpn-connection")
	assert.Equal(t, "vpn-vpn-gateway", input(t, conn, "vpnGatewayId"))
	assert.Equal(t, []any{"0.0.0.0/0"}, input(t, conn, "localSubnets"), "destination-based routing")
	assert.Equal(t, []any{"0.0.0.0/0"}, input(t, conn, "remoteSubnets"), "destination-based routing")
	assert.Equal(t, false, input(t, conn, "effectImmediately"), "negotiate when traffic is detected")
	assert.Equal(t, "cgw-vpn-customer-gateway", input(t, conn, "customerGatewayId"), "single tunnel: top-level customer gateway")
	assert.Equal(t, "ikev2", input(t, conn, "ikeConfig.ikeVersion"), "IKE defaults")
	assert.Equal(t, "main", input(t, conn, "ikeConfig.ikeMode"))
	assert.Equal(t, "aes256", input(t, conn, "ikeConfig.ikeEncAlg"))
	assert.Equal(t, "sha256", input(t, conn, "ikeConfig.ikeAuthAlg"))
	assert.Equal(t, "group14", input(t, conn, "ikeConfig.ikePfs"))
	assert.Equal(t, 86400.0, input(t, conn, "ikeConfig.ikeLifetime"))
	assert.Equal(t, testPSK, secretInput(t, conn, "ikeConfig.psk"))
	assert.Equal(t, "aes256", input(t, conn, "ipsecConfig.ipsecEncAlg"))
	assert.Equal(t, "group14", input(t, conn, "ipsecConfig.ipsecPfs"))
	assert.Equal(t, 3600.0, input(t, conn, "ipsecConfig.ipsecLifetime"))
	assertAbsent(t, conn, "tunnelOptionsSpecifications")
	assert.Equal(t, false, input(t, conn, "healthCheckConfig.enable"), "explicit, so that removing a health check disables it")
	assert.ElementsMatch(t, []string{"ikeConfig", "tunnelOptionsSpecifications"}, conn.AdditionalSecretOutputs)

	for _, r := range []struct{ prefix, name string }{
		{"172.16.0.0/16", "vpn-route-172-16-0-0-16"},
		{"172.17.0.0/24", "vpn-route-172-17-0-0-24"},
	} {
		prefix, route := r.prefix, res(t, m, r.name)
		assert.Equal(t, prefix, input(t, route, "routeDest"))
		assert.Equal(t, 100.0, input(t, route, "weight"))
		assert.Equal(t, true, input(t, route, "publishVpc"))
		assert.Equal(t, "vpn-vpn-gateway", input(t, route, "vpnGatewayId"))
		assert.Equal(t, "vco-vpn-connection", input(t, route, "nextHop"), "the route goes over the IPsec connection")
		assert.True(t, route.DeleteBeforeReplace, "two weight-100 routes to one destination cannot coexist")
	}

	assert.Equal(t, outputs{
		"gatewayId": "vpn-vpn-gateway", "internetIp": "198.51.100.10", "drIp": "",
		"customerGatewayId": "cgw-vpn-customer-gateway", "connectionId": "vco-vpn-connection",
		"routeEntryIds": []string{
			"vpn-vpn-gateway:vco-vpn-connection:172.16.0.0/16",
			"vpn-vpn-gateway:vco-vpn-connection:172.17.0.0/24",
		},
	}, got)
}

func TestVpnStandbyLegDualTunnel(t *testing.T) {
	args := referenceVPNArgs()
	args.DualTunnel, args.DisasterRecoveryVSwitchID = true, pulumi.String("vsw-bp1i00000000000001")
	args.PSK = pulumi.String(testPSK)
	args.IKE = components.IKESettings{Version: "ikev2", EncAlg: "aes256", AuthAlg: "sha256", PFS: "group14", LifetimeSecs: pulumi.IntRef(3600)}
	args.IPsec = components.IPsecSettings{EncAlg: "aes256", AuthAlg: "sha512", PFS: "disabled", LifetimeSecs: pulumi.IntRef(1800)}
	args.HealthCheck = &components.IPsecHealthCheckArgs{SourceIP: ip("10.0.1.10"), DestinationIP: ip("172.16.1.188")}
	got := outputs{}
	m, err := run(func(ctx *pulumi.Context) error {
		leg, err := components.NewVPNStandbyLeg(ctx, "vpn", args)
		if err != nil {
			return err
		}
		return await(ctx, got, map[string]pulumi.Output{"drIp": leg.DisasterRecoveryInternetIP})
	})
	require.NoError(t, err)

	gw := res(t, m, "vpn-gateway")
	assert.Equal(t, "vsw-bp1i00000000000001", input(t, gw, "disasterRecoveryVswitchId"))
	assert.Equal(t, "198.51.100.11", got["drIp"])

	conn := res(t, m, "vpn-connection")
	assertAbsent(t, conn, "customerGatewayId")
	assertAbsent(t, conn, "ikeConfig")
	assertAbsent(t, conn, "ipsecConfig")
	tunnels, _, ok := conn.Input("tunnelOptionsSpecifications")
	require.True(t, ok)
	require.Len(t, tunnels, 2)
	for i, role := range []string{"master", "slave"} {
		at := func(p string) string { return fmt.Sprintf("tunnelOptionsSpecifications[%d].%s", i, p) }
		assert.Equal(t, role, input(t, conn, at("role")))
		assert.Equal(t, "cgw-vpn-customer-gateway", input(t, conn, at("customerGatewayId")))
		assert.Equal(t, "ikev2", input(t, conn, at("tunnelIkeConfig.ikeVersion")))
		assert.Equal(t, "aes256", input(t, conn, at("tunnelIkeConfig.ikeEncAlg")))
		assert.Equal(t, "sha256", input(t, conn, at("tunnelIkeConfig.ikeAuthAlg")))
		assert.Equal(t, "group14", input(t, conn, at("tunnelIkeConfig.ikePfs")))
		assert.Equal(t, 3600.0, input(t, conn, at("tunnelIkeConfig.ikeLifetime")))
		assert.Equal(t, testPSK, secretInput(t, conn, at("tunnelIkeConfig.psk")))
		assert.Equal(t, "aes256", input(t, conn, at("tunnelIpsecConfig.ipsecEncAlg")))
		assert.Equal(t, "sha512", input(t, conn, at("tunnelIpsecConfig.ipsecAuthAlg")))
		assert.Equal(t, "disabled", input(t, conn, at("tunnelIpsecConfig.ipsecPfs")))
		assert.Equal(t, 1800.0, input(t, conn, at("tunnelIpsecConfig.ipsecLifetime")))
	}
	assert.Equal(t, []any{"0.0.0.0/0"}, input(t, conn, "localSubnets"))
	assert.Equal(t, []any{"0.0.0.0/0"}, input(t, conn, "remoteSubnets"))
	assert.Equal(t, map[string]any{
		"enable": true, "sip": "10.0.1.10", "dip": "172.16.1.188", "interval": 3.0, "retry": 3.0,
	}, input(t, conn, "healthCheckConfig"))
	assert.ElementsMatch(t, []string{"ikeConfig", "tunnelOptionsSpecifications"}, conn.AdditionalSecretOutputs)
}

func TestVpnStandbyLegGeneratedPSK(t *testing.T) {
	m, err := run(func(ctx *pulumi.Context) error {
		_, err := components.NewVPNStandbyLeg(ctx, "vpn", referenceVPNArgs())
		return err
	})
	require.NoError(t, err)
	conn := res(t, m, "vpn-connection")
	assertAbsent(t, conn, "ikeConfig.psk")
	assert.ElementsMatch(t, []string{"ikeConfig", "tunnelOptionsSpecifications"}, conn.AdditionalSecretOutputs,
		"a generated PSK is read back from ikeConfig, so it stays secret")
}

// A PSK may come from another resource: any StringInput, not only a
// pulumi.String or StringOutput. An IDOutput used to panic the constructor.
func TestVpnStandbyLegPSKFromAnyStringInput(t *testing.T) {
	for name, psk := range map[string]pulumi.StringInput{
		"StringOutput": pulumi.String(testPSK).ToStringOutput().ApplyT(func(s string) string { return s }).(pulumi.StringOutput),
		"IDOutput":     pulumi.ID(testPSK).ToIDOutput(),
	} {
		t.Run(name, func(t *testing.T) {
			m, err := run(func(ctx *pulumi.Context) error {
				args := referenceVPNArgs()
				args.PSK = psk
				_, err := components.NewVPNStandbyLeg(ctx, "vpn", args)
				return err
			})
			require.NoError(t, err)
			assert.Equal(t, testPSK, secretInput(t, res(t, m, "vpn-connection"), "ikeConfig.psk"))
		})
	}
}

func TestVpnStandbyLegValidation(t *testing.T) {
	type mut = func(*components.VPNStandbyLegArgs)
	cases := []struct {
		name   string
		mutate mut
		fields []string
	}{
		{"VPC missing", func(a *components.VPNStandbyLegArgs) { a.VPCID = nil }, []string{"VPCID"}},
		{"vSwitch missing", func(a *components.VPNStandbyLegArgs) { a.VSwitchID = nil }, []string{"VSwitchID"}},
		{"no IDC prefix", func(a *components.VPNStandbyLegArgs) { a.IDCPrefixes = nil }, []string{"IDCPrefixes"}},
		{"IDC prefix not canonical", func(a *components.VPNStandbyLegArgs) { a.IDCPrefixes[0] = netip.PrefixFrom(ip("172.16.1.0"), 16) }, []string{"IDCPrefixes[0]"}},
		{"IDC prefix IPv6", func(a *components.VPNStandbyLegArgs) { a.IDCPrefixes = append(a.IDCPrefixes, pfx("fd00::/8")) }, []string{"IDCPrefixes[1]"}},
		{"bandwidth not a tier", func(a *components.VPNStandbyLegArgs) { a.BandwidthMbps = new(15) }, []string{"BandwidthMbps"}},
		{"bandwidth unset", func(a *components.VPNStandbyLegArgs) { a.BandwidthMbps = nil }, []string{"BandwidthMbps"}},
		{"customer gateway missing", func(a *components.VPNStandbyLegArgs) { a.CustomerGatewayIP = netip.Addr{} }, []string{"CustomerGatewayIP"}},
		{"customer gateway private", func(a *components.VPNStandbyLegArgs) { a.CustomerGatewayIP = ip("192.168.1.1") }, []string{"CustomerGatewayIP"}},
		{"customer gateway CGNAT", func(a *components.VPNStandbyLegArgs) { a.CustomerGatewayIP = ip("100.64.0.1") }, []string{"CustomerGatewayIP"}},
		{"IKE version", func(a *components.VPNStandbyLegArgs) { a.IKE.Version = "ikev3" }, []string{"IKE.Version"}},
		{"IKE encryption", func(a *components.VPNStandbyLegArgs) { a.IKE.EncAlg = "aes512" }, []string{"IKE.EncAlg"}},
		{"IKE auth", func(a *components.VPNStandbyLegArgs) { a.IKE.AuthAlg = "sha2" }, []string{"IKE.AuthAlg"}},
		{"IKE DH group", func(a *components.VPNStandbyLegArgs) { a.IKE.PFS = "disabled" }, []string{"IKE.PFS"}},
		{"IKE lifetime", func(a *components.VPNStandbyLegArgs) { a.IKE.LifetimeSecs = new(86401) }, []string{"IKE.LifetimeSecs"}},
		{"IPsec encryption", func(a *components.VPNStandbyLegArgs) { a.IPsec.EncAlg = "rc4" }, []string{"IPsec.EncAlg"}},
		{"IPsec auth", func(a *components.VPNStandbyLegArgs) { a.IPsec.AuthAlg = "crc32" }, []string{"IPsec.AuthAlg"}},
		{"IPsec PFS", func(a *components.VPNStandbyLegArgs) { a.IPsec.PFS = "group3" }, []string{"IPsec.PFS"}},
		{"IPsec lifetime", func(a *components.VPNStandbyLegArgs) { a.IPsec.LifetimeSecs = new(-1) }, []string{"IPsec.LifetimeSecs"}},
		{"health check outside the IDC", func(a *components.VPNStandbyLegArgs) {
			a.HealthCheck = &components.IPsecHealthCheckArgs{SourceIP: ip("10.0.1.10"), DestinationIP: ip("10.9.9.9")}
		}, []string{"HealthCheck.DestinationIP"}},
		{"health check without addresses", func(a *components.VPNStandbyLegArgs) {
			a.HealthCheck = &components.IPsecHealthCheckArgs{}
		}, []string{"HealthCheck.DestinationIP", "HealthCheck.SourceIP"}},
		{"health check negative retries", func(a *components.VPNStandbyLegArgs) {
			a.HealthCheck = &components.IPsecHealthCheckArgs{SourceIP: ip("10.0.1.10"), DestinationIP: ip("172.16.1.1"), Retries: pulumi.IntRef(-1)}
		}, []string{"HealthCheck.Retries"}},
		{"dual tunnel with a generated key", func(a *components.VPNStandbyLegArgs) {
			a.DualTunnel, a.DisasterRecoveryVSwitchID = true, pulumi.String("vsw-bp1dr0000000000001")
			a.PSK = nil
		}, []string{"PSK"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := referenceVPNArgs()
			args.PSK = pulumi.String(testPSK)
			tc.mutate(args)
			require.Equal(t, tc.fields, argErrorFields(t, args.Validate()))

			err := requireRejected(t, tc.fields, func(ctx *pulumi.Context) error {
				_, err := components.NewVPNStandbyLeg(ctx, "vpn", args)
				return err
			})
			assert.NotContains(t, err.Error(), testPSK)
		})
	}
}

func TestIKEAndIPsecDefaults(t *testing.T) {
	assert.Equal(t, components.IKESettings{Version: "ikev2", EncAlg: "aes256", AuthAlg: "sha256", PFS: "group14", LifetimeSecs: pulumi.IntRef(86400)},
		components.IKESettings{}.WithDefaults())
	given := components.IKESettings{Version: "ikev2", EncAlg: "aes256", AuthAlg: "sha256", PFS: "group14", LifetimeSecs: pulumi.IntRef(60)}
	assert.Equal(t, given, given.WithDefaults(), "set fields are kept")
	assert.Equal(t, components.IPsecSettings{EncAlg: "aes256", AuthAlg: "sha256", PFS: "group14", LifetimeSecs: pulumi.IntRef(3600)},
		components.IPsecSettings{}.WithDefaults())
}

package components_test

import (
	"net/netip"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hybridlink/hybridlink/components"
)

// A program that already has its VPCs attaches them to a new hybrid
// connection. The IDs here are literals; in a real program they are the
// outputs of the program's own vpc.Network and vpc.Switch resources.
func Example() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		psk := pulumi.ToSecret(pulumi.String("replace-with-config-secret")).(pulumi.StringOutput)
		hc, err := components.NewHybridConnection(ctx, "hybrid", &components.HybridConnectionArgs{
			Region: "cn-hangzhou",
			WorkloadVPCs: []components.VPC{{
				Name: "app", VPCID: pulumi.String("vpc-bp1app000000000001"), CIDR: netip.MustParsePrefix("192.168.0.0/16"),
				VSwitches: []components.VSwitch{
					{VSwitchID: pulumi.String("vsw-bp1apph00000000001"), ZoneID: "cn-hangzhou-h", CIDR: netip.MustParsePrefix("192.168.20.0/24")},
					{VSwitchID: pulumi.String("vsw-bp1appi00000000001"), ZoneID: "cn-hangzhou-i", CIDR: netip.MustParsePrefix("192.168.21.0/24")},
				},
			}},
			TransitVPC: components.VPC{
				Name: "transit", VPCID: pulumi.String("vpc-bp1transit0000001"), RouteTableID: pulumi.String("vtb-bp1transit0000001"),
				CIDR: netip.MustParsePrefix("10.0.0.0/16"),
				VSwitches: []components.VSwitch{
					{VSwitchID: pulumi.String("vsw-bp1transith000001"), ZoneID: "cn-hangzhou-h", CIDR: netip.MustParsePrefix("10.0.1.0/24")},
					{VSwitchID: pulumi.String("vsw-bp1transiti000001"), ZoneID: "cn-hangzhou-i", CIDR: netip.MustParsePrefix("10.0.2.0/24")},
				},
			},
			IDCPrefixes: []netip.Prefix{netip.MustParsePrefix("172.16.0.0/16")},
			ExpressConnect: components.ExpressConnectLegArgs{
				PhysicalConnectionID: pulumi.String("pc-bp1example000000001"),
				VLANID:               pulumi.IntRef(100),
				LocalGatewayIP:       netip.MustParseAddr("10.1.0.1"),
				PeerGatewayIP:        netip.MustParseAddr("10.1.0.2"),
				PeerASN:              pulumi.IntRef(65530),
				EnableBFD:            true,
			},
			VPN: components.VPNStandbyLegArgs{
				BandwidthMbps:     pulumi.IntRef(100),
				CustomerGatewayIP: netip.MustParseAddr("203.0.113.68"),
				IKE:               components.IKESettings{Version: "ikev2"},
				PSK:               psk,
				DualTunnel:        true,
			},
			VBRHealthCheck: true,
			Protect:        true,
		})
		if err != nil {
			return err
		}
		ctx.Export("vpnPublicIp", hc.VPNInternetIP)
		ctx.Export("transitRouterId", hc.TransitRouterID)
		return nil
	})
}

package components_test

import (
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/components"
)

// README:begin
// connect joins existing VPCs (their IDs in stack config) to the IDC over a
// new hybrid connection: Express Connect primary, dual-tunnel VPN standby.
func connect(ctx *pulumi.Context) (*components.HybridConnection, error) {
	cfg := config.New(ctx, "")
	vpc := func(name, cidr string, vswitches ...components.VSwitch) components.VPC {
		return components.VPC{Name: name, VPCID: pulumi.String(cfg.Require(name + "VpcId")),
			RouteTableID: pulumi.String(cfg.Require(name + "RouteTableId")),
			CIDR:         netip.MustParsePrefix(cidr), VSwitches: vswitches}
	}
	vswitch := func(key, zone, cidr string) components.VSwitch {
		return components.VSwitch{VSwitchID: pulumi.String(cfg.Require(key)), ZoneID: zone, CIDR: netip.MustParsePrefix(cidr)}
	}
	return components.NewHybridConnection(ctx, "hybrid", &components.HybridConnectionArgs{
		Region: "cn-hangzhou",
		WorkloadVPCs: []components.VPC{vpc("app", "192.168.0.0/16",
			vswitch("appVswH", "cn-hangzhou-h", "192.168.20.0/24"),
			vswitch("appVswI", "cn-hangzhou-i", "192.168.21.0/24"))},
		TransitVPC: vpc("transit", "10.0.0.0/16",
			vswitch("transitVswH", "cn-hangzhou-h", "10.0.1.0/24"),
			vswitch("transitVswI", "cn-hangzhou-i", "10.0.2.0/24")),
		IDCPrefixes: []netip.Prefix{netip.MustParsePrefix("172.16.0.0/16")},
		ExpressConnect: components.ExpressConnectLegArgs{
			PhysicalConnectionID: pulumi.String(cfg.Require("physicalConnectionId")),
			VLANID:               pulumi.IntRef(0),
			LocalGatewayIP:       netip.MustParseAddr("10.1.0.1"),
			PeerGatewayIP:        netip.MustParseAddr("10.1.0.2"),
			PeerASN:              pulumi.IntRef(65530),
			EnableBFD:            true,
		},
		VPN: components.VPNStandbyLegArgs{
			BandwidthMbps:     pulumi.IntRef(100),
			CustomerGatewayIP: netip.MustParseAddr("203.0.113.68"),
			PSK:               cfg.RequireSecret("vpnPsk"),
			DualTunnel:        true,
		},
		Tags: map[string]string{"team": "network"},
	})
}

// README:end

// The README's snippet is connect, verbatim, and it runs.
func TestREADMESnippet(t *testing.T) {
	src, err := os.ReadFile("readme_test.go")
	require.NoError(t, err)
	_, rest, _ := strings.Cut(string(src), "// README:begin\n")
	snippet, _, _ := strings.Cut(rest, "\n// README:end")
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	assert.Contains(t, string(readme), "```go\n"+snippet+"```\n", "README.md shows connect as written here")

	conf := map[string]string{"vpnPsk": "s3cret-Psk_42", "physicalConnectionId": "pc-bp1example000000001",
		"appVpcId": "vpc-bp1app000000000001", "appRouteTableId": "vtb-bp1app000000000001",
		"transitVpcId": "vpc-bp1transit0000001", "transitRouteTableId": "vtb-bp1transit0000001",
		"appVswH": "vsw-bp1apph00000000001", "appVswI": "vsw-bp1appi00000000001",
		"transitVswH": "vsw-bp1transith000001", "transitVswI": "vsw-bp1transiti000001"}
	m := &cloudMocks{}
	err = pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := connect(ctx)
		return err
	}, pulumi.WithMocks("example", "dev", m), func(ri *pulumi.RunInfo) {
		ri.Config = map[string]string{}
		for k, v := range conf {
			ri.Config["example:"+k] = v
		}
		ri.ConfigSecretKeys = []string{"example:vpnPsk"}
	})
	require.NoError(t, err)
	assert.Equal(t, 1, m.byType["hybridlink:index:HybridConnection"])
}

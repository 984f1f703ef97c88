package mockcloud

import (
	"testing"

	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/vpn"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/inventory"
)

func TestInputsSecretsAndDuplicates(t *testing.T) {
	m, err := Run("test", nil, nil, func(ctx *pulumi.Context) error {
		gw, err := vpn.NewGateway(ctx, "gw", &vpn.GatewayArgs{VpcId: pulumi.String("vpc-1"), Bandwidth: pulumi.Int(10)})
		if err != nil {
			return err
		}
		_, err = vpn.NewConnection(ctx, "conn", &vpn.ConnectionArgs{
			VpnGatewayId:  gw.ID(),
			LocalSubnets:  pulumi.StringArray{pulumi.String("0.0.0.0/0")},
			RemoteSubnets: pulumi.StringArray{pulumi.String("0.0.0.0/0")},
			IkeConfig:     &vpn.ConnectionIkeConfigArgs{IkeVersion: pulumi.String("ikev2"), Psk: pulumi.ToSecret(pulumi.String("k")).(pulumi.StringOutput)},
		}, pulumi.DeleteBeforeReplace(true), pulumi.AdditionalSecretOutputs([]string{"ikeConfig"}))
		return err
	})
	require.NoError(t, err)

	gw, ok := m.Named("gw")
	require.True(t, ok)
	assert.Equal(t, "vpn-gw", gw.ID)
	assert.Equal(t, "198.51.100.10", gw.Outputs["internetIp"].StringValue())
	v, secret, ok := gw.Input("bandwidth")
	assert.True(t, ok)
	assert.False(t, secret)
	assert.Equal(t, 10.0, v)

	conn := m.OfType(inventory.VPNConnection)
	require.Len(t, conn, 1)
	c := conn[0]
	v, secret, ok = c.Input("ikeConfig.psk")
	assert.Equal(t, []any{"k", true, true}, []any{v, secret, ok}, "a secret is unwrapped and reported")
	v, secret, ok = c.Input("ikeConfig.ikeVersion")
	assert.Equal(t, []any{"ikev2", false, true}, []any{v, secret, ok})
	v, secret, _ = c.Input("ikeConfig")
	assert.Equal(t, map[string]any{"ikeVersion": "ikev2", "psk": "k"}, v, "secrets are unwrapped at every depth")
	assert.True(t, secret, "an object holding a secret reports it")
	v, _, _ = c.Input("localSubnets[0]")
	assert.Equal(t, "0.0.0.0/0", v)
	_, _, ok = c.Input("healthCheckConfig")
	assert.False(t, ok)
	_, _, ok = c.Input("[[bad path")
	assert.False(t, ok)
	assert.True(t, c.DeleteBeforeReplace)
	assert.Equal(t, []string{"ikeConfig"}, c.AdditionalSecretOutputs)
	assert.Contains(t, c.PropertyDeps["vpnGatewayId"], gw.URN)
	assert.Len(t, m.Children(gw.Parent), 2, "both are children of the stack")

	_, err = Run("test", nil, nil, func(ctx *pulumi.Context) error {
		for range 2 {
			if _, err := vpn.NewCustomerGateway(ctx, "cgw", &vpn.CustomerGatewayArgs{IpAddress: pulumi.String("203.0.113.1")}); err != nil {
				return err
			}
		}
		return nil
	})
	require.Error(t, err, "the engine rejects a second registration of a URN; so do the mocks")
	assert.Contains(t, err.Error(), "duplicate resource URN")
}

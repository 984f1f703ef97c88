package tests

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/components"
	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/onprem"
)

// TestDualTunnelOnADeployedStack turns vpn.dualTunnel on and then off on a
// deployed dev stack, as an operator does, and shows what they see: the
// preview replaces the VPN gateway (deleting it first) with its IPsec
// connection and routes, the up leaves a gateway with the tunnels asked
// for — what the real provider leaves, since a replacement creates the
// gateway with both vSwitches — its new public IPs reach the outputs and
// the on-premises configuration, and a second preview shows nothing left to
// do. (In place, the provider would accept the change and never send it:
// TestProviderRulesThroughTheEngine shows that.)
func TestDualTunnelOnADeployedStack(t *testing.T) {
	skipShort(t)
	dir := copyProject(t)
	b := openBox(t, dir, "dev")
	b.mustSucceed("up", b.up())
	single := b.outputs()

	// On: a dual-tunnel connection needs a given key.
	b.pulumi("config", "set", "--secret", "hybridlink:vpnPsk", "dual-Tunnel_key-2026")
	editFile(t, stackFile(dir, "dev"), "dualTunnel: false", "dualTunnel: true")
	dual := b.turn(t, "on", single)
	assert.NotEmpty(t, outputString(dual, components.OutputVPNDisasterRecoveryInternetIP))

	// Off again.
	editFile(t, stackFile(dir, "dev"), "dualTunnel: true", "dualTunnel: false")
	off := b.turn(t, "off", dual)
	assert.Empty(t, outputString(off, components.OutputVPNDisasterRecoveryInternetIP))
}

// turn previews and applies a dual-tunnel change and checks what the
// operator sees and gets; before are the outputs before it.
func (b *box) turn(t *testing.T, what string, before auto.OutputMap) auto.OutputMap {
	t.Helper()
	preview := b.preview()
	b.mustSucceed("preview dual tunnel "+what, preview)
	gateway := opsNamed(preview, "hybridlink-vpn-gateway")
	assert.Contains(t, gateway, apitype.OpDeleteReplaced, "turning dual-tunnel %s replaces the gateway:\n%s", what, preview.output)
	assert.Contains(t, gateway, apitype.OpCreateReplacement)
	for _, name := range []string{"hybridlink-vpn-connection", "hybridlink-vpn-route-172-16-0-0-16"} {
		assert.Contains(t, opsNamed(preview, name), apitype.OpCreateReplacement, "%s goes with its gateway", name)
	}
	assert.Contains(t, preview.output, "disasterRecoveryVswitchId", "the preview names the property that replaces")
	assert.Contains(t, preview.output, "-- alicloud:vpn:Gateway hybridlink-vpn-gateway delete original", "delete-before-replace")

	b.mustSucceed("up dual tunnel "+what, b.up())
	after := b.outputs()
	assert.NotEqual(t, outputString(before, components.OutputVPNInternetIP), outputString(after, components.OutputVPNInternetIP), "a new gateway, a new public IP")

	// The cloud holds what the provider would leave: one gateway, with the
	// second vSwitch exactly when dual-tunnel is on.
	gws := ofType(b.snapshot(), inventory.VPNGateway)
	require.Len(t, gws, 1)
	dr, _ := gws[0].String("disasterRecoveryVswitchId")
	assert.Equal(t, what == "on", dr != "", "disasterRecoveryVswitchId %q", dr)

	// The on-premises configuration is rendered with the new IPs.
	env := loadEnv(t, b.dir, "dev")
	peers, err := onprem.ParseVPNPeers(outputString(after, components.OutputVPNInternetIP),
		outputString(after, components.OutputVPNDisasterRecoveryInternetIP), env.Args.VPN.DualTunnel)
	require.NoError(t, err)
	files, err := onprem.Render("linux-frr", env.OnPremSite(peers, onprem.PSKPlaceholder, false))
	require.NoError(t, err)
	var rendered strings.Builder
	for _, content := range files {
		rendered.WriteString(content)
	}
	for _, ip := range peers {
		assert.Contains(t, rendered.String(), ip.String(), "the rendered configuration uses the new gateway IP")
	}
	assert.Len(t, peers, map[string]int{"on": 2, "off": 1}[what])

	again := b.preview()
	b.mustSucceed("preview after dual tunnel "+what, again)
	assert.Equal(t, map[apitype.OpType]int{apitype.OpSame: again.summary[apitype.OpSame]}, again.summary, "converged: nothing left to change")
	return after
}

// opsNamed are the engine's steps for the resource with a name.
func opsNamed(r opResult, name string) []apitype.OpType {
	for urn, ops := range r.ops() {
		if urn.Name() == name {
			return ops
		}
	}
	return nil
}

// outputString is a stack output's string value, "" when it has none.
func outputString(out auto.OutputMap, key string) string {
	s, _ := out[key].Value.(string)
	return s
}

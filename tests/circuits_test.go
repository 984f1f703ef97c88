package tests

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/inventory"
)

// secondCircuitYAML is the second circuit added to prod: another line, its
// own peering subnet and VLAN.
const secondCircuitYAML = `    - physicalConnectionId: pc-bp1hybridlinkprod0002
      vlanId: 10
      localGatewayIp: 10.1.0.13
      peerGatewayIp: 10.1.0.14
      peerAsn: 65530
      enableBfd: true
`

// TestAddingASecondCircuit takes prod as deployed with one circuit to two,
// through the engine with the policy pack: only circuit B's parts are
// created, circuit A's resources stay exactly as they are; both modes pass
// the failover-symmetric policy; ecmp drops the route maps and nothing else.
func TestAddingASecondCircuit(t *testing.T) {
	skipShort(t)
	dir := copyProject(t)
	// Unprotected, so that the mode change can delete the route maps (a
	// protected hub protects them too: see docs/failover.md).
	editFile(t, stackFile(dir, "prod"), "hybridlink:protect: true", "hybridlink:protect: false")
	b := openBox(t, dir, "prod")
	b.mustSucceed("up with one circuit", b.up())
	before := b.snapshot()

	// The map becomes circuit A, listed first; circuit B follows.
	path := stackFile(dir, "prod")
	file, err := os.ReadFile(path)
	require.NoError(t, err)
	text := string(file)
	start := strings.Index(text, "  hybridlink:expressConnect:\n")
	end := strings.Index(text, "  hybridlink:vpn:\n")
	require.True(t, start >= 0 && end > start)
	var listed strings.Builder
	listed.WriteString("  hybridlink:expressConnect:\n")
	for i, line := range strings.Split(strings.TrimSuffix(text[start:end], "\n"), "\n")[1:] {
		switch {
		case i == 0:
			listed.WriteString("    - " + strings.TrimPrefix(line, "    ") + "\n")
		default:
			listed.WriteString("  " + line + "\n")
		}
	}
	listed.WriteString(secondCircuitYAML)
	text = text[:start] + listed.String() + text[end:]
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))

	r := b.up()
	b.mustSucceed("up adding circuit B", r)
	created := map[tokens.Type]int{}
	for urn, ops := range r.ops() {
		switch {
		case slices.Equal(ops, []apitype.OpType{apitype.OpSame}):
		case slices.Equal(ops, []apitype.OpType{apitype.OpCreate}):
			created[urn.Type()]++
		default:
			t.Errorf("adding circuit B: %s: %v, want same or create", urn, ops)
		}
	}
	assert.Equal(t, map[tokens.Type]int{
		"hybridlink:index:ExpressConnectLeg": 1, inventory.VBR: 1, inventory.BGPGroup: 1, inventory.BGPPeer: 1,
		inventory.TRVBRAttachment: 1, inventory.TRAssociation: 1, inventory.TRPropagation: 1, inventory.VBRHealthCheck: 1,
		inventory.RouteMap: 2, inventory.Alarm: 2,
	}, created)
	after := b.snapshot()
	for _, r := range before {
		got, ok := byURN(after, r.URN)
		if assert.True(t, ok, "%s is still there", r.URN) {
			assert.Equal(t, r.ID, got.ID, "%s kept its ID", r.URN)
		}
	}
	outputs := b.outputs()
	assert.Equal(t, "active-standby", outputs["circuitMode"].Value)
	assert.NotEmpty(t, outputs["secondVbrId"].Value)
	assert.Len(t, outputs["alarmIds"].Value, 4, "a loss and a latency alarm per circuit")

	r = b.up()
	b.mustSucceed("second up", r)
	assert.Equal(t, map[apitype.OpType]int{apitype.OpSame: r.summary[apitype.OpSame]}, r.summary)

	// ECMP: the route maps go, nothing else changes.
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(text, "  hybridlink:vpn:\n", "  hybridlink:circuitMode: ecmp\n  hybridlink:vpn:\n", 1)), 0o644))
	r = b.up()
	b.mustSucceed("up in ecmp mode", r)
	deleted := []resource.URN{}
	for urn, ops := range r.ops() {
		if !slices.Equal(ops, []apitype.OpType{apitype.OpSame}) {
			assert.Equal(t, []apitype.OpType{apitype.OpDelete}, ops, "%s", urn)
			deleted = append(deleted, urn)
		}
	}
	require.Len(t, deleted, 2)
	for _, urn := range deleted {
		assert.Equal(t, inventory.RouteMap, urn.Type())
	}
	assert.Empty(t, ofType(b.snapshot(), inventory.RouteMap))
	b.mustSucceed("destroy", b.destroy(false))
}

package lab

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// golden reads a stack's rendered linux-frr files as the renderer's golden
// files pin them.
func golden(t *testing.T, stack string) map[string]string {
	t.Helper()
	dir := filepath.Join("..", "onprem", "testdata", "golden", stack, "linux-frr")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	files := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		files[e.Name()] = string(b)
	}
	return files
}

func TestLibipsecTransforms(t *testing.T) {
	in := golden(t, "prod")
	out, err := applyTransforms(in, append([]Transform{updownPath("/lab/gw")}, libipsecTransforms()...))
	require.NoError(t, err)
	frr, swan, up := out[frrConf], out[swanctlConf], out["hybridlink-prod-updown.sh"]
	assert.Contains(t, frr, "ip route 192.168.0.0/16 ipsec0 253\nip route 192.168.0.0/16 ipsec0 254\n")
	assert.NotContains(t, frr, "ip route 192.168.0.0/16 xfrm")
	assert.Equal(t, 2, strings.Count(swan, "encap = yes"))
	assert.Contains(t, swan, "updown = /lab/gw/hybridlink-prod-updown.sh\n")
	assert.Contains(t, up, "1) link=ipsec0 ;;\n2) link=ipsec0 ;;\n")
	assert.NotContains(t, up, "type xfrm")
	assert.NotContains(t, up, "ip link del")
	// Only what the transforms name changes.
	assert.Equal(t, strings.Count(in[frrConf], "\n"), strings.Count(frr, "\n"))
	assert.Contains(t, in[frrConf], "xfrm1 253", "the input is not changed")
}

func TestStaticPreferenceKeepsTheTunnelOrder(t *testing.T) {
	out, err := applyTransforms(golden(t, "prod"), []Transform{StaticPreference(10)})
	require.NoError(t, err)
	assert.Contains(t, out[frrConf], "ip route 192.168.0.0/16 xfrm1 9\nip route 192.168.0.0/16 xfrm2 10\n")
	out, err = applyTransforms(golden(t, "dev"), []Transform{StaticPreference(10)})
	require.NoError(t, err)
	assert.Contains(t, out[frrConf], "ip route 10.20.0.0/16 xfrm11 10\n")
}

func TestStaleTransformFails(t *testing.T) {
	// dev has no BGP key: a transform that finds nothing to change fails.
	_, err := applyTransforms(golden(t, "dev"), []Transform{WrongBGPKey()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "transform wrong-bgp-key: frr.conf has no line matching")
}

package stacks

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pskMarker starts every fuzzed PSK. It is made of characters a PSK may hold
// and appears in no message template, so finding the PSK in a message means
// the message leaked it.
const pskMarker = "Zq9~"

// FuzzLoad feeds stacks.Load the prod configuration with fuzzed values in
// the places most likely to break it, plus one fuzzed raw value for any key.
// Load must never panic; it either succeeds (and then the program deploys
// under mocks) or returns a *ConfigError whose every problem names a key
// under hybridlink: or alicloud:region, that really exists, with a problem
// and a fix, and never the PSK.
//
// The seed corpus is testdata/fuzz/FuzzLoad; `go test` runs it, and
// `go test ./stacks -run=^$ -fuzz=FuzzLoad -fuzztime=60s` explores further.
func FuzzLoad(f *testing.F) {
	base := committed(f, "prod")
	keys := slices.Sorted(maps.Keys(base.Values))
	keys = append(keys, "hybridlink:notASetting")
	f.Add("cn-hangzhou", "10.0.0.0/16", "10.0.2.0/24", "cn-hangzhou-i", 0, int64(65530), "10.1.0.2", "255.255.255.252", 100, "203.0.113.68", "ikev2", "k3y", true, uint8(255), "")

	f.Fuzz(func(t *testing.T, region, vpcCIDR, vswCIDR, zone string, vlan int, peerASN int64, peerIP, mask string,
		vpnBandwidth int, cgwIP, ikeVersion, psk string, pskEncrypted bool, rawKey uint8, raw string) {
		src := MapSource{Values: maps.Clone(base.Values), Secrets: maps.Clone(base.Secrets)}
		src.Values["alicloud:region"] = region
		src.setJSON(t, "hybridlink:transitVpc", "cidr", vpcCIDR)
		src.setJSON(t, "hybridlink:transitVpc", "vSwitches[1].cidr", vswCIDR)
		src.setJSON(t, "hybridlink:transitVpc", "vSwitches[2]", map[string]any{"zoneId": zone, "cidr": "10.0.3.0/24"})
		src.setJSON(t, "hybridlink:expressConnect", "vlanId", vlan)
		src.setJSON(t, "hybridlink:expressConnect", "peerAsn", peerASN)
		src.setJSON(t, "hybridlink:expressConnect", "peerGatewayIp", peerIP)
		src.setJSON(t, "hybridlink:expressConnect", "peeringSubnetMask", mask)
		src.setJSON(t, "hybridlink:vpn", "bandwidthMbps", vpnBandwidth)
		src.setJSON(t, "hybridlink:vpn", "customerGatewayIp", cgwIP)
		src.setJSON(t, "hybridlink:vpn", "ike.version", ikeVersion)
		psk = pskMarker + psk
		src.Values[pskKey] = psk
		src.Secrets[pskKey] = pskEncrypted
		if int(rawKey) < len(keys) && keys[rawKey] != pskKey {
			src.Values[keys[rawKey]] = raw
		}

		env, err := Load("prod", src)
		if err == nil {
			require.NoError(t, env.Args.Validate(), "what Load accepts the components accept")
			m, err := runProgram("prod", src)
			require.NoError(t, err, "what Load accepts deploys")
			require.NotEmpty(t, m.Resources())
			return
		}
		var ce *ConfigError
		require.True(t, errors.As(err, &ce), "Load fails only with a *ConfigError: %v", err)
		require.NotEmpty(t, ce.Problems)

		// The PSK may legitimately appear where another value echoes it.
		leakable := false
		for k, v := range src.Values {
			leakable = leakable || (k != pskKey && strings.Contains(v, psk))
		}
		for _, p := range ce.Problems {
			assert.True(t, strings.HasPrefix(p.Key, "hybridlink:") || p.Key == "alicloud:region", "key %q is under hybridlink: or alicloud:region", p.Key)
			assert.NotEmpty(t, p.Problem, "%s has a problem", p.Key)
			assert.NotEmpty(t, p.Fix, "%s has a fix", p.Key)
			if p.Key == pskKey {
				assert.Contains(t, []string{"[secret]", "[plaintext]"}, p.Value)
			}
			if p.Problem != "is not a hybridlink setting" && !strings.HasPrefix(p.Key, "hybridlink:tags.") {
				resolveKey(t, p.Key)
			}
		}
		if !leakable {
			assert.NotContains(t, ce.Error(), psk, "the PSK never appears in a problem")
		}
	})
}

package limits

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ok and bad run a check over values that must pass and values that must
// fail; a failure's message must contain mention.
func ok[T any](t *testing.T, check func(T) error, values ...T) {
	t.Helper()
	for _, v := range values {
		assert.NoError(t, check(v), "%v", v)
	}
}

func bad[T any](t *testing.T, check func(T) error, mention string, values ...T) {
	t.Helper()
	for _, v := range values {
		err := check(v)
		if assert.Error(t, err, "%v", v) {
			assert.Contains(t, err.Error(), mention, "%v", v)
		}
	}
}

func TestCheckVLAN(t *testing.T) {
	ok(t, CheckVLAN, 0, 1, 100, 2998, 2999)
	bad(t, CheckVLAN, "out of range 0–2999", -1, 3000, 4095, 1<<31-1)
}

func TestCheckPeerASN(t *testing.T) {
	peer := func(local int64) func(int64) error {
		return func(p int64) error { return CheckPeerASN(p, local) }
	}
	ok(t, peer(AlibabaASN), 1, 64512, 65530, 65534, 65552, 4200000000, 4294967294, 23455, 23457, 64495)
	bad(t, peer(AlibabaASN), "out of range", 0, -1, 4294967295, 1<<40)
	bad(t, peer(AlibabaASN), "AS_TRANS", 23456)
	bad(t, peer(AlibabaASN), "documentation", 64496, 64500, 64511, 65536, 65551)
	bad(t, peer(AlibabaASN), "RFC 7300", 65535)
	bad(t, peer(AlibabaASN), "eBGP", AlibabaASN)
	// With a custom local AS, the peer may not take it, nor Alibaba's.
	bad(t, peer(65001), "eBGP", 65001)
	bad(t, peer(65001), "Alibaba Cloud's public AS", AlibabaASN)
	ok(t, peer(65001), 65530)
}

func TestCheckLocalASN(t *testing.T) {
	ok(t, CheckLocalASN, AlibabaASN, 64512, 65000, 65024, 65026, 65534, 4200000000, 4294967294)
	bad(t, CheckLocalASN, "reserved by Alibaba Cloud", 65025)
	bad(t, CheckLocalASN, "not accepted", 0, 1, 64511, 65535, 4199999999, 4294967295, 23456)
}

func TestCheckVBRBandwidth(t *testing.T) {
	ok(t, CheckVBRBandwidth, VBRBandwidthsMbps...)
	bad(t, CheckVBRBandwidth, "not offered", 0, -50, 49, 51, 150, 1024, 102401)
}

func TestCheckVPNBandwidth(t *testing.T) {
	for _, nt := range []string{"", "public"} {
		check := func(m int) error { return CheckVPNBandwidth(m, nt) }
		ok(t, check, 10, 100, 200, 500, 1000)
		bad(t, check, "not a VPN gateway tier", 0, 1, 5, 15, 20, 50, 300, 2000)
	}
	private := func(m int) error { return CheckVPNBandwidth(m, "private") }
	ok(t, private, 200, 1000)
	bad(t, private, "not a VPN gateway tier", 5, 100, 500)
	bad(t, func(m int) error { return CheckVPNBandwidth(m, "Public") }, "network type", 100)
}

func TestCheckWeight(t *testing.T) {
	ok(t, CheckWeight, WeightActive, WeightStandby)
	bad(t, CheckWeight, "use 100 (active) or 0 (standby)", -1, 1, 50, 99, 101)
}

func TestCheckOneOf(t *testing.T) {
	for _, list := range [][]string{IKEVersions, IKEModes, IKEEncAlgs, IKEAuthAlgs, IKEPFSGroups, IPsecEncAlgs, IPsecAuthAlgs, IPsecPFSGroups, VPNTypes, PaymentTypes} {
		ok(t, func(v string) error { return CheckOneOf("x", v, list) }, list...)
		bad(t, func(v string) error { return CheckOneOf("x", v, list) }, "is not one of", "", strings.ToUpper(list[0]), list[0]+" ")
	}
	err := CheckOneOf("IKE version", "ikev3", IKEVersions)
	require.Error(t, err)
	assert.Equal(t, `IKE version "ikev3" is not one of ikev1, ikev2`, err.Error())
	assert.NotContains(t, IKEPFSGroups, "disabled", "phase 1 always uses a DH group")
	assert.Contains(t, IPsecPFSGroups, "disabled")
}

func TestCheckLifetime(t *testing.T) {
	ok(t, CheckLifetime, 0, 1, 3600, 86400)
	bad(t, CheckLifetime, "out of range 0–86400", -1, 86401)
}

func TestCheckPSK(t *testing.T) {
	ok(t, CheckPSK, "a", strings.Repeat("x", 100), "AZaz09", "~!`@#$%^&*()_-+={}[]|;:\",.<>/?", "hl-Sandbox-PSK-only-for-local-tests")
	for _, psk := range []string{"", strings.Repeat("x", 101), "with space", "tab\t", "new\nline", `back\slash`, `quote'`, "ümlaut", "nul\x00"} {
		err := CheckPSK(psk)
		if assert.Error(t, err, "%q", psk) {
			assert.Contains(t, err.Error(), "must be 1–100")
			if psk != "" {
				assert.NotContains(t, err.Error(), psk, "the key never appears in the error")
			}
		}
	}
}

func TestCheckBGPAuthKey(t *testing.T) {
	ok(t, CheckBGPAuthKey, "k", strings.Repeat("k", 64), "hl-sandbox-bgp-md5", `!"#$%&'()`)
	for _, key := range []string{"", strings.Repeat("k", 65), "two words", "tab\tkey", "line\n", "cr\r"} {
		err := CheckBGPAuthKey(key)
		if assert.Error(t, err, "%q", key) {
			assert.Contains(t, err.Error(), "1–64 characters without spaces")
			if key != "" {
				assert.NotContains(t, err.Error(), key)
			}
		}
	}
}

func TestCheckPublicUnicast(t *testing.T) {
	addrs := func(ss ...string) []netip.Addr {
		var out []netip.Addr
		for _, s := range ss {
			out = append(out, netip.MustParseAddr(s))
		}
		return out
	}
	ok(t, CheckPublicUnicast, addrs("203.0.113.68", "198.51.100.1", "192.0.2.1", "8.8.8.8", "1.0.0.1",
		"100.63.255.255", "100.128.0.0", "198.17.255.255", "198.20.0.0", "223.255.255.255", "172.32.0.1", "192.0.1.255")...)
	bad(t, CheckPublicUnicast, "not a public unicast", addrs("10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1",
		"127.0.0.1", "169.254.1.1", "224.0.0.1", "0.0.0.0", "255.255.255.255",
		"0.1.2.3", "100.64.0.1", "100.127.255.255", "192.0.0.1", "198.18.0.1", "198.19.255.255", "240.0.0.1")...)
	bad(t, CheckPublicUnicast, "not an IPv4", addrs("2001:db8::1", "::ffff:203.0.113.1")...)
}

func TestCheckVPCCIDR(t *testing.T) {
	p := netip.MustParsePrefix
	ok(t, CheckVPCCIDR, p("10.0.0.0/8"), p("192.168.0.0/16"), p("172.16.0.0/12"), p("10.0.0.0/28"), p("47.0.0.0/16"))
	bad(t, CheckVPCCIDR, "a VPC takes /8 to /28", p("0.0.0.0/0"), p("10.0.0.0/7"), p("10.0.0.0/29"), p("10.0.0.0/32"))
	bad(t, CheckVPCCIDR, "which a VPC cannot use", p("100.64.0.0/10"), p("100.100.0.0/16"), p("100.0.0.0/8"), p("100.64.0.0/28"))
	bad(t, CheckVPCCIDR, "cannot be a network's address space", p("224.0.0.0/8"), p("127.0.0.0/8"), p("169.254.0.0/16"),
		p("0.0.0.0/8"), p("240.0.0.0/8"), p("255.255.255.0/28"))
}

func TestCheckVSwitchCIDR(t *testing.T) {
	p := netip.MustParsePrefix
	ok(t, CheckVSwitchCIDR, p("10.0.0.0/16"), p("10.0.1.0/24"), p("10.0.1.0/29"))
	bad(t, CheckVSwitchCIDR, "a vSwitch takes /16 to /29", p("10.0.0.0/15"), p("10.0.1.0/30"), p("10.0.1.1/32"))
}

func TestCheckRegionAndZone(t *testing.T) {
	ok(t, CheckRegion, Regions...)
	bad(t, CheckRegion, "not a known", "", "cn-atlantis", "CN-HANGZHOU", "cn-hangzhou ", "cn-hangzhou-h")
	zone := func(z string) error { return CheckZone("cn-hangzhou", z) }
	ok(t, zone, "cn-hangzhou-a", "cn-hangzhou-h", "cn-hangzhou-z")
	bad(t, zone, "not a zone of region cn-hangzhou", "", "cn-hangzhou", "cn-hangzhou-", "cn-hangzhou-hh",
		"cn-hangzhou-H", "cn-hangzhou-1", "cn-shanghai-b", "cn-hangzhouu-h", "xcn-hangzhou-h")
}

func TestParseASN(t *testing.T) {
	for s, want := range map[string]int64{
		"1": 1, "65530": 65530, "4294967295": 4294967295, "0.1": 1, "1.0": 65536, "1.10": 65546, "65535.65535": 4294967295,
	} {
		got, err := ParseASN(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, got, s)
	}
	for _, s := range []string{"", "0", "0.0", "-1", "4294967296", "65536.0", "1.65536", "1.", ".1", "1.2.3", "a", " 1", "+1", "0x10"} {
		_, err := ParseASN(s)
		assert.Error(t, err, "%q", s)
	}
}

func TestParseMaskAndMaskOf(t *testing.T) {
	for bits := 0; bits <= 32; bits++ {
		mask := MaskOf(bits)
		got, err := ParseMask(mask)
		require.NoError(t, err, mask)
		assert.Equal(t, bits, got, mask)
	}
	assert.Equal(t, "255.255.255.252", MaskOf(30))
	assert.Equal(t, "0.0.0.0", MaskOf(0))
	assert.Equal(t, "255.255.255.255", MaskOf(32))
	for _, m := range []string{"255.0.255.0", "255.255.255.253", "0.255.255.255", "128.0.0.1"} {
		_, err := ParseMask(m)
		if assert.Error(t, err, m) {
			assert.Contains(t, err.Error(), "not contiguous")
		}
	}
	for _, m := range []string{"", "30", "/30", "255.255.255", "255.255.255.256", "ffff:ffff::"} {
		_, err := ParseMask(m)
		if assert.Error(t, err, m) {
			assert.Contains(t, err.Error(), "not a dotted IPv4 netmask")
		}
	}
}

func TestPeeringSubnet(t *testing.T) {
	a := netip.MustParseAddr
	subnet, err := PeeringSubnet(a("10.1.0.1"), a("10.1.0.2"), "255.255.255.252")
	require.NoError(t, err)
	assert.Equal(t, netip.MustParsePrefix("10.1.0.0/30"), subnet)
	subnet, err = PeeringSubnet(a("192.0.2.200"), a("192.0.2.1"), "255.255.255.0")
	require.NoError(t, err, "/24 is the widest accepted")
	assert.Equal(t, netip.MustParsePrefix("192.0.2.0/24"), subnet)

	for _, tc := range []struct {
		local, peer, mask, mention string
	}{
		{"10.1.0.1", "10.1.0.5", "255.255.255.252", "outside 10.1.0.0/30"},
		{"10.1.0.1", "10.1.0.1", "255.255.255.252", "must differ"},
		{"10.1.0.0", "10.1.0.1", "255.255.255.252", "cloud-side IP 10.1.0.0 is the network address"},
		{"10.1.0.1", "10.1.0.3", "255.255.255.252", "customer-side IP 10.1.0.3 is the broadcast address"},
		{"10.1.0.3", "10.1.0.1", "255.255.255.252", "cloud-side IP 10.1.0.3 is the broadcast address"},
		{"10.1.0.0", "10.1.0.1", "255.255.255.254", "out of range"},
		{"10.1.0.1", "10.1.0.1", "255.255.255.255", "out of range"},
		{"10.1.0.1", "10.1.0.2", "255.255.254.0", "out of range"},
		{"10.1.0.1", "10.1.0.2", "255.0.255.0", "not contiguous"},
		{"10.1.0.1", "10.1.0.2", "", "not a dotted"},
	} {
		_, err := PeeringSubnet(a(tc.local), a(tc.peer), tc.mask)
		if assert.Error(t, err, "%+v", tc) {
			assert.Contains(t, err.Error(), tc.mention)
		}
	}
	_, err = PeeringSubnet(a("fe80::1"), a("fe80::2"), "255.255.255.252")
	assert.ErrorContains(t, err, "cloud-side IP fe80::1 is not IPv4")
	var pe *PeeringError
	require.ErrorAs(t, err, &pe)
	assert.True(t, pe.CloudSide, "reported against the cloud side")
	_, err = PeeringSubnet(a("10.1.0.0"), a("10.1.0.2"), "255.255.255.252")
	require.ErrorAs(t, err, &pe)
	assert.True(t, pe.CloudSide, "the cloud-side IP is the network address")
	_, err = PeeringSubnet(a("10.1.0.1"), a("10.1.0.3"), "255.255.255.252")
	require.ErrorAs(t, err, &pe)
	assert.False(t, pe.CloudSide, "the customer-side IP is the broadcast address")
	_, err = PeeringSubnet(netip.Addr{}, a("10.1.0.2"), "255.255.255.252")
	assert.Error(t, err, "a missing address is not IPv4")
}

func TestBoundsAreConsistent(t *testing.T) {
	assert.Less(t, HealthCheckIntervalMin, HealthCheckIntervalMax)
	assert.Less(t, HealthyThresholdMin, HealthyThresholdMax)
	assert.Less(t, BFDIntervalMinMs, BFDIntervalMaxMs)
	assert.Less(t, BFDDetectMultiplierMin, BFDDetectMultiplierMax)
	assert.Less(t, BFDMultiHopMin, BFDMultiHopMax)
	assert.Equal(t, 24, PeeringMinBits)
	assert.Equal(t, 30, PeeringMaxBits)
	assert.IsIncreasing(t, VBRBandwidthsMbps)
	assert.IsIncreasing(t, VPNPublicBandwidthsMbps)
}

func TestCheckPeeringMask(t *testing.T) {
	for bits := PeeringMinBits; bits <= PeeringMaxBits; bits++ {
		n, err := CheckPeeringMask(MaskOf(bits))
		require.NoError(t, err, bits)
		assert.Equal(t, bits, n)
	}
	for _, bits := range []int{0, 16, PeeringMinBits - 1, PeeringMaxBits + 1, 32} {
		_, err := CheckPeeringMask(MaskOf(bits))
		assert.ErrorContains(t, err, "out of range", "/%d", bits)
	}
	_, err := CheckPeeringMask("255.255.0.255")
	assert.ErrorContains(t, err, "not contiguous")
}

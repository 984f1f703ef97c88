package onprem_test

import (
	"flag"
	"maps"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/components"
	"github.com/hybridlink/hybridlink/internal/onprem"
	"github.com/hybridlink/hybridlink/internal/stackfile"
	"github.com/hybridlink/hybridlink/stacks"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the committed stack files")

const stackDir = "../../stacks"

// The deployed facts the golden files assume: the VPN gateway's public IP
// and, dual tunnel, its disaster-recovery IP.
var (
	vpnIP   = netip.MustParseAddr("198.51.100.10")
	vpnDRIP = netip.MustParseAddr("198.51.100.11")
)

// committed loads a committed stack file with its sandbox secrets decrypted.
func committed(t *testing.T, stack string, edit func(*stackfile.Config)) *stacks.Environment {
	t.Helper()
	f, err := stackfile.Read(stackDir, stack)
	require.NoError(t, err)
	cfg, err := f.Config(stackfile.SandboxPassphrase)
	require.NoError(t, err)
	if edit != nil {
		edit(cfg)
	}
	env, err := stacks.Load(stack, cfg)
	require.NoError(t, err)
	return env
}

// committedSite is the Site of a committed stack with the fixed deployed
// facts and the PSK placeholder.
func committedSite(t *testing.T, stack string) (onprem.Site, *stacks.Environment) {
	t.Helper()
	env := committed(t, stack, nil)
	peers := []netip.Addr{vpnIP}
	if env.Config.VPN.DualTunnel {
		peers = append(peers, vpnDRIP)
	}
	return env.OnPremSite(peers, onprem.PSKPlaceholder, false), env
}

func stackNames(t *testing.T) []string {
	t.Helper()
	names, err := stackfile.List(stackDir)
	require.NoError(t, err)
	require.Contains(t, names, "dev")
	require.Contains(t, names, "prod")
	return names
}

func render(t *testing.T, vendor string, s onprem.Site) map[string]string {
	t.Helper()
	files, err := onprem.Render(vendor, s)
	require.NoError(t, err)
	require.NotEmpty(t, files)
	return files
}

// variants are committed stacks with a change, rendered like the stacks
// themselves: prod-dual in its other circuit mode.
var variants = map[string]struct {
	stack string
	edit  func(*stackfile.Config)
}{
	"prod-dual-ecmp": {"prod-dual", func(c *stackfile.Config) { c.Values["hybridlink:circuitMode"] = "ecmp" }},
}

// goldenSites are the Sites of every committed stack and variant, by name.
func goldenSites(t *testing.T) map[string]onprem.Site {
	t.Helper()
	out := map[string]onprem.Site{}
	for _, stack := range stackNames(t) {
		out[stack], _ = committedSite(t, stack)
	}
	for name, v := range variants {
		env := committed(t, v.stack, v.edit)
		out[name] = env.OnPremSite([]netip.Addr{vpnIP, vpnDRIP}, onprem.PSKPlaceholder, false)
	}
	return out
}

// TestGolden compares every vendor's rendering of every committed stack
// (and variant) with testdata/golden/<stack>/<vendor>/<file>; -update
// rewrites them.
func TestGolden(t *testing.T) {
	sites := goldenSites(t)
	for _, stack := range slices.Sorted(maps.Keys(sites)) {
		site := sites[stack]
		for _, vendor := range onprem.Vendors {
			t.Run(stack+"/"+vendor, func(t *testing.T) {
				files := render(t, vendor, site)
				dir := filepath.Join("testdata", "golden", stack, vendor)
				if *update {
					require.NoError(t, os.RemoveAll(dir))
					require.NoError(t, os.MkdirAll(dir, 0o755))
					for name, content := range files {
						require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
					}
					return
				}
				entries, err := os.ReadDir(dir)
				require.NoError(t, err, "no golden files: run go test ./internal/onprem/ -update")
				var golden []string
				for _, e := range entries {
					golden = append(golden, e.Name())
				}
				var got []string
				for name := range files {
					got = append(got, name)
				}
				sort.Strings(got)
				require.Equal(t, golden, got, "rendered files differ from the golden files; run with -update and review the diff")
				for name, content := range files {
					want, err := os.ReadFile(filepath.Join(dir, name))
					require.NoError(t, err)
					assert.Equal(t, string(want), content, "%s differs from its golden file; run with -update and review the diff", name)
				}
			})
		}
	}
}

func TestSiteFromCommittedStacks(t *testing.T) {
	prod, env := committedSite(t, "prod")
	assert.Equal(t, netip.MustParseAddr("10.1.0.2"), prod.PeeringIP)
	assert.Equal(t, netip.MustParsePrefix("10.1.0.0/30"), prod.PeeringSubnet)
	assert.Equal(t, netip.MustParseAddr("10.1.0.1"), prod.AlibabaPeeringIP)
	assert.Equal(t, 0, prod.VLAN)
	assert.Equal(t, 65530, prod.LocalASN)
	assert.Equal(t, 45104, prod.AlibabaASN)
	assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("172.16.0.0/16")}, prod.IDCPrefixes)
	assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("10.0.0.0/16")}, prod.VPCPrefixes)
	assert.True(t, prod.BFD)
	assert.Equal(t, 20, prod.BGPPreference)
	assert.Equal(t, 255, prod.StaticPreference)
	assert.Equal(t, netip.MustParseAddr("203.0.113.68"), prod.PublicIP)
	assert.Equal(t, []netip.Addr{vpnIP, vpnDRIP}, prod.VPNPeers)
	assert.Equal(t, "ikev2", prod.IKE.Version)
	assert.Equal(t, "group14", prod.IPsec.PFS)
	assert.Equal(t, netip.MustParseAddr("10.0.1.10"), prod.HealthCheckSource)
	assert.Equal(t, 1, prod.Interfaces.FirstTunnel)
	// Secrets are placeholders: the stack's own values never reach a Site
	// unless the caller puts them there.
	assert.Equal(t, onprem.PSKPlaceholder, prod.PSK)
	assert.Equal(t, onprem.BGPKeyPlaceholder, prod.BGPAuthKey)
	require.NotEmpty(t, env.Config.BGPAuthKey.Value)

	dev, _ := committedSite(t, "dev")
	assert.Equal(t, 100, dev.VLAN)
	assert.Equal(t, netip.MustParseAddr("10.1.0.6"), dev.PeeringIP)
	assert.Equal(t, netip.MustParseAddr("10.1.0.5"), dev.AlibabaPeeringIP)
	assert.False(t, dev.BFD)
	assert.Empty(t, dev.BGPAuthKey, "dev sets no BGP key")
	assert.Equal(t, []netip.Addr{vpnIP}, dev.VPNPeers)
	// hybridlink's defaults, which the on-premises side must match.
	assert.Equal(t, "ikev2", dev.IKE.Version)
	assert.Equal(t, "aes256", dev.IKE.EncAlg)
	assert.Equal(t, "sha256", dev.IKE.AuthAlg)
	assert.Equal(t, "group14", dev.IKE.PFS)
	assert.Equal(t, 3600, *dev.IPsec.LifetimeSecs)
	assert.False(t, dev.HealthCheckSource.IsValid())
}

func TestSiteFromOnPremSettings(t *testing.T) {
	env := committed(t, "dev", func(c *stackfile.Config) {
		c.Values["hybridlink:onPrem"] = `{"staticRoutePreference":200,"bgpPreference":30,"firstTunnel":11}`
	})
	s := env.OnPremSite([]netip.Addr{vpnIP}, onprem.PSKPlaceholder, false)
	assert.Equal(t, 200, s.StaticPreference)
	assert.Equal(t, 30, s.BGPPreference)
	assert.Equal(t, 11, s.Interfaces.FirstTunnel)
	ios := render(t, "cisco-ios", s)["cisco-ios.cfg"]
	assert.Contains(t, ios, "interface Tunnel11\n")
	assert.Contains(t, ios, "ip route 10.20.0.0 255.255.0.0 Tunnel11 200 name hybridlink-dev-vpn-198.51.100.10\n")
	assert.Contains(t, ios, "  distance bgp 30 200 200\n")
	assert.Contains(t, ios, "crypto ikev2 proposal HL-DEV\n")
}

func TestStacksRejectABGPPreferenceThatDoesNotWin(t *testing.T) {
	for _, onPrem := range []string{
		`{"bgpPreference":255}`,
		`{"staticRoutePreference":100,"bgpPreference":100}`,
		`{"staticRoutePreference":10}`, // the default BGP preference, 20, would lose
		`{"bgpPreference":254}`,        // IOS and FRR cap static routes at 254
		`{"firstTunnel":99}`,
	} {
		f, err := stackfile.Read(stackDir, "dev")
		require.NoError(t, err)
		cfg, err := f.Config(stackfile.SandboxPassphrase)
		require.NoError(t, err)
		cfg.Values["hybridlink:onPrem"] = onPrem
		_, err = stacks.Load("dev", cfg)
		assert.Error(t, err, onPrem)
	}
}

// TestVendorFacts checks, per vendor, the facts the design depends on.
func TestVendorFacts(t *testing.T) {
	prod, _ := committedSite(t, "prod")
	dev, _ := committedSite(t, "dev")
	// dev with the API's own, older defaults, to pin how IKEv1, AES-128,
	// SHA-1 and DH group 2 map on every vendor (the committed stacks use
	// stronger ones).
	dev.IKE = components.IKESettings{Version: "ikev1", EncAlg: "aes", AuthAlg: "sha1", PFS: "group2", LifetimeSecs: new(86400)}
	dev.IPsec = components.IPsecSettings{EncAlg: "aes", AuthAlg: "sha1", PFS: "group2", LifetimeSecs: new(86400)}

	t.Run("cisco-ios", func(t *testing.T) {
		p := render(t, "cisco-ios", prod)["cisco-ios.cfg"]
		for _, want := range []string{
			"interface GigabitEthernet0/1\n description hybridlink-prod: Express Connect to VBR 10.1.0.1\n ip address 10.1.0.2 255.255.255.252\n",
			"router bgp 65530\n",
			" neighbor 10.1.0.1 remote-as 45104\n",
			" neighbor 10.1.0.1 fall-over bfd\n",
			" bfd interval 200 min_rx 200 multiplier 3\n",
			" neighbor 10.1.0.1 password " + onprem.BGPKeyPlaceholder + "\n",
			"  network 172.16.0.0 mask 255.255.0.0\n",
			"ip route 172.16.0.0 255.255.0.0 Null0",
			"  distance bgp 20 200 200\n",
			// IOS never installs distance 255: the standby routes take 254
			// (disaster-recovery tunnel) and 253 (active tunnel).
			"ip route 192.168.0.0 255.255.0.0 Tunnel1 253 name hybridlink-prod-vpn-198.51.100.10\n",
			"ip route 192.168.0.0 255.255.0.0 Tunnel2 254 name hybridlink-prod-vpn-198.51.100.11\n",
			"ip route 10.0.0.0 255.255.0.0 Tunnel1 253",
			"ip route 10.0.1.10 255.255.255.255 Tunnel1 253",
			"crypto ikev2 proposal HL-PROD\n encryption aes-cbc-256\n integrity sha256\n group 14\n",
			" identity local address 203.0.113.68\n",
			" match identity remote address 198.51.100.11 255.255.255.255\n",
			"crypto ipsec transform-set HL-PROD esp-aes 256 esp-sha256-hmac\n",
			" set pfs group14\n",
			" set security-association lifetime seconds 3600\n",
			" lifetime 86400\n",
			" tunnel destination 198.51.100.10\n",
			" tunnel destination 198.51.100.11\n",
			" tunnel protection ipsec profile HL-PROD\n",
		} {
			assert.Contains(t, p, want)
		}
		assert.NotContains(t, p, " 255 name", "IOS ignores a route at distance 255")
		assert.Equal(t, 2, strings.Count(p, "interface Tunnel"), "two tunnels for prod")

		d := render(t, "cisco-ios", dev)["cisco-ios.cfg"]
		for _, want := range []string{
			"interface GigabitEthernet0/1.100\n",
			" encapsulation dot1Q 100\n ip address 10.1.0.6 255.255.255.252\n",
			" neighbor 10.1.0.5 remote-as 45104\n",
			"crypto isakmp policy 110\n encryption aes\n hash sha\n authentication pre-share\n group 2\n lifetime 86400\n",
			" pre-shared-key address 198.51.100.10 key " + onprem.PSKPlaceholder + "\n",
			"crypto ipsec transform-set HL-DEV esp-aes esp-sha-hmac\n",
			"ip route 10.20.0.0 255.255.0.0 Tunnel11 254 name hybridlink-dev-vpn-198.51.100.10\n",
			"ip route 10.21.0.0 255.255.0.0 Tunnel11 254",
		} {
			assert.Contains(t, d, want)
		}
		assert.Equal(t, 1, strings.Count(d, "interface Tunnel"), "one tunnel for dev")
		assert.NotContains(t, d, "fall-over bfd", "BFD is off in dev")
		assert.NotContains(t, d, "password", "dev sets no BGP key")
		assert.NotContains(t, d, "ikev2")
	})

	t.Run("huawei-vrp", func(t *testing.T) {
		p := render(t, "huawei-vrp", prod)["huawei-vrp.cfg"]
		for _, want := range []string{
			"bgp 65530\n",
			" peer 10.1.0.1 as-number 45104\n",
			" peer 10.1.0.1 bfd enable\n",
			" peer 10.1.0.1 bfd min-tx-interval 200 min-rx-interval 200 detect-multiplier 3\n",
			" peer 10.1.0.1 password cipher " + onprem.BGPKeyPlaceholder + "\n",
			// VRP's default BGP preference (255) would tie with the static routes.
			"  preference 20 255 255\n",
			"  network 172.16.0.0 16\n",
			"ip route-static 172.16.0.0 16 NULL0",
			"ip route-static 192.168.0.0 16 Tunnel0/0/1 preference 254 description hl-prod-vpn1\n",
			"ip route-static 192.168.0.0 16 Tunnel0/0/2 preference 255 description hl-prod-vpn2\n",
			"ip route-static 10.0.1.10 32 Tunnel0/0/1 preference 254",
			"ike proposal 1\n encryption-algorithm aes-256\n dh group14\n authentication-algorithm sha2-256\n",
			" integrity-algorithm hmac-sha2-256\n",
			" undo version 1\n",
			" remote-address 198.51.100.11\n",
			" esp authentication-algorithm sha2-256\n esp encryption-algorithm aes-256\n",
			" pfs dh-group14\n sa duration time-based 3600\n",
			" sa duration 86400\n",
			" tunnel-protocol ipsec\n",
		} {
			assert.Contains(t, p, want)
		}
		assert.Equal(t, 2, strings.Count(p, "interface Tunnel0/0/"))

		d := render(t, "huawei-vrp", dev)["huawei-vrp.cfg"]
		for _, want := range []string{
			"interface GigabitEthernet0/0/1.100\n",
			" dot1q termination vid 100\n ip address 10.1.0.6 255.255.255.252\n",
			"ip route-static 10.20.0.0 16 Tunnel0/0/11 preference 255",
			" undo version 2\n exchange-mode main\n",
			" encryption-algorithm aes-128\n dh group2\n authentication-algorithm sha1\n",
			" esp authentication-algorithm sha1\n esp encryption-algorithm aes-128\n",
		} {
			assert.Contains(t, d, want)
		}
		assert.Equal(t, 1, strings.Count(d, "interface Tunnel0/0/"))
		assert.NotContains(t, d, "bfd")
	})

	t.Run("junos", func(t *testing.T) {
		p := render(t, "junos", prod)["junos.set"]
		for _, want := range []string{
			"set routing-options autonomous-system 65530\n",
			"set protocols bgp group hl-prod-vbr peer-as 45104\n",
			"set protocols bgp group hl-prod-vbr neighbor 10.1.0.1 ",
			// Junos' defaults (BGP 170, static 5) would invert the priority.
			"set protocols bgp group hl-prod-vbr preference 20\n",
			// The stack's BFD timers, as the VBR runs them.
			"set protocols bgp group hl-prod-vbr bfd-liveness-detection transmit-interval minimum-interval 200\n",
			"set protocols bgp group hl-prod-vbr bfd-liveness-detection minimum-receive-interval 200\n",
			"set protocols bgp group hl-prod-vbr bfd-liveness-detection multiplier 3\n",
			"set protocols bgp group hl-prod-vbr authentication-key \"" + onprem.BGPKeyPlaceholder + "\"\n",
			"set routing-options static route 172.16.0.0/16 discard\n",
			"set policy-options policy-statement hl-prod-vbr-out term idc from route-filter 172.16.0.0/16 exact\n",
			"set routing-options static route 192.168.0.0/16 qualified-next-hop st0.1 preference 254\n",
			"set routing-options static route 192.168.0.0/16 qualified-next-hop st0.2 preference 255\n",
			"set interfaces ge-0/0/1 unit 0 family inet address 10.1.0.2/30\n",
			"set security ike proposal hl-prod encryption-algorithm aes-256-cbc\n",
			"set security ike proposal hl-prod authentication-algorithm sha-256\n",
			"set security ike proposal hl-prod dh-group group14\n",
			"set security ipsec proposal hl-prod authentication-algorithm hmac-sha-256-128\n",
			"set security ipsec policy hl-prod perfect-forward-secrecy keys group14\n",
			"set security ike gateway hl-prod-vpn2 address 198.51.100.11\n",
			"set security ike gateway hl-prod-vpn1 local-identity inet 203.0.113.68\n",
			"set security ike gateway hl-prod-vpn1 version v2-only\n",
			"set security ipsec vpn hl-prod-vpn2 bind-interface st0.2\n",
		} {
			assert.Contains(t, p, want)
		}

		d := render(t, "junos", dev)["junos.set"]
		for _, want := range []string{
			"set interfaces ge-0/0/1 unit 100 vlan-id 100\n",
			"set interfaces ge-0/0/1 unit 100 family inet address 10.1.0.6/30\n",
			"set routing-options static route 10.20.0.0/16 qualified-next-hop st0.11 preference 255\n",
			"set security ike gateway hl-dev-vpn1 version v1-only\n",
			"set security ike proposal hl-dev encryption-algorithm aes-128-cbc\n",
			"set security ipsec proposal hl-dev authentication-algorithm hmac-sha1-96\n",
		} {
			assert.Contains(t, d, want)
		}
		assert.NotContains(t, d, "st0.2")
		assert.NotContains(t, d, "bfd-liveness-detection")
		assert.NotContains(t, d, "authentication-key")
	})

	t.Run("linux-frr", func(t *testing.T) {
		pf := render(t, "linux-frr", prod)
		frr, swan := pf["frr.conf"], pf["swanctl.conf"]
		for _, want := range []string{
			"router bgp 65530\n",
			" neighbor 10.1.0.1 remote-as 45104\n",
			" neighbor 10.1.0.1 bfd profile hl-prod-vbr\n",
			" profile hl-prod-vbr\n  detect-multiplier 3\n  receive-interval 200\n  transmit-interval 200\n",
			" neighbor 10.1.0.1 password " + onprem.BGPKeyPlaceholder + "\n",
			"  network 172.16.0.0/16\n",
			"ip route 172.16.0.0/16 blackhole\n",
			"  distance bgp 20 200 200\n",
			// FRR never installs distance 255 either.
			"ip route 192.168.0.0/16 xfrm1 253\n",
			"ip route 192.168.0.0/16 xfrm2 254\n",
			"ip route 10.0.1.10/32 xfrm1 253\n",
			"interface eth1\n description hybridlink-prod: Express Connect to VBR 10.1.0.1\n ip address 10.1.0.2/30\n",
		} {
			assert.Contains(t, frr, want)
		}
		assert.NotContains(t, frr, " 255\n")
		for _, want := range []string{
			"        version = 2\n",
			"        local_addrs = 203.0.113.68\n",
			"        remote_addrs = 198.51.100.10\n",
			"        remote_addrs = 198.51.100.11\n",
			"        proposals = aes256-sha256-modp2048\n",
			"                esp_proposals = aes256-sha256-modp2048\n",
			"                if_id_in = 2\n                if_id_out = 2\n",
			"                local_ts = 0.0.0.0/0\n                remote_ts = 0.0.0.0/0\n",
			"        rekey_time = 86400s\n",
			"                rekey_time = 3600s\n",
			"            id = 203.0.113.68\n",
			"        secret = \"" + onprem.PSKPlaceholder + "\"\n",
		} {
			assert.Contains(t, swan, want)
		}
		assert.Contains(t, pf["hybridlink-prod-updown.sh"], "2) link=xfrm2 ;;\n")

		df := render(t, "linux-frr", dev)
		frr, swan = df["frr.conf"], df["swanctl.conf"]
		assert.Contains(t, frr, "interface eth1.100\n")
		assert.Contains(t, frr, " ip address 10.1.0.6/30\n")
		assert.Contains(t, frr, " neighbor 10.1.0.5 remote-as 45104\n")
		assert.Contains(t, frr, "ip route 10.20.0.0/16 xfrm11 254\n")
		assert.NotContains(t, frr, "xfrm2")
		assert.NotContains(t, frr, "\nbfd\n")
		assert.NotContains(t, frr, " bfd profile")
		assert.NotContains(t, frr, "password")
		assert.Contains(t, swan, "        version = 1\n")
		assert.Contains(t, swan, "        proposals = aes128-sha1-modp1024\n")
		assert.Contains(t, swan, "                esp_proposals = aes128-sha1-modp1024\n")
		assert.Equal(t, 1, strings.Count(swan, "remote_addrs"))
	})
}

func TestSecretsAreRenderedOnlyWhenGiven(t *testing.T) {
	site, env := committedSite(t, "prod")
	psk, key := env.Config.VPNPSK.Value, env.Config.BGPAuthKey.Value
	require.NotEmpty(t, psk)
	require.NotEmpty(t, key)
	for _, vendor := range onprem.Vendors {
		for name, content := range render(t, vendor, site) {
			assert.NotContains(t, content, psk, "%s %s leaks the PSK", vendor, name)
			assert.NotContains(t, content, key, "%s %s leaks the BGP key", vendor, name)
		}
	}
	site.PSK, site.BGPAuthKey = psk, key
	for _, vendor := range onprem.Vendors {
		all := strings.Join(mapsValues(render(t, vendor, site)), "\n")
		assert.Contains(t, all, psk, vendor)
		assert.Contains(t, all, key, vendor)
		assert.NotContains(t, all, onprem.PSKPlaceholder, vendor)
		assert.NotContains(t, all, onprem.BGPKeyPlaceholder, vendor)
	}
}

func TestStaticPreferenceIsTheLowestInstalled(t *testing.T) {
	site, _ := committedSite(t, "dev")
	for vendor, want := range map[string]string{
		"cisco-ios":  "ip route 10.20.0.0 255.255.0.0 Tunnel11 254 ",
		"linux-frr":  "ip route 10.20.0.0/16 xfrm11 254\n",
		"huawei-vrp": "ip route-static 10.20.0.0 16 Tunnel0/0/11 preference 255 ",
		"junos":      "set routing-options static route 10.20.0.0/16 qualified-next-hop st0.11 preference 255\n",
	} {
		assert.Contains(t, strings.Join(mapsValues(render(t, vendor, site)), ""), want, vendor)
	}
	// Below the vendors' maximum the configured preference is used as is.
	site.StaticPreference = 200
	assert.Contains(t, render(t, "cisco-ios", site)["cisco-ios.cfg"], "ip route 10.20.0.0 255.255.0.0 Tunnel11 200 ")
	assert.Contains(t, render(t, "linux-frr", site)["frr.conf"], "ip route 10.20.0.0/16 xfrm11 200\n")
}

func TestRenderRejects(t *testing.T) {
	base, _ := committedSite(t, "prod")
	for name, tc := range map[string]struct {
		vendor string
		edit   func(*onprem.Site)
		want   string
	}{
		"unknown vendor":   {"vyos", func(*onprem.Site) {}, "unknown vendor"},
		"BGP does not win": {"junos", func(s *onprem.Site) { s.BGPPreference = 254 }, "BGP would not win"},
		// Dual tunnel on IOS: 254 and 253 at most; a static preference of
		// 21 leaves 20 for the active tunnel, which BGP (20) does not beat.
		"BGP ties the active tunnel": {"cisco-ios", func(s *onprem.Site) { s.StaticPreference = 21 }, "is not lower than the best static VPN route's, 20 on cisco-ios"},
		"three VPN IPs": {"linux-frr", func(s *onprem.Site) {
			s.VPNPeers = append(s.VPNPeers, netip.MustParseAddr("198.51.100.12"))
		}, "give 1 (single tunnel) or 2"},
		"no VPN IP":              {"cisco-ios", func(s *onprem.Site) { s.VPNPeers = nil }, "give 1 (single tunnel) or 2"},
		"empty PSK":              {"huawei-vrp", func(s *onprem.Site) { s.PSK = "" }, "PSKPlaceholder"},
		"BFD interval too short": {"junos", func(s *onprem.Site) { s.BFDTimers.MinRxIntervalMs = new(50) }, "BFD timer MinRxIntervalMs: 50 ms is out of range 200–1000 ms"},
		"unknown algorithm":      {"junos", func(s *onprem.Site) { s.IKE.EncAlg = "chacha20" }, `IKE encryption algorithm "chacha20"`},
		"PSK with a newline":     {"cisco-ios", func(s *onprem.Site) { s.PSK = "abc\nno router bgp 65530" }, "the pre-shared key contains spaces"},
		"interface with a space": {"junos", func(s *onprem.Site) { s.Interfaces.WAN = "ge-0/0/0 x" }, "the WAN interface name contains spaces"},
		"stack name":             {"junos", func(s *onprem.Site) { s.Stack = "prod\"" }, "stack name"},
		"peering outside subnet": {"cisco-ios", func(s *onprem.Site) {
			s.PeeringSubnet = netip.MustParsePrefix("10.9.0.0/30")
		}, "does not contain both peering IPs"},
	} {
		t.Run(name, func(t *testing.T) {
			s := base
			s.VPNPeers = slices.Clone(base.VPNPeers)
			tc.edit(&s)
			_, err := onprem.Render(tc.vendor, s)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "no router bgp", "an error must not show a secret")
		})
	}
}

func TestInterfaceNames(t *testing.T) {
	site, _ := committedSite(t, "prod")
	site.Interfaces = onprem.Interfaces{Uplink: "TenGigabitEthernet0/1/0", WAN: "Dialer1", FirstTunnel: 21}
	ios := render(t, "cisco-ios", site)["cisco-ios.cfg"]
	assert.Contains(t, ios, "interface TenGigabitEthernet0/1/0\n")
	assert.Contains(t, ios, " tunnel source Dialer1\n")
	assert.Contains(t, ios, "interface Tunnel21\n")
	assert.Contains(t, ios, "interface Tunnel22\n")
	frr := render(t, "linux-frr", site)
	assert.Contains(t, frr["frr.conf"], "ip route 192.168.0.0/16 xfrm22 254\n")
	assert.Contains(t, frr["swanctl.conf"], "if_id_out = 21\n")
}

func mapsValues(m map[string]string) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		out = append(out, m[k])
	}
	return out
}

// Every vendor's cap counts: a pair of preferences accepted on Huawei may
// lose on IOS, where static routes stop at 254 and the active tunnel's at 253.
func TestCheckPreferences(t *testing.T) {
	assert.NoError(t, onprem.CheckPreferences(20, 255, 2))
	assert.NoError(t, onprem.CheckPreferences(252, 255, 2))
	for _, tc := range []struct {
		bgp, static, tunnels int
		isStatic             bool
		want                 string
	}{
		{253, 255, 2, false, "253 on cisco-ios"},
		{254, 255, 1, false, "254 on cisco-ios"},
		{100, 100, 1, false, "100 on cisco-ios"},
		{20, 1, 1, true, "static route preference 1 is out of range 2–255"},
		{255, 255, 1, false, "BGP preference 255 is out of range 1–254"},
	} {
		err := onprem.CheckPreferences(tc.bgp, tc.static, tc.tunnels)
		var pe *onprem.PreferenceError
		if assert.ErrorAs(t, err, &pe, "%+v", tc) {
			assert.Equal(t, tc.isStatic, pe.Static, "%+v", tc)
			assert.Contains(t, err.Error(), tc.want)
		}
	}
}

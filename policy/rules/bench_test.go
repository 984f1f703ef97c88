package rules

import (
	"flag"
	"fmt"
	"net/netip"
	"testing"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syntheticStack is a first preview of n resources (n a multiple of 10):
// per unit a /22 VPC with four /24 vSwitches, a VPN gateway, three routes
// (two destinations, one of them with an active and a standby route) and the
// CEN route entry of one destination. IDs are unknown, so references go
// through property dependencies. conflicts units get a vSwitch overlapping
// the next unit's VPC and a second active route.
func syntheticStack(n, conflicts int) []inventory.Resource {
	f := &fixture{}
	addr := func(base netip.Addr, offset int) netip.Addr {
		b := base.As4()
		v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		v += uint32(offset)
		return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
	}
	ten, idc := netip.MustParseAddr("10.0.0.0"), netip.MustParseAddr("172.16.0.0")
	for u := range n / 10 {
		vpc := f.add(inventory.VPC, "", fmt.Sprintf("vpc-%d", u),
			map[string]any{"cidrBlock": netip.PrefixFrom(addr(ten, u<<10), 22).String()}, map[string]string{"routeTableId": ""})
		for s := range 4 {
			block := netip.PrefixFrom(addr(ten, u<<10+s<<8), 24)
			if s == 3 && u < conflicts {
				block = netip.PrefixFrom(addr(ten, (u+1)<<10), 24) // inside the next VPC
			}
			f.add(inventory.VSwitch, "", fmt.Sprintf("vsw-%d-%d", u, s), map[string]any{"vpcId": id(vpc), "cidrBlock": block.String()}, nil)
		}
		gw := f.add(inventory.VPNGateway, vpnLeg, fmt.Sprintf("gw-%d", u), map[string]any{"vpcId": id(vpc)}, nil)
		destA, destB := netip.PrefixFrom(addr(idc, u<<5), 28), netip.PrefixFrom(addr(idc, u<<5+16), 28)
		standby := 0
		if u < conflicts {
			standby = 100
		}
		for i, r := range []struct {
			dest   netip.Prefix
			weight int
		}{{destA, 100}, {destA, standby}, {destB, 100}} {
			f.add(inventory.VPNRouteEntry, vpnLeg, fmt.Sprintf("route-%d-%d", u, i), map[string]any{
				"vpnGatewayId": id(gw), "routeDest": r.dest.String(), "weight": r.weight, "publishVpc": true,
			}, nil)
		}
		f.add(inventory.CENRouteEntry, cenHub, fmt.Sprintf("advertise-%d", u), map[string]any{
			"routeTableId": out(vpc, "routeTableId"), "cidrBlock": destA.String(),
		}, nil)
	}
	return f.res
}

// naiveCIDRNoOverlap is cidr-no-overlap with the sweep replaced by a
// pairwise comparison: the baseline the benchmark measures against.
func naiveCIDRNoOverlap(s *inventory.Stack, in input) []finding {
	entries := addressBlocks(s, in.idcPrefixes)
	var out []finding
	for i, a := range entries {
		for _, b := range entries[i+1:] {
			if !a.Prefix.Overlaps(b.Prefix) {
				continue
			}
			outer, inner := a, b
			if b.Prefix.Bits() < a.Prefix.Bits() {
				outer, inner = b, a
			}
			if !ownVPC(outer.Item, inner.Item) {
				out = append(out, overlapFinding(outer, inner))
			}
		}
	}
	return append(out, vSwitchesOutsideVPC(entries)...)
}

// naiveVPNRouteWeights is vpn-route-single-weight-100 comparing each active
// route with every earlier one instead of indexing them.
func naiveVPNRouteWeights(s *inventory.Stack, _ input) []finding {
	var out []finding
	var active []inventory.Resource
	var keys []routeKey
	for _, r := range s.OfType(inventory.VPNRouteEntry) {
		w, ok := r.Int("weight")
		if !ok {
			continue
		}
		if bad, ok := invalidWeight(r, w); ok {
			out = append(out, bad)
			continue
		}
		key, ok := activeRouteKey(s, r, w)
		if !ok {
			continue
		}
		dup := false
		for i, k := range keys {
			if k == key {
				out = append(out, duplicateActiveRoute(s, r, active[i], key))
				dup = true
				break
			}
		}
		if !dup {
			active, keys = append(active, r), append(keys, key)
		}
	}
	return out
}

var naiveAll = flag.Bool("naive-all", false, "run the pairwise baselines at every size (cidr-no-overlap at 100k: ~40 s)")

var benchRules = []struct {
	rule         *Rule
	fast, naive  func(*inventory.Stack, input) []finding
	naiveMaxSize int // beyond this the baseline is skipped unless -naive-all: it takes tens of seconds
}{
	{&cidrNoOverlap, checkCIDRNoOverlap, naiveCIDRNoOverlap, 10_000},
	{&vpnRouteSingleWeight100, checkVPNRouteWeights, naiveVPNRouteWeights, 100_000},
}

// TestNaiveBaselinesAgree keeps the baselines honest: on a stack with
// conflicts they find what the rules find.
func TestNaiveBaselinesAgree(t *testing.T) {
	s := inventory.NewStack(syntheticStack(1000, 7))
	for _, br := range benchRules {
		fast, naive := br.fast(s, input{}), br.naive(s, input{})
		require.NotEmpty(t, fast, br.rule.Name)
		assert.ElementsMatch(t, fast, naive, br.rule.Name)
	}
	// Each conflicting vSwitch overlaps the next VPC and that VPC's first
	// vSwitch, and lies outside its own VPC.
	assert.Len(t, checkCIDRNoOverlap(s, input{}), 21)
	assert.Len(t, checkVPNRouteWeights(s, input{}), 7)
}

// BenchmarkMissionRules times cidr-no-overlap and
// vpn-route-single-weight-100 (stack indexing included) on synthetic stacks,
// beside the pairwise baselines up to naiveMaxSize resources (all sizes with
// -naive-all).
//
//	go test ./policy/rules -run '^$' -bench MissionRules -benchmem
func BenchmarkMissionRules(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		resources := syntheticStack(n, 0)
		for _, br := range benchRules {
			impls := []struct {
				name  string
				check func(*inventory.Stack, input) []finding
			}{{"indexed", br.fast}, {"naive", br.naive}}
			for _, impl := range impls {
				if impl.name == "naive" && n > br.naiveMaxSize && !*naiveAll {
					continue
				}
				b.Run(fmt.Sprintf("%s/%s/n=%d", br.rule.Name, impl.name, n), func(b *testing.B) {
					for b.Loop() {
						if got := impl.check(inventory.NewStack(resources), input{}); len(got) != 0 {
							b.Fatalf("synthetic stack not compliant: %v", got[0].msg)
						}
					}
				})
			}
		}
	}
}

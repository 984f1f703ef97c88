package cidr

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	for _, s := range []string{"10.0.0.0/16", "0.0.0.0/0", "172.16.1.188/32", "192.168.0.0/24", "10.1.0.0/30"} {
		p, err := Parse(s)
		require.NoError(t, err, s)
		assert.Equal(t, s, p.String())
	}
	for s, mention := range map[string]string{
		"10.0.0.1/16":         "has host bits set; the network is 10.0.0.0/16",
		"172.16.1.188/16":     "the network is 172.16.0.0/16",
		"10.0.0.0":            "has no prefix length; write it as 10.0.0.0/32",
		"fd00::/8":            "is not IPv4",
		"::ffff:10.0.0.0/104": "is not IPv4",
		"2001:db8::1":         "is not a CIDR block",
		"10.0.0.0/33":         "is not a CIDR block",
		"10.0.0/16":           "is not a CIDR block",
		"":                    "is not a CIDR block",
		" 10.0.0.0/16":        "is not a CIDR block",
		"10.0.0.0/16 ":        "is not a CIDR block",
		"010.0.0.0/16":        "is not a CIDR block",
	} {
		_, err := Parse(s)
		if assert.Error(t, err, "%q", s) {
			assert.Contains(t, err.Error(), mention, "%q", s)
			assert.Contains(t, err.Error(), fmt.Sprintf("%q", s), "the error quotes the input")
		}
	}
}

func TestNormalize(t *testing.T) {
	for s, want := range map[string]string{
		"172.16.1.0/16": "172.16.0.0/16",
		"10.0.0.0/16":   "10.0.0.0/16",
		"10.1.0.2/30":   "10.1.0.0/30",
		"1.2.3.4/0":     "0.0.0.0/0",
		"1.2.3.4/32":    "1.2.3.4/32",
	} {
		p, err := Normalize(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, p.String(), s)
	}
	for _, s := range []string{"", "10.0.0.0", "fd00::/8", "10.0.0.0/33", "x"} {
		_, err := Normalize(s)
		if assert.Error(t, err, "%q", s) {
			assert.Contains(t, err.Error(), "is not an IPv4 CIDR block")
		}
	}
}

// pair is an overlap as indexes into the input: Outer contains Inner.
type pair struct{ outer, inner int }

// bruteForce is the reference: every pair of overlapping blocks, the wider
// one (or, for equal blocks, the earlier one) as the outer.
func bruteForce(prefixes []netip.Prefix, allowed func(outer, inner int) bool) []pair {
	var out []pair
	for i := range prefixes {
		for j := i + 1; j < len(prefixes); j++ {
			if !prefixes[i].Overlaps(prefixes[j]) {
				continue
			}
			o, in := i, j
			if prefixes[j].Bits() < prefixes[i].Bits() {
				o, in = j, i
			}
			if allowed == nil || !allowed(o, in) {
				out = append(out, pair{o, in})
			}
		}
	}
	return out
}

func pairs(overlaps []Overlap[int]) []pair {
	var out []pair
	for _, o := range overlaps {
		out = append(out, pair{o.Outer.Item, o.Inner.Item})
	}
	return out
}

// randomPrefixes draws canonical blocks from a small space, so that many
// overlap, nest deeply and repeat.
func randomPrefixes(r *rand.Rand, n int) []netip.Prefix {
	out := make([]netip.Prefix, n)
	for i := range out {
		bits := 8 + r.IntN(25) // /8–/32
		a := netip.AddrFrom4([4]byte{10, byte(r.IntN(4)), byte(r.IntN(4)), byte(r.IntN(8))})
		if r.IntN(10) == 0 {
			a = netip.AddrFrom4([4]byte{byte(r.IntN(256)), byte(r.IntN(256)), byte(r.IntN(256)), byte(r.IntN(256))})
		}
		out[i] = netip.PrefixFrom(a, bits).Masked()
	}
	return out
}

func entries(prefixes []netip.Prefix) []Entry[int] {
	out := make([]Entry[int], len(prefixes))
	for i, p := range prefixes {
		out[i] = Entry[int]{Prefix: p, Item: i}
	}
	return out
}

func TestOverlapsMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	predicates := map[string]func(outer, inner int) bool{
		"nil":        nil,
		"none":       func(int, int) bool { return false },
		"some":       func(o, i int) bool { return (o+i)%3 == 0 },
		"outer even": func(o, _ int) bool { return o%2 == 0 },
	}
	total := 0
	for round := range 150 {
		prefixes := randomPrefixes(r, 1+r.IntN(40))
		in := entries(prefixes)
		before := slices.Clone(in)
		for name, allowed := range predicates {
			var got []Overlap[int]
			if allowed == nil {
				got = Overlaps(in, nil)
			} else {
				got = Overlaps(in, allowed)
			}
			want := bruteForce(prefixes, allowed)
			require.ElementsMatch(t, want, pairs(got), "round %d, predicate %s, prefixes %v", round, name, prefixes)
			for _, o := range got {
				assert.True(t, o.Outer.Prefix.Bits() <= o.Inner.Prefix.Bits() && o.Outer.Prefix.Contains(o.Inner.Prefix.Addr()),
					"%s contains %s", o.Outer.Prefix, o.Inner.Prefix)
				assert.Equal(t, prefixes[o.Outer.Item], o.Outer.Prefix, "entries are reported as given")
			}
			total += len(want)
		}
		assert.Equal(t, before, in, "the input is not reordered")
	}
	assert.Greater(t, total, 1000, "the random plans overlap often enough to test something")
}

func TestOverlapsEqualPrefixes(t *testing.T) {
	p := netip.MustParsePrefix("10.0.0.0/16")
	got := pairs(Overlaps(entries([]netip.Prefix{p, p, p}), nil))
	assert.Equal(t, []pair{{0, 1}, {0, 2}, {1, 2}}, got, "every pair, the earlier as outer")
}

func TestOverlapsAllowedPredicate(t *testing.T) {
	vpc := netip.MustParsePrefix("10.0.0.0/16")
	sw := netip.MustParsePrefix("10.0.1.0/24")
	other := netip.MustParsePrefix("10.0.1.128/25")
	in := []Entry[string]{{vpc, "vpc"}, {sw, "vsw"}, {other, "idc"}}
	ownVPC := func(outer, inner string) bool { return outer == "vpc" && inner == "vsw" }
	var got []string
	for _, o := range Overlaps(in, ownVPC) {
		got = append(got, o.Outer.Item+">"+o.Inner.Item)
	}
	assert.ElementsMatch(t, []string{"vpc>idc", "vsw>idc"}, got, "the allowed pair is left out, the others stay")
	assert.Len(t, Overlaps(in, nil), 3)
}

func TestOverlapsDisjointAndEmpty(t *testing.T) {
	assert.Empty(t, Overlaps[int](nil, nil))
	var plan []netip.Prefix
	for _, s := range []string{"192.168.0.0/16", "10.0.0.0/16", "10.1.0.0/30", "172.16.0.0/16", "10.1.0.4/30"} {
		plan = append(plan, netip.MustParsePrefix(s))
	}
	assert.Empty(t, Overlaps(entries(plan), nil))
}

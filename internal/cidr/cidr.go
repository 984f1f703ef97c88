// Package cidr parses IPv4 CIDR blocks strictly and finds overlaps among many
// of them in O(n log n).
package cidr

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"
)

// Parse parses an IPv4 CIDR block in canonical form: "10.0.0.0/16" is
// accepted, "10.0.0.1/16" (host bits set), "10.0.0.0" (no length) and IPv6
// are not. The error says what is wrong and, where it can, the fix.
func Parse(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		if a, aerr := netip.ParseAddr(s); aerr == nil && a.Is4() {
			return netip.Prefix{}, fmt.Errorf("%q has no prefix length; write it as %s/32 or give the network's length", s, a)
		}
		return netip.Prefix{}, fmt.Errorf("%q is not a CIDR block such as 10.0.0.0/16", s)
	}
	if !p.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("%q is not IPv4", s)
	}
	if m := p.Masked(); m != p {
		return netip.Prefix{}, fmt.Errorf("%q has host bits set; the network is %s", s, m)
	}
	return p, nil
}

// IsCanonical reports whether p is an IPv4 prefix with no host bits set, the
// form Parse returns.
func IsCanonical(p netip.Prefix) bool {
	return p.IsValid() && p.Addr().Is4() && p.Masked() == p
}

// Within reports whether inner lies inside outer (or equals it).
func Within(inner, outer netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

// Normalize parses an IPv4 CIDR block and clears its host bits, for values
// that an API accepts in either form (a route destination "172.16.1.0/16"
// means 172.16.0.0/16).
func Normalize(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("%q is not an IPv4 CIDR block such as 10.0.0.0/16", s)
	}
	return p.Masked(), nil
}

// Entry is a CIDR block and what it belongs to.
type Entry[T any] struct {
	Prefix netip.Prefix
	Item   T
}

// Overlap is a pair of entries whose blocks overlap: Outer contains Inner
// (they may be equal).
type Overlap[T any] struct {
	Outer, Inner Entry[T]
}

// Overlaps returns every pair of overlapping entries for which allowed
// (which may be nil) returns false. Two CIDR blocks overlap only when one
// contains the other, so after sorting by first address (wider block first)
// each block's containers are exactly the blocks still open on a stack no
// deeper than 33: O(n log n) plus the pairs reported. The prefixes must be
// canonical, as Parse and Normalize return them: with host bits set the
// sort no longer nests the blocks and the result is wrong.
func Overlaps[T any](entries []Entry[T], allowed func(outer, inner T) bool) []Overlap[T] {
	sorted := slices.Clone(entries)
	slices.SortStableFunc(sorted, func(a, b Entry[T]) int {
		if c := a.Prefix.Addr().Compare(b.Prefix.Addr()); c != 0 {
			return c
		}
		return cmp.Compare(a.Prefix.Bits(), b.Prefix.Bits())
	})
	var out []Overlap[T]
	var open []Entry[T]
	for _, e := range sorted {
		for len(open) > 0 && !open[len(open)-1].Prefix.Contains(e.Prefix.Addr()) {
			open = open[:len(open)-1]
		}
		for _, o := range open {
			if allowed == nil || !allowed(o.Item, e.Item) {
				out = append(out, Overlap[T]{Outer: o, Inner: e})
			}
		}
		open = append(open, e)
	}
	return out
}

// Fixes for values that do not parse, for the stack files' and the other
// languages' errors alike.
const (
	FixBlock = "write a canonical IPv4 CIDR block such as 10.0.0.0/16"
	FixAddr  = "write a dotted IPv4 address such as 10.1.0.2"
)

// ParseAddr parses a dotted IPv4 address; its error is the problem to
// report with the value (FixAddr is the fix).
func ParseAddr(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return netip.Addr{}, errors.New("is not an IPv4 address")
	}
	return a, nil
}

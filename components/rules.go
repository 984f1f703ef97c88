package components

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hybridlink/hybridlink/internal/limits"
)

// checkID checks the form of an existing object's ID when it is known now,
// a plain pulumi.String; an output (the ID of a resource the program
// creates) is left to the cloud.
func checkID(c checker, field string, id pulumi.StringInput, k limits.IDKind) {
	if s, ok := id.(pulumi.String); ok {
		c.check(field, string(s), limits.CheckID(k, string(s)), fmt.Sprintf("give the ID of an existing %s as Alibaba Cloud shows it (%s-…)", k.What, k.Prefix))
	}
}

// checkTags checks the tags one resource gets, each against Alibaba's
// rules and their number, reporting a tag at Tags.<key>.
func checkTags(c checker, tags map[string]string) {
	const fix = "use keys of 1–64 and values of up to 128 characters, neither starting with aliyun or acs: nor containing http:// or https://"
	tc := c.at("Tags")
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		if err := limits.CheckTagKey(k); err != nil {
			tc.fail(k, nil, err.Error(), fix)
		} else if err := limits.CheckTagValue(tags[k]); err != nil {
			tc.fail(k, nil, err.Error(), fix)
		}
	}
	c.check("Tags", len(tags), limits.CheckTagCount(len(tags)), fmt.Sprintf("drop tags: every resource takes at most %d, the ones hybridlink sets included", limits.MaxTags))
}

// checkMergedTagCount checks the number of tags a leg's resources get when
// its own tags are added to the connection's, unless either set alone is
// already too many (reported where it is set).
func checkMergedTagCount(c checker, base, own map[string]string) {
	n := len(mergeTags(base, own))
	if len(base) <= limits.MaxTags && len(own) <= limits.MaxTags {
		c.check("Tags", n, limits.CheckTagCount(n), fmt.Sprintf("drop tags: with the connection's tags, each resource takes at most %d", limits.MaxTags))
	}
}

// checkCount checks the length of a list field.
func checkCount(c checker, field, what string, n, max int) {
	c.check(field, n, limits.CheckCount(what, n, max), "shorten the list")
}

// checkIDCPrefixes checks on-premises prefixes: canonical, routable, and
// usable as a VPN gateway's destination routes.
func checkIDCPrefixes(c checker, prefixes []netip.Prefix) {
	checkCount(c, "IDCPrefixes", "IDC prefixes", len(prefixes), limits.MaxIDCPrefixes)
	pc := c.at("IDCPrefixes")
	for i, p := range prefixes {
		field := fmt.Sprintf("[%d]", i)
		if !checkCanonical(pc, field, p) {
			continue
		}
		if err := limits.CheckRoutablePrefix(p); err != nil {
			pc.check(field, p, err, "list the on-premises networks' real address space")
		} else {
			pc.check(field, p, limits.CheckVPNRouteDest(p), "list the on-premises networks' own prefixes, outside 100.64.0.0/10")
		}
	}
}

// checkHost checks an IP that must be a real host's address.
func checkHost(c checker, field string, addr netip.Addr, fix string) {
	if addr.IsValid() {
		c.check(field, addr, limits.CheckHostAddr(addr), fix)
	}
}

// checkInRange checks an optional number: nil leaves it to its default, and
// a value given, 0 included, must lie in min–max.
func checkInRange(c checker, field string, v *int, min, max int, fix string) {
	if v != nil && (*v < min || *v > max) {
		c.fail(field, *v, fmt.Sprintf("is out of range %d–%d", min, max), fix)
	}
}

// checkAtLeast checks an optional number without an upper bound.
func checkAtLeast(c checker, field string, v *int, min int, fix string) {
	if v != nil && *v < min {
		c.fail(field, *v, fmt.Sprintf("is less than %d", min), fix)
	}
}

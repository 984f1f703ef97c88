package stacks

import (
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/hybridlink/hybridlink/internal/cidr"
)

// PlanConflict is an overlap between the address plans of two stacks, or,
// with B empty, a problem in one stack's own configuration.
type PlanConflict struct {
	A, B PlanRef
	// Problem is the single stack's problem; empty for an overlap.
	Problem string
}

// PlanRef is one CIDR block of one stack's plan.
type PlanRef struct {
	Stack, Key string
	Prefix     netip.Prefix
}

func (c PlanConflict) String() string {
	if c.B.Stack == "" {
		return fmt.Sprintf("%s %s", c.A.Stack, c.Problem)
	}
	return fmt.Sprintf("%s %s %s overlaps %s %s %s", c.A.Stack, c.A.Key, c.A.Prefix, c.B.Stack, c.B.Key, c.B.Prefix)
}

// CheckPlans checks that the environments' address plans are disjoint from
// each other: they all reach the same IDC over the same on-premises gateway,
// so a VPC, vSwitch or peering subnet of one that overlaps any block of
// another would make on-premises routing ambiguous. The IDC prefixes
// themselves are shared by design. A stack whose configuration does not
// load is reported too, one conflict per problem. Conflicts are sorted.
func CheckPlans(sources map[string]Source) []PlanConflict {
	type entry struct {
		ref PlanRef
		idc bool
	}
	var conflicts []PlanConflict
	var all []cidr.Entry[entry]
	for stack, src := range sources {
		env, err := Load(stack, src)
		var cfgErr *ConfigError
		switch {
		case errors.As(err, &cfgErr):
			for _, p := range cfgErr.Problems {
				conflicts = append(conflicts, PlanConflict{A: PlanRef{Stack: stack, Key: p.Key}, Problem: p.String()})
			}
			continue
		case err != nil:
			conflicts = append(conflicts, PlanConflict{A: PlanRef{Stack: stack}, Problem: err.Error()})
			continue
		}
		for _, e := range env.Args.AddressPlan() {
			all = append(all, cidr.Entry[entry]{Prefix: e.Prefix, Item: entry{
				ref: PlanRef{Stack: stack, Key: keyOf(e.Item), Prefix: e.Prefix},
				idc: strings.HasPrefix(e.Item, "IDCPrefixes"),
			}})
		}
	}
	// Within one stack Load has already judged the plan.
	allowed := func(a, b entry) bool { return a.ref.Stack == b.ref.Stack || (a.idc && b.idc) }
	for _, o := range cidr.Overlaps(all, allowed) {
		a, b := o.Outer.Item.ref, o.Inner.Item.ref
		if b.Stack < a.Stack {
			a, b = b, a
		}
		conflicts = append(conflicts, PlanConflict{A: a, B: b})
	}
	sort.Slice(conflicts, func(i, j int) bool { return conflicts[i].String() < conflicts[j].String() })
	return conflicts
}

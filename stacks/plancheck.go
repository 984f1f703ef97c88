package stacks

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hybridlink/hybridlink/internal/cidr"
)

// PlanConflict is a clash between two stacks' plans, or, with B empty, a
// problem in one stack's own configuration.
type PlanConflict struct {
	A, B PlanRef
	// Relation says how A clashes with B ("overlaps"); Problem is the single
	// stack's problem when B is empty.
	Relation, Problem string
}

// PlanRef is one value of one stack's plan: a CIDR block, a VLAN, a range
// of tunnel numbers.
type PlanRef struct {
	Stack, Key, Value string
}

func (c PlanConflict) String() string {
	if c.B.Stack == "" {
		return fmt.Sprintf("%s %s", c.A.Stack, c.Problem)
	}
	return fmt.Sprintf("%s %s %s %s %s %s %s", c.A.Stack, c.A.Key, c.A.Value, c.Relation, c.B.Stack, c.B.Key, c.B.Value)
}

// CheckPlans checks that the environments can live side by side. They all
// reach the same IDC over the same on-premises gateway, so:
//   - their address plans must be disjoint — a VPC, vSwitch or peering subnet
//     of one overlapping any block of another makes on-premises routing
//     ambiguous (the IDC prefixes themselves are shared by design);
//   - two VBRs on one Express Connect circuit need distinct VLANs;
//   - environments terminating on one on-premises gateway need distinct
//     tunnel interface numbers, or their rendered configurations overwrite
//     each other.
//
// A stack whose configuration does not load is reported too, one conflict
// per problem. Conflicts are sorted.
func CheckPlans(sources map[string]Source) []PlanConflict {
	var conflicts []PlanConflict
	var envs []*Environment
	for stack, src := range sources {
		env, err := Load(stack, src)
		var cfgErr *ConfigError
		switch {
		case errors.As(err, &cfgErr):
			for _, p := range cfgErr.Problems {
				conflicts = append(conflicts, PlanConflict{A: PlanRef{Stack: stack, Key: p.Key}, Problem: p.String()})
			}
		case err != nil:
			conflicts = append(conflicts, PlanConflict{A: PlanRef{Stack: stack}, Problem: err.Error()})
		default:
			envs = append(envs, env)
		}
	}
	sort.Slice(envs, func(i, j int) bool { return envs[i].Stack < envs[j].Stack })
	conflicts = append(conflicts, addressOverlaps(envs)...)
	for i, a := range envs {
		for _, b := range envs[i+1:] {
			conflicts = append(conflicts, sharedCircuit(a, b)...)
			conflicts = append(conflicts, sharedGateway(a, b)...)
		}
	}
	sort.Slice(conflicts, func(i, j int) bool { return conflicts[i].String() < conflicts[j].String() })
	return conflicts
}

func addressOverlaps(envs []*Environment) []PlanConflict {
	type entry struct {
		ref PlanRef
		idc bool
	}
	var all []cidr.Entry[entry]
	for _, env := range envs {
		for _, e := range env.Args.AddressPlan() {
			all = append(all, cidr.Entry[entry]{Prefix: e.Prefix, Item: entry{
				ref: PlanRef{Stack: env.Stack, Key: env.Config.keyOf(e.Field), Value: e.Prefix.String()},
				idc: strings.HasPrefix(e.Field, "IDCPrefixes"),
			}})
		}
	}
	// Within one stack Load has already judged the plan.
	allowed := func(a, b entry) bool { return a.ref.Stack == b.ref.Stack || (a.idc && b.idc) }
	var out []PlanConflict
	for _, o := range cidr.Overlaps(all, allowed) {
		out = append(out, ordered(o.Outer.Item.ref, o.Inner.Item.ref, "overlaps"))
	}
	return out
}

// sharedCircuit reports two VBRs with one VLAN on one circuit.
func sharedCircuit(a, b *Environment) []PlanConflict {
	var out []PlanConflict
	for i, ea := range a.Config.ExpressConnect.Items {
		for j, eb := range b.Config.ExpressConnect.Items {
			if ea.PhysicalConnectionID != eb.PhysicalConnectionID || ea.VLANID == nil || eb.VLANID == nil || *ea.VLANID != *eb.VLANID {
				continue
			}
			out = append(out, ordered(
				PlanRef{Stack: a.Stack, Key: a.circuitKey(i, "VLANID"), Value: fmt.Sprint(*ea.VLANID)},
				PlanRef{Stack: b.Stack, Key: b.circuitKey(j, "VLANID"), Value: fmt.Sprint(*eb.VLANID)},
				"is the VLAN, on circuit "+ea.PhysicalConnectionID+", of"))
		}
	}
	return out
}

// sharedGateway reports environments on one on-premises gateway whose tunnel
// interface numbers collide.
func sharedGateway(a, b *Environment) []PlanConflict {
	if a.Args.VPN.CustomerGatewayIP != b.Args.VPN.CustomerGatewayIP {
		return nil
	}
	gw := a.Args.VPN.CustomerGatewayIP.String()
	var out []PlanConflict
	if ra, rb := tunnelRange(a), tunnelRange(b); ra[1] >= rb[0] && rb[1] >= ra[0] {
		key := keyOf("OnPrem.FirstTunnel")
		show := func(r [2]int) string { return fmt.Sprintf("%d (tunnels %d–%d)", r[0], r[0], r[1]) }
		out = append(out, ordered(
			PlanRef{Stack: a.Stack, Key: key, Value: show(ra)},
			PlanRef{Stack: b.Stack, Key: key, Value: show(rb)},
			"numbers tunnels on on-premises gateway "+gw+" like"))
	}
	// One gateway runs one BGP process with one preference: the rendered
	// configurations would overwrite each other's.
	for _, field := range []struct {
		path   string
		va, vb int
	}{
		{"ExpressConnect.PeerASN", *a.Args.ExpressConnect.PeerASN, *b.Args.ExpressConnect.PeerASN},
		{"OnPrem.BGPPreference", a.Config.OnPrem.BGPRoutePreference(), b.Config.OnPrem.BGPRoutePreference()},
	} {
		if field.va != field.vb {
			key := keyOf(field.path)
			out = append(out, ordered(
				PlanRef{Stack: a.Stack, Key: key, Value: fmt.Sprint(field.va)},
				PlanRef{Stack: b.Stack, Key: key, Value: fmt.Sprint(field.vb)},
				"differs on on-premises gateway "+gw+" from"))
		}
	}
	return out
}

// tunnelRange is the first and last tunnel interface number of a stack.
func tunnelRange(env *Environment) [2]int {
	first := env.Config.OnPrem.TunnelNumber()
	if env.Args.VPN.DualTunnel {
		return [2]int{first, first + 1}
	}
	return [2]int{first, first}
}

// ordered names the stacks of a conflict alphabetically.
func ordered(a, b PlanRef, relation string) PlanConflict {
	if b.Stack < a.Stack {
		a, b = b, a
	}
	return PlanConflict{A: a, B: b, Relation: relation}
}

package rules

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/hybridlink/hybridlink/internal/cidr"
	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/limits"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

var cidrNoOverlap = Rule{
	Name: "cidr-no-overlap",
	Description: "VPC CIDRs, vSwitch CIDRs, VBR peering subnets and IDC prefixes are pairwise disjoint, " +
		"except a vSwitch inside its own VPC; the vSwitches of a VPC are disjoint and inside it.",
	Level:    apitype.Mandatory,
	Severity: apitype.PolicySeverityCritical,
	Remediation: "Renumber one of the two blocks named in the message. Every VPC, VBR peering subnet and IDC " +
		"prefix needs its own block; a vSwitch takes a block inside its own VPC that no other vSwitch uses.",
	stackCheck: checkCIDRNoOverlap,
}

// block is an address block and who claims it.
type block struct {
	res inventory.Resource // the resource reported against; zero for a config-only IDC prefix
	// vpc is, for a vSwitch, the VPC it belongs to (a URN when the stack holds it).
	vpc inventory.Ref
	// For an IDC prefix: every route that names it, and whether the stack
	// config does; one prefix named three times is one block.
	idc      []inventory.Resource
	isIDC    bool
	inConfig bool
}

func (b *block) isVSwitch() bool { return b.res.Type == inventory.VSwitch }
func (b *block) isVPC() bool     { return b.res.Type == inventory.VPC }

// describe names a block and its owners for a message.
func describe(e cidr.Entry[*block]) string {
	switch {
	case e.Item.isIDC:
		var who []string
		for _, r := range e.Item.idc {
			who = append(who, label(r))
		}
		if e.Item.inConfig {
			who = append(who, "stack config "+IDCPrefixesKey)
		}
		return fmt.Sprintf("IDC prefix %s (%s)", e.Prefix, strings.Join(who, ", "))
	case e.Item.res.Type == inventory.VBR:
		return fmt.Sprintf("%s peering subnet %s", label(e.Item.res), e.Prefix)
	}
	return fmt.Sprintf("%s %s", label(e.Item.res), e.Prefix)
}

func checkCIDRNoOverlap(s *inventory.Stack, in input) []finding {
	entries := addressBlocks(s, in.idcPrefixes)
	var out []finding
	for _, o := range cidr.Overlaps(entries, ownVPC) {
		out = append(out, overlapFinding(o.Outer, o.Inner))
	}
	return append(out, vSwitchesOutsideVPC(entries)...)
}

// addressBlocks collects every address block the stack claims, IDC prefixes
// merged by value, in stack order.
func addressBlocks(s *inventory.Stack, idcPrefixes []netip.Prefix) []cidr.Entry[*block] {
	entries := make([]cidr.Entry[*block], 0, len(s.Resources)+len(idcPrefixes))
	idc := map[netip.Prefix]*block{}
	// addIDC merges an IDC prefix named by a route (or by the config, r zero).
	addIDC := func(p netip.Prefix, r inventory.Resource) {
		b, ok := idc[p]
		if !ok {
			b = &block{isIDC: true}
			idc[p] = b
			entries = append(entries, cidr.Entry[*block]{Prefix: p, Item: b})
		}
		if r.URN == "" {
			b.inConfig = true
			return
		}
		b.idc = append(b.idc, r)
		if b.res.URN == "" {
			b.res = r
		}
	}
	for _, r := range s.Resources {
		switch r.Type {
		case inventory.VPC:
			if p, ok := prefix(r, "cidrBlock"); ok {
				entries = append(entries, cidr.Entry[*block]{Prefix: p, Item: &block{res: r}})
			}
		case inventory.VSwitch:
			if p, ok := prefix(r, "cidrBlock"); ok {
				vpc, _ := s.Target(r, "vpcId")
				entries = append(entries, cidr.Entry[*block]{Prefix: p, Item: &block{res: r, vpc: vpc}})
			}
		case inventory.VBR:
			if p, ok := peeringSubnet(r); ok {
				entries = append(entries, cidr.Entry[*block]{Prefix: p, Item: &block{res: r}})
			}
		case inventory.VPNRouteEntry:
			if p, ok := prefix(r, "routeDest"); ok {
				addIDC(p, r)
			}
		case inventory.CENRouteEntry:
			if p, ok := prefix(r, "cidrBlock"); ok {
				addIDC(p, r)
			}
		}
	}
	for _, p := range idcPrefixes {
		addIDC(p.Masked(), inventory.Resource{})
	}
	return entries
}

// peeringSubnet is the subnet a VBR's cloud-side IP and mask define.
func peeringSubnet(vbr inventory.Resource) (netip.Prefix, bool) {
	local, ok1 := vbr.String("localGatewayIp")
	mask, ok2 := vbr.String("peeringSubnetMask")
	if !ok1 || !ok2 {
		return netip.Prefix{}, false
	}
	addr, err := netip.ParseAddr(local)
	bits, merr := limits.ParseMask(mask)
	if err != nil || merr != nil || !addr.Is4() {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(addr, bits).Masked(), true
}

// ownVPC allows a vSwitch and its own VPC to overlap, either way round: a
// vSwitch wider than its VPC is reported by vSwitchesOutsideVPC instead.
func ownVPC(a, b *block) bool {
	if b.isVSwitch() {
		a, b = b, a
	}
	return a.isVSwitch() && b.isVPC() && a.vpc == inventory.Ref(b.res.URN)
}

func overlapFinding(outer, inner cidr.Entry[*block]) finding {
	// Report against the narrower block's resource: usually the one added
	// later, and the one a per-URN exception would name.
	urn := inner.Item.res.URN
	if urn == "" {
		urn = outer.Item.res.URN
	}
	how := "overlaps"
	if outer.Prefix == inner.Prefix {
		how = "is the same block as"
	}
	return finding{urn, fmt.Sprintf("%s %s %s: every VPC, VBR peering subnet and IDC prefix needs its own block "+
		"and a vSwitch one inside its own VPC, or routes to these addresses are ambiguous; renumber one of them",
		describe(inner), how, describe(outer))}
}

// vSwitchesOutsideVPC reports vSwitches whose block is not inside the VPC
// they belong to (when the stack holds that VPC and both blocks are known).
func vSwitchesOutsideVPC(entries []cidr.Entry[*block]) []finding {
	vpcs := map[inventory.Ref]cidr.Entry[*block]{}
	for _, e := range entries {
		if e.Item.isVPC() {
			vpcs[inventory.Ref(e.Item.res.URN)] = e
		}
	}
	var out []finding
	for _, e := range entries {
		if !e.Item.isVSwitch() {
			continue
		}
		vpc, ok := vpcs[e.Item.vpc]
		if !ok || cidr.Within(e.Prefix, vpc.Prefix) {
			continue
		}
		out = append(out, finding{e.Item.res.URN, fmt.Sprintf("%s is not inside its %s: "+
			"give the vSwitch a block inside %s that no other vSwitch of the VPC uses",
			describe(e), describe(vpc), vpc.Prefix)})
	}
	return out
}

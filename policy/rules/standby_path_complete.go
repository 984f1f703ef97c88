package rules

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

var standbyPathComplete = Rule{
	Name: "standby-path-complete",
	Description: "Every IDC prefix routed over the VPN is advertised to the VPN gateway's VPC and from that VPC " +
		"to CEN, and that VPC and the VBR are attached to the same transit router.",
	Level:    apitype.Mandatory,
	Severity: apitype.PolicySeverityCritical,
	Remediation: "Set publishVpc: true on the VPN route; add a cen.RouteEntry (instanceId: the CEN, routeTableId: " +
		"the VPN VPC's routeTableId, cidrBlock: the IDC prefix); attach the VPN VPC and the VBR to the same " +
		"transit router.",
	stackCheck: checkStandbyPath,
}

// hub indexes the CEN part of a stack.
type hub struct {
	s *inventory.Stack
	// published maps a VPC to the prefixes CEN route entries publish from
	// its route table. The key "" collects entries whose table is not known
	// yet and the zero prefix entries whose CIDR is not: either may match.
	published map[inventory.Ref]map[netip.Prefix]bool
	// attached maps a VPC or VBR to the transit routers it is attached to;
	// attachedUnknown is set when an attachment's owner or router is unknown.
	attached        map[inventory.Ref][]inventory.Ref
	attachedUnknown bool
	// inStack is false when the stack holds no CEN resource at all: the hub
	// is deployed by another stack, which this one cannot see.
	inStack bool
}

func newHub(s *inventory.Stack) *hub {
	h := &hub{s: s, published: map[inventory.Ref]map[netip.Prefix]bool{}, attached: map[inventory.Ref][]inventory.Ref{}}
	for _, r := range s.Resources {
		switch r.Type {
		case inventory.CEN, inventory.TransitRouter:
			h.inStack = true
		case inventory.CENRouteEntry:
			table, _ := h.s.Target(r, "routeTableId")
			p, _ := prefix(r, "cidrBlock")
			if h.published[table] == nil {
				h.published[table] = map[netip.Prefix]bool{}
			}
			h.published[table][p] = true
			h.inStack = true
		case inventory.TRVPCAttachment:
			h.attach(r, "vpcId")
		case inventory.TRVBRAttachment:
			h.attach(r, "vbrId")
		}
	}
	return h
}

func (h *hub) attach(r inventory.Resource, ownerProp string) {
	h.inStack = true
	owner, ok1 := h.s.Target(r, ownerProp)
	tr, ok2 := h.s.Target(r, "transitRouterId")
	if !ok1 || !ok2 {
		h.attachedUnknown = true
		return
	}
	if !slices.Contains(h.attached[owner], tr) {
		h.attached[owner] = append(h.attached[owner], tr)
	}
}

// advertised reports whether a CEN route entry publishes dest from the VPC's
// route table, or may do so once unknown values are known.
func (h *hub) advertised(vpc inventory.Resource, dest netip.Prefix) bool {
	own := h.published[inventory.Ref(vpc.URN)]
	return len(h.published[""]) > 0 || own[dest] || own[netip.Prefix{}]
}

func checkStandbyPath(s *inventory.Stack, _ input) []finding {
	h := newHub(s)
	var out []finding
	checked := map[resource.URN]bool{}
	for _, route := range s.OfType(inventory.VPNRouteEntry) {
		if publish, ok := route.Bool("publishVpc"); ok && !publish {
			out = append(out, finding{route.URN, fmt.Sprintf("%s has publishVpc false, so its VPC never learns the "+
				"route and cannot pass it on to CEN: set publishVpc: true", label(route))})
		}
		gw, ok := s.TargetOf(route, "vpnGatewayId", inventory.VPNGateway)
		if !ok || !h.inStack {
			continue
		}
		vpc, ok := s.TargetOf(gw, "vpcId", inventory.VPC)
		if !ok {
			continue
		}
		if dest, ok := prefix(route, "routeDest"); ok && !h.advertised(vpc, dest) {
			out = append(out, finding{route.URN, fmt.Sprintf("IDC prefix %s, routed over the VPN by %s, is not "+
				"advertised from %s to CEN (VPN routes are not advertised by default), so the transit router has "+
				"no standby route: add a cen.RouteEntry with routeTableId = the VPC's routeTableId and cidrBlock %s",
				dest, label(route), label(vpc), dest)})
		}
		if !checked[vpc.URN] {
			checked[vpc.URN] = true
			out = append(out, h.sharedTransitRouter(vpc, gw)...)
		}
	}
	return out
}

// sharedTransitRouter checks that the VPN's VPC and a VBR of the stack are
// attached to one transit router. While an attachment's owner or router is
// unknown it may be the right one, so nothing is reported.
func (h *hub) sharedTransitRouter(vpc, gw inventory.Resource) []finding {
	if h.attachedUnknown {
		return nil
	}
	vpcTRs := h.attached[inventory.Ref(vpc.URN)]
	if len(vpcTRs) == 0 {
		return []finding{{vpc.URN, fmt.Sprintf("%s, which hosts %s, is not attached to a transit router, so the "+
			"VPN routes never reach CEN: attach it with a cen.TransitRouterVpcAttachment on the VBR's transit router",
			label(vpc), label(gw))}}
	}
	vbrs := h.s.OfType(inventory.VBR)
	if len(vbrs) == 0 {
		return nil // the primary leg lives in another stack
	}
	var vbrTRs []inventory.Ref
	for _, vbr := range vbrs {
		for _, tr := range h.attached[inventory.Ref(vbr.URN)] {
			if slices.Contains(vpcTRs, tr) {
				return nil
			}
			vbrTRs = append(vbrTRs, tr)
		}
	}
	return []finding{{vpc.URN, fmt.Sprintf("%s (the VPN's VPC) is attached to %s but %s to %s: failover has "+
		"nowhere to go unless both are attached to the same transit router",
		label(vpc), h.names(vpcTRs), label(vbrs[0]), h.names(vbrTRs))}}
}

// names lists transit routers for a message.
func (h *hub) names(trs []inventory.Ref) string {
	if len(trs) == 0 {
		return "no transit router"
	}
	names := make([]string, len(trs))
	for i, tr := range trs {
		names[i] = labelRef(h.s, tr)
	}
	return strings.Join(names, ", ")
}

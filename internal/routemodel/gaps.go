package routemodel

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/hybridlink/hybridlink/internal/limits"
)

// The gap functions explain a missing route by the first link of the chain
// that should have produced it, in the words of the design.

// noRoute is the explanation when no link of the chain is missing.
const noRoute = "no route is learned for it"

// returnGap explains why VPC v (or the hub on its behalf) has no route to an
// IDC prefix: a circuit's chain while its BGP should be up, else the VPN's.
func (s *state) returnGap(v *vpcNode, idc netip.Prefix) string {
	if gap := s.publishGap(v); gap != "" {
		return gap
	}
	if c := s.upCircuit(); c != nil || len(s.n.vbrs) == 0 {
		if gap := s.primaryGap(c); gap != "" {
			return gap
		}
	}
	if gap := s.standbyGap(idc); gap != "" {
		return gap
	}
	return noRoute
}

// publishGap explains why VPC v gets no routes from the transit router.
func (s *state) publishGap(v *vpcNode) string {
	if gap := s.attachGap(v); gap != "" {
		return gap
	}
	switch a := v.att; {
	case !a.associated:
		return fmt.Sprintf("VPC %s's attachment is not associated with the transit router's route table", v.res.Describe())
	case !a.autoPublish:
		return fmt.Sprintf("the transit router does not publish its routes into VPC %s (autoPublishRouteEnabled is off on its attachment)", v.res.Describe())
	}
	return ""
}

// reachGap explains why VPC t has no route to dst, a workload VPC's CIDR:
// t gets no routes from the hub, or the hub has none to dst.
func (s *state) reachGap(t *vpcNode, dst netip.Prefix) string {
	if gap := s.publishGap(t); gap != "" {
		return gap
	}
	if gap := s.destGap(dst); gap != "" {
		return gap
	}
	return noRoute
}

// destGap explains why the hub has no route to dst, a workload VPC's CIDR.
func (s *state) destGap(dst netip.Prefix) string {
	for _, v := range s.n.workloads() {
		if v.cidr == dst {
			return s.propagateGap(v)
		}
	}
	return ""
}

// propagateGap explains why the hub does not learn VPC v's routes.
func (s *state) propagateGap(v *vpcNode) string {
	if gap := s.attachGap(v); gap != "" {
		return gap
	}
	if !v.att.propagated {
		return fmt.Sprintf("VPC %s's attachment does not propagate its routes to the transit router's route table", v.res.Describe())
	}
	return ""
}

// attachGap explains why VPC v is not attached to the hub (an attachment
// whose transit router the stack does not hold counts as none).
func (s *state) attachGap(v *vpcNode) string {
	switch a := v.att; {
	case a == nil || a.tr == "":
		return fmt.Sprintf("VPC %s is not attached to the transit router", v.res.Describe())
	case string(a.tr) != s.n.hub():
		return fmt.Sprintf("VPC %s is attached to another transit router than the VBR", v.res.Describe())
	}
	return ""
}

// upCircuit is the first VBR whose circuit the faults leave up (the one
// traffic should take), or nil.
func (s *state) upCircuit() *vbrNode {
	for _, v := range s.n.vbrs {
		if !s.down(v) {
			return v
		}
	}
	return nil
}

// primaryGap explains why the hub has no route to the IDC over a VBR's
// circuit (nil: the stack has none).
func (s *state) primaryGap(v *vbrNode) string {
	switch {
	case v == nil:
		return "there is no VBR"
	case s.down(v):
		return "the circuit is down, so BGP is down"
	case v.bgpProblem != "":
		return "BGP cannot come up: " + v.bgpProblem
	case v.att == nil || v.att.tr == "":
		return "the VBR is not attached to the transit router"
	case !v.att.propagated:
		return "the VBR's attachment does not propagate its BGP routes to the transit router's route table"
	}
	return ""
}

// standbyGap explains why the hub has no route to an IDC prefix over the VPN.
func (s *state) standbyGap(idc netip.Prefix) string {
	g := s.n.gateway
	if g == nil {
		return "there is no VPN gateway"
	}
	if !g.hasConn {
		return "the VPN gateway has no IPsec connection"
	}
	var routes []vpnRoute
	for _, r := range g.routes {
		if r.dest == idc {
			routes = append(routes, r)
		}
	}
	t := g.vpc
	switch {
	case len(routes) == 0:
		return fmt.Sprintf("the VPN gateway has no destination route to %s", idc)
	case !slices.ContainsFunc(routes, func(r vpnRoute) bool { return r.weight == limits.WeightActive }):
		return fmt.Sprintf("the VPN gateway's route to %s has no weight-100 (active) entry", idc)
	case t == nil:
		return "the VPN gateway's VPC is not part of the stack"
	case !slices.ContainsFunc(routes, func(r vpnRoute) bool { return r.publish }):
		return fmt.Sprintf("the VPN route to %s is not advertised to VPC %s (publishVpc is off)", idc, t.res.Describe())
	case !slices.ContainsFunc(s.n.adverts, func(a advert) bool { return a.vpc == t && a.prefix == idc }):
		return fmt.Sprintf("the VPN route is not advertised from VPC %s to CEN", t.res.Describe())
	case t.att == nil:
		return fmt.Sprintf("VPC %s, which holds the VPN gateway, is not attached to the transit router", t.res.Describe())
	}
	if gap := s.propagateGap(t); gap != "" {
		return gap
	}
	if !t.att.associated {
		return fmt.Sprintf("VPC %s's attachment is not associated with the transit router's route table", t.res.Describe())
	}
	return ""
}

// onPremGap explains why the on-premises gateway has no route to dst, a
// workload VPC's CIDR.
func (s *state) onPremGap(dst netip.Prefix) string {
	var why []string
	if gap := s.bgpGap(s.upCircuit(), dst); gap != "" {
		why = append(why, "no BGP route ("+gap+")")
	}
	if s.n.gateway == nil {
		why = append(why, "no static route (there is no VPN gateway)")
	}
	if len(why) == 0 {
		return noRoute
	}
	return strings.Join(why, " and ")
}

// bgpGap explains why a VBR advertises no route to dst to the on-premises
// gateway (nil: no circuit is up, or the stack has none).
func (s *state) bgpGap(v *vbrNode, dst netip.Prefix) string {
	if v == nil && len(s.n.vbrs) > 0 {
		return "the circuit is down, so BGP is down"
	}
	if gap := s.primaryGap(v); gap != "" {
		return gap
	}
	switch a := v.att; {
	case !a.autoPublish:
		return "the VBR does not advertise the VPC CIDRs: autoPublishRouteEnabled is off on its attachment"
	case !a.associated:
		return "the VBR learns no routes from the transit router: its attachment is not associated with the transit router's route table"
	}
	return s.destGap(dst)
}

package rules

import (
	"net/netip"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/hybridlink/hybridlink/internal/circuits"
	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/routemodel"
)

var failoverSymmetric = Rule{
	Name: "failover-symmetric",
	Description: "In every state of the links — normal, circuit down, circuit restored, VPN down — traffic between " +
		"each IDC prefix and each workload VPC has a path in both directions, over the link the state expects " +
		"(the circuit while it is up, else the VPN), and both directions use the same link.",
	Level:    apitype.Mandatory,
	Severity: apitype.PolicySeverityCritical,
	Remediation: "Follow the message: it names the state, the direction and the first missing or misranked link " +
		"of the route model (internal/routemodel), e.g. a VPN route not advertised to CEN, an attachment that " +
		"does not propagate or auto-publish, or an on-premises static route preferred over BGP.",
	stackCheck: checkFailoverSymmetric,
}

// checkFailoverSymmetric runs the route model on the stack. It judges only
// stacks that hold the whole connection (a VBR, a VPN gateway, a transit
// router and the VPCs they use), since a partial stack's routing depends on
// what it cannot see.
func checkFailoverSymmetric(s *inventory.Stack, in input) []finding {
	for _, t := range []tokens.Type{inventory.VBR, inventory.VPNGateway, inventory.TransitRouter} {
		if len(s.OfType(t)) == 0 {
			return nil
		}
	}
	if unresolved(s) || externalVPC(s) {
		return nil
	}
	onprem := in.onprem
	onprem.IDCPrefixes = in.idcPrefixes
	if len(onprem.IDCPrefixes) == 0 {
		// No stack config (pulumi policy analyze): the VPN routes'
		// destinations are the IDC prefixes.
		onprem.IDCPrefixes = vpnDestinations(s)
	}
	if len(onprem.Sessions) == 0 {
		onprem = renderedCircuits(s, onprem)
	}
	var out []finding
	n := routemodel.Build(s.Resources, onprem)
	for _, f := range n.Verify(n.Distinct()) {
		out = append(out, finding{urn: f.VPCURN, msg: f.String()})
	}
	return out
}

// renderedCircuits is the gateway of a stack with two circuits judged
// without its stack config (pulumi policy analyze), as hybridlink renders
// it: a session to each VBR in the stack's order (circuit A registers
// first), in active-standby mode when route maps rank the VBRs' routes and
// in ECMP mode when none does — the mode CENHub deployed.
func renderedCircuits(s *inventory.Stack, on routemodel.OnPrem) routemodel.OnPrem {
	vbrs := s.OfType(inventory.VBR)
	if len(vbrs) < 2 {
		return on
	}
	ips := make([]netip.Addr, 0, len(vbrs))
	for _, v := range vbrs {
		local, _ := v.String("localGatewayIp")
		ip, err := netip.ParseAddr(local)
		if err != nil {
			return on
		}
		ips = append(ips, ip)
	}
	mode := circuits.ECMP
	if len(s.OfType(inventory.RouteMap)) > 0 {
		mode = circuits.ActiveStandby
	}
	return on.WithCircuits(mode, ips...)
}

// externalVPC reports whether the VPN gateway or an attachment uses a VPC
// the stack does not hold (an existing VPC given by ID): its CIDR and route
// table are not in the stack, so the model cannot route through it.
func externalVPC(s *inventory.Stack) bool {
	uses := map[tokens.Type]string{inventory.VPNGateway: "vpcId", inventory.TRVPCAttachment: "vpcId"}
	for t, prop := range uses {
		for _, r := range s.OfType(t) {
			if _, ok := s.TargetOf(r, prop, inventory.VPC); !ok {
				return true
			}
		}
	}
	return false
}

// unresolved reports whether a value the model needs is not known yet (a
// CIDR, a weight, a flag), so that a first preview is not judged on guesses.
func unresolved(s *inventory.Stack) bool {
	needs := map[tokens.Type][]string{
		inventory.VPC:             {"cidrBlock"},
		inventory.VPNRouteEntry:   {"routeDest", "weight", "publishVpc"},
		inventory.CENRouteEntry:   {"cidrBlock"},
		inventory.TRVPCAttachment: {"autoPublishRouteEnabled"},
		inventory.TRVBRAttachment: {"autoPublishRouteEnabled"},
	}
	for _, r := range s.Resources {
		for _, prop := range needs[r.Type] {
			if r.Has(prop) {
				if _, known := r.Value(prop); !known {
					return true
				}
			}
		}
	}
	return false
}

// vpnDestinations are the distinct destinations of the stack's VPN routes.
func vpnDestinations(s *inventory.Stack) []netip.Prefix {
	var out []netip.Prefix
	for _, r := range s.OfType(inventory.VPNRouteEntry) {
		if p, ok := prefix(r, "routeDest"); ok && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

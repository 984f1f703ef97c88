package rules

import "slices"

// registry lists every rule, in the order the pack reports them. A new rule
// is a file defining its Rule plus one line here.
var registry = []*Rule{
	&cidrNoOverlap,
	&vpnRouteSingleWeight100,
	&vbrPeeringSubnet,
	&bgpPeerMatchesVBR,
	&bgpASNValid,
	&trAttachmentTwoZones,
	&standbyPathComplete,
	&failoverSymmetric,
	&ipsecPSKSecret,
	&customerGatewayPublicIP,
	&ikeVersionAllowed,
	&bgpBFDEnabled,
}

// All returns every rule, in registry order. The rules are shared: read them,
// do not modify them.
func All() []*Rule { return slices.Clone(registry) }

// Lookup finds a rule by name.
func Lookup(name string) (*Rule, bool) {
	for _, r := range registry {
		if r.Name == name {
			return r, true
		}
	}
	return nil, false
}

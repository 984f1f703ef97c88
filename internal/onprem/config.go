package onprem

// The on-premises gateway's defaults: eBGP's usual administrative distance,
// the static routes via the VPN at the worst preference (so the VPN is the
// standby), and the first tunnel interface number.
const (
	DefaultBGPPreference    = 20
	DefaultStaticPreference = 255
	DefaultFirstTunnel      = 1
)

// Config is the on-premises gateway's settings in a stack's configuration
// (hybridlink:onPrem), which hybridlink does not deploy but renders
// configuration for and models in failover drills. A nil field takes its
// default above; a value given is the value checked, 0 included.
type Config struct {
	// StaticRoutePreference is the administrative distance/preference of the
	// static routes to the VPCs via the VPN; it must lose to BGP. Default 255.
	StaticRoutePreference *int `json:"staticRoutePreference,omitempty"`
	// BGPPreference is the preference/administrative distance the gateway
	// gives routes learned from the VBR over eBGP, set explicitly on every
	// vendor (Huawei VRP's default, 255, would tie with the static routes).
	// It must be lower than StaticRoutePreference. Default 20.
	BGPPreference *int `json:"bgpPreference,omitempty"`
	// FirstTunnel numbers the gateway's tunnel interfaces for this
	// environment (Tunnel<n>, Tunnel0/0/<n>, st0.<n>, xfrm<n>; the second
	// tunnel takes n+1). Environments that share one gateway need distinct
	// numbers. Default 1.
	FirstTunnel *int `json:"firstTunnel,omitempty"`
}

// StaticPreference is the static route preference in effect.
func (c Config) StaticPreference() int {
	return orDefault(c.StaticRoutePreference, DefaultStaticPreference)
}

// BGPRoutePreference is the preference of BGP routes in effect.
func (c Config) BGPRoutePreference() int { return orDefault(c.BGPPreference, DefaultBGPPreference) }

// TunnelNumber is the number of the first tunnel interface in effect.
func (c Config) TunnelNumber() int { return orDefault(c.FirstTunnel, DefaultFirstTunnel) }

func orDefault(v *int, def int) int {
	if v == nil {
		return def
	}
	return *v
}

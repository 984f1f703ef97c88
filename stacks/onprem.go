package stacks

import (
	"net/netip"
	"slices"

	"github.com/hybridlink/hybridlink/internal/onprem"
	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// OnPremModel is the environment's on-premises side for the route model:
// with two circuits, a BGP session to each VBR at the local preference the
// rendered configuration gives it.
func (env *Environment) OnPremModel() routemodel.OnPrem {
	m := routemodel.OnPremOf(env.Config.OnPrem, env.Args.IDCPrefixes)
	if b := env.Args.SecondExpressConnect; b != nil {
		m = m.WithCircuits(env.Args.CircuitMode, env.Args.ExpressConnect.LocalGatewayIP, b.LocalGatewayIP)
	}
	return m
}

// OnPremSite is the environment's on-premises gateway, to render its
// configuration, from the facts that exist only after deployment: the VPN
// gateway's public IPs (the active tunnel's first, then the
// disaster-recovery tunnel's) and the pre-shared key to render. With reveal
// the BGP MD5 key is rendered as configured, else as a placeholder; pass
// onprem.PSKPlaceholder as psk unless secrets were asked for.
func (env *Environment) OnPremSite(vpnPeers []netip.Addr, psk string, reveal bool) onprem.Site {
	a, on := env.Args, env.Config.OnPrem
	ec := a.ExpressConnect
	s := onprem.Site{
		Stack:            env.Stack,
		PeeringIP:        ec.PeerGatewayIP,
		PeeringSubnet:    ec.PeeringSubnet(),
		VLAN:             *ec.VLANID,
		AlibabaPeeringIP: ec.LocalGatewayIP,
		LocalASN:         *ec.PeerASN,
		AlibabaASN:       ec.AlibabaASN(),
		IDCPrefixes:      slices.Clone(a.IDCPrefixes),
		BFD:              ec.EnableBFD,
		BFDTimers:        ec.BFD,
		BGPPreference:    on.BGPRoutePreference(),
		StaticPreference: on.StaticPreference(),
		PublicIP:         a.VPN.CustomerGatewayIP,
		VPNPeers:         slices.Clone(vpnPeers),
		IKE:              a.VPN.IKE.WithDefaults(),
		IPsec:            a.VPN.IPsec.WithDefaults(),
		PSK:              psk,
		Interfaces:       onprem.Interfaces{FirstTunnel: on.TunnelNumber()},
	}
	if b := a.SecondExpressConnect; b != nil {
		s.SecondCircuit = &onprem.Circuit{
			PeeringIP: b.PeerGatewayIP, PeeringSubnet: b.PeeringSubnet(), VLAN: *b.VLANID, AlibabaPeeringIP: b.LocalGatewayIP,
			AlibabaASN: b.AlibabaASN(), BFD: b.EnableBFD, BFDTimers: b.BFD,
		}
		s.CircuitMode = a.CircuitMode
	}
	if k := env.Config.BGPAuthKey; k.Set && (k.Value != "" || k.Opaque) {
		s.BGPAuthKey = onprem.BGPKeyPlaceholder
		if reveal && !k.Opaque {
			s.BGPAuthKey = k.Value
		}
	}
	// The transit VPC too: the VPN health check probes from it, and its
	// replies must come back through the tunnels.
	for _, v := range a.WorkloadVPCs {
		s.VPCPrefixes = append(s.VPCPrefixes, v.CIDR)
	}
	s.VPCPrefixes = append(s.VPCPrefixes, a.TransitVPC.CIDR)
	if hc := a.VPN.HealthCheck; hc != nil {
		s.HealthCheckSource = hc.SourceIP
	}
	return s
}

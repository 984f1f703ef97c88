package onprem

import (
	"fmt"
	"net/netip"
)

// ParseVPNPeers parses the VPN gateway's public IPs as the stack exports them
// (vpnInternetIp, vpnDisasterRecoveryInternetIp): the active tunnel's first.
func ParseVPNPeers(internetIP, disasterRecoveryIP string, dual bool) ([]netip.Addr, error) {
	ips := []string{internetIP}
	if dual {
		ips = append(ips, disasterRecoveryIP)
	}
	var peers []netip.Addr
	for _, s := range ips {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("the VPN gateway's public IP %q is not an IP address: %w", s, err)
		}
		peers = append(peers, a)
	}
	return peers, nil
}

package lab

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/netip"
	"path/filepath"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/mockcloud"
	"github.com/hybridlink/hybridlink/internal/onprem"
	"github.com/hybridlink/hybridlink/internal/stackfile"
	"github.com/hybridlink/hybridlink/stacks"
)

// Stack is what the lab builds from: a stack's validated environment, the
// resources its program registers (the route model's input) and the facts
// that exist only once deployed.
type Stack struct {
	Env       *stacks.Environment
	Resources []inventory.Resource
	// VPNPeers are the VPN gateway's public IPs (active tunnel first).
	VPNPeers []netip.Addr
	// PSK is the IPsec pre-shared key: the stack's, or a random one where
	// the stack lets Alibaba Cloud generate it. Secret.
	PSK string
}

// LoadStack reads stacks/Pulumi.<stack>.yaml under dir with its secrets
// decrypted by passphrase, and runs the program under the mock cloud for
// the resources and the VPN gateway's public IPs.
func LoadStack(dir, stack, passphrase string) (*Stack, error) {
	f, err := stackfile.Read(filepath.Join(dir, "stacks"), stack)
	if err != nil {
		return nil, err
	}
	cfg, err := f.Config(passphrase)
	if err != nil {
		return nil, err
	}
	env, err := stacks.Load(stack, cfg)
	if err != nil {
		return nil, err
	}
	var secrets []string
	for k := range cfg.Secrets {
		secrets = append(secrets, k)
	}
	m, err := mockcloud.Run(stack, cfg.Values, secrets, stacks.Program)
	if err != nil {
		return nil, fmt.Errorf("stack %s under the mock cloud: %w", stack, err)
	}
	s := &Stack{Env: env, Resources: m.Inventory(), PSK: env.Config.VPNPSK.Value}
	var gw *inventory.Resource
	for _, r := range s.Resources {
		if r.Type == inventory.VPNGateway {
			gw = &r
			break
		}
	}
	if gw == nil {
		return nil, fmt.Errorf("stack %s registers no VPN gateway", stack)
	}
	ip, _ := gw.String("internetIp")
	dr, _ := gw.String("disasterRecoveryInternetIp")
	if s.VPNPeers, err = onprem.ParseVPNPeers(ip, dr, env.Args.VPN.DualTunnel); err != nil {
		return nil, err
	}
	if s.PSK == "" {
		b := make([]byte, 18)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		s.PSK = base64.RawURLEncoding.EncodeToString(b)
	}
	return s, nil
}

package tests

import (
	"encoding/json"
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/hybridlink/hybridlink/internal/stackfile"
)

// stackConfig is a stack file's configuration as the test reads it: the
// raw values, independent of the stacks package whose results the tests
// check.
type stackConfig struct {
	Region       string
	WorkloadVPCs []vpcConfig
	TransitVPC   vpcConfig
	IDCPrefixes  []string
	EC           struct {
		VLANID            int    `json:"vlanId"`
		LocalGatewayIP    string `json:"localGatewayIp"`
		PeerGatewayIP     string `json:"peerGatewayIp"`
		PeeringSubnetMask string `json:"peeringSubnetMask"`
		BandwidthMbps     int    `json:"bandwidthMbps"`
		PeerASN           int64  `json:"peerAsn"`
		LocalASN          int64  `json:"localAsn"`
		EnableBFD         bool   `json:"enableBfd"`
	}
	VPN struct {
		BandwidthMbps     int    `json:"bandwidthMbps"`
		CustomerGatewayIP string `json:"customerGatewayIp"`
		DualTunnel        bool   `json:"dualTunnel"`
	}
	VBRHealthCheck bool
	Protect        bool
	// VPNPSK and BGPAuthKey are the decrypted secrets ("" when unset).
	VPNPSK, BGPAuthKey string
}

type vpcConfig struct {
	Name      string `json:"name"`
	CIDR      string `json:"cidr"`
	VSwitches []struct {
		ZoneID string `json:"zoneId"`
		CIDR   string `json:"cidr"`
	} `json:"vSwitches"`
}

// alibabaDefaultASN is the cloud side's AS when localAsn is not set.
const alibabaDefaultASN = 45104

// readConfig reads and decrypts a stack file of the project in dir.
func readConfig(t *testing.T, dir, stack string) stackConfig {
	t.Helper()
	f, err := stackfile.Read(filepath.Join(dir, "stacks"), stack)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := f.Config(stackfile.SandboxPassphrase)
	if err != nil {
		t.Fatal(err)
	}
	var c stackConfig
	str := func(key string) string { v, _ := cfg.Get(key); return v }
	decode := func(key string, into any) {
		v, ok := cfg.Get(key)
		if !ok {
			return
		}
		if err := json.Unmarshal([]byte(v), into); err != nil {
			t.Fatalf("%s: %s: %v", stack, key, err)
		}
	}
	c.Region = str("alicloud:region")
	decode("hybridlink:workloadVpcs", &c.WorkloadVPCs)
	decode("hybridlink:transitVpc", &c.TransitVPC)
	decode("hybridlink:idcPrefixes", &c.IDCPrefixes)
	decode("hybridlink:expressConnect", &c.EC)
	decode("hybridlink:vpn", &c.VPN)
	decode("hybridlink:vbrHealthCheck", &c.VBRHealthCheck)
	decode("hybridlink:protect", &c.Protect)
	c.VPNPSK, c.BGPAuthKey = str("hybridlink:vpnPsk"), str("hybridlink:bgpAuthKey")
	if c.EC.LocalASN == 0 {
		c.EC.LocalASN = alibabaDefaultASN
	}
	return c
}

// peeringSubnet is the VBR's peering subnet: the cloud-side IP under the
// dotted mask.
func (c stackConfig) peeringSubnet(t *testing.T) netip.Prefix {
	t.Helper()
	mask, err := netip.ParseAddr(c.EC.PeeringSubnetMask)
	if err != nil {
		t.Fatalf("peeringSubnetMask %q: %v", c.EC.PeeringSubnetMask, err)
	}
	m := mask.As4()
	bits := 0
	for _, b := range m {
		for ; b&0x80 != 0; b <<= 1 {
			bits++
		}
	}
	p, err := netip.MustParseAddr(c.EC.LocalGatewayIP).Prefix(bits)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// vpcNames are the names of every VPC the stack creates.
func (c stackConfig) vpcNames() []string {
	var out []string
	for _, v := range c.WorkloadVPCs {
		out = append(out, v.Name)
	}
	return append(out, c.TransitVPC.Name)
}

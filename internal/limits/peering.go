package limits

import (
	"fmt"
	"math/bits"
	"net/netip"
)

// Peering-subnet masks a VBR accepts: it needs two usable host addresses, so
// /31 and /32 are out; anything wider than /24 wastes the circuit's address plan.
const (
	PeeringMinBits = 24
	PeeringMaxBits = 30
)

// ParseMask parses a dotted IPv4 netmask ("255.255.255.252") into its prefix
// length.
func ParseMask(mask string) (int, error) {
	a, err := netip.ParseAddr(mask)
	if err != nil || !a.Is4() {
		return 0, fmt.Errorf("mask %q is not a dotted IPv4 netmask such as 255.255.255.252", mask)
	}
	b := a.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	n := bits.LeadingZeros32(^v)
	if v<<n != 0 {
		return 0, fmt.Errorf("mask %q is not contiguous", mask)
	}
	return n, nil
}

// MaskOf returns the dotted netmask of a prefix length.
func MaskOf(bitsLen int) string {
	v := ^uint32(0) << (32 - bitsLen)
	if bitsLen == 0 {
		v = 0
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}).String()
}

// CheckPeeringMask checks a VBR's peering subnet mask and returns its prefix
// length.
func CheckPeeringMask(mask string) (int, error) {
	n, err := ParseMask(mask)
	if err != nil {
		return 0, err
	}
	if n < PeeringMinBits || n > PeeringMaxBits {
		return 0, fmt.Errorf("mask %s (/%d) is out of range: use /%d to /%d (255.255.255.252 for a point-to-point /30)", mask, n, PeeringMinBits, PeeringMaxBits)
	}
	return n, nil
}

// PeeringSubnet checks a VBR's point-to-point addressing: the cloud-side
// (local) and customer-side (peer) IPs share the subnet that the mask defines,
// differ, and are neither its network nor its broadcast address. It returns
// the subnet.
func PeeringSubnet(local, peer netip.Addr, mask string) (netip.Prefix, error) {
	n, err := CheckPeeringMask(mask)
	if err != nil {
		return netip.Prefix{}, err
	}
	if !local.Is4() {
		return netip.Prefix{}, &PeeringError{CloudSide: true, msg: fmt.Sprintf("cloud-side IP %s is not IPv4", local)}
	}
	if !peer.Is4() {
		return netip.Prefix{}, &PeeringError{msg: fmt.Sprintf("customer-side IP %s is not IPv4", peer)}
	}
	subnet := netip.PrefixFrom(local, n).Masked()
	if !subnet.Contains(peer) {
		return subnet, &PeeringError{msg: fmt.Sprintf("customer-side IP %s is outside %s, the subnet of cloud-side IP %s with mask %s", peer, subnet, local, mask)}
	}
	if local == peer {
		return subnet, &PeeringError{msg: fmt.Sprintf("cloud-side and customer-side IPs are both %s; they must differ", local)}
	}
	broadcast := lastAddr(subnet)
	for _, ip := range []struct {
		cloud bool
		role  string
		addr  netip.Addr
	}{{true, "cloud-side", local}, {false, "customer-side", peer}} {
		switch ip.addr {
		case subnet.Addr():
			return subnet, &PeeringError{CloudSide: ip.cloud, msg: fmt.Sprintf("%s IP %s is the network address of %s", ip.role, ip.addr, subnet)}
		case broadcast:
			return subnet, &PeeringError{CloudSide: ip.cloud, msg: fmt.Sprintf("%s IP %s is the broadcast address of %s", ip.role, ip.addr, subnet)}
		}
	}
	return subnet, nil
}

// PeeringError is a problem with the peering IPs; CloudSide tells whether
// the cloud-side (local) IP is the one at fault, so that callers can report
// it against the right setting.
type PeeringError struct {
	CloudSide bool
	msg       string
}

func (e *PeeringError) Error() string { return e.msg }

// lastAddr is the highest address of an IPv4 prefix.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v |= ^uint32(0) >> p.Bits()
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

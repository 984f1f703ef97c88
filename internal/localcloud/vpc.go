package localcloud

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/hybridlink/hybridlink/internal/cidr"
	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/limits"
)

// defaultVPCBlock is the block the API gives a VPC created without one.
const defaultVPCBlock = "172.16.0.0/12"

// blockOf parses the CIDR block an object reports.
func blockOf(r *record) (netip.Prefix, bool) {
	s, _ := readString(r.Outputs, "cidrBlock")
	p, err := cidr.Parse(s)
	return p, err == nil
}

// inVPC keeps the objects whose vpcId is the given VPC.
func inVPC(rs []*record, vpcID resource.ID) []*record {
	var out []*record
	for _, r := range rs {
		if v, _ := readString(r.Outputs, "vpcId"); v == string(vpcID) {
			out = append(out, r)
		}
	}
	return out
}

func checkVPC(c *checker) {
	p, ok := c.block("cidrBlock", vpcBlock)
	// The block can change in place, but only to one that still holds the
	// VPC's addresses (docModifyVpcAttribute: "If you specify a smaller IPv4
	// CIDR block and existing IP addresses do not fall within the CIDR
	// block, the modification fails").
	if ok && c.self != "" {
		for _, sw := range inVPC(c.others(inventory.VSwitch), c.self) {
			if sp, ok := blockOf(sw); ok && !cidr.Within(sp, p) {
				c.fail("cidrBlock", "InvalidCidrBlock.InUse", "%s does not contain %s of vSwitch %s", p, sp, sw.ID)
			}
		}
	}
}

func vpcOutputs(b *builder) {
	b.def("cidrBlock", str(defaultVPCBlock))
	b.alias("name", "vpcName")
	b.createTime()
	b.regionID()
	b.resourceGroup()
	b.set("status", str("Available"))
	// Creating a VPC creates its vRouter and system route table.
	b.keep("routeTableId", func() resource.PropertyValue { return str(newID("vtb", b.region, false)) })
	b.keep("routerId", func() resource.PropertyValue { return str(newID("vrt", b.region, false)) })
	b.set("routerTableId", b.out["routeTableId"])
	b.def("dnsHostnameStatus", str("DISABLED"))
	b.def("enableIpv6", flag(false))
	b.def("isDefault", flag(false))
	b.def("ipv6CidrBlock", str(""))
	b.def("ipv6Isp", str(""))
	b.def("systemRouteTableRoutePropagationEnable", flag(true))
}

// vpcReserved are the blocks a VPC's may be neither nor lie in
// (docCreateVpc: "a custom CIDR block other than 100.64.0.0/10,
// 224.0.0.0/4, 127.0.0.0/8, 169.254.0.0/16, or their subnets").
var vpcReserved = []netip.Prefix{netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("224.0.0.0/4"),
	netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("169.254.0.0/16")}

// vpcBlock is the API's rule for a VPC's block: a mask of 8 to 28 bits
// (docModifyVpcAttribute) outside the reserved blocks.
func vpcBlock(p netip.Prefix) error {
	if p.Bits() < limits.VPCMinBits || p.Bits() > limits.VPCMaxBits {
		return fmt.Errorf("%s has a /%d mask; a VPC takes /%d to /%d", p, p.Bits(), limits.VPCMinBits, limits.VPCMaxBits)
	}
	for _, r := range vpcReserved {
		if cidr.Within(p, r) {
			return fmt.Errorf("%s lies in %s, which a VPC cannot use", p, r)
		}
	}
	return nil
}

// vswitchMask is the API's rule for a vSwitch's block (docCreateVSwitch:
// "The subnet mask of the CIDR block must be 16 to 29 bits in length").
func vswitchMask(p netip.Prefix) error {
	if p.Bits() < limits.VSwitchMinBits || p.Bits() > limits.VSwitchMaxBits {
		return fmt.Errorf("%s has a /%d mask; a vSwitch takes /%d to /%d", p, p.Bits(), limits.VSwitchMinBits, limits.VSwitchMaxBits)
	}
	return nil
}

// zoneKey is where a vSwitch's zone is given: zoneId, or the deprecated
// availabilityZone.
func zoneKey(c *checker) string {
	if !c.isSet("zoneId") && c.isSet("availabilityZone") {
		return "availabilityZone"
	}
	return "zoneId"
}

// checkVSwitch: docCreateVSwitch — VpcId, CidrBlock and ZoneId are
// required (but for a default vSwitch), the zone is one of the region's
// (DescribeZones), the mask 16 to 29 bits, "the CIDR block of the vSwitch
// must fall within the CIDR block of the VPC".
func checkVSwitch(c *checker) {
	p, ok := c.block("cidrBlock", vswitchMask)
	c.zone(zoneKey(c))
	if def, _ := c.boolean("isDefault"); !def {
		for _, key := range []string{"vpcId", "cidrBlock"} {
			if !c.isSet(key) {
				c.fail(key, "MissingParameter", "the input parameter %q that is mandatory for processing this request is not supplied", key)
			}
		}
	}
	vpc := c.ref("vpcId")
	if !ok || vpc == nil {
		return
	}
	if vp, vok := blockOf(vpc); vok && !cidr.Within(p, vp) {
		c.fail("cidrBlock", "InvalidCidrBlock.NotInVpc", "%s is not inside %s, the CIDR block of %s", p, vp, vpc.ID)
	}
}

func vswitchOutputs(b *builder) {
	b.alias("name", "vswitchName")
	zone, _ := b.str(zoneKey(b.checker))
	b.set("zoneId", str(zone))
	b.set("availabilityZone", str(zone))
	b.def("vpcId", str(""))
	b.def("cidrBlock", str(""))
	b.createTime()
	b.set("status", str("Available"))
	b.def("enableIpv6", flag(false))
	b.def("isDefault", flag(false))
	b.def("ipv6CidrBlockMask", num(0))
	b.set("ipv6CidrBlock", str(""))
}

// checkVBR: docCreateVirtualBorderRouter — VLAN 0 to 2999, distinct on
// one circuit; the two peering IPs "must fall within the same subnet" of
// the mask; a dedicated connection's bandwidth one of the listed values;
// docModifyVirtualBorderRouter — BFD multiplier 3 to 10, intervals 200 to
// 1000 ms. The circuit itself is not modelled: any ID names one.
func checkVBR(c *checker) {
	vlan, vlanOK := c.integer("vlanId")
	if vlanOK {
		c.check("vlanId", limits.CheckVLAN(int(vlan)))
	}
	local, localOK := c.addr("localGatewayIp")
	peer, peerOK := c.addr("peerGatewayIp")
	if mask, ok := c.str("peeringSubnetMask"); ok {
		bits, err := limits.ParseMask(mask)
		c.check("peeringSubnetMask", err)
		if subnet, perr := local.Prefix(bits); err == nil && localOK && peerOK && perr == nil && !subnet.Contains(peer) {
			c.fail("peerGatewayIp", "InvalidPeerGatewayIp.Malformed", "%s is not in %s, the subnet of the local IP %s and mask %s", peer, subnet, local, mask)
		}
	}
	if bw, ok := c.integer("bandwidth"); ok {
		c.check("bandwidth", limits.CheckVBRBandwidth(int(bw)))
	}
	c.between("detectMultiplier", "BFD detect multiplier", limits.BFDDetectMultiplierMin, limits.BFDDetectMultiplierMax)
	c.between("minRxInterval", "BFD receive interval (ms)", limits.BFDIntervalMinMs, limits.BFDIntervalMaxMs)
	c.between("minTxInterval", "BFD transmit interval (ms)", limits.BFDIntervalMinMs, limits.BFDIntervalMaxMs)
	pc, pcOK := c.str("physicalConnectionId")
	if !vlanOK || !pcOK {
		return
	}
	for _, r := range c.others(inventory.VBR) {
		other := inventory.Resource{Props: r.Outputs}
		if p, _ := other.String("physicalConnectionId"); p == pc {
			if v, _ := other.Int("vlanId"); v == vlan {
				c.fail("vlanId", "InvalidVlanId.Used", "VLAN %d of %s is already used by %s", vlan, pc, r.ID)
			}
		}
	}
}

func vbrOutputs(b *builder) {
	b.createTime()
	b.resourceGroup()
	b.keep("routeTableId", func() resource.PropertyValue { return str(newID("vtb", b.region, false)) })
	b.def("status", str("active"))
	b.def("bandwidth", num(0)) // no limit below the circuit's
	b.def("detectMultiplier", num(3))
	b.def("minRxInterval", num(1000))
	b.def("minTxInterval", num(1000))
	b.def("mtu", num(1500))
}

// ipVersion checks a BGP IP version (docCreateBgpGroup, docCreateBgpPeer:
// IPv4 or IPv6), which the API takes in any case ("IPv4", "IPV4").
func ipVersion(c *checker, path string) {
	if v, ok := c.str(path); ok {
		c.check(path, limits.CheckOneOf("IP version", strings.ToUpper(v), []string{"IPV4", "IPV6"}))
	}
}

// checkBGPGroup: docCreateBgpGroup — the local ASN is 45104, 64512–65534
// (not 65025) or 4200000000–4294967294; the router is a VBR (its
// reference).
func checkBGPGroup(c *checker) {
	if l, ok := c.integer("localAsn"); ok {
		c.check("localAsn", limits.CheckLocalASN(l))
	}
	ipVersion(c, "ipVersion")
}

func bgpGroupOutputs(b *builder) {
	b.regionID()
	b.set("status", str("Available"))
	b.def("ipVersion", str("IPv4"))
	b.def("isFakeAsn", flag(false))
	b.def("localAsn", num(limits.AlibabaASN))
	b.def("routeLimit", num(110))
}

func checkBGPPeer(c *checker) { ipVersion(c, "ipVersion") }

func bgpPeerOutputs(b *builder) {
	b.set("status", str("Available"))
	b.def("bgpPeerName", str(""))
	b.def("ipVersion", str("IPV4"))
	b.def("peerIpAddress", str(""))
}

package localcloud

import (
	"errors"
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
	p, ok := c.block("cidrBlock", limits.CheckVPCCIDR)
	// The block can change in place, but only to one that still holds the
	// VPC's vSwitches.
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

// zoneKey is where a vSwitch's zone is given: zoneId, or the deprecated
// availabilityZone.
func zoneKey(c *checker) string {
	if !c.isSet("zoneId") && c.isSet("availabilityZone") {
		return "availabilityZone"
	}
	return "zoneId"
}

func checkVSwitch(c *checker) {
	p, ok := c.block("cidrBlock", limits.CheckVSwitchCIDR)
	zone := zoneKey(c)
	c.zone(zone)
	// The API needs the VPC and block of any vSwitch but a default one.
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
	// The new block is the entry without an item.
	entries := []cidr.Entry[*record]{{Prefix: p}}
	for _, sw := range inVPC(c.others(inventory.VSwitch), vpc.ID) {
		if sp, ok := blockOf(sw); ok {
			entries = append(entries, cidr.Entry[*record]{Prefix: sp, Item: sw})
		}
	}
	for _, o := range cidr.Overlaps(entries, nil) {
		other := o.Outer
		if other.Item == nil {
			other = o.Inner
		} else if o.Inner.Item != nil {
			continue // two existing vSwitches
		}
		c.fail("cidrBlock", "InvalidCidrBlock.Overlapped", "%s overlaps %s of vSwitch %s in %s", p, other.Prefix, other.Item.ID, vpc.ID)
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

func checkVBR(c *checker) {
	if pc, ok := c.str("physicalConnectionId"); ok {
		if err := limits.CheckID(limits.PhysicalConnectionID, pc); err != nil {
			c.fail("physicalConnectionId", "InvalidPhysicalConnectionId.NotFound", "%v", err)
		}
	}
	vlan, vlanOK := c.integer("vlanId")
	if vlanOK {
		c.check("vlanId", limits.CheckVLAN(int(vlan)))
	}
	local, localOK := c.addr("localGatewayIp")
	peer, peerOK := c.addr("peerGatewayIp")
	if mask, ok := c.str("peeringSubnetMask"); ok {
		_, err := limits.CheckPeeringMask(mask)
		c.check("peeringSubnetMask", err)
		if err == nil && localOK && peerOK {
			if _, err := limits.PeeringSubnet(local, peer, mask); err != nil {
				// The peer IP is judged against the subnet of the local one,
				// unless the error is about the local IP itself.
				prop := "peerGatewayIp"
				if pe := (*limits.PeeringError)(nil); errors.As(err, &pe) && pe.CloudSide {
					prop = "localGatewayIp"
				}
				c.check(prop, err)
			}
		}
	}
	if bw, ok := c.integer("bandwidth"); ok {
		c.check("bandwidth", limits.CheckVBRBandwidth(int(bw)))
	}
	c.between("detectMultiplier", "BFD detect multiplier", limits.BFDDetectMultiplierMin, limits.BFDDetectMultiplierMax)
	c.between("minRxInterval", "BFD receive interval (ms)", limits.BFDIntervalMinMs, limits.BFDIntervalMaxMs)
	c.between("minTxInterval", "BFD transmit interval (ms)", limits.BFDIntervalMinMs, limits.BFDIntervalMaxMs)
	c.oneOf("status", "VBR status", []string{"active", "terminated"})
	// A VLAN tags one VBR per physical connection.
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

// ipVersion checks a BGP IP version, which the API takes in any case
// ("IPv4", "IPV4").
func ipVersion(c *checker, path string) {
	if v, ok := c.str(path); ok {
		c.check(path, limits.CheckOneOf("IP version", strings.ToUpper(v), []string{"IPV4", "IPV6"}))
	}
}

func checkBGPGroup(c *checker) {
	if r, ok := c.str("routerId"); ok && !strings.HasPrefix(r, "vbr-") {
		c.fail("routerId", "InvalidRouterId.Malformed", "%q is not a VBR ID (vbr-…): a BGP group belongs to a VBR", r)
	}
	local := int64(limits.AlibabaASN)
	localKnown := !c.isSet("localAsn")
	if l, ok := c.integer("localAsn"); ok {
		local, localKnown = l, true
		c.check("localAsn", limits.CheckLocalASN(l))
	}
	if peer, ok := c.integer("peerAsn"); ok && localKnown {
		c.check("peerAsn", limits.CheckPeerASN(peer, local))
	}
	if key, ok := c.str("authKey"); ok {
		c.check("authKey", limits.CheckBGPAuthKey(key))
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

func checkBGPPeer(c *checker) {
	ipVersion(c, "ipVersion")
	a, ok := c.addr("peerIpAddress")
	group := c.ref("bgpGroupId")
	if !ok || group == nil {
		return
	}
	v, _ := readString(group.Outputs, "ipVersion")
	if want6 := strings.EqualFold(v, "IPv6"); a.Is6() != want6 {
		c.fail("peerIpAddress", "InvalidPeerIpAddress.Malformed", "%s does not match the %s BGP group %s", a, v, group.ID)
	}
}

func bgpPeerOutputs(b *builder) {
	b.set("status", str("Available"))
	b.def("bgpPeerName", str(""))
	b.def("ipVersion", str("IPV4"))
	b.def("peerIpAddress", str(""))
}

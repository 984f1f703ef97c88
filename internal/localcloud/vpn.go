package localcloud

import (
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/hybridlink/hybridlink/internal/cidr"
	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/limits"
)

// checkVPNGateway: docCreateVpnGateway — the bandwidth tiers of a public
// and a private gateway; a dual-tunnel gateway names both vSwitches, "two
// vSwitches in different zones in the VPC that is associated with the VPN
// gateway".
func checkVPNGateway(c *checker) {
	network := "public"
	if c.isSet("networkType") {
		network, _ = c.str("networkType") // "" while unknown
	}
	if bw, ok := c.integer("bandwidth"); ok && (network == "public" || network == "private") {
		c.check("bandwidth", limits.CheckVPNBandwidth(int(bw), network))
	}

	if _, dual := c.str("disasterRecoveryVswitchId"); dual && !c.isSet("vswitchId") {
		c.fail("vswitchId", "MissingParameter", "a dual-tunnel gateway (disasterRecoveryVswitchId) needs vswitchId as well")
	}
	if vpcID, ok := c.str("vpcId"); ok {
		for _, path := range []string{"vswitchId", "disasterRecoveryVswitchId"} {
			if r := c.ref(path); r != nil {
				if v, _ := readString(r.Outputs, "vpcId"); v != vpcID {
					c.fail(path, "InvalidVSwitchId.NotInVpc", "vSwitch %s is in %s, not in %s", r.ID, v, vpcID)
				}
			}
		}
	}
	if sw, dr := c.ref("vswitchId"), c.ref("disasterRecoveryVswitchId"); sw != nil && dr != nil {
		z1, _ := readString(sw.Outputs, "zoneId")
		z2, _ := readString(dr.Outputs, "zoneId")
		if z1 == z2 {
			c.fail("disasterRecoveryVswitchId", "InvalidVSwitchId.SameZone", "vSwitches %s and %s are both in %s; the two tunnels need two zones", sw.ID, dr.ID, z1)
		}
	}
}

func vpnGatewayOutputs(b *builder) {
	b.alias("name", "vpnGatewayName")
	b.def("networkType", str("public"))
	b.def("paymentType", str("PayAsYouGo"))
	charge := "PostPaid"
	if pay, _ := readString(b.out, "paymentType"); pay == "Subscription" {
		charge = "PrePaid"
	}
	b.def("instanceChargeType", str(charge))
	b.def("vpnType", str("Normal"))
	b.def("enableIpsec", flag(true))
	b.def("enableSsl", flag(false))
	b.def("sslConnections", num(0))
	b.def("vswitchId", str(""))
	b.def("disasterRecoveryVswitchId", str(""))
	b.set("status", str("Active"))
	b.set("businessStatus", str("Normal"))
	b.set("sslVpnInternetIp", str(""))
	b.createTimeMillis()
	b.resourceGroup()
	b.keep("internetIp", b.publicIP)
	if dr, _ := readString(b.out, "disasterRecoveryVswitchId"); dr != "" {
		b.keep("disasterRecoveryInternetIp", b.publicIP)
	} else {
		b.set("disasterRecoveryInternetIp", str(""))
	}
}

// publicIP allocates a gateway IP no other gateway (nor this one) has.
func (b *builder) publicIP() resource.PropertyValue {
	used := map[string]bool{}
	for _, r := range append(b.st.ofType(inventory.VPNGateway), &record{Outputs: b.out}) {
		used[field(r.Outputs, "internetIp")] = true
		used[field(r.Outputs, "disasterRecoveryInternetIp")] = true
	}
	ip, ok := allocateIP(used, b.st.Account.LastPublicIP)
	if !ok {
		b.fail("internetIp", "QuotaExceeded.PublicIp", "the local cloud has no public IP left in %s", publicIPs)
	}
	b.st.Account.LastPublicIP = ip
	return str(ip)
}

// checkCustomerGateway: docCreateCustomerGateway — the address is public
// (for a public connection) and in none of the ranges the page lists; the
// ASN is 1 to 4294967295, plain or as two 16-bit halves, and not 45104.
func checkCustomerGateway(c *checker) {
	if a, ok := c.addr("ipAddress"); ok {
		c.check("ipAddress", customerGatewayAddr(a))
	}
	if s, ok := c.str("asn"); ok {
		asn, err := limits.ParseASN(s)
		if err == nil && asn == limits.AlibabaASN {
			err = fmt.Errorf("ASN %d is Alibaba Cloud's and cannot be a customer gateway's", asn)
		}
		c.check("asn", err)
	}
}

// customerGatewayReserved are the addresses docCreateCustomerGateway says
// cannot be used.
var customerGatewayReserved = []netip.Prefix{netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("169.254.0.0/16"), netip.MustParsePrefix("224.0.0.0/4"), netip.MustParsePrefix("255.0.0.0/8")}

// customerGatewayAddr checks a public connection's customer gateway
// address: public (not RFC 1918) and not reserved.
func customerGatewayAddr(a netip.Addr) error {
	if !a.Is4() || a.IsPrivate() {
		return fmt.Errorf("%s is not a public IPv4 address, which a public IPsec-VPN connection needs", a)
	}
	for _, r := range customerGatewayReserved {
		if r.Contains(a) {
			return fmt.Errorf("%s is in %s, which a customer gateway cannot use", a, r)
		}
	}
	return nil
}

func customerGatewayOutputs(b *builder) {
	b.alias("name", "customerGatewayName")
	b.createTimeMillis()
}

// checkIKE checks an IKE configuration object (ikeConfig, or a tunnel's
// tunnelIkeConfig, which has the same algorithm fields).
func checkIKE(c *checker, obj string) {
	c.oneOf(obj+".ikeVersion", "IKE version", limits.IKEVersions)
	c.oneOf(obj+".ikeMode", "IKE mode", limits.IKEModes)
	c.oneOf(obj+".ikeEncAlg", "IKE encryption algorithm", limits.IKEEncAlgs)
	c.oneOf(obj+".ikeAuthAlg", "IKE authentication algorithm", limits.IKEAuthAlgs)
	c.oneOf(obj+".ikePfs", "IKE DH group", limits.IKEPFSGroups)
	if v, ok := c.integer(obj + ".ikeLifetime"); ok {
		c.check(obj+".ikeLifetime", limits.CheckLifetime(int(v)))
	}
	if v, ok := c.str(obj + ".psk"); ok {
		c.check(obj+".psk", limits.CheckPSK(v))
	}
}

func checkIPsec(c *checker, obj string) {
	c.oneOf(obj+".ipsecEncAlg", "IPsec encryption algorithm", limits.IPsecEncAlgs)
	c.oneOf(obj+".ipsecAuthAlg", "IPsec authentication algorithm", limits.IPsecAuthAlgs)
	c.oneOf(obj+".ipsecPfs", "IPsec DH group", limits.IPsecPFSGroups)
	if v, ok := c.integer(obj + ".ipsecLifetime"); ok {
		c.check(obj+".ipsecLifetime", limits.CheckLifetime(int(v)))
	}
}

// checkVPNConnection: docCreateVpnConnection — the IKE and IPsec values
// and the pre-shared key's characters; a single-tunnel connection names
// its customer gateway, a dual-tunnel one "the active and standby tunnels"
// (one master, one slave), each with its customer gateway.
func checkVPNConnection(c *checker) {
	checkIKE(c, "ikeConfig")
	checkIPsec(c, "ipsecConfig")
	tunnels := c.elems("tunnelOptionsSpecifications")
	roles := map[string]bool{}
	for _, t := range tunnels {
		checkIKE(c, t+".tunnelIkeConfig")
		checkIPsec(c, t+".tunnelIpsecConfig")
		c.oneOf(t+".role", "tunnel role", []string{"master", "slave"})
		if role, ok := c.str(t + ".role"); ok {
			if roles[role] {
				c.fail(t+".role", "InvalidRole.Duplicated", "two tunnels have role %s; one is master, the other slave", role)
			}
			roles[role] = true
		}
	}
	if n, ok := c.count("tunnelOptionsSpecifications"); ok && n != 0 && n != 2 {
		c.fail("tunnelOptionsSpecifications", "InvalidParameter.TunnelOptionsSpecification", "%d tunnels given; a dual-tunnel connection has exactly 2", n)
	}

	// Which form the connection takes depends on its gateway.
	gw := c.ref("vpnGatewayId")
	if gw == nil {
		return
	}
	if dr, _ := readString(gw.Outputs, "disasterRecoveryVswitchId"); dr != "" {
		if !c.isSet("tunnelOptionsSpecifications") {
			c.fail("tunnelOptionsSpecifications", "MissingParameter", "gateway %s is dual-tunnel: give tunnelOptionsSpecifications (master and slave), not customerGatewayId", gw.ID)
		}
		for _, t := range tunnels {
			if !c.isSet(t + ".customerGatewayId") {
				c.fail(t+".customerGatewayId", "MissingParameter", "each tunnel needs its customer gateway")
			}
		}
		return
	}
	if c.isSet("tunnelOptionsSpecifications") {
		c.fail("tunnelOptionsSpecifications", "InvalidParameter.TunnelOptionsSpecification", "gateway %s is single-tunnel: give customerGatewayId, ikeConfig and ipsecConfig instead", gw.ID)
	}
	if !c.isSet("customerGatewayId") {
		c.fail("customerGatewayId", "MissingParameter", "a connection on single-tunnel gateway %s needs customerGatewayId", gw.ID)
	}
}

// ikeDefaults and ipsecDefaults are what the API applies to parameters not
// given.
func ikeDefaults(localID, remoteID string, tunnel bool) resource.PropertyMap {
	m := resource.PropertyMap{
		"ikeVersion": str("ikev1"), "ikeMode": str("main"), "ikeEncAlg": str("aes"),
		"ikeAuthAlg": str("md5"), "ikePfs": str("group2"), "ikeLifetime": num(86400),
	}
	if tunnel {
		m["localId"], m["remoteId"] = str(localID), str(remoteID)
	} else {
		m["ikeLocalId"], m["ikeRemoteId"] = str(localID), str(remoteID)
	}
	return m
}

func ipsecDefaults() resource.PropertyMap {
	return resource.PropertyMap{
		"ipsecEncAlg": str("aes"), "ipsecAuthAlg": str("md5"), "ipsecPfs": str("group2"), "ipsecLifetime": num(86400),
	}
}

// overlay returns defaults with the given object's set values on top.
func overlay(defaults resource.PropertyMap, given resource.PropertyValue) resource.PropertyValue {
	out := defaults.Copy()
	if given.IsObject() {
		for k, v := range given.ObjectValue() {
			if !v.IsNull() {
				out[k] = v
			}
		}
	}
	return resource.NewObjectProperty(out)
}

// withPSK sets the key of an IKE object: the given one, else the one
// generated before, else a new one.
func withPSK(ike resource.PropertyValue, old resource.PropertyMap, oldPath string) resource.PropertyValue {
	m := ike.ObjectValue()
	if v, ok := m["psk"]; ok && v.IsString() && v.StringValue() != "" {
		return ike
	}
	if v, _, ok := inventory.Lookup(old, oldPath); ok && v.IsString() {
		m["psk"] = v
	} else {
		m["psk"] = str(newPSK())
	}
	return ike
}

func vpnConnectionOutputs(b *builder) {
	gw := b.ref("vpnGatewayId").outputsOrNil()
	gwIP, _ := readString(gw, "internetIp")
	in := b.in.Props
	b.alias("name", "vpnConnectionName")
	b.createTimeMillis()
	b.resourceGroup()
	b.set("status", str("ipsec_sa_established"))
	b.def("enableDpd", flag(true))
	b.def("enableNatTraversal", flag(true))
	b.def("enableTunnelsBgp", flag(false))
	b.def("effectImmediately", flag(false))
	b.def("bgpConfig", resource.NewObjectProperty(resource.PropertyMap{"enable": flag(false)}))
	b.def("healthCheckConfig", resource.NewObjectProperty(resource.PropertyMap{"enable": flag(false)}))
	b.set("ipsecConfig", overlay(ipsecDefaults(), in["ipsecConfig"]))

	tunnels := b.elems("tunnelOptionsSpecifications")
	if len(tunnels) == 0 {
		remoteIP, _ := readString(b.ref("customerGatewayId").outputsOrNil(), "ipAddress")
		b.set("ikeConfig", withPSK(overlay(ikeDefaults(gwIP, remoteIP, false), in["ikeConfig"]), b.old, "ikeConfig.psk"))
		return
	}
	// A dual-tunnel connection negotiates per tunnel; its top-level IKE
	// settings are the defaults.
	b.set("ikeConfig", resource.NewObjectProperty(ikeDefaults(gwIP, "", false)))
	out := make([]resource.PropertyValue, len(tunnels))
	for i, t := range tunnels {
		given, _, _ := inventory.Lookup(in, t)
		role := "slave" // without roles: master, then slave
		if i == 0 {
			role = "master"
		}
		if r, ok := b.str(t + ".role"); ok {
			role = r
		}
		ipKey, swKey := "internetIp", "vswitchId"
		if role == "slave" {
			ipKey, swKey = "disasterRecoveryInternetIp", "disasterRecoveryVswitchId"
		}
		ip, _ := readString(gw, ipKey)
		swID, _ := readString(gw, swKey)
		zone, _ := readString(b.st.get(inventory.VSwitch, resource.ID(swID)).outputsOrNil(), "zoneId")
		remoteIP, _ := readString(b.ref(t+".customerGatewayId").outputsOrNil(), "ipAddress")
		tunnelID, ok := readString(b.old, t+".tunnelId")
		if !ok {
			tunnelID = newID("tun", b.region, true)
		}
		m := overlay(resource.PropertyMap{
			"role": str(role), "enableDpd": flag(true), "enableNatTraversal": flag(true),
		}, given).ObjectValue()
		m["tunnelId"], m["internetIp"], m["zoneNo"] = str(tunnelID), str(ip), str(zone)
		m["status"], m["state"] = str("ipsec_sa_established"), str("active")
		m["tunnelIkeConfig"] = withPSK(overlay(ikeDefaults(ip, remoteIP, true), m["tunnelIkeConfig"]), b.old, t+".tunnelIkeConfig.psk")
		m["tunnelIpsecConfig"] = overlay(ipsecDefaults(), m["tunnelIpsecConfig"])
		out[i] = resource.NewObjectProperty(m)
	}
	b.set("tunnelOptionsSpecifications", resource.NewArrayProperty(out))
}

// checkVPNRouteEntry: docCreateVpnRouteEntry — the destination is a CIDR
// block, and not 0.0.0.0/0 (docDestinationRoutes); two destination routes
// to one CIDR block cannot both have weight 100 on a gateway
// (docActiveStandbyVPNEC, step 3).
func checkVPNRouteEntry(c *checker) {
	weight, weightOK := c.integer("weight")
	dest, destOK := c.str("routeDest")
	p, err := cidr.Normalize(dest)
	if destOK {
		if err == nil && p.Bits() == 0 {
			err = fmt.Errorf("a destination-based route cannot have the destination %s", p)
		}
		c.check("routeDest", err)
	}
	gwID, gwOK := c.str("vpnGatewayId")
	if !weightOK || weight != limits.WeightActive || !destOK || err != nil || !gwOK {
		return
	}
	for _, r := range c.others(inventory.VPNRouteEntry) {
		other := inventory.Resource{Props: r.Outputs}
		g, _ := other.String("vpnGatewayId")
		w, _ := other.Int("weight")
		d, _ := other.String("routeDest")
		if op, err := cidr.Normalize(d); err == nil && g == gwID && w == limits.WeightActive && op == p {
			c.fail("weight", "VpnRouteEntry.WeightConflict", "gateway %s already has route %s to %s with weight %d; two destination routes to one CIDR cannot both have weight %d",
				gwID, r.ID, p, limits.WeightActive, limits.WeightActive)
			return
		}
	}
}

func vpnRouteEntryOutputs(b *builder) {
	b.set("routeEntryType", str("custom"))
	status := "normal"
	if pub, _ := b.boolean("publishVpc"); pub {
		status = "published"
	}
	b.set("status", str(status))
}

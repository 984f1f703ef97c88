// Package limits holds the values and ranges that Alibaba Cloud's APIs accept
// for the resources hybridlink deploys, so that stack validation, the
// components, the policy pack and the local cloud all enforce the same rules.
//
// Each Check function returns nil or an error that states the rule, in the
// style of net/netip; callers add the config key or property path.
package limits

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Express Connect.
const (
	VLANMin = 0
	VLANMax = 2999

	// AlibabaASN is the AS number of the Alibaba Cloud side of a VBR's BGP
	// session unless a custom local ASN is set.
	AlibabaASN = 45104
)

// VBRBandwidthsMbps are the bandwidths a VBR on a dedicated circuit accepts.
var VBRBandwidthsMbps = []int{50, 100, 200, 300, 400, 500, 1000, 2048, 5120, 8192, 10240, 20480, 40960, 50120, 61440, 102400}

// VPN gateway bandwidth tiers, in Mbps, by network type (CreateVpnGateway,
// https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-createvpngateway).
var (
	VPNPublicBandwidthsMbps  = []int{10, 100, 200, 500, 1000}
	VPNPrivateBandwidthsMbps = []int{200, 1000}
)

// IPsec parameters a VPN connection accepts.
var (
	IKEVersions     = []string{"ikev1", "ikev2"}
	IKEModes        = []string{"main", "aggressive"}
	IKEEncAlgs      = []string{"aes", "aes192", "aes256", "des", "3des"}
	IKEAuthAlgs     = []string{"md5", "sha1", "sha256", "sha384", "sha512"}
	IKEPFSGroups    = []string{"group1", "group2", "group5", "group14"}
	IPsecEncAlgs    = []string{"aes", "aes192", "aes256", "des", "3des"}
	IPsecAuthAlgs   = []string{"md5", "sha1", "sha256", "sha384", "sha512"}
	IPsecPFSGroups  = []string{"disabled", "group1", "group2", "group5", "group14"}
	LifetimeMaxSecs = 86400
)

// VPN gateway editions and billing methods.
var (
	VPNTypes     = []string{"Normal", "NationalStandard"}
	PaymentTypes = []string{"PayAsYouGo", "Subscription"}
)

// VPN destination-route weights: 100 is the active route, 0 the standby.
const (
	WeightActive  = 100
	WeightStandby = 0
)

// CheckVLAN checks a VBR VLAN ID.
func CheckVLAN(v int) error {
	if v < VLANMin || v > VLANMax {
		return fmt.Errorf("VLAN %d is out of range %d–%d", v, VLANMin, VLANMax)
	}
	return nil
}

// CheckPeerASN checks the on-premises AS number of a VBR BGP group against
// the Alibaba Cloud side's ASN.
func CheckPeerASN(peer, local int64) error {
	if peer < 1 || peer > 4294967294 {
		return fmt.Errorf("AS %d is out of range 1–4294967294", peer)
	}
	if why := reservedASN(peer); why != "" {
		return fmt.Errorf("AS %d is reserved (%s)", peer, why)
	}
	if peer == local {
		return fmt.Errorf("AS %d is the Alibaba Cloud side's own AS; the session is eBGP, so the on-premises AS must differ", peer)
	}
	if peer == AlibabaASN {
		return fmt.Errorf("AS %d is Alibaba Cloud's public AS and cannot be the on-premises AS", peer)
	}
	return nil
}

// CheckLocalASN checks a custom Alibaba Cloud side ASN for a BGP group.
func CheckLocalASN(local int64) error {
	switch {
	case local == AlibabaASN:
		return nil
	case local == 65025:
		return fmt.Errorf("AS %d is reserved by Alibaba Cloud", local)
	case local >= 64512 && local <= 65534, local >= 4200000000 && local <= 4294967294:
		return nil
	}
	return fmt.Errorf("AS %d is not accepted as the Alibaba Cloud side AS: use 45104, 64512–65534 (not 65025) or 4200000000–4294967294", local)
}

// reservedASN says why an AS number cannot be used for BGP peering, or "".
func reservedASN(asn int64) string {
	switch {
	case asn == 23456:
		return "AS_TRANS, RFC 6793"
	case asn >= 64496 && asn <= 64511, asn >= 65536 && asn <= 65551:
		return "documentation, RFC 5398"
	case asn == 65535, asn == 4294967295:
		return "RFC 7300"
	}
	return ""
}

// CheckVBRBandwidth checks a VBR bandwidth in Mbps.
func CheckVBRBandwidth(mbps int) error {
	if !slices.Contains(VBRBandwidthsMbps, mbps) {
		return fmt.Errorf("bandwidth %d Mbps is not offered for a VBR; use one of %s", mbps, ints(VBRBandwidthsMbps))
	}
	return nil
}

// CheckVPNBandwidth checks a VPN gateway bandwidth tier in Mbps; networkType
// is "public" (the default when empty) or "private".
func CheckVPNBandwidth(mbps int, networkType string) error {
	tiers := VPNPublicBandwidthsMbps
	switch networkType {
	case "", "public":
	case "private":
		tiers = VPNPrivateBandwidthsMbps
	default:
		return fmt.Errorf("network type %q is not one of public, private", networkType)
	}
	if !slices.Contains(tiers, mbps) {
		return fmt.Errorf("bandwidth %d Mbps is not a VPN gateway tier; use one of %s", mbps, ints(tiers))
	}
	return nil
}

// MinAttachmentZones is how many distinct zones a transit-router VPC
// attachment's vSwitches must span, so that it survives a zone failure.
const MinAttachmentZones = 2

// DistinctZones counts the distinct zones in a list.
func DistinctZones(zones []string) int {
	distinct := map[string]bool{}
	for _, z := range zones {
		distinct[z] = true
	}
	return len(distinct)
}

// CheckWeight checks a VPN destination-route weight.
func CheckWeight(w int) error {
	if w != WeightActive && w != WeightStandby {
		return fmt.Errorf("weight %d is not accepted: use %d (active) or %d (standby)", w, WeightActive, WeightStandby)
	}
	return nil
}

// CheckOneOf checks that v is one of the allowed values; what names the value
// ("IKE version").
func CheckOneOf(what, v string, allowed []string) error {
	if !slices.Contains(allowed, v) {
		return fmt.Errorf("%s %q is not one of %s", what, v, strings.Join(allowed, ", "))
	}
	return nil
}

// CheckLifetime checks an IKE or IPsec SA lifetime in seconds.
func CheckLifetime(secs int) error {
	if secs < 0 || secs > LifetimeMaxSecs {
		return fmt.Errorf("lifetime %d s is out of range 0–%d", secs, LifetimeMaxSecs)
	}
	return nil
}

// pskChars are the characters a pre-shared key may contain (CreateVpnConnection,
// https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-createvpnconnection:
// 1 to 100 digits, letters and ~!`@#$%^&*()_-+={}[]|;:",.<>/?, no spaces).
var pskChars = regexp.MustCompile("^[A-Za-z0-9~!`@#$%^&*()_\\-+={}\\[\\]|;:\",.<>/?]{1,100}$")

// CheckPSK checks an IPsec pre-shared key. The error never contains the key.
func CheckPSK(psk string) error {
	if !pskChars.MatchString(psk) {
		return fmt.Errorf("pre-shared key (%d characters) must be 1–100 letters, digits or ~!`@#$%%^&*()_-+={}[]|;:\",.<>/?", utf8.RuneCountInString(psk))
	}
	return nil
}

// CheckBGPAuthKey checks a BGP MD5 authentication key. The error never
// contains the key.
func CheckBGPAuthKey(key string) error {
	if n := utf8.RuneCountInString(key); n < 1 || n > 64 || strings.ContainsAny(key, " \t\r\n") {
		return fmt.Errorf("BGP authentication key (%d characters) must be 1–64 characters without spaces", utf8.RuneCountInString(key))
	}
	return nil
}

// CheckPublicUnicast checks that addr is a public unicast IPv4 address, as a
// customer gateway must be. Documentation ranges (RFC 5737) are accepted so
// that examples and tests need not name a real address.
func CheckPublicUnicast(addr netip.Addr) error {
	if !addr.Is4() {
		return fmt.Errorf("%s is not an IPv4 address", addr)
	}
	if !addr.IsGlobalUnicast() || addr.IsPrivate() {
		return fmt.Errorf("%s is not a public unicast address (private, loopback, link-local, multicast or unspecified)", addr)
	}
	for _, p := range nonPublic {
		if p.Contains(addr) {
			return fmt.Errorf("%s is not a public unicast address (in %s)", addr, p)
		}
	}
	return nil
}

var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
}

// VPC address rules.
const (
	VPCMinBits     = 8
	VPCMaxBits     = 28
	VSwitchMinBits = 16
	VSwitchMaxBits = 29
)

// vpcForbidden is what Alibaba refuses in a VPC beyond the special-purpose
// ranges: the shared address space its own services use.
var vpcForbidden = netip.MustParsePrefix("100.64.0.0/10")

// CheckVPCCIDR checks a VPC's IPv4 CIDR block.
func CheckVPCCIDR(p netip.Prefix) error {
	if p.Bits() < VPCMinBits || p.Bits() > VPCMaxBits {
		return fmt.Errorf("%s has a /%d mask; a VPC takes /%d to /%d", p, p.Bits(), VPCMinBits, VPCMaxBits)
	}
	if err := CheckRoutablePrefix(p); err != nil {
		return err
	}
	if vpcForbidden.Overlaps(p) {
		return fmt.Errorf("%s overlaps %s, which a VPC cannot use", p, vpcForbidden)
	}
	return nil
}

// CheckVSwitchCIDR checks a vSwitch's IPv4 CIDR block (containment in its VPC
// is checked by the caller, which knows the VPC).
func CheckVSwitchCIDR(p netip.Prefix) error {
	if p.Bits() < VSwitchMinBits || p.Bits() > VSwitchMaxBits {
		return fmt.Errorf("%s has a /%d mask; a vSwitch takes /%d to /%d", p, p.Bits(), VSwitchMinBits, VSwitchMaxBits)
	}
	return CheckRoutablePrefix(p)
}

// Regions lists the Alibaba Cloud region IDs that offer Enterprise Edition
// transit routers, Express Connect and VPN gateways.
var Regions = []string{
	"cn-qingdao", "cn-beijing", "cn-zhangjiakou", "cn-huhehaote", "cn-wulanchabu",
	"cn-hangzhou", "cn-shanghai", "cn-nanjing", "cn-fuzhou", "cn-shenzhen", "cn-heyuan",
	"cn-guangzhou", "cn-chengdu", "cn-hongkong", "cn-wuhan-lr",
	"ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-3",
	"ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ap-south-1",
	"us-west-1", "us-east-1", "eu-central-1", "eu-west-1", "me-east-1", "me-central-1",
}

// CheckRegion checks a region ID.
func CheckRegion(region string) error {
	if !slices.Contains(Regions, region) {
		return fmt.Errorf("region %q is not a known Alibaba Cloud region ID (e.g. cn-hangzhou)", region)
	}
	return nil
}

var zoneSuffix = regexp.MustCompile(`^[a-z]$`)

// CheckZone checks that zone is a zone ID of region, e.g. cn-hangzhou-h.
func CheckZone(region, zone string) error {
	suffix, ok := strings.CutPrefix(zone, region+"-")
	if !ok || !zoneSuffix.MatchString(suffix) {
		return fmt.Errorf("zone %q is not a zone of region %s (expected %s-<letter>, e.g. %s-h)", zone, region, region, region)
	}
	return nil
}

// Health checks and BFD.
const (
	HealthCheckIntervalMin = 2
	HealthCheckIntervalMax = 3
	HealthyThresholdMin    = 3
	HealthyThresholdMax    = 8

	// BFD detection on a VBR: multiplier and intervals in ms; hops for a
	// BGP peer's multi-hop BFD session.
	BFDDetectMultiplierMin = 3
	BFDDetectMultiplierMax = 10
	BFDIntervalMinMs       = 200
	BFDIntervalMaxMs       = 1000
	BFDMultiHopMin         = 1
	BFDMultiHopMax         = 255
)

// ParseASN parses an AS number as a customer gateway's asn takes it: plain
// ("65530") or asdot ("1.10" = 65546, RFC 5396), in the range 1–4294967295.
func ParseASN(s string) (int64, error) {
	bad := fmt.Errorf("ASN %q is not a number 1–4294967295 or asdot high.low", s)
	var v uint64
	if high, low, dotted := strings.Cut(s, "."); dotted {
		h, herr := strconv.ParseUint(high, 10, 16)
		l, lerr := strconv.ParseUint(low, 10, 16)
		if herr != nil || lerr != nil {
			return 0, bad
		}
		v = h<<16 | l
	} else {
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return 0, bad
		}
		v = n
	}
	if v == 0 {
		return 0, bad
	}
	return int64(v), nil
}

func ints(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}

// The Express Connect failover test (CreateFailoverTestJob).
const (
	FailoverTestMinutesMin   = 1
	FailoverTestMinutesMax   = 4320
	FailoverTestMaxResources = 16
	// FailoverTestResourceType is the only kind of resource a test shuts:
	// physical connections (circuits).
	FailoverTestResourceType = "PHYSICALCONNECTION"
)

// Failover test job types and states (terraform-provider-alicloud's
// alicloud_express_connect_ec_failover_test_job): a StartNow job starts
// testing when it is created, a StartLater one waits in Init until it is
// started; Starting and Stopping are on the way to Testing and Stopped.
const (
	FailoverTestStartNow   = "StartNow"
	FailoverTestStartLater = "StartLater"
	FailoverTestInit       = "Init"
	FailoverTestStarting   = "Starting"
	FailoverTestTesting    = "Testing"
	FailoverTestStopping   = "Stopping"
	FailoverTestStopped    = "Stopped"
	FailoverTestDeleted    = "Deleted"
)

// FailoverTestStatuses are the values the provider accepts for a job's
// status; only Testing (start) and Stopped (stop) act.
var FailoverTestStatuses = []string{FailoverTestInit, FailoverTestStarting, FailoverTestTesting, FailoverTestStopping, FailoverTestStopped, FailoverTestDeleted}

// CheckFailoverTestMinutes checks a failover test's duration.
func CheckFailoverTestMinutes(m int) error {
	if m < FailoverTestMinutesMin || m > FailoverTestMinutesMax {
		return fmt.Errorf("duration %d min is out of range %d–%d min", m, FailoverTestMinutesMin, FailoverTestMinutesMax)
	}
	return nil
}

package limits

import (
	"net/netip"
	"strings"
	"testing"
)

func TestCheckID(t *testing.T) {
	id := func(k IDKind) func(string) error { return func(s string) error { return CheckID(k, s) } }
	ok(t, id(VPCID), "vpc-bp15zckdt37pq72zvw3l", "vpc-25cdvfeq58pl", "vpc-"+strings.Repeat("a", IDBodyMax))
	ok(t, id(PhysicalConnectionID), "pc-bp1hybridlinkprod0001", "pc-119mfjzm7abc")
	ok(t, id(CENID), "cen-7qthudw0ll6jmc1234")
	bad(t, id(VPCID), "every VPC ID: vpc- and", "", "vpc-", "vpc-short", "vsw-bp15zckdt37pq72zvw3l", "VPC-BP15ZCKDT37PQ72ZVW3L",
		"vpc-bp15zckdt37pq72zvw3l ", "vpc-bp15_zckdt37pq72zvw3l", "vpc-"+strings.Repeat("a", IDBodyMax+1), "bp15zckdt37pq72zvw3l")
	bad(t, id(PhysicalConnectionID), "every Express Connect circuit ID: pc-", "pc-", "pcx-bp1hybridlinkprod0001", "pc-bp1/../../etc")
	bad(t, id(RouteTableID), "vtb-", "vrt-bp145q7glnuzdvzu2abcd")
	bad(t, id(VSwitchID), "vsw-", "vsw-app-h")
	// A huge value is not echoed whole.
	if err := CheckID(VPCID, strings.Repeat("x", 1<<20)); err == nil || len(err.Error()) > 400 {
		t.Errorf("a 1 MiB ID: %d-byte error", len(err.Error()))
	}
}

func TestCheckTags(t *testing.T) {
	ok(t, CheckTagKey, "team", "cost-center", "app.kubernetes.io/name", strings.Repeat("k", TagKeyMaxChars), strings.Repeat("键", TagKeyMaxChars))
	bad(t, CheckTagKey, "cannot be empty", "")
	bad(t, CheckTagKey, "at most 64", strings.Repeat("k", TagKeyMaxChars+1))
	vpcKey := func(s string) error { return CheckTagKeyWithin(s, VPCTagKeyMaxChars) }
	ok(t, vpcKey, strings.Repeat("k", VPCTagKeyMaxChars))
	bad(t, vpcKey, "at most 128", strings.Repeat("k", VPCTagKeyMaxChars+1))
	bad(t, CheckTagKey, "reserves", "aliyun", "aliyunteam", "acs:env", "Aliyun-x", "ACS:x")
	bad(t, CheckTagKey, "refuses", "see-http://x", "https://example.com")
	ok(t, CheckTagValue, "", "prod", strings.Repeat("v", TagValueMaxChars), "my-aliyun", "xacs:")
	bad(t, CheckTagValue, "at most 128", strings.Repeat("v", TagValueMaxChars+1))
	bad(t, CheckTagValue, "reserves", "aliyun-prod", "acs:x")
	bad(t, CheckTagValue, "refuses", "http://wiki/x")
	ok(t, CheckTagCount, 0, 1, MaxTags)
	bad(t, CheckTagCount, "at most 20", MaxTags+1, 1000)
}

func TestSpecialPurpose(t *testing.T) {
	p, a := netip.MustParsePrefix, netip.MustParseAddr
	ok(t, CheckRoutablePrefix, p("10.0.0.0/8"), p("172.16.0.0/12"), p("100.64.0.0/10"), p("203.0.113.0/24"), p("223.255.255.0/24"))
	bad(t, CheckRoutablePrefix, "cannot be a network's address space", p("0.0.0.0/0"), p("0.0.0.0/8"), p("0.1.0.0/16"),
		p("127.0.0.0/8"), p("127.1.0.0/16"), p("169.254.0.0/16"), p("169.254.1.0/30"), p("224.0.0.0/4"), p("239.1.0.0/16"),
		p("240.0.0.0/4"), p("255.255.255.255/32"), p("128.0.0.0/1"))
	ok(t, CheckHostAddr, a("10.1.0.1"), a("172.16.1.188"), a("100.64.0.1"))
	bad(t, CheckHostAddr, "cannot be a host's address", a("0.0.0.0"), a("127.0.0.1"), a("169.254.0.1"), a("224.0.0.5"), a("255.255.255.255"), a("240.0.0.1"))
	bad(t, CheckHostAddr, "not an IPv4", a("::1"), a("fe80::1"))
	ok(t, CheckVPNRouteDest, p("172.16.0.0/16"), p("10.0.0.0/8"), p("100.128.0.0/16"))
	bad(t, CheckVPNRouteDest, "default route", p("0.0.0.0/0"))
	bad(t, CheckVPNRouteDest, "100.64.0.0/10", p("100.64.0.0/10"), p("100.100.1.0/24"), p("100.0.0.0/8"))
}

func TestCheckCount(t *testing.T) {
	if err := CheckCount("IDC prefixes", MaxIDCPrefixes, MaxIDCPrefixes); err != nil {
		t.Error(err)
	}
	if err := CheckCount("IDC prefixes", MaxIDCPrefixes+1, MaxIDCPrefixes); err == nil || !strings.Contains(err.Error(), "51 IDC prefixes; at most 50") {
		t.Errorf("CheckCount: %v", err)
	}
}

package localcloud

import (
	crand "crypto/rand"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"sync/atomic"
	"time"
)

// regionCodes are the three characters real regional IDs carry after the
// prefix (vpc-bp1…, vsw-2ze…); other regions get a code made up once per ID.
var regionCodes = map[string]string{
	"cn-hangzhou":    "bp1",
	"cn-shanghai":    "uf6",
	"cn-beijing":     "2ze",
	"cn-shenzhen":    "wz9",
	"cn-qingdao":     "m5e",
	"cn-zhangjiakou": "8vb",
	"cn-hongkong":    "j6c",
	"ap-southeast-1": "t4n",
}

const idChars = "abcdefghijklmnopqrstuvwxyz0123456789"

func randomChars(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = idChars[rand.IntN(len(idChars))]
	}
	return string(b)
}

// newID returns an ID in the API's format: prefix, region code and 18
// random characters for regional objects (vpc-bp1…), prefix and 18 random
// characters for those without a region code (cen-…, tr-attach-…).
func newID(prefix, region string, global bool) string {
	if global {
		return prefix + "-" + randomChars(18)
	}
	code, ok := regionCodes[region]
	if !ok {
		code = randomChars(3)
	}
	return prefix + "-" + code + randomChars(18)
}

// newProviderID returns an ID the way the Terraform provider makes its own
// (helper/resource.UniqueId): "terraform-", the UTC time and a counter.
func newProviderID() string {
	return fmt.Sprintf("terraform-%s%08x", time.Now().UTC().Format("20060102150405"), providerIDs.Add(1))
}

var providerIDs atomic.Uint32

// newPSK returns a pre-shared key like the one the API generates: 16
// characters, crypto-random.
func newPSK() string { return crand.Text()[:16] }

// publicIPs is where VPN gateways get their public IPs: the documentation
// range (RFC 5737), so no address of the local cloud is routable.
var publicIPs = netip.MustParsePrefix("198.51.100.0/24")

// allocateIP returns the next host address of publicIPs after last (the
// last one allocated, "" for none) that is not in used, wrapping round: an
// address a deleted gateway released is not handed straight back, so a
// replaced gateway gets a new one, as from the cloud's pool.
func allocateIP(used map[string]bool, last string) (string, bool) {
	first := publicIPs.Addr().Next()
	start, err := netip.ParseAddr(last)
	if err != nil || !publicIPs.Contains(start) {
		start = publicIPs.Addr()
	}
	a := start
	for range 1 << (32 - publicIPs.Bits()) {
		if a = a.Next(); !publicIPs.Contains(a) {
			a = first
		}
		if !used[a.String()] && a.As4()[3] != 255 {
			return a.String(), true
		}
	}
	return "", false
}

// fakeAccountID is a 16-digit account UID like the real ones.
func fakeAccountID() string {
	return strconv.FormatUint(1_000_000_000_000_000+rand.Uint64N(9_000_000_000_000_000), 10)
}

func newAccount() account {
	return account{ID: fakeAccountID(), ResourceGroupID: "rg-acfm" + randomChars(11)}
}

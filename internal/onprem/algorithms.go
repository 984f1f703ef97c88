package onprem

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hybridlink/hybridlink/internal/ipsec"
	"github.com/hybridlink/hybridlink/internal/limits"
)

// The names of Alibaba Cloud's IPsec algorithms (ipsec.IKESettings,
// ipsec.IPsecSettings) on each vendor. "aes" is AES-128.

// cipherNames are the encryption algorithms.
type cipherNames struct {
	iosIKEv1, iosIKEv2, iosESP string // crypto isakmp policy, crypto ikev2 proposal, transform set
	vrp                        string // ike proposal and esp encryption-algorithm
	junos                      string // ike and ipsec proposal encryption-algorithm
	swan                       string // strongSwan proposal keyword
}

var ciphers = map[string]cipherNames{
	"aes":    {"aes", "aes-cbc-128", "esp-aes", "aes-128", "aes-128-cbc", "aes128"},
	"aes192": {"aes 192", "aes-cbc-192", "esp-aes 192", "aes-192", "aes-192-cbc", "aes192"},
	"aes256": {"aes 256", "aes-cbc-256", "esp-aes 256", "aes-256", "aes-256-cbc", "aes256"},
	"3des":   {"3des", "3des", "esp-3des", "3des", "3des-cbc", "3des"},
	"des":    {"des", "des", "esp-des", "des", "des-cbc", "des"},
}

// hashNames are the authentication (integrity) algorithms.
type hashNames struct {
	iosIKEv1, iosIKEv2, iosESP string // isakmp hash, ikev2 integrity, transform set
	vrp                        string // ike authentication-algorithm, esp authentication-algorithm
	vrpIntegrity, vrpPRF       string // IKEv2 integrity-algorithm and prf
	junosIKE, junosESP         string
	swan                       string
}

var hashes = map[string]hashNames{
	"md5":    {"md5", "md5", "esp-md5-hmac", "md5", "hmac-md5-96", "hmac-md5", "md5", "hmac-md5-96", "md5"},
	"sha1":   {"sha", "sha1", "esp-sha-hmac", "sha1", "hmac-sha1-96", "hmac-sha1", "sha1", "hmac-sha1-96", "sha1"},
	"sha256": {"sha256", "sha256", "esp-sha256-hmac", "sha2-256", "hmac-sha2-256", "hmac-sha2-256", "sha-256", "hmac-sha-256-128", "sha256"},
	"sha384": {"sha384", "sha384", "esp-sha384-hmac", "sha2-384", "hmac-sha2-384", "hmac-sha2-384", "sha-384", "hmac-sha-384-192", "sha384"},
	"sha512": {"sha512", "sha512", "esp-sha512-hmac", "sha2-512", "hmac-sha2-512", "hmac-sha2-512", "sha-512", "hmac-sha-512-256", "sha512"},
}

// dhNames are the Diffie-Hellman groups.
type dhNames struct {
	ios   string // "group <n>", "set pfs group<n>"
	vrp   string // "dh group<n>", "pfs dh-group<n>"
	junos string // "dh-group group<n>", "perfect-forward-secrecy keys group<n>"
	swan  string // MODP group keyword
}

var dhGroups = map[string]dhNames{
	"group1":  {"1", "group1", "group1", "modp768"},
	"group2":  {"2", "group2", "group2", "modp1024"},
	"group5":  {"5", "group5", "group5", "modp1536"},
	"group14": {"14", "group14", "group14", "modp2048"},
}

// StrongSwanProposals are strongSwan's IKE and ESP proposals for the
// connection's settings (WithDefaults applied), e.g. aes256-sha256-modp2048.
func StrongSwanProposals(ike ipsec.IKESettings, phase2 ipsec.IPsecSettings) (ikeProposal, espProposal string) {
	ikeProposal = strings.Join([]string{ciphers[ike.EncAlg].swan, hashes[ike.AuthAlg].swan, dhGroups[ike.PFS].swan}, "-")
	esp := []string{ciphers[phase2.EncAlg].swan, hashes[phase2.AuthAlg].swan}
	if phase2.PFS != "disabled" {
		esp = append(esp, dhGroups[phase2.PFS].swan)
	}
	return ikeProposal, strings.Join(esp, "-")
}

// checkAlgorithms reports settings this package cannot map.
func checkAlgorithms(ike ipsec.IKESettings, ipsec ipsec.IPsecSettings) error {
	var errs []error
	check := func(what, v string, ok bool) {
		if !ok {
			errs = append(errs, fmt.Errorf("%s %q is not supported", what, v))
		}
	}
	_, ok := ciphers[ike.EncAlg]
	check("IKE encryption algorithm", ike.EncAlg, ok)
	_, ok = hashes[ike.AuthAlg]
	check("IKE authentication algorithm", ike.AuthAlg, ok)
	_, ok = dhGroups[ike.PFS]
	check("IKE DH group", ike.PFS, ok)
	check("IKE version", ike.Version, slices.Contains(limits.IKEVersions, ike.Version))
	_, ok = ciphers[ipsec.EncAlg]
	check("IPsec encryption algorithm", ipsec.EncAlg, ok)
	_, ok = hashes[ipsec.AuthAlg]
	check("IPsec authentication algorithm", ipsec.AuthAlg, ok)
	_, ok = dhGroups[ipsec.PFS]
	check("IPsec PFS group", ipsec.PFS, ok || ipsec.PFS == "disabled")
	for _, l := range []struct {
		what string
		secs *int
	}{{"IKE", ike.LifetimeSecs}, {"IPsec", ipsec.LifetimeSecs}} {
		if l.secs != nil && *l.secs <= 0 {
			errs = append(errs, fmt.Errorf("the %s SA lifetime %d s is not positive", l.what, *l.secs))
		}
	}
	return errors.Join(errs...)
}

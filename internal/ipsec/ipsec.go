// Package ipsec holds the IKE and IPsec parameters of the standby tunnel and
// hybridlink's defaults for them: the one definition the VPN component (which
// configures Alibaba Cloud's side) and the on-premises renderers (which
// configure the other side) both use, so the two sides cannot drift.
package ipsec

// IKESettings are the IKE (phase 1) parameters of the IPsec connection.
// Unset fields take hybridlink's defaults (see WithDefaults), which the
// on-premises side must match.
type IKESettings struct {
	Version      string `pulumi:"version,optional"`      // ikev1 or ikev2
	EncAlg       string `pulumi:"encAlg,optional"`       // aes, aes192, aes256, des, 3des
	AuthAlg      string `pulumi:"authAlg,optional"`      // md5, sha1, sha256, sha384, sha512
	PFS          string `pulumi:"pfs,optional"`          // DH group: group1, group2, group5, group14
	LifetimeSecs *int   `pulumi:"lifetimeSecs,optional"` // 1–86400
}

// WithDefaults fills unset fields with hybridlink's defaults: IKEv2,
// AES-256, SHA-256, DH group 14, a day. They are stronger than the API's
// own (IKEv1, AES-128, SHA-1, group 2), which current on-premises gateways
// increasingly refuse.
func (s IKESettings) WithDefaults() IKESettings {
	s.Version = orDefault(s.Version, "ikev2")
	s.EncAlg = orDefault(s.EncAlg, "aes256")
	s.AuthAlg = orDefault(s.AuthAlg, "sha256")
	s.PFS = orDefault(s.PFS, "group14")
	s.LifetimeSecs = lifetime(s.LifetimeSecs, DefaultIKELifetimeSecs)
	return s
}

// IPsecSettings are the IPsec (phase 2) parameters. Unset fields take
// hybridlink's defaults (see WithDefaults).
type IPsecSettings struct {
	EncAlg       string `pulumi:"encAlg,optional"`       // aes, aes192, aes256, des, 3des
	AuthAlg      string `pulumi:"authAlg,optional"`      // md5, sha1, sha256, sha384, sha512
	PFS          string `pulumi:"pfs,optional"`          // disabled, group1, group2, group5, group14
	LifetimeSecs *int   `pulumi:"lifetimeSecs,optional"` // 1–86400
}

// WithDefaults fills unset fields with hybridlink's defaults: AES-256,
// SHA-256, PFS with DH group 14, an hour (the API's own are AES-128, MD5,
// group 2 and a day).
func (s IPsecSettings) WithDefaults() IPsecSettings {
	s.EncAlg = orDefault(s.EncAlg, "aes256")
	s.AuthAlg = orDefault(s.AuthAlg, "sha256")
	s.PFS = orDefault(s.PFS, "group14")
	s.LifetimeSecs = lifetime(s.LifetimeSecs, DefaultIPsecLifetimeSecs)
	return s
}

// hybridlink's SA lifetimes: a day for IKE, an hour for IPsec.
const (
	DefaultIKELifetimeSecs   = 86400
	DefaultIPsecLifetimeSecs = 3600
)

// hybridlink's defaults for the IPsec connection's health check: a probe
// every 3 s, the tunnel down after 3 failed ones.
const (
	DefaultHealthCheckIntervalSecs = 3
	DefaultHealthCheckRetries      = 3
)

// lifetime is a copy of the given lifetime (so that settings with defaults
// share nothing with the caller's), or def.
func lifetime(v *int, def int) *int {
	if v == nil {
		return &def
	}
	return new(*v)
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

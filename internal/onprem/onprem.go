// Package onprem renders the configuration of the on-premises gateway — the
// customer side of an environment's hybrid connection — for several vendors:
// the port toward the VBR, eBGP to the VBR advertising the IDC prefixes, the
// IPsec-VPN to the VPN gateway as route-based tunnels, and the static routes
// to every VPC through the tunnels as the standby path.
//
// Route priority (design, section 1): the gateway must prefer BGP over the
// static VPN routes. Every vendor is given an explicit BGP preference
// (Site.BGPPreference; Huawei VRP's default, 255, would tie with a static
// route at 255) and the static routes the lowest priority the vendor still
// installs: Site.StaticPreference (255 by default) on Huawei VRP and Junos,
// at most 254 on Cisco IOS and FRR, which never install a route at
// administrative distance 255. With two tunnels, the active (first) tunnel's
// routes are one step better than the second's, so traffic toward the cloud
// follows the tunnel the VPN gateway itself uses.
//
// Secrets (the IPsec pre-shared key and the BGP MD5 key) are rendered as
// given. Callers pass PSKPlaceholder and BGPKeyPlaceholder unless the user
// asked for secrets, and must not log the rendered text when they did.
//
// Tests compare every vendor's rendering of the committed stacks with
// testdata/golden (go test ./internal/onprem/ -update rewrites them) and run
// FRR's own check, vtysh --dryrun --inputfile, on the rendered frr.conf. That
// check needs FRR installed (Debian/Ubuntu: apt-get install -y frr, which
// ./test.sh does); without vtysh the tests fail.
package onprem

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/hybridlink/hybridlink/internal/bfd"
	"github.com/hybridlink/hybridlink/internal/cidr"
	"github.com/hybridlink/hybridlink/internal/circuits"
	"github.com/hybridlink/hybridlink/internal/ipsec"
	"github.com/hybridlink/hybridlink/internal/limits"
)

// Placeholders rendered instead of the secrets unless they are asked for.
// They are single words, as the keys are, so that the rendered text still
// parses (FRR's check of frr.conf runs on it).
const (
	PSKPlaceholder    = "<vpn-psk:run-with--show-secrets>"
	BGPKeyPlaceholder = "<bgp-md5-key:run-with--show-secrets>"
)

// Vendors are the supported vendor names, in the order tools list them.
var Vendors = []string{"cisco-ios", "huawei-vrp", "junos", "linux-frr"}

// Site is everything the gateway's configuration depends on. It holds no
// Pulumi types; stacks.Environment.OnPremSite builds it from a validated
// environment.
type Site struct {
	// Stack names the environment; object names on the gateway carry it, so
	// that environments sharing a gateway do not overwrite each other.
	Stack string

	// The port toward the VBR: the on-premises peering IP, the peering
	// subnet, the VLAN (0: untagged) and the VBR's IP, the BGP neighbor.
	PeeringIP        netip.Addr
	PeeringSubnet    netip.Prefix
	VLAN             int
	AlibabaPeeringIP netip.Addr
	// LocalASN is the on-premises AS (65530), AlibabaASN the VBR's (45104).
	LocalASN, AlibabaASN int
	// IDCPrefixes are advertised to the VBR, each anchored by a discard route.
	IDCPrefixes []netip.Prefix
	// BFD enables BFD for the BGP session, with BFDTimers (unset fields
	// take the defaults: 1000 ms, multiplier 3) — the VBR's own timers.
	BFD       bool
	BFDTimers bfd.Timers
	// SecondCircuit is a second Express Connect circuit, circuit B, on its
	// own port (Interfaces.SecondUplink); the fields above are circuit A's.
	// Nil for one circuit.
	SecondCircuit *Circuit
	// CircuitMode says how the two circuits share the traffic, which the
	// BGP local preference of each session (and, for ECMP, BGP multipath)
	// carries out: circuits.LocalPreferences. Ignored with one circuit.
	CircuitMode circuits.Mode
	// BGPAuthKey is the BGP MD5 key; "" for none. Secret.
	BGPAuthKey string
	// BGPPreference is the preference/administrative distance of eBGP
	// routes; StaticPreference that of the static routes via the VPN, which
	// must be higher (worse). Typically 20 and 255.
	BGPPreference, StaticPreference int

	// PublicIP is the gateway's public IP (the customer gateway) and its
	// IKE identity.
	PublicIP netip.Addr
	// VPNPeers are the VPN gateway's public IPs: the first (active) tunnel's
	// and, on a dual-tunnel gateway, the disaster-recovery tunnel's.
	VPNPeers []netip.Addr
	// IKE and IPsec are the connection's phase 1 and phase 2 settings, with
	// the defaults filled in.
	IKE   ipsec.IKESettings
	IPsec ipsec.IPsecSettings
	// PSK is the IPsec pre-shared key. Secret.
	PSK string
	// VPCPrefixes are every VPC's CIDR block, routed through the tunnels.
	VPCPrefixes []netip.Prefix
	// HealthCheckSource is the source IP of the IPsec connection's health
	// check (in the transit VPC); the gateway routes it back through the
	// tunnels, or the probes' replies would take the circuit and the check
	// would fail. Zero when the connection has no health check.
	HealthCheckSource netip.Addr

	Interfaces Interfaces
}

// Circuit is an Express Connect circuit as the gateway sees it: the port
// toward its VBR and the BGP session over it (as Site's own fields for the
// first).
type Circuit struct {
	PeeringIP        netip.Addr
	PeeringSubnet    netip.Prefix
	VLAN             int
	AlibabaPeeringIP netip.Addr
	AlibabaASN       int
	BFD              bool
	BFDTimers        bfd.Timers
}

// Interfaces names the gateway's interfaces; empty names take the vendor's
// defaults.
type Interfaces struct {
	// Uplink is the physical port toward the VBR (the Express Connect
	// circuit); a VLAN subinterface is created on it when VLAN ≠ 0.
	Uplink string
	// SecondUplink is the port toward the second circuit's VBR.
	SecondUplink string
	// WAN is the Internet-facing interface that holds PublicIP; the tunnels
	// are sourced from it.
	WAN string
	// FirstTunnel numbers the tunnel interfaces: Tunnel<n> (Cisco),
	// Tunnel0/0/<n> (Huawei), st0.<n> (Junos), xfrm<n> with XFRM if_id n
	// (Linux); the second tunnel takes n+1. 0 means 1.
	FirstTunnel int
}

// MaxFirstTunnel bounds Interfaces.FirstTunnel so that every vendor's
// numbered objects (Huawei VRP's IKE proposals are 1–99) fit a dual-tunnel
// range.
const MaxFirstTunnel = 98

// Render renders the gateway configuration for a vendor (one of Vendors):
// file name → content. cisco-ios, huawei-vrp and junos give one file to
// paste; linux-frr gives frr.conf, swanctl.conf and the strongSwan updown
// script that creates the XFRM interfaces.
func Render(vendor string, s Site) (map[string]string, error) {
	var render func(*site) map[string]string
	switch vendor {
	case "cisco-ios":
		render = renderCisco
	case "huawei-vrp":
		render = renderHuawei
	case "junos":
		render = renderJunos
	case "linux-frr":
		render = renderFRR
	default:
		return nil, fmt.Errorf("unknown vendor %q: use one of %s", vendor, strings.Join(Vendors, ", "))
	}
	p, err := prepare(vendor, s)
	if err != nil {
		return nil, fmt.Errorf("on-premises configuration for %s (%s): %w", s.Stack, vendor, err)
	}
	return render(p), nil
}

// maxInstalled is the highest preference a vendor still installs: Cisco IOS
// and FRR treat administrative distance 255 as "never use".
var maxInstalled = map[string]int{"cisco-ios": 254, "linux-frr": 254, "huawei-vrp": 255, "junos": 255}

// site is a validated Site with the vendor's interface names, the circuits
// and the per-tunnel static route preferences resolved.
type site struct {
	Site
	circuits []circuit
	tunnels  []tunnel
	// staticCapped reports that StaticPreference was lowered to the vendor's
	// maximum.
	staticCapped bool
}

// circuit is one circuit with its port and the local preference of its
// session.
type circuit struct {
	Circuit
	index     int    // 0: circuit A
	uplink    string // the physical port
	localPref int
}

// tunnel is one route-based IPsec tunnel to one VPN gateway IP.
type tunnel struct {
	index      int // 1-based position: 1 is the active tunnel
	number     int // interface number (FirstTunnel + index - 1)
	peer       netip.Addr
	preference int // of the static routes through it
}

func prepare(vendor string, s Site) (*site, error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !validStack(s.Stack) {
		bad("the stack name %q is not letters, digits, '.', '_' and '-'", s.Stack)
	}
	// Text pasted into a device must not smuggle in extra commands: names
	// and secrets are single words. (The secrets' values stay out of errors.)
	for _, f := range []struct{ what, v string }{
		{"the pre-shared key", s.PSK}, {"the BGP key", s.BGPAuthKey},
		{"the uplink interface name", s.Interfaces.Uplink}, {"the WAN interface name", s.Interfaces.WAN},
		{"the second uplink interface name", s.Interfaces.SecondUplink},
	} {
		if strings.ContainsFunc(f.v, func(r rune) bool { return r <= ' ' || r == '"' || r == 0x7f }) {
			bad("%s contains spaces, quotes or control characters", f.what)
		}
	}
	all := []Circuit{s.first()}
	if s.SecondCircuit != nil {
		all = append(all, *s.SecondCircuit)
		if err := s.CircuitMode.OrDefault().Check(); err != nil {
			bad("circuit %v", err)
		}
	}
	for i, c := range all {
		which := "circuit " + circuits.Name(i) + ": "
		if len(all) == 1 {
			which = ""
		}
		if !c.PeeringIP.Is4() || !c.AlibabaPeeringIP.Is4() {
			bad("%sthe peering IPs %v and %v are not both IPv4 addresses", which, c.PeeringIP, c.AlibabaPeeringIP)
		} else if !c.PeeringSubnet.IsValid() || !c.PeeringSubnet.Contains(c.PeeringIP) || !c.PeeringSubnet.Contains(c.AlibabaPeeringIP) {
			bad("%sthe peering subnet %v does not contain both peering IPs", which, c.PeeringSubnet)
		}
		if c.VLAN < 0 || c.VLAN > 4094 {
			bad("%sVLAN %d is out of range 0–4094", which, c.VLAN)
		}
		if s.LocalASN <= 0 || c.AlibabaASN <= 0 || c.AlibabaASN == s.LocalASN {
			bad("%sthe AS numbers %d (on-premises) and %d (Alibaba Cloud) must be two different positive numbers", which, s.LocalASN, c.AlibabaASN)
		}
		for _, err := range c.BFDTimers.Check() {
			bad("%sBFD timer %s: %v", which, err.(*bfd.FieldError).Field, err)
		}
	}
	if len(all) == 2 && all[0].PeeringSubnet.Overlaps(all[1].PeeringSubnet) {
		bad("the two circuits' peering subnets %v and %v overlap", all[0].PeeringSubnet, all[1].PeeringSubnet)
	}
	if len(s.IDCPrefixes) == 0 {
		bad("no IDC prefixes to advertise")
	}
	if len(s.VPCPrefixes) == 0 {
		bad("no VPC prefixes to route through the VPN")
	}
	for _, p := range append(slices.Clone(s.IDCPrefixes), s.VPCPrefixes...) {
		if !cidr.IsCanonical(p) {
			bad("%v is not a canonical IPv4 prefix", p)
		}
	}
	if !s.PublicIP.Is4() {
		bad("the gateway's public IP %v is not an IPv4 address", s.PublicIP)
	}
	if n := len(s.VPNPeers); n < 1 || n > 2 {
		bad("%d VPN gateway IPs: give 1 (single tunnel) or 2 (dual tunnel)", n)
	}
	for _, p := range s.VPNPeers {
		if !p.Is4() {
			bad("VPN gateway IP %v is not an IPv4 address", p)
		}
	}
	if s.HealthCheckSource.IsValid() && !s.HealthCheckSource.Is4() {
		bad("the health check source %v is not an IPv4 address", s.HealthCheckSource)
	}
	if s.PSK == "" {
		bad("the pre-shared key is empty: pass the key or PSKPlaceholder")
	}
	if err := checkAlgorithms(s.IKE, s.IPsec); err != nil {
		errs = append(errs, err)
	}
	first := s.Interfaces.FirstTunnel
	if first == 0 {
		first = 1
	}
	if first < 1 || first > MaxFirstTunnel {
		bad("the first tunnel number %d is out of range 1–%d", first, MaxFirstTunnel)
	}
	if err := CheckPreferences(s.BGPPreference, s.StaticPreference, len(s.VPNPeers)); err != nil && len(s.VPNPeers) > 0 {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	p := &site{Site: s}
	p.BFDTimers = s.BFDTimers.WithDefaults()
	p.IKE, p.IPsec = s.IKE.WithDefaults(), s.IPsec.WithDefaults()
	p.Interfaces = withDefaults(vendor, s.Interfaces)
	p.Interfaces.FirstTunnel = first
	lpA, lpB := circuits.LocalPreferences(s.CircuitMode)
	for i, c := range all {
		c.BFDTimers = c.BFDTimers.WithDefaults()
		p.circuits = append(p.circuits, circuit{Circuit: c, index: i, uplink: []string{p.Interfaces.Uplink, p.Interfaces.SecondUplink}[i], localPref: []int{lpA, lpB}[i]})
	}
	// The last tunnel's routes take the lowest priority the vendor installs;
	// each earlier tunnel's one step better.
	lowest := s.StaticPreference
	if m := maxInstalled[vendor]; lowest > m {
		lowest, p.staticCapped = m, true
	}
	for i, peer := range s.VPNPeers {
		p.tunnels = append(p.tunnels, tunnel{
			index:      i + 1,
			number:     first + i,
			peer:       peer,
			preference: lowest - (len(s.VPNPeers) - 1 - i),
		})
	}
	return p, nil
}

// PreferenceError is a problem with the on-premises route preferences;
// Static tells whether the static-route preference, rather than the BGP
// one, is the value at fault.
type PreferenceError struct {
	// Static: the static-route preference is the one out of range; Range:
	// one is out of range, rather than the two conflicting.
	Static, Range bool
	msg           string
}

func (e *PreferenceError) Error() string { return e.msg }

// CheckPreferences checks the on-premises gateway's route preferences for
// every vendor: both in range, and BGP strictly better than the best static
// route via the VPN once the vendor's cap applies (IOS and FRR install at
// most 254) and, with several tunnels, each earlier tunnel is one step
// better than the last.
func CheckPreferences(bgp, static, tunnels int) error {
	switch {
	case static < 2 || static > 255:
		return &PreferenceError{Static: true, Range: true, msg: fmt.Sprintf("the static route preference %d is out of range 2–255", static)}
	case bgp < 1 || bgp > 254:
		return &PreferenceError{Range: true, msg: fmt.Sprintf("the BGP preference %d is out of range 1–254", bgp)}
	}
	for _, vendor := range Vendors {
		best := min(static, maxInstalled[vendor]) - (tunnels - 1)
		if bgp >= best {
			return &PreferenceError{msg: fmt.Sprintf("the BGP preference %d is not lower than the best static VPN route's, %d on %s, so BGP would not win", bgp, best, vendor)}
		}
	}
	return nil
}

// vendorDefaults are the interface names used when Site.Interfaces leaves
// them empty.
var vendorDefaults = map[string]Interfaces{
	"cisco-ios":  {Uplink: "GigabitEthernet0/1", SecondUplink: "GigabitEthernet0/2", WAN: "GigabitEthernet0/0"},
	"huawei-vrp": {Uplink: "GigabitEthernet0/0/1", SecondUplink: "GigabitEthernet0/0/2", WAN: "GigabitEthernet0/0/0"},
	"junos":      {Uplink: "ge-0/0/1", SecondUplink: "ge-0/0/2", WAN: "ge-0/0/0"},
	"linux-frr":  {Uplink: "eth1", SecondUplink: "eth2", WAN: "eth0"},
}

func withDefaults(vendor string, in Interfaces) Interfaces {
	d := vendorDefaults[vendor]
	if in.Uplink == "" {
		in.Uplink = d.Uplink
	}
	if in.SecondUplink == "" {
		in.SecondUplink = d.SecondUplink
	}
	if in.WAN == "" {
		in.WAN = d.WAN
	}
	return in
}

// validStack reports a Pulumi stack name: letters, digits, '.', '_', '-'.
func validStack(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
		default:
			return false
		}
	}
	return true
}

// first is circuit A as a Circuit.
func (s Site) first() Circuit {
	return Circuit{PeeringIP: s.PeeringIP, PeeringSubnet: s.PeeringSubnet, VLAN: s.VLAN, AlibabaPeeringIP: s.AlibabaPeeringIP,
		AlibabaASN: s.AlibabaASN, BFD: s.BFD, BFDTimers: s.BFDTimers}
}

// twoCircuits reports a second circuit.
func (s *site) twoCircuits() bool { return len(s.circuits) > 1 }

// ecmp reports two circuits sharing the traffic.
func (s *site) ecmp() bool { return s.twoCircuits() && s.CircuitMode.OrDefault() == circuits.ECMP }

// letter is a circuit's name in object names ("A"), nothing with one
// circuit, whose objects keep the names they always had.
func (s *site) letter(c circuit) []string {
	if !s.twoCircuits() {
		return nil
	}
	return []string{circuits.Name(c.index)}
}

// vbrName names a circuit's VBR in descriptions: "VBR" or "VBR A".
func (s *site) vbrName(c circuit) string {
	return strings.Join(append([]string{"VBR"}, s.letter(c)...), " ")
}

// inPolicy names a circuit's import policy: HL-<STACK>-VBR-IN, with two
// circuits HL-<STACK>-VBR-A-IN.
func (s *site) inPolicy(c circuit) string {
	return s.upperName(slices.Concat([]string{"VBR"}, s.letter(c), []string{"IN"})...)
}

// bfdProfile names a circuit's BFD profile (FRR): hl-<stack>-vbr, with two
// circuits hl-<stack>-vbr-a.
func (s *site) bfdProfile(c circuit) string {
	return s.lowerName(append([]string{"vbr"}, s.letter(c)...)...)
}

// circuitSummary explains, with two circuits, how the gateway and the
// transit router choose between them, in one comment line; "" with one.
func (s *site) circuitSummary() string {
	if !s.twoCircuits() {
		return ""
	}
	a, b := s.circuits[0], s.circuits[1]
	if s.ecmp() {
		return fmt.Sprintf("Circuits A (VBR %s) and B (VBR %s) share the traffic (ECMP): equal BGP local preference %d on both sessions and BGP multipath here; the transit router gives both VBRs' routes the same preference. The VPN is used only when both are down",
			a.AlibabaPeeringIP, b.AlibabaPeeringIP, a.localPref)
	}
	pa, pb, _ := circuits.RoutePreferences(s.CircuitMode)
	return fmt.Sprintf("Circuit A (VBR %s) is active both ways, circuit B (VBR %s) stands by, the VPN after both: IDC → cloud by BGP local preference %d on A's session and %d on B's (higher wins); cloud → IDC by the transit router's route maps, preference %d for A's routes and %d for B's (lower wins)",
		a.AlibabaPeeringIP, b.AlibabaPeeringIP, a.localPref, b.localPref, pa, pb)
}

// dual reports a dual-tunnel VPN gateway.
func (s *site) dual() bool { return len(s.tunnels) > 1 }

// tag is the stack name as it appears in object names: letters, digits and
// hyphens only.
func (s *site) tag() string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-':
			return r
		}
		return '-'
	}, s.Stack)
}

// upperName is "HL-<STACK>" followed by the parts, joined by hyphens.
func (s *site) upperName(parts ...string) string {
	return strings.ToUpper(strings.Join(append([]string{"HL", s.tag()}, parts...), "-"))
}

// lowerName is "hl-<stack>" followed by the parts, joined by hyphens.
func (s *site) lowerName(parts ...string) string {
	return strings.ToLower(strings.Join(append([]string{"hl", s.tag()}, parts...), "-"))
}

// role names a tunnel in descriptions and comments: "tunnel", or with two
// "tunnel 1 (active)" and "tunnel 2 (disaster recovery)".
func (s *site) role(t tunnel) string {
	switch {
	case !s.dual():
		return "tunnel"
	case t.index == 1:
		return "tunnel 1 (active)"
	}
	return fmt.Sprintf("tunnel %d (disaster recovery)", t.index)
}

// ipsecPFS reports whether phase 2 uses PFS.
func (s *site) ipsecPFS() bool { return s.IPsec.PFS != "disabled" }

// ikev2 reports IKE version 2.
func (s *site) ikev2() bool { return s.IKE.Version == "ikev2" }

// preferenceSummary explains the route priority in one comment line.
func (s *site) preferenceSummary(unit string) string {
	var prefs []string
	for _, t := range s.tunnels {
		switch {
		case !s.dual():
			prefs = append(prefs, fmt.Sprint(t.preference))
		case t.index == 1:
			prefs = append(prefs, fmt.Sprintf("%d (tunnel 1, active)", t.preference))
		default:
			prefs = append(prefs, fmt.Sprintf("%d (tunnel %d, disaster recovery)", t.preference, t.index))
		}
	}
	return fmt.Sprintf("Route priority: BGP routes at %s %d; static routes via the VPN at %s, used only when the BGP routes are gone",
		unit, s.BGPPreference, strings.Join(prefs, " and "))
}

// healthCheckNote explains the health check's host route, or is "".
func (s *site) healthCheckNote() string {
	if !s.HealthCheckSource.IsValid() {
		return ""
	}
	return fmt.Sprintf("%s/32 is the VPN health check's source: its probes' replies must return through the tunnels.", s.HealthCheckSource)
}

// staticRouted are the prefixes routed through the tunnels: every VPC and
// the health check's source.
func (s *site) staticRouted() []netip.Prefix {
	out := slices.Clone(s.VPCPrefixes)
	if s.HealthCheckSource.IsValid() {
		out = append(out, netip.PrefixFrom(s.HealthCheckSource, 32))
	}
	return out
}

// weak lists the algorithms in use that are considered weak today.
func (s *site) weak() []string {
	var out []string
	add := func(what, alg string, weakOnes ...string) {
		if slices.Contains(weakOnes, alg) {
			out = append(out, what+" "+alg)
		}
	}
	add("IKE encryption", s.IKE.EncAlg, "des", "3des")
	add("IKE authentication", s.IKE.AuthAlg, "md5", "sha1")
	add("IKE DH", s.IKE.PFS, "group1", "group2", "group5")
	add("IPsec encryption", s.IPsec.EncAlg, "des", "3des")
	add("IPsec authentication", s.IPsec.AuthAlg, "md5", "sha1")
	add("IPsec PFS", s.IPsec.PFS, "group1", "group2", "group5")
	return out
}

// mask is a prefix's dotted netmask.
func mask(p netip.Prefix) string { return limits.MaskOf(p.Bits()) }

// lines accumulates a configuration text.
type lines struct{ b strings.Builder }

func (l *lines) add(format string, args ...any) {
	fmt.Fprintf(&l.b, format, args...)
	l.b.WriteByte('\n')
}

func (l *lines) String() string { return l.b.String() }

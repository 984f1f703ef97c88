package stacks

import (
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hybridlink/hybridlink/components"
	"github.com/hybridlink/hybridlink/internal/cidr"
	"github.com/hybridlink/hybridlink/internal/cloudmonitor"
	"github.com/hybridlink/hybridlink/internal/limits"
	"github.com/hybridlink/hybridlink/internal/onprem"
)

// Environment is a stack's validated configuration.
type Environment struct {
	Stack  string
	Config Config
	// Args is the hybrid connection as configured. The IDs of VPCs and
	// vSwitches the program creates, and the secrets, are filled in by the
	// program.
	Args components.HybridConnectionArgs
}

// Load reads and validates a stack's whole configuration. The error, a
// *ConfigError, lists every problem, each with its key, value and fix.
func Load(stack string, src Source) (*Environment, error) {
	var ps problems
	if !checkSize(src, &ps) {
		return nil, ps.err(stack)
	}
	cfg, regionFromEnv := decode(src, &ps)
	args := cfg.args(stack, &ps)
	cfg.checkExisting(&ps)
	cfg.checkSecrets(&ps)
	cfg.checkOnPrem(&ps)
	// A value that did not decode or parse is reported once: what the
	// components find in (or under) its zero value is noise. Taken before
	// merging, so that several problems the components find with one value
	// are all kept.
	failed := ps.keys()
	var argErrs components.ArgErrors
	if err := args.Validate(); errors.As(err, &argErrs) {
		for _, e := range argErrs {
			key, problem := cfg.keyOf(e.Field), e.Problem
			if e.Related != "" {
				problem = strings.ReplaceAll(problem, e.Related, cfg.keyOf(e.Related))
			}
			if !failed.cover(key) {
				ps.add(key, shorten(e.Value), problem, e.Fix)
			}
		}
	} else if err != nil {
		return nil, err
	}
	if regionFromEnv {
		ps.rekey(regionKey, RegionEnv, fmt.Sprintf("alicloud:region is not set, so the region comes from %s: fix %s, or set alicloud:region in the stack file", RegionEnv, RegionEnv))
	}
	if err := ps.err(stack); err != nil {
		return nil, err
	}
	return &Environment{Stack: stack, Config: cfg, Args: args}, nil
}

// circuitKey is the config key of a field of the circuit at position i.
func (env *Environment) circuitKey(i int, field string) string {
	if i == 0 {
		return env.Config.keyOf("ExpressConnect." + field)
	}
	return keyOf("SecondExpressConnect." + field)
}

// keyOf is keyOf with the first circuit's keys in the form the stack wrote
// them: "hybridlink:expressConnect.vlanId", or with a list
// "hybridlink:expressConnect[0].vlanId".
func (c *Config) keyOf(path string) string {
	key, ec := keyOf(path), keyOf("ExpressConnect")
	if rest, ok := strings.CutPrefix(key, ec+"."); ok && c.ExpressConnect.List {
		return ec + "[0]." + rest
	}
	return key
}

// args converts the config to component arguments, recording values that do
// not parse. IDs are set only for existing resources.
func (c *Config) args(stack string, ps *problems) components.HybridConnectionArgs {
	p := parser{ps: ps, key: c.keyOf}
	a := components.HybridConnectionArgs{
		Region:         c.Region,
		TransitVPC:     p.vpc("TransitVPC", c.TransitVPC),
		IDCPrefixes:    p.prefixes("IDCPrefixes", c.IDCPrefixes),
		ExpressConnect: p.circuit("ExpressConnect", c.ExpressConnect.first()),
		CircuitMode:    components.CircuitMode(c.CircuitMode),
		VPN: components.VPNStandbyLegArgs{
			BandwidthMbps:     c.VPN.BandwidthMbps,
			CustomerGatewayIP: p.addr("VPN.CustomerGatewayIP", c.VPN.CustomerGatewayIP),
			IKE:               components.IKESettings(c.VPN.IKE),
			IPsec:             components.IPsecSettings(c.VPN.IPsec),
			DualTunnel:        c.VPN.DualTunnel,
		},
		CENID:          optionalID(c.CENID),
		VBRHealthCheck: c.VBRHealthCheck,
		Protect:        c.Protect,
		Tags:           c.tags(stack, ps),
	}
	n := len(c.ExpressConnect.Items)
	if n >= 2 {
		b := p.circuit("SecondExpressConnect", c.ExpressConnect.Items[1])
		a.SecondExpressConnect = &b
	}
	if c.ExpressConnect.List && n != 2 {
		ps.add(keyOf("ExpressConnect"), fmt.Sprintf("[%d circuits]", n), fmt.Sprintf("is a list of %d circuits; hybridlink takes one circuit or two", n),
			"write one circuit as a map (no list), or list two: circuit A, then circuit B")
	}
	for i, v := range c.WorkloadVPCs {
		a.WorkloadVPCs = append(a.WorkloadVPCs, p.vpc(fmt.Sprintf("WorkloadVPCs[%d]", i), v))
	}
	if m := c.Monitoring; m.Enabled {
		a.Monitoring = &components.StandbyMonitoringArgs{
			ContactGroup:    components.ContactGroupArgs(m.ContactGroup),
			LossRatePercent: m.LossRatePercent,
			LatencyMs:       m.LatencyMs,
			Times:           m.Times,
			SilenceSecs:     m.SilenceSecs,
		}
	}
	if hc := c.VPN.HealthCheck; hc != nil {
		a.VPN.HealthCheck = &components.IPsecHealthCheckArgs{
			SourceIP:      p.addr("VPN.HealthCheck.SourceIP", hc.SourceIP),
			DestinationIP: p.addr("VPN.HealthCheck.DestinationIP", hc.DestinationIP),
			IntervalSecs:  hc.IntervalSecs,
			Retries:       hc.Retries,
		}
	}
	return a
}

// parser parses config strings into values, recording failures by the
// component field path they feed, at the key key names.
type parser struct {
	ps  *problems
	key func(path string) string
}

func (p parser) addr(path, s string) netip.Addr {
	if s == "" {
		return netip.Addr{}
	}
	a, err := cidr.ParseAddr(s)
	if err != nil {
		p.ps.add(p.key(path), s, err.Error(), cidr.FixAddr)
		return netip.Addr{}
	}
	return a
}

// circuit converts one circuit; path is its field in the Args
// ("ExpressConnect", "SecondExpressConnect").
func (p parser) circuit(path string, ec ExpressConnectConfig) components.ExpressConnectLegArgs {
	a := components.ExpressConnectLegArgs{
		PhysicalConnectionID: optionalID(ec.PhysicalConnectionID),
		VLANID:               ec.VLANID,
		LocalGatewayIP:       p.addr(path+".LocalGatewayIP", ec.LocalGatewayIP),
		PeerGatewayIP:        p.addr(path+".PeerGatewayIP", ec.PeerGatewayIP),
		PeeringSubnetMask:    ec.PeeringSubnetMask,
		BandwidthMbps:        ec.BandwidthMbps,
		PeerASN:              ec.PeerASN,
		LocalASN:             ec.LocalASN,
		EnableBFD:            ec.EnableBFD,
	}
	if ec.BFD != nil {
		a.BFD = components.BFDTimers(*ec.BFD)
	}
	return a
}

func (p parser) prefix(path, s string) netip.Prefix {
	if s == "" {
		return netip.Prefix{}
	}
	pr, err := cidr.Parse(s)
	if err != nil {
		p.ps.add(p.key(path), s, err.Error(), cidr.FixBlock)
		return netip.Prefix{}
	}
	return pr
}

func (p parser) prefixes(path string, ss []string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = p.prefix(fmt.Sprintf("%s[%d]", path, i), s)
	}
	return out
}

func (p parser) vpc(path string, v VPCConfig) components.VPC {
	out := components.VPC{
		Name:         v.Name,
		VPCID:        optionalID(v.VPCID),
		CIDR:         p.prefix(path+".CIDR", v.CIDR),
		RouteTableID: optionalID(v.RouteTableID),
	}
	for i, sw := range v.VSwitches {
		out.VSwitches = append(out.VSwitches, components.VSwitch{
			VSwitchID: optionalID(sw.VSwitchID),
			ZoneID:    sw.ZoneID,
			CIDR:      p.prefix(fmt.Sprintf("%s.VSwitches[%d].CIDR", path, i), sw.CIDR),
		})
	}
	return out
}

func optionalID(id string) pulumi.StringInput {
	if id == "" {
		return nil
	}
	return pulumi.String(id)
}

// checkExisting requires a VPC to be either wholly existing (its ID, route
// table and every vSwitch ID given) or wholly created (none given).
func (c *Config) checkExisting(ps *problems) {
	check := func(path string, v VPCConfig) {
		if v.VPCID == "" {
			if v.RouteTableID != "" {
				ps.add(keyOf(path+".RouteTableID"), v.RouteTableID, "is set for a VPC that hybridlink creates", "remove it, or also give the existing VPC's id")
			}
			for i, sw := range v.VSwitches {
				if sw.VSwitchID != "" {
					ps.add(keyOf(fmt.Sprintf("%s.VSwitches[%d].VSwitchID", path, i)), sw.VSwitchID, "is set in a VPC that hybridlink creates", "remove it, or also give the existing VPC's id")
				}
			}
			return
		}
		if v.RouteTableID == "" {
			ps.add(keyOf(path+".RouteTableID"), "", "is required for an existing VPC", "give the VPC's system route table ID (vtb-…)")
		}
		for i, sw := range v.VSwitches {
			if sw.VSwitchID == "" {
				ps.add(keyOf(fmt.Sprintf("%s.VSwitches[%d].VSwitchID", path, i)), "", "is required in an existing VPC", "give the existing vSwitch's ID (vsw-…)")
			}
		}
	}
	for i, v := range c.WorkloadVPCs {
		check(fmt.Sprintf("WorkloadVPCs[%d]", i), v)
	}
	check("TransitVPC", c.TransitVPC)
}

// checkSecrets requires secrets to be stored encrypted and well formed. Their
// values never appear in a problem.
func (c *Config) checkSecrets(ps *problems) {
	check := func(path string, s Secret, validate func(string) error) {
		key := keyOf(path)
		name := key[len(namespace)+1:]
		switch {
		case !s.Set || (s.Value == "" && !s.Opaque):
			return
		case !s.Encrypted:
			ps.add(key, "[plaintext]", "is stored in plaintext in the stack file", fmt.Sprintf("run `pulumi config rm %s` and `pulumi config set --secret %s <value>`", name, name))
		case !s.Opaque:
			if err := validate(s.Value); err != nil {
				ps.add(key, "[secret]", err.Error(), fmt.Sprintf("set a valid value with `pulumi config set --secret %s <value>`", name))
			}
		}
	}
	check("VPNPSK", c.VPNPSK, limits.CheckPSK)
	if c.VPN.DualTunnel && !(c.VPNPSK.Set && (c.VPNPSK.Value != "" || c.VPNPSK.Opaque)) {
		ps.add(keyOf("VPNPSK"), "", "is required with a dual-tunnel VPN: Alibaba Cloud would generate a different key per tunnel",
			"set it with `pulumi config set --secret vpnPsk <key>`")
	}
	check("BGPAuthKey", c.BGPAuthKey, limits.CheckBGPAuthKey)
	check("AlarmWebhook", c.AlarmWebhook, cloudmonitor.CheckWebhook)
	if c.AlarmWebhook.Set && c.AlarmWebhook.Value != "" && !c.Monitoring.Enabled {
		ps.add(keyOf("AlarmWebhook"), "[secret]", "is set but the alarms are off, so nothing would call it", "set hybridlink:alarms.enabled to true, or run `pulumi config rm alarmWebhook`")
	}
	if m := c.Monitoring; !m.Enabled && !reflect.ValueOf(m).IsZero() {
		ps.add(keyOf("Monitoring.Enabled"), "false", "the alarms are configured but off, so none would be created", "set enabled: true, or remove hybridlink:alarms")
	}
}

// The tags every taggable resource gets whatever the stack says: which tool
// manages it, and for which environment.
const (
	tagManagedBy   = "managed-by"
	tagEnvironment = "environment"
)

// tags are the stack's tags with the always-set ones, which a stack cannot
// override: a resource's environment tag is what tells its stack.
func (c *Config) tags(stack string, ps *problems) map[string]string {
	tags := map[string]string{tagManagedBy: "hybridlink", tagEnvironment: stack}
	for k, v := range c.Tags {
		if _, reserved := tags[k]; reserved {
			ps.add(keyOf("Tags")+"."+k, shorten(v), "is set by hybridlink on every resource and cannot be overridden", "remove it, or use another key")
			continue
		}
		tags[k] = v
	}
	return tags
}

func (c *Config) checkOnPrem(ps *problems) {
	o := c.OnPrem
	tunnels := 1
	if c.VPN.DualTunnel {
		tunnels = 2
	}
	const fix = "keep bgpPreference well below staticRoutePreference (defaults 20 and 255), so the VPN stays the standby on every vendor"
	bgp := preferenceKey{keyOf("OnPrem.BGPPreference"), o.BGPRoutePreference(), o.BGPPreference != nil}
	static := preferenceKey{keyOf("OnPrem.StaticRoutePreference"), o.StaticPreference(), o.StaticRoutePreference != nil}
	if err := onprem.CheckPreferences(bgp.value, static.value, tunnels); err != nil {
		var pe *onprem.PreferenceError
		switch {
		case !errors.As(err, &pe) || pe.Range:
			at := bgp
			if pe != nil && pe.Static {
				at = static
			}
			ps.add(at.key, fmt.Sprint(at.value), err.Error(), fix)
		default:
			// The two conflict: name the one the stack sets, or both.
			for _, k := range []preferenceKey{bgp, static} {
				if k.set || !(bgp.set || static.set) {
					ps.add(k.key, fmt.Sprint(k.value), err.Error(), fix)
				}
			}
		}
	}
	if n := o.FirstTunnel; n != nil && (*n < 1 || *n > onprem.MaxFirstTunnel) {
		ps.add(keyOf("OnPrem.FirstTunnel"), fmt.Sprint(*n), fmt.Sprintf("is out of range 1–%d", onprem.MaxFirstTunnel), "leave it unset for 1, or pick a number no other environment on the gateway uses")
	}
}

// preferenceKey is an on-premises preference as the stack sets it.
type preferenceKey struct {
	key   string
	value int
	set   bool
}

package stacks

import (
	"net/netip"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/components"
)

func TestKeyOf(t *testing.T) {
	for path, key := range map[string]string{
		"Region":                "alicloud:region",
		"WorkloadVPCs":          "hybridlink:workloadVpcs",
		"WorkloadVPCs[0].VPCID": "hybridlink:workloadVpcs[0].id",
		"WorkloadVPCs[12].VSwitches[3].VSwitchID": "hybridlink:workloadVpcs[12].vSwitches[3].id",
		"TransitVPC.VSwitches[1].CIDR":            "hybridlink:transitVpc.vSwitches[1].cidr",
		"TransitVPC.VSwitches[0].ZoneID":          "hybridlink:transitVpc.vSwitches[0].zoneId",
		"TransitVPC.RouteTableID":                 "hybridlink:transitVpc.routeTableId",
		"TransitVPC.VSwitches":                    "hybridlink:transitVpc.vSwitches",
		"IDCPrefixes[2]":                          "hybridlink:idcPrefixes[2]",
		"ExpressConnect.PeerGatewayIP":            "hybridlink:expressConnect.peerGatewayIp",
		"ExpressConnect.LocalASN":                 "hybridlink:expressConnect.localAsn",
		"ExpressConnect.EnableBFD":                "hybridlink:expressConnect.enableBfd",
		"SecondExpressConnect.VLANID":             "hybridlink:expressConnect[1].vlanId",
		"SecondExpressConnect":                    "hybridlink:expressConnect[1]",
		"CircuitMode":                             "hybridlink:circuitMode",
		"VPN.BandwidthMbps":                       "hybridlink:vpn.bandwidthMbps",
		"VPN.IKE.Version":                         "hybridlink:vpn.ike.version",
		"VPN.IPsec.PFS":                           "hybridlink:vpn.ipsec.pfs",
		"VPN.HealthCheck.SourceIP":                "hybridlink:vpn.healthCheck.sourceIp",
		"VPN.DualTunnel":                          "hybridlink:vpn.dualTunnel",
		"CENID":                                   "hybridlink:cenId",
		"VBRHealthCheck":                          "hybridlink:vbrHealthCheck",
		"VPNPSK":                                  "hybridlink:vpnPsk",
		"BGPAuthKey":                              "hybridlink:bgpAuthKey",
		"OnPrem.StaticRoutePreference":            "hybridlink:onPrem.staticRoutePreference",
		"Tags":                                    "hybridlink:tags",
	} {
		assert.Equal(t, key, keyOf(path), path)
	}
	// A segment Config lacks is kept, so nothing is lost from the message.
	assert.Equal(t, "hybridlink:vpn.Unknown[1].x", keyOf("VPN.Unknown[1].x"))
}

// configKeyPattern is the form of a key with a path inside it.
var configKeyPattern = regexp.MustCompile(`^([a-z]+:[A-Za-z]+)((?:\.[A-Za-z]+|\[\d+\])*)$`)

// resolveKey finds the Config field a full config key names, by the `key`
// and `json` tags alone (independently of keyOf), or fails.
func resolveKey(t *testing.T, key string) reflect.Type {
	t.Helper()
	m := configKeyPattern.FindStringSubmatch(key)
	require.NotNil(t, m, "%q has the form of a config key", key)
	cfg := reflect.TypeOf(Config{})
	var typ reflect.Type
	for i := range cfg.NumField() {
		if cfg.Field(i).Tag.Get("key") == m[1] {
			typ = cfg.Field(i).Type
		}
	}
	require.NotNil(t, typ, "%s is a top-level key of Config", m[1])
	for _, seg := range regexp.MustCompile(`\.[A-Za-z]+|\[\d+\]`).FindAllString(m[2], -1) {
		for typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		if typ == reflect.TypeFor[Circuits]() {
			// A map (one circuit) or a list of them.
			if strings.HasPrefix(seg, "[") {
				typ = reflect.TypeFor[ExpressConnectConfig]()
				continue
			}
			typ = reflect.TypeFor[ExpressConnectConfig]()
		}
		if strings.HasPrefix(seg, "[") {
			require.Equal(t, reflect.Slice, typ.Kind(), "%s: %s indexes a list", key, seg)
			typ = typ.Elem()
			continue
		}
		require.Equal(t, reflect.Struct, typ.Kind(), "%s: %s is a field of an object", key, seg)
		f, ok := fieldByJSONTag(typ, seg[1:])
		require.True(t, ok, "%s: %s is a field of %s", key, seg[1:], typ)
		typ = f.Type
	}
	return typ
}

func fieldByJSONTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		if jsonName(t.Field(i)) == name {
			return t.Field(i), true
		}
	}
	return reflect.StructField{}, false
}

// Fields of HybridConnectionArgs that Config does not mirror, with why: the
// secrets come from their own keys and are never validated by the
// components, and the leg's own tags are the connection's.
var notMirrored = map[string]string{
	"ExpressConnect.AuthKey": "hybridlink:bgpAuthKey, checked by Load",
	"ExpressConnect.Tags":    "composed from hybridlink:tags",
	// The second circuit shares the first's key and tags.
	"SecondExpressConnect.AuthKey": "hybridlink:bgpAuthKey, checked by Load",
	"SecondExpressConnect.Tags":    "composed from hybridlink:tags",
	"VPN.PSK":                      "hybridlink:vpnPsk, checked by Load",
	"VPN.Tags":                     "composed from hybridlink:tags",
	// The VPN leg's placement, which HybridConnection derives from
	// TransitVPC and IDCPrefixes; the program never sets it.
	"VPN.VPCID":                     "derived",
	"VPN.VSwitchID":                 "derived",
	"VPN.DisasterRecoveryVSwitchID": "derived",
	"VPN.IDCPrefixes":               "derived",
	"VPN.IDCPrefixes[1]":            "derived",
	// The monitoring watches the connection's own CEN and VBR, its webhook
	// comes from its own secret key and its tags are the connection's.
	"Monitoring.CENID":       "derived",
	"Monitoring.VBRID":       "derived",
	"Monitoring.SecondVBRID": "derived",
	"Monitoring.Webhook":     "hybridlink:alarmWebhook, checked by Load",
	"Monitoring.Tags":        "composed from hybridlink:tags",
}

// argPaths lists every field path of a type as the components' validation
// reports them: nested structs joined by '.', embedded structs flattened,
// lists with an index, and each struct and list itself (a problem may be
// about the whole of it).
func argPaths(t reflect.Type, prefix string) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if f.Anonymous {
			out = append(out, argPaths(f.Type, prefix)...)
			continue
		}
		path := f.Name
		if prefix != "" {
			path = prefix + "." + f.Name
		}
		out = append(out, path)
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Slice {
			path += "[1]"
			out = append(out, path)
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && !leafTypes[ft] {
			out = append(out, argPaths(ft, path)...)
		}
	}
	return out
}

// leafTypes are struct types that are single values.
var leafTypes = map[reflect.Type]bool{
	reflect.TypeOf(netip.Addr{}):   true,
	reflect.TypeOf(netip.Prefix{}): true,
}

// Config mirrors HybridConnectionArgs: every field path the components can
// report maps, through keyOf, to a key that really exists in Config.
func TestEveryArgsPathMapsToAConfigKey(t *testing.T) {
	paths := argPaths(reflect.TypeOf(components.HybridConnectionArgs{}), "")
	require.Greater(t, len(paths), 40, "the walk found the fields")
	assert.Contains(t, paths, "TransitVPC.VSwitches[1].CIDR")
	assert.Contains(t, paths, "VPN.HealthCheck.DestinationIP")
	assert.Contains(t, paths, "VPN.BandwidthMbps")
	for _, path := range paths {
		if _, skip := notMirrored[path]; skip {
			continue
		}
		t.Run(path, func(t *testing.T) {
			key := keyOf(path)
			resolveKey(t, key)
		})
	}
	// The exceptions are real fields, so the list cannot go stale silently.
	for path := range notMirrored {
		assert.Contains(t, paths, path)
	}
}

// And the other way round: every Config field but the ones only Load uses
// has a same-named field in HybridConnectionArgs, so a problem reported
// there can be traced back.
func TestEveryConfigFieldIsAnArgsField(t *testing.T) {
	onlyLoad := map[string]bool{"OnPrem": true, "VPNPSK": true, "BGPAuthKey": true, "AlarmWebhook": true, "Monitoring.Enabled": true}
	var walk func(c, a reflect.Type, path string)
	walk = func(c, a reflect.Type, path string) {
		for c.Kind() == reflect.Pointer || c.Kind() == reflect.Slice {
			c = c.Elem()
		}
		if c == reflect.TypeFor[Circuits]() {
			c = reflect.TypeFor[ExpressConnectConfig]()
		}
		for a.Kind() == reflect.Pointer || a.Kind() == reflect.Slice {
			a = a.Elem()
		}
		if c.Kind() != reflect.Struct || a.Kind() != reflect.Struct || leafTypes[a] {
			return
		}
		for i := range c.NumField() {
			cf := c.Field(i)
			p := strings.TrimPrefix(path+"."+cf.Name, ".")
			if onlyLoad[p] {
				continue
			}
			af, ok := a.FieldByName(cf.Name)
			if !assert.True(t, ok, "Config field %s has an Args field", p) {
				continue
			}
			walk(cf.Type, af.Type, p)
		}
	}
	walk(reflect.TypeOf(Config{}), reflect.TypeOf(components.HybridConnectionArgs{}), "")
}

// Every problem the components report for a broken plan lands on a real key.
func TestValidationProblemsLandOnRealKeys(t *testing.T) {
	args := components.HybridConnectionArgs{
		WorkloadVPCs: []components.VPC{{Name: "a b", CIDR: netip.MustParsePrefix("10.0.0.0/8"),
			VSwitches: []components.VSwitch{{ZoneID: "x", CIDR: netip.MustParsePrefix("10.0.0.0/30")}}}},
		TransitVPC:  components.VPC{VSwitches: []components.VSwitch{{}}},
		IDCPrefixes: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16"), {}},
		ExpressConnect: components.ExpressConnectLegArgs{VLANID: pulumi.IntRef(-1), LocalASN: new(1), PeerASN: new(1),
			LocalGatewayIP: netip.MustParseAddr("10.1.0.1"), PeerGatewayIP: netip.MustParseAddr("10.1.0.2"), BandwidthMbps: new(3)},
		VPN: components.VPNStandbyLegArgs{DualTunnel: true,
			IKE:   components.IKESettings{Version: "x", EncAlg: "x", AuthAlg: "x", PFS: "x", LifetimeSecs: new(-1)},
			IPsec: components.IPsecSettings{EncAlg: "x", AuthAlg: "x", PFS: "x", LifetimeSecs: new(-1)},
			PSK:   pulumi.String("p"), HealthCheck: &components.IPsecHealthCheckArgs{IntervalSecs: new(-1)},
		},
	}
	var errs components.ArgErrors
	require.ErrorAs(t, args.Validate(), &errs)
	require.Greater(t, len(errs), 20)
	for _, e := range errs {
		resolveKey(t, keyOf(e.Field))
		if e.Related != "" {
			resolveKey(t, keyOf(e.Related))
		}
	}
}

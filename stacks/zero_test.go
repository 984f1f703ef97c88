package stacks

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// numberKeys are every number a stack file can set: where 0 is not a value
// the rules accept, a 0 written in the stack file is refused at its key with
// the range, as any other value out of range is, and nothing is deployed;
// where 0 is valid (VLAN 0) it is used. A key left out takes its default.
// valid is a value other than the default, which must reach the environment
// as written.
var numberKeys = []struct {
	key, field string // the config key and the field in it
	path       string // the Go path in Config (and Args)
	zero       string // what the problem says of 0; "" where 0 is valid
	valid      int
}{
	{"hybridlink:expressConnect", "vlanId", "ExpressConnect.VLANID", "", 2999},
	{"hybridlink:expressConnect", "bandwidthMbps", "ExpressConnect.BandwidthMbps", "bandwidth 0 Mbps is not offered for a VBR", 500},
	{"hybridlink:expressConnect", "peerAsn", "ExpressConnect.PeerASN", "AS 0 is out of range 1–4294967294", 65001},
	{"hybridlink:expressConnect", "localAsn", "ExpressConnect.LocalASN", "AS 0 is not accepted as the Alibaba Cloud side AS", 64600},
	{"hybridlink:expressConnect", "bfd.minTxIntervalMs", "ExpressConnect.BFD.MinTxIntervalMs", "0 ms is out of range 200–1000 ms", 300},
	{"hybridlink:expressConnect", "bfd.minRxIntervalMs", "ExpressConnect.BFD.MinRxIntervalMs", "0 ms is out of range 200–1000 ms", 300},
	{"hybridlink:expressConnect", "bfd.detectMultiplier", "ExpressConnect.BFD.DetectMultiplier", "0 is out of range 3–10", 5},
	{"hybridlink:vpn", "bandwidthMbps", "VPN.BandwidthMbps", "bandwidth 0 Mbps is not a VPN gateway tier", 200},
	{"hybridlink:vpn", "ike.lifetimeSecs", "VPN.IKE.LifetimeSecs", "a lifetime of 0 s cannot be configured", 28800},
	{"hybridlink:vpn", "ipsec.lifetimeSecs", "VPN.IPsec.LifetimeSecs", "a lifetime of 0 s cannot be configured", 1800},
	{"hybridlink:vpn", "healthCheck.intervalSecs", "VPN.HealthCheck.IntervalSecs", "is less than 1", 5},
	{"hybridlink:vpn", "healthCheck.retries", "VPN.HealthCheck.Retries", "is less than 1", 4},
	{"hybridlink:onPrem", "bgpPreference", "OnPrem.BGPPreference", "the BGP preference 0 is out of range 1–254", 30},
	{"hybridlink:onPrem", "staticRoutePreference", "OnPrem.StaticRoutePreference", "the static route preference 0 is out of range 2–255", 250},
	{"hybridlink:onPrem", "firstTunnel", "OnPrem.FirstTunnel", "is out of range 1–98", 21},
	{"hybridlink:alarms", "lossRatePercent", "Monitoring.LossRatePercent", "is out of range 1–100", 20},
	{"hybridlink:alarms", "latencyMs", "Monitoring.LatencyMs", "is out of range 1–10000", 50},
	{"hybridlink:alarms", "times", "Monitoring.Times", "is less than 1", 1},
	{"hybridlink:alarms", "silenceSecs", "Monitoring.SilenceSecs", "silence time 0 s is out of range 300–86400 s", 600},
}

// The case among them: alarms.times: 0 deployed, and the alarm
// fired after the default 3 periods.
func TestZeroIsJudgedNotUnset(t *testing.T) {
	for _, k := range numberKeys {
		t.Run(k.key+"."+k.field, func(t *testing.T) {
			if k.zero == "" {
				src := committed(t, "dev")
				src.setJSON(t, k.key, k.field, 0)
				env, err := Load("dev", src)
				require.NoError(t, err, "0 is valid for %s.%s", k.key, k.field)
				assert.Equal(t, 0, numberAt(t, env, k.path))
				return
			}
			checkMalformed(t, malformed{
				mutate: set(k.key, k.field, 0),
				keys:   []string{k.key + "." + k.field}, value: "0", mentions: []string{k.zero},
			})
		})
	}
}

// A value written is the value deployed.
func TestNumbersAreUsedAsWritten(t *testing.T) {
	for _, k := range numberKeys {
		t.Run(k.key+"."+k.field, func(t *testing.T) {
			src := committed(t, "prod")
			src.Values["hybridlink:onPrem"] = "{}"
			src.setJSON(t, k.key, k.field, k.valid)
			env, err := Load("prod", src)
			require.NoError(t, err)
			assert.Equal(t, k.valid, numberAt(t, env, k.path))
		})
	}
}

// numberAt reads a number of the environment by its Go path: from Args,
// which the components deploy, or from Config where Args has no such field
// (onPrem).
func numberAt(t *testing.T, env *Environment, path string) int {
	t.Helper()
	v, ok := fieldAt(reflect.ValueOf(env.Args), path)
	if !ok {
		v, ok = fieldAt(reflect.ValueOf(env.Config), path)
	}
	require.True(t, ok, "%s is set in the environment", path)
	return int(v.Int())
}

func fieldAt(v reflect.Value, path string) (reflect.Value, bool) {
	for _, name := range strings.Split(path, ".") {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return v, false
			}
			v = v.Elem()
		}
		if c, ok := v.Interface().(Circuits); ok {
			// The first circuit (the map form's only one).
			v = reflect.ValueOf(c.first())
		}
		if v = v.FieldByName(name); !v.IsValid() {
			return v, false
		}
	}
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return v, false
		}
		v = v.Elem()
	}
	return v, true
}

// booleanKeys are every boolean a stack file can set, each written false
// and true on a stack where the value is otherwise valid: the value written
// is the value deployed. A value that conflicts with the rest of the stack
// (alarms configured but enabled: false) is refused by the cases in
// load_test.go, not ignored.
var booleanKeys = []struct {
	key, field, path, stack string
	values                  []bool
}{
	{"hybridlink:expressConnect", "enableBfd", "ExpressConnect.EnableBFD", "dev", []bool{false, true}},
	{"hybridlink:vpn", "dualTunnel", "VPN.DualTunnel", "prod", []bool{false, true}},
	{"hybridlink:vbrHealthCheck", "", "VBRHealthCheck", "dev", []bool{false, true}},
	{"hybridlink:protect", "", "Protect", "dev", []bool{false, true}},
	{"hybridlink:alarms", "enabled", "Monitoring.Enabled", "dev", []bool{false}},
	{"hybridlink:alarms", "enabled", "Monitoring.Enabled", "prod", []bool{true}},
}

func TestBooleansAreUsedAsWritten(t *testing.T) {
	for _, k := range booleanKeys {
		for _, want := range k.values {
			t.Run(fmt.Sprintf("%s.%s=%v on %s", k.key, k.field, want, k.stack), func(t *testing.T) {
				src := committed(t, k.stack)
				if k.field == "" {
					src.Values[k.key] = fmt.Sprint(want)
				} else {
					if _, ok := src.Values[k.key]; !ok {
						src.Values[k.key] = "{}"
					}
					src.setJSON(t, k.key, k.field, want)
				}
				env, err := Load(k.stack, src)
				require.NoError(t, err)
				v, ok := fieldAt(reflect.ValueOf(env.Config), k.path)
				require.True(t, ok)
				assert.Equal(t, want, v.Bool(), "Config.%s", k.path)
				if a, ok := fieldAt(reflect.ValueOf(env.Args), k.path); ok {
					assert.Equal(t, want, a.Bool(), "Args.%s", k.path)
				}
				if k.path == "Monitoring.Enabled" {
					assert.Equal(t, want, env.Args.Monitoring != nil, "alarms deployed")
				}
			})
		}
	}
}

// Every number in Config is a *int with a case above, and every boolean has
// one, so that a key added later cannot be read as unset when it is 0.
func TestEveryNumberAndBooleanKeyHasACase(t *testing.T) {
	cases := map[string]bool{}
	for _, k := range numberKeys {
		cases[k.path] = true
	}
	for _, k := range booleanKeys {
		cases[k.path] = true
	}
	var walk func(t reflect.Type, path string) []string
	walk = func(typ reflect.Type, path string) []string {
		var out []string
		for i := range typ.NumField() {
			f := typ.Field(i)
			p := strings.TrimPrefix(path+"."+f.Name, ".")
			ft := f.Type
			if ft == reflect.TypeFor[Circuits]() {
				// Its circuits' keys; the second's have cases in
				// circuits_test.go.
				ft = reflect.TypeFor[ExpressConnectConfig]()
			}
			switch {
			case ft.Kind() == reflect.Int:
				t.Errorf("Config.%s is an int: make it a *int, so that 0 is not read as unset", p)
			case ft == reflect.TypeFor[*int](), ft.Kind() == reflect.Bool:
				out = append(out, p)
			case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct:
				out = append(out, walk(ft.Elem(), p)...)
			case ft.Kind() == reflect.Struct && ft != secretType:
				out = append(out, walk(ft, p)...)
			case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
				out = append(out, walk(ft.Elem(), p)...)
			}
		}
		return out
	}
	keys := walk(reflect.TypeOf(Config{}), "")
	require.Len(t, keys, len(numberKeys)+len(booleanKeys)-1, "the walk found every number and boolean")
	for _, p := range keys {
		assert.True(t, cases[p], "Config.%s has no case", p)
	}
}

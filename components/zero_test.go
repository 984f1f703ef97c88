package components_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/components"
)

// zeroCases give each number of the Args 0: where 0 is not a value the
// rules accept, the error names the field, the value 0 and the range, as it
// would for any other value out of range; where it is (VLAN 0), it is used.
// Nil is what leaves a number to its default.
var zeroCases = []struct {
	field   string // the ArgError's field path
	set     func(*components.HybridConnectionArgs)
	problem string // "" where 0 is valid
}{
	{"ExpressConnect.VLANID", func(a *components.HybridConnectionArgs) { a.ExpressConnect.VLANID = new(0) }, ""},
	{"ExpressConnect.BandwidthMbps", func(a *components.HybridConnectionArgs) { a.ExpressConnect.BandwidthMbps = new(0) }, "bandwidth 0 Mbps is not offered for a VBR"},
	{"ExpressConnect.PeerASN", func(a *components.HybridConnectionArgs) { a.ExpressConnect.PeerASN = new(0) }, "AS 0 is out of range 1–4294967294"},
	{"ExpressConnect.LocalASN", func(a *components.HybridConnectionArgs) { a.ExpressConnect.LocalASN = new(0) }, "AS 0 is not accepted as the Alibaba Cloud side AS"},
	{"ExpressConnect.BFD.MinTxIntervalMs", func(a *components.HybridConnectionArgs) { a.ExpressConnect.BFD.MinTxIntervalMs = new(0) }, "0 ms is out of range 200–1000 ms"},
	{"ExpressConnect.BFD.MinRxIntervalMs", func(a *components.HybridConnectionArgs) { a.ExpressConnect.BFD.MinRxIntervalMs = new(0) }, "0 ms is out of range 200–1000 ms"},
	{"ExpressConnect.BFD.DetectMultiplier", func(a *components.HybridConnectionArgs) { a.ExpressConnect.BFD.DetectMultiplier = new(0) }, "0 is out of range 3–10"},
	{"VPN.BandwidthMbps", func(a *components.HybridConnectionArgs) { a.VPN.BandwidthMbps = new(0) }, "bandwidth 0 Mbps is not a VPN gateway tier"},
	{"VPN.IKE.LifetimeSecs", func(a *components.HybridConnectionArgs) { a.VPN.IKE.LifetimeSecs = new(0) }, "a lifetime of 0 s cannot be configured on the on-premises gateway"},
	{"VPN.IPsec.LifetimeSecs", func(a *components.HybridConnectionArgs) { a.VPN.IPsec.LifetimeSecs = new(0) }, "a lifetime of 0 s cannot be configured on the on-premises gateway"},
	{"VPN.HealthCheck.IntervalSecs", func(a *components.HybridConnectionArgs) { a.VPN.HealthCheck.IntervalSecs = new(0) }, "is less than 1"},
	{"VPN.HealthCheck.Retries", func(a *components.HybridConnectionArgs) { a.VPN.HealthCheck.Retries = new(0) }, "is less than 1"},
	{"Monitoring.LossRatePercent", func(a *components.HybridConnectionArgs) { a.Monitoring.LossRatePercent = new(0) }, "is out of range 1–100"},
	{"Monitoring.LatencyMs", func(a *components.HybridConnectionArgs) { a.Monitoring.LatencyMs = new(0) }, "is out of range 1–10000"},
	{"Monitoring.Times", func(a *components.HybridConnectionArgs) { a.Monitoring.Times = new(0) }, "is less than 1"},
	{"Monitoring.SilenceSecs", func(a *components.HybridConnectionArgs) { a.Monitoring.SilenceSecs = new(0) }, "silence time 0 s is out of range 300–86400 s"},
	// The second circuit's numbers are judged like the first's.
	{"SecondExpressConnect.VLANID", func(a *components.HybridConnectionArgs) { a.SecondExpressConnect.VLANID = new(0) }, ""},
	{"SecondExpressConnect.BandwidthMbps", func(a *components.HybridConnectionArgs) { a.SecondExpressConnect.BandwidthMbps = new(0) }, "bandwidth 0 Mbps is not offered for a VBR"},
	{"SecondExpressConnect.PeerASN", func(a *components.HybridConnectionArgs) { a.SecondExpressConnect.PeerASN = new(0) }, "AS 0 is out of range 1–4294967294"},
	{"SecondExpressConnect.LocalASN", func(a *components.HybridConnectionArgs) { a.SecondExpressConnect.LocalASN = new(0) }, "AS 0 is not accepted as the Alibaba Cloud side AS"},
	{"SecondExpressConnect.BFD.MinTxIntervalMs", func(a *components.HybridConnectionArgs) { a.SecondExpressConnect.BFD.MinTxIntervalMs = new(0) }, "0 ms is out of range 200–1000 ms"},
	{"SecondExpressConnect.BFD.MinRxIntervalMs", func(a *components.HybridConnectionArgs) { a.SecondExpressConnect.BFD.MinRxIntervalMs = new(0) }, "0 ms is out of range 200–1000 ms"},
	{"SecondExpressConnect.BFD.DetectMultiplier", func(a *components.HybridConnectionArgs) { a.SecondExpressConnect.BFD.DetectMultiplier = new(0) }, "0 is out of range 3–10"},
}

// required numbers have no default for a fix to offer.
var required = map[string]bool{"ExpressConnect.PeerASN": true, "SecondExpressConnect.PeerASN": true, "VPN.BandwidthMbps": true}

// zeroArgs is the reference plan with every optional part present, so that
// each number can be given.
func zeroArgs() *components.HybridConnectionArgs {
	a := referenceHCArgs()
	a.VPN.HealthCheck = &components.IPsecHealthCheckArgs{SourceIP: ip("10.0.1.10"), DestinationIP: ip("172.16.1.188")}
	m := referenceMonitoringArgs()
	m.CENID, m.VBRID = nil, nil
	a.Monitoring = m
	a.SecondExpressConnect = secondCircuit()
	return a
}

func TestZeroIsJudgedNotUnset(t *testing.T) {
	require.NoError(t, zeroArgs().Validate())
	for _, tc := range zeroCases {
		t.Run(tc.field, func(t *testing.T) {
			a := zeroArgs()
			tc.set(a)
			err := a.Validate()
			if tc.problem == "" {
				require.NoError(t, err, "0 is valid here and must be used")
				return
			}
			e := argError(t, err, tc.field)
			assert.Equal(t, "0", e.Value)
			assert.Contains(t, e.Problem, tc.problem)
			if !required[tc.field] {
				assert.Contains(t, e.Fix, "unset", "the fix says how to get the default")
			}
		})
	}
}

// The CEN hub's health-check numbers, which HybridConnection leaves to their
// defaults, judge 0 alike.
func TestHubZeroIsJudgedNotUnset(t *testing.T) {
	for field, set := range hubZeroCases {
		t.Run(field, func(t *testing.T) {
			a := referenceHubArgs()
			a.SecondVBRID, a.Region = pulumi.String("vbr-2"), "cn-hangzhou"
			a.SecondVBRHealthCheck = &components.VBRHealthCheckArgs{Region: "cn-hangzhou", TargetIP: ip("10.1.0.6")}
			set(a)
			e := argError(t, a.Validate(), field)
			assert.Equal(t, "0", e.Value)
			assert.Contains(t, e.Problem, "is out of range")
		})
	}
}

var hubZeroCases = map[string]func(*components.CENHubArgs){
	"VBRHealthCheck.IntervalSecs":           func(a *components.CENHubArgs) { a.VBRHealthCheck.IntervalSecs = new(0) },
	"VBRHealthCheck.HealthyThreshold":       func(a *components.CENHubArgs) { a.VBRHealthCheck.HealthyThreshold = new(0) },
	"SecondVBRHealthCheck.IntervalSecs":     func(a *components.CENHubArgs) { a.SecondVBRHealthCheck.IntervalSecs = new(0) },
	"SecondVBRHealthCheck.HealthyThreshold": func(a *components.CENHubArgs) { a.SecondVBRHealthCheck.HealthyThreshold = new(0) },
}

// Every number of every Args is a *int and has a case above, so that a
// number added later cannot be read as unset when it is 0.
func TestEveryArgsNumberIsAPointerWithAZeroCase(t *testing.T) {
	covered := map[string]bool{}
	for field := range hubZeroCases {
		covered[field] = true
	}
	for _, tc := range zeroCases {
		covered[tc.field] = true
	}
	var numbers []string
	for _, args := range []reflect.Type{reflect.TypeFor[components.HybridConnectionArgs](), reflect.TypeFor[components.CENHubArgs]()} {
		numbers = append(numbers, numberFields(t, args, "")...)
	}
	require.NotEmpty(t, numbers)
	for _, path := range numbers {
		assert.True(t, covered[path], "%s has no zero case", path)
	}
}

// numberFields lists the paths of the whole-number fields under t, failing
// on any that is not a *int.
func numberFields(t *testing.T, typ reflect.Type, prefix string) []string {
	var out []string
	for i := range typ.NumField() {
		f := typ.Field(i)
		if !f.IsExported() {
			continue
		}
		path := strings.TrimPrefix(prefix+"."+f.Name, ".")
		ft := f.Type
		switch {
		case ft.Kind() == reflect.Int:
			t.Errorf("%s is an int: make it a *int, so that 0 is not read as unset", path)
		case ft == reflect.TypeFor[*int]():
			out = append(out, path)
		case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct:
			out = append(out, numberFields(t, ft.Elem(), path)...)
		case ft.Kind() == reflect.Struct && !ft.Implements(reflect.TypeFor[pulumi.Input]()):
			out = append(out, numberFields(t, ft, path)...)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			out = append(out, numberFields(t, ft.Elem(), path+"[0]")...)
		}
	}
	return out
}

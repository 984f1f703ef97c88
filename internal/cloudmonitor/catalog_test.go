package cloudmonitor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLookupMetricSaysWhatIsUnknown(t *testing.T) {
	m, err := LookupMetric("acs_cen", "VBRHealthyCheckLossRate")
	require.NoError(t, err)
	assert.True(t, m.Is(CENVBRLossRate))
	_, err = LookupMetric("acs_vpc", "VBRHealthyCheckLossRate")
	assert.EqualError(t, err, `namespace "acs_vpc" is unknown; known: acs_cen, acs_physical_connection`)
	_, err = LookupMetric("acs_cen", "VbrHealthyCheckLossRate")
	assert.EqualError(t, err, `metric "VbrHealthyCheckLossRate" is unknown in namespace acs_cen; known: VBRHealthyCheckLossRate, VBRHealthyCheckLatency`)
	for _, m := range Metrics {
		assert.NotEmpty(t, m.Doc, "%s cites its page", m.Name)
	}
	for _, e := range Events {
		assert.NotEmpty(t, e.Doc, "%s cites its page", e.Name)
	}
}

func TestDimensionsRoundTrip(t *testing.T) {
	s := Dimensions(map[string]string{"cenId": "cen-1", "vbrInstanceId": "vbr-1"})
	assert.Equal(t, `[{"cenId":"cen-1","vbrInstanceId":"vbr-1"}]`, s)
	dims, err := ParseDimensions(CENVBRLossRate, s)
	require.NoError(t, err)
	assert.Equal(t, "vbr-1", dims[0]["vbrInstanceId"])
	_, err = ParseDimensions(CENVBRLossRate, `[{"cenId":"cen-1"}]`)
	assert.EqualError(t, err, `dimension "vbrInstanceId" of VBRHealthyCheckLossRate is missing`)
	_, err = ParseDimensions(CENVBRLossRate, `{"cenId":"cen-1"}`)
	assert.ErrorContains(t, err, "are not a JSON list of objects of strings")
	_, err = ParseDimensions(CENVBRLossRate, `[{"userId":"1","cenId":"c","vbrInstanceId":"v"}]`)
	assert.NoError(t, err, "userId is every metric's")
}

func TestCompare(t *testing.T) {
	for _, tc := range []struct {
		op   string
		v    float64
		want bool
	}{{">", 10, false}, {">=", 10, true}, {"<", 9, true}, {"<=", 11, false}, {"==", 10, true}, {"!=", 10, false}, {"GreaterThanYesterday", 99, false}} {
		got, err := Compare(tc.op, tc.v, "10")
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, "%g %s 10", tc.v, tc.op)
	}
	_, err := Compare("=>", 1, "10")
	assert.ErrorContains(t, err, `comparison operator "=>" is not one of`)
	_, err = Compare(">", 1, "ten")
	assert.EqualError(t, err, `threshold "ten" is not a number`)
}

func TestCheckEvent(t *testing.T) {
	assert.NoError(t, CheckEvent("VPN", "IpsecPhase1NegoFailed"))
	assert.EqualError(t, CheckEvent("VPN", "TunnelDown"), `event "TunnelDown" is not a VPN system event; known: IpsecHealthCheckFailed, IpsecHealthCheckSuccess, IpsecPhase1NegoFailed, IpsecPhase1NegoSuccess, IpsecPhase2NegoFailed, IpsecPhase2NegoSuccess`)
	assert.ErrorContains(t, CheckEvent("ECS", "Instance:StateChange"), `product "ECS" has no system event hybridlink knows`)
	assert.NoError(t, CheckSilence(300))
	assert.Error(t, CheckSilence(86401))
}

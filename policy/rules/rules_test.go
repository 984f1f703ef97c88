package rules

import (
	"net/netip"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hybridlink/hybridlink/internal/circuits"
	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/routemodel"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ruleCase is a change to the design stack, or to the two-circuit stack in
// a mode, and the violations it must produce (none for a case that shows
// what stays compliant).
type ruleCase struct {
	name string
	// circuits is the mode of the two-circuit stack the case changes; ""
	// for the one-circuit design stack.
	circuits circuits.Mode
	change   func(f *fixture, cfg *Config)
	want     []expect
}

// start is the stack and config the case changes.
func (c ruleCase) start(m mode) (*fixture, Config) {
	if c.circuits == "" {
		return designStack(m), designConfig()
	}
	return dualStack(m, c.circuits), dualConfig(c.circuits)
}

// ruleCases holds each rule's cases; every rule file's test adds its own.
var ruleCases = map[string][]ruleCase{}

func addCases(rule string, cases ...ruleCase) bool {
	ruleCases[rule] = append(ruleCases[rule], cases...)
	return true
}

var allModes = []mode{preview, updated, idsOnly}

func TestDesignStackComplies(t *testing.T) {
	for _, cm := range append([]circuits.Mode{""}, circuits.Modes...) {
		for _, m := range allModes {
			c := ruleCase{circuits: cm}
			t.Run(string(cm)+"/"+m.String(), func(t *testing.T) {
				f, cfg := c.start(m)
				requireViolations(t, f, Check(f.resources(m), cfg))
			})
		}
	}
}

// TestRules runs every rule's cases on the design stack in every mode, so
// each violation is also caught at a first preview, with IDs unknown.
func TestRules(t *testing.T) {
	for _, rule := range All() {
		t.Run(rule.Name, func(t *testing.T) {
			failing := 0
			for _, c := range ruleCases[rule.Name] {
				if len(c.want) > 0 {
					failing++
				}
				for _, m := range allModes {
					t.Run(c.name+"/"+m.String(), func(t *testing.T) {
						f, cfg := c.start(m)
						c.change(f, &cfg)
						requireViolations(t, f, Check(f.resources(m), cfg), c.want...)
					})
				}
			}
			assert.NotZero(t, failing, "rule %s has no failing fixture", rule.Name)
		})
	}
}

// fixtureSecrets are the secret values the fixtures use; no message may
// contain one.
var fixtureSecrets = regexp.MustCompile(`psk-|bgp-md5-key|plain-`)

func TestMessagesNeverContainSecrets(t *testing.T) {
	for _, rule := range All() {
		for _, c := range ruleCases[rule.Name] {
			f, cfg := c.start(updated)
			c.change(f, &cfg)
			for _, v := range Check(f.res, cfg) {
				assert.False(t, fixtureSecrets.MatchString(v.Message), "%s/%s: %s", rule.Name, c.name, v.Message)
			}
		}
	}
}

// TestUnknownEverywhere gives every property of every resource an unknown
// value, then makes every container unknown: no rule may fail or report.
func TestUnknownEverywhere(t *testing.T) {
	for _, cm := range []circuits.Mode{"", circuits.ActiveStandby} {
		for _, whole := range []bool{false, true} {
			f, cfg := ruleCase{circuits: cm}.start(preview)
			for i := range f.res {
				for k, v := range f.res[i].Props {
					f.res[i].Props[k] = unknownLeaves(v, whole)
				}
			}
			assert.Empty(t, Check(f.res, cfg), "circuits=%q whole=%v", cm, whole)
		}
	}
}

// unknownLeaves replaces v, or every leaf of v, with an unknown value.
func unknownLeaves(v resource.PropertyValue, whole bool) resource.PropertyValue {
	switch {
	case whole:
		return unknown
	case v.IsSecret():
		return resource.MakeSecret(unknownLeaves(v.SecretValue().Element, whole))
	case v.IsArray():
		arr := make([]resource.PropertyValue, len(v.ArrayValue()))
		for i, e := range v.ArrayValue() {
			arr[i] = unknownLeaves(e, whole)
		}
		return resource.NewProperty(arr)
	case v.IsObject():
		obj := resource.PropertyMap{}
		for k, e := range v.ObjectValue() {
			obj[k] = unknownLeaves(e, whole)
		}
		return resource.NewProperty(obj)
	}
	return unknown
}

func TestLevelsFollowConfig(t *testing.T) {
	f := designStack(updated)
	f.set("dev-hc-ec-bgp-peer", "enableBfd", false)
	for _, c := range []struct {
		level, want apitype.EnforcementLevel
	}{
		{"", apitype.Advisory},
		{apitype.Mandatory, apitype.Mandatory},
		{apitype.Remediate, apitype.Mandatory},
		{apitype.Disabled, ""},
	} {
		cfg := designConfig()
		cfg.Policies = map[string]PolicyConfig{"bgp-bfd-enabled": {Level: c.level}}
		got := Check(f.res, cfg)
		if c.want == "" {
			assert.Empty(t, got, "level %q", c.level)
			continue
		}
		requireViolations(t, f, got, expect{"bgp-bfd-enabled", c.want, "dev-hc-ec-bgp-peer", []string{"BFD"}})
	}
}

func TestCheckResourceAndStackSplit(t *testing.T) {
	f := designStack(updated)
	f.set("dev-hc-ec-bgp-peer", "enableBfd", false)              // a resource rule
	f.set("dev-hc-vpn-route-172-16-0-0-16", "publishVpc", false) // a stack rule
	var perResource []Violation
	for _, r := range f.res {
		perResource = append(perResource, CheckResource(r, designConfig())...)
	}
	requireViolations(t, f, perResource, expect{"bgp-bfd-enabled", apitype.Advisory, "dev-hc-ec-bgp-peer", nil})
	requireViolations(t, f, CheckStack(inventory.NewStack(f.res), designConfig()),
		expect{"standby-path-complete", apitype.Mandatory, "dev-hc-vpn-route-172-16-0-0-16", []string{"publishVpc false"}},
		expect{"failover-symmetric", apitype.Mandatory, "dev-vpc1", []string{"circuit down", "publishVpc is off"}})
}

func TestParseStackConfig(t *testing.T) {
	cfg, err := ParseStackConfig(map[string]string{IDCPrefixesKey: `["172.16.0.0/16","10.20.0.0/14"]`, "aws:region": "x"})
	require.NoError(t, err)
	assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("172.16.0.0/16"), netip.MustParsePrefix("10.20.0.0/14")}, cfg.IDCPrefixes)

	cfg, err = ParseStackConfig(nil)
	require.NoError(t, err)
	assert.Empty(t, cfg.IDCPrefixes)

	_, err = ParseStackConfig(map[string]string{IDCPrefixesKey: `172.16.0.0/16`})
	assert.EqualError(t, err, `hybridlink:idcPrefixes: "172.16.0.0/16" is not a JSON array of CIDR blocks such as ["172.16.0.0/16"]`)
	_, err = ParseStackConfig(map[string]string{IDCPrefixesKey: `["172.16.1.0/16"]`})
	assert.EqualError(t, err, `hybridlink:idcPrefixes[0]: "172.16.1.0/16" has host bits set; the network is 172.16.0.0/16`)

	// The on-premises preferences take their defaults when unset.
	cfg, err = ParseStackConfig(map[string]string{OnPremKey: `{"staticRoutePreference": 10}`})
	require.NoError(t, err)
	assert.Equal(t, 10, cfg.OnPrem.StaticPreference)
	assert.Equal(t, 20, cfg.OnPrem.BGPPreference)
	_, err = ParseStackConfig(map[string]string{OnPremKey: `[1]`})
	assert.ErrorContains(t, err, "hybridlink:onPrem")

	// Two circuits: the gateway's session to each VBR at the local
	// preference the render gives it in the mode; one circuit (a map) adds
	// no session.
	twoCircuits := `[{"localGatewayIp": "10.1.0.9"}, {"localGatewayIp": "10.1.0.13"}]`
	a, b := netip.MustParseAddr("10.1.0.9"), netip.MustParseAddr("10.1.0.13")
	cfg, err = ParseStackConfig(map[string]string{ExpressConnectKey: twoCircuits})
	require.NoError(t, err)
	assert.Equal(t, []routemodel.Session{{VBRIP: a, LocalPreference: 200}, {VBRIP: b, LocalPreference: 100}}, cfg.OnPrem.Sessions)
	assert.False(t, cfg.OnPrem.ECMP)
	cfg, err = ParseStackConfig(map[string]string{ExpressConnectKey: twoCircuits, CircuitModeKey: "ecmp", OnPremKey: `{"bgpPreference": 30}`})
	require.NoError(t, err)
	assert.Equal(t, []routemodel.Session{{VBRIP: a, LocalPreference: 100}, {VBRIP: b, LocalPreference: 100}}, cfg.OnPrem.Sessions)
	assert.True(t, cfg.OnPrem.ECMP)
	assert.Equal(t, 30, cfg.OnPrem.BGPPreference, "the sessions keep hybridlink:onPrem")
	cfg, err = ParseStackConfig(map[string]string{ExpressConnectKey: `{"localGatewayIp": "10.1.0.1"}`})
	require.NoError(t, err)
	assert.Empty(t, cfg.OnPrem.Sessions)
	_, err = ParseStackConfig(map[string]string{ExpressConnectKey: twoCircuits, CircuitModeKey: "load-shared"})
	assert.EqualError(t, err, `hybridlink:circuitMode: mode "load-shared" is not one of active-standby, ecmp`)
	_, err = ParseStackConfig(map[string]string{ExpressConnectKey: `[{"localGatewayIp": "10.1.0"}]`})
	assert.EqualError(t, err, `hybridlink:expressConnect[0].localGatewayIp: "10.1.0" is not an IPv4 address: give the circuit's cloud-side peering IP, e.g. 10.1.0.1`)
}

// TestRegistry checks the metadata every rule must carry, and that the
// README documents each rule with its level and severity.
func TestRegistry(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	name := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	seen := map[string]bool{}
	for _, r := range All() {
		assert.Regexp(t, name, r.Name)
		assert.False(t, seen[r.Name], "duplicate %s", r.Name)
		seen[r.Name] = true
		assert.NotEmpty(t, r.Description, r.Name)
		assert.NotEmpty(t, r.Remediation, r.Name)
		assert.Contains(t, []apitype.EnforcementLevel{apitype.Advisory, apitype.Mandatory}, r.Level, r.Name)
		assert.Contains(t, []apitype.PolicySeverity{apitype.PolicySeverityLow, apitype.PolicySeverityMedium,
			apitype.PolicySeverityHigh, apitype.PolicySeverityCritical}, r.Severity, r.Name)
		assert.Equal(t, r.IsStack(), r.resourceCheck == nil, r.Name)
		assert.Equal(t, r.IsStack(), len(r.Types) == 0, r.Name)

		entry := readmeEntry(string(readme), r.Name)
		if assert.NotEmpty(t, entry, "README.md has no entry for %s", r.Name) {
			assert.Contains(t, entry, "| Default level | "+string(r.Level)+" |", r.Name)
			assert.Contains(t, entry, "| Severity | "+string(r.Severity)+" |", r.Name)
			scope := "resource"
			if r.IsStack() {
				scope = "stack"
			}
			assert.Contains(t, entry, "| Scope | "+scope+" |", r.Name)
		}
	}
}

// readmeEntry is the README section "### `name`" up to the next heading.
func readmeEntry(readme, name string) string {
	_, after, ok := strings.Cut(readme, "### `"+name+"`\n")
	if !ok {
		return ""
	}
	if i := strings.Index(after, "\n#"); i >= 0 {
		after = after[:i]
	}
	return after
}

package rules

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"

	"github.com/hybridlink/hybridlink/internal/cidr"
	"github.com/hybridlink/hybridlink/internal/circuits"
	"github.com/hybridlink/hybridlink/internal/onprem"
	"github.com/hybridlink/hybridlink/internal/routemodel"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// Stack config keys the rules read: the on-premises prefixes, a JSON array
// of CIDR blocks such as ["172.16.0.0/16"], and the on-premises gateway's
// settings, a JSON object (onprem.Config).
const (
	IDCPrefixesKey = "hybridlink:idcPrefixes"
	OnPremKey      = "hybridlink:onPrem"
	// ExpressConnectKey is the circuit (a map) or the two circuits (a list),
	// whose cloud-side peering IPs name the gateway's BGP sessions, and
	// CircuitModeKey how two share the traffic.
	ExpressConnectKey = "hybridlink:expressConnect"
	CircuitModeKey    = "hybridlink:circuitMode"
)

// Config is what the rules read besides resources.
type Config struct {
	// IDCPrefixes are the on-premises prefixes (stack config IDCPrefixesKey).
	IDCPrefixes []netip.Prefix
	// OnPrem are the on-premises gateway's route preferences (OnPremKey);
	// zero values are the defaults.
	OnPrem routemodel.OnPrem
	// Policies configures rules by name, as a policy pack config file does.
	Policies map[string]PolicyConfig
}

// PolicyConfig configures one rule.
type PolicyConfig struct {
	// Level overrides the rule's default enforcement level when set.
	Level apitype.EnforcementLevel
	// Properties are the rule's config properties (Rule.ConfigSchema).
	Properties map[string]any
}

// ParseStackConfig reads the keys the rules use from stack config as the
// engine sends it: "namespace:key" → value, JSON for arrays. A missing key is
// not an error: `pulumi policy analyze` sends no stack config.
func ParseStackConfig(config map[string]string) (Config, error) {
	var cfg Config
	if raw, ok := config[IDCPrefixesKey]; ok {
		var blocks []string
		if err := json.Unmarshal([]byte(raw), &blocks); err != nil {
			return Config{}, fmt.Errorf(`%s: %q is not a JSON array of CIDR blocks such as ["172.16.0.0/16"]`, IDCPrefixesKey, raw)
		}
		for i, b := range blocks {
			p, err := cidr.Parse(b)
			if err != nil {
				return Config{}, fmt.Errorf("%s[%d]: %w", IDCPrefixesKey, i, err)
			}
			cfg.IDCPrefixes = append(cfg.IDCPrefixes, p)
		}
	}
	if raw, ok := config[OnPremKey]; ok {
		var on onprem.Config
		if err := json.Unmarshal([]byte(raw), &on); err != nil {
			return Config{}, fmt.Errorf("%s: %q is not a JSON object such as {\"staticRoutePreference\": 255}", OnPremKey, raw)
		}
		cfg.OnPrem = routemodel.OnPremOf(on, nil)
	}
	if raw, ok := config[ExpressConnectKey]; ok && strings.HasPrefix(strings.TrimSpace(raw), "[") {
		var list []struct {
			LocalGatewayIP string `json:"localGatewayIp"`
		}
		if err := json.Unmarshal([]byte(raw), &list); err != nil {
			return Config{}, fmt.Errorf("%s: not a list of circuits: %w", ExpressConnectKey, err)
		}
		mode := circuits.Mode(config[CircuitModeKey])
		if mode != "" {
			if err := mode.Check(); err != nil {
				return Config{}, fmt.Errorf("%s: %w", CircuitModeKey, err)
			}
		}
		ips := make([]netip.Addr, len(list))
		for i, c := range list {
			ip, err := netip.ParseAddr(c.LocalGatewayIP)
			if err != nil {
				return Config{}, fmt.Errorf("%s[%d].localGatewayIp: %q is not an IPv4 address: give the circuit's cloud-side peering IP, e.g. 10.1.0.1", ExpressConnectKey, i, c.LocalGatewayIP)
			}
			ips[i] = ip
		}
		cfg.OnPrem = cfg.OnPrem.WithCircuits(mode, ips...)
	}
	return cfg, nil
}

// Level is the rule's effective enforcement level. The rules only report, so
// "remediate" acts as "mandatory", as the engine does for stack policies.
func (c Config) Level(r *Rule) apitype.EnforcementLevel {
	level := r.Level
	if l := c.Policies[r.Name].Level; l != "" {
		level = l
	}
	if level == apitype.Remediate {
		return apitype.Mandatory
	}
	return level
}

// stringList reads a list-of-strings config property, which arrives as []any
// from JSON and the engine, or as []string from Go callers; def when unset.
func stringList(props map[string]any, key string, def []string) []string {
	switch v := props[key].(type) {
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return def
}

// Package stacks loads an environment's configuration from its stack file
// (stacks/Pulumi.<stack>.yaml), validates all of it before anything is
// registered, and runs the program that deploys it.
package stacks

import (
	"bytes"
	"encoding/json"
	"reflect"

	"github.com/hybridlink/hybridlink/internal/onprem"
)

// Config is one environment's configuration. Each top-level field is one
// config key (its `key` tag; `required` when a stack must set it — the
// README's configuration reference and Pulumi.yaml say the same); nested
// fields are named by their `json` tags,
// so "ExpressConnect.VLANID" is hybridlink:expressConnect.vlanId. Field
// names mirror components.HybridConnectionArgs, which is how a validation
// problem found there is reported against the config key it came from.
type Config struct {
	Region         string            `key:"alicloud:region" required:"true"`
	WorkloadVPCs   []VPCConfig       `key:"hybridlink:workloadVpcs" required:"true"`
	TransitVPC     VPCConfig         `key:"hybridlink:transitVpc" required:"true"`
	IDCPrefixes    []string          `key:"hybridlink:idcPrefixes" required:"true"`
	ExpressConnect Circuits          `key:"hybridlink:expressConnect" required:"true"`
	CircuitMode    string            `key:"hybridlink:circuitMode"`
	VPN            VPNConfig         `key:"hybridlink:vpn" required:"true"`
	CENID          string            `key:"hybridlink:cenId"`
	VBRHealthCheck bool              `key:"hybridlink:vbrHealthCheck"`
	Protect        bool              `key:"hybridlink:protect"`
	Tags           map[string]string `key:"hybridlink:tags"`
	OnPrem         onprem.Config     `key:"hybridlink:onPrem"`
	Monitoring     AlarmsConfig      `key:"hybridlink:alarms"`

	// Secrets: set with `pulumi config set --secret`.
	VPNPSK     Secret `key:"hybridlink:vpnPsk"`
	BGPAuthKey Secret `key:"hybridlink:bgpAuthKey"`
	// AlarmWebhook is called by the alarms too; a webhook URL usually
	// carries a token, so it is a secret.
	AlarmWebhook Secret `key:"hybridlink:alarmWebhook"`
}

// AlarmsConfig pages the people on call when a link fails
// (components.StandbyMonitoringArgs); thresholds left out take its
// defaults. Nothing is created unless Enabled.
type AlarmsConfig struct {
	Enabled         bool               `json:"enabled"`
	ContactGroup    ContactGroupConfig `json:"contactGroup"`
	LossRatePercent *int               `json:"lossRatePercent,omitempty"`
	LatencyMs       *int               `json:"latencyMs,omitempty"`
	Times           *int               `json:"times,omitempty"`
	SilenceSecs     *int               `json:"silenceSecs,omitempty"`
}

// ContactGroupConfig is the contact group hybridlink creates: its name and
// the existing CloudMonitor alarm contacts in it.
type ContactGroupConfig struct {
	Name     string   `json:"name"`
	Contacts []string `json:"contacts"`
}

// VPCConfig is a VPC to create (no id) or an existing one (id, routeTableId
// and every vSwitch's id).
type VPCConfig struct {
	Name         string          `json:"name"`
	VPCID        string          `json:"id,omitempty"`
	CIDR         string          `json:"cidr"`
	RouteTableID string          `json:"routeTableId,omitempty"`
	VSwitches    []VSwitchConfig `json:"vSwitches"`
}

// VSwitchConfig is one vSwitch of a VPC.
type VSwitchConfig struct {
	VSwitchID string `json:"id,omitempty"`
	ZoneID    string `json:"zoneId"`
	CIDR      string `json:"cidr"`
}

// Circuits are hybridlink:expressConnect: one circuit, written as a map (the
// form every stack had before a second circuit), or a list of two, circuit
// A first. Items holds them either way.
type Circuits struct {
	// List: the stack wrote the list form.
	List  bool
	Items []ExpressConnectConfig
}

// UnmarshalJSON reads either form, refusing unknown fields as the rest of
// the configuration does.
func (c *Circuits) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	strict := func(v any) error {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		return dec.Decode(v)
	}
	if len(b) > 0 && b[0] == '[' {
		c.List = true
		return strict(&c.Items)
	}
	// What decodes is kept on an error, as encoding/json does for a type
	// error, so that only the value at fault is reported.
	var one ExpressConnectConfig
	err := strict(&one)
	c.List, c.Items = false, []ExpressConnectConfig{one}
	return err
}

// MarshalJSON writes the form the stack used.
func (c Circuits) MarshalJSON() ([]byte, error) {
	if !c.List && len(c.Items) == 1 {
		return json.Marshal(c.Items[0])
	}
	return json.Marshal(c.Items)
}

// first is circuit A (zero when none decoded).
func (c Circuits) first() ExpressConnectConfig {
	if len(c.Items) == 0 {
		return ExpressConnectConfig{}
	}
	return c.Items[0]
}

// jsonShape is the type a decoded value of the key must fit: a circuit or
// a list of them.
func (Circuits) jsonShape(v any) reflect.Type {
	if _, list := v.([]any); list {
		return reflect.TypeFor[[]ExpressConnectConfig]()
	}
	return reflect.TypeFor[ExpressConnectConfig]()
}

// ExpressConnectConfig is one circuit. Every number is a pointer, as in
// the components' Args: a key left out is unset, and a value written, 0
// included, is the value the rules judge.
type ExpressConnectConfig struct {
	PhysicalConnectionID string `json:"physicalConnectionId"`
	VLANID               *int   `json:"vlanId"` // required; 0 is a valid VLAN
	LocalGatewayIP       string `json:"localGatewayIp"`
	PeerGatewayIP        string `json:"peerGatewayIp"`
	PeeringSubnetMask    string `json:"peeringSubnetMask,omitempty"`
	BandwidthMbps        *int   `json:"bandwidthMbps,omitempty"`
	PeerASN              *int   `json:"peerAsn"`
	LocalASN             *int   `json:"localAsn,omitempty"`
	EnableBFD            bool   `json:"enableBfd"`
	// BFD are the VBR's BFD timers (with enableBfd); fields left out take
	// 1000 ms and 3 (components.BFDTimers.WithDefaults).
	BFD *BFDConfig `json:"bfd,omitempty"`
}

// BFDConfig are BFD's timers on the circuit.
type BFDConfig struct {
	MinTxIntervalMs  *int `json:"minTxIntervalMs,omitempty"`
	MinRxIntervalMs  *int `json:"minRxIntervalMs,omitempty"`
	DetectMultiplier *int `json:"detectMultiplier,omitempty"`
}

// VPNConfig is the standby path.
type VPNConfig struct {
	BandwidthMbps     *int               `json:"bandwidthMbps"`
	CustomerGatewayIP string             `json:"customerGatewayIp"`
	DualTunnel        bool               `json:"dualTunnel"`
	IKE               IKEConfig          `json:"ike"`
	IPsec             IPsecConfig        `json:"ipsec"`
	HealthCheck       *HealthCheckConfig `json:"healthCheck,omitempty"`
}

// IKEConfig is phase 1 of the IPsec connection; fields left out take
// hybridlink's defaults (components.IKESettings.WithDefaults).
type IKEConfig struct {
	Version      string `json:"version,omitempty"`
	EncAlg       string `json:"encAlg,omitempty"`
	AuthAlg      string `json:"authAlg,omitempty"`
	PFS          string `json:"pfs,omitempty"`
	LifetimeSecs *int   `json:"lifetimeSecs,omitempty"`
}

// IPsecConfig is phase 2; fields left out take hybridlink's defaults
// (components.IPsecSettings.WithDefaults).
type IPsecConfig struct {
	EncAlg       string `json:"encAlg,omitempty"`
	AuthAlg      string `json:"authAlg,omitempty"`
	PFS          string `json:"pfs,omitempty"`
	LifetimeSecs *int   `json:"lifetimeSecs,omitempty"`
}

// HealthCheckConfig probes the IDC through the tunnel.
type HealthCheckConfig struct {
	SourceIP      string `json:"sourceIp"`
	DestinationIP string `json:"destinationIp"`
	IntervalSecs  *int   `json:"intervalSecs,omitempty"`
	Retries       *int   `json:"retries,omitempty"`
}

// Secret is a secret config value. Its plaintext never appears in errors,
// and it prints and marshals as "[secret]".
type Secret struct {
	// Value is the plaintext; empty when unset or when the source could not
	// decrypt it (Opaque).
	Value string
	// Set reports whether the key is present; Encrypted whether it was
	// stored as a secret; Opaque that it is present but unreadable here.
	Set, Encrypted, Opaque bool
}

// String, GoString and MarshalJSON keep the plaintext out of logs and dumps
// of a Config (%v, %+v, %#v, JSON).
func (s Secret) String() string { return "[secret]" }

func (s Secret) GoString() string { return "[secret]" }

func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"[secret]"`), nil }

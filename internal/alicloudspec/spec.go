// Package alicloudspec holds what the real Alibaba Cloud provider declares
// for the resources and functions hybridlink uses, generated from the
// provider's source by shim/providergen (`go generate ./shim/...`) and
// committed: the rules (rules.json) that terraform-provider-alicloud
// v1.285.0 — the provider pulumi-alicloud v3.105.0 bridges — applies to each
// property under its Pulumi name, and the package schema of the SDK subset
// (schema.json, a copy of shim/pulumi-alicloud/schema.json) that a provider
// serves on GetSchema. The local cloud reads both; nothing here is written
// by hand.
package alicloudspec

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Module and Version name the provider source the rules come from.
const (
	Module  = "github.com/aliyun/terraform-provider-alicloud"
	Version = "v1.285.0"
)

//go:embed rules.json
var rulesJSON []byte

// Schema is the package schema of the SDK subset.
//
//go:embed schema.json
var Schema []byte

// Spec is the content of rules.json.
type Spec struct {
	// Module and Version: the provider source read.
	Module  string `json:"module"`
	Version string `json:"version"`
	// Resources and Functions are keyed by Pulumi token.
	Resources map[string]*Resource `json:"resources"`
	Functions map[string]*Resource `json:"functions"`
}

// Resource is one resource or data source of the provider.
type Resource struct {
	Terraform string `json:"terraform"` // alicloud_vpn_gateway
	File      string `json:"file"`      // its source file, relative to the module
	// Updatable: the provider has an Update; without one every input is
	// ForceNew or the resource cannot change.
	Updatable  bool                 `json:"updatable,omitempty"`
	Properties map[string]*Property `json:"properties"`
}

// Property is one attribute, under its Pulumi name.
type Property struct {
	Terraform string `json:"terraform"`
	Line      int    `json:"line"`
	// Type is string, int, float, bool, list, set or map.
	Type string `json:"type"`
	// Object: a block of at most one item, which is an object in Pulumi.
	Object     bool   `json:"object,omitempty"`
	Required   bool   `json:"required,omitempty"`
	Optional   bool   `json:"optional,omitempty"`
	Computed   bool   `json:"computed,omitempty"`
	ForceNew   bool   `json:"forceNew,omitempty"`
	Sensitive  bool   `json:"sensitive,omitempty"`
	Deprecated string `json:"deprecated,omitempty"`
	Default    any    `json:"default,omitempty"`
	MinItems   int    `json:"minItems,omitempty"`
	MaxItems   int    `json:"maxItems,omitempty"`
	// The conflict rules, as Pulumi property paths of the same resource
	// (a nested one: "zoneMappings[0].zoneId").
	ConflictsWith []string `json:"conflictsWith,omitempty"`
	ExactlyOneOf  []string `json:"exactlyOneOf,omitempty"`
	AtLeastOneOf  []string `json:"atLeastOneOf,omitempty"`
	RequiredWith  []string `json:"requiredWith,omitempty"`
	// DiffSuppress is the function that hides some of its changes.
	DiffSuppress *Func     `json:"diffSuppress,omitempty"`
	Validate     *Validate `json:"validate,omitempty"`
	// Elem is the element of a list, set or map of values; Properties the
	// fields of a block (a list or set of objects).
	Elem       *Property            `json:"elem,omitempty"`
	Properties map[string]*Property `json:"properties,omitempty"`
	// SentAtUpdate: the Update reads the property (and so sends it);
	// ReadBack: the Read sets it from the API. An input that is neither
	// ForceNew nor sent but read back is accepted as an update that
	// changes nothing in the cloud.
	SentAtUpdate bool `json:"sentAtUpdate,omitempty"`
	ReadBack     bool `json:"readBack,omitempty"`
	// AutoName: the bridge fills in the property when the program leaves
	// it unset, with the resource's name and a random suffix, which makes
	// a required one optional (pulumi-alicloud auto-names every input
	// string called "name", as SetAutonaming does).
	AutoName bool `json:"autoName,omitempty"`
	// InSubset: the SDK subset (shim/pulumi-alicloud/schema.json) has the
	// property; a program built on it cannot set one it lacks.
	InSubset bool `json:"inSubset,omitempty"`
}

// Func is a function of the provider's source that the extract cannot
// express: a diff suppressor or a custom validator.
type Func struct {
	Name string `json:"name"` // "" for a function literal
	File string `json:"file"`
	Line int    `json:"line"`
}

// Validate is a property's ValidateFunc in one of the common helper forms,
// or Custom. Pkg is the package the helper is from — "alicloud" (the
// provider's own validators.go) or "validation" (terraform-plugin-sdk) —
// whose error message it gives.
type Validate struct {
	Form       string      `json:"form"`
	Pkg        string      `json:"pkg,omitempty"`
	Strings    []string    `json:"strings,omitempty"`
	Ints       []int       `json:"ints,omitempty"`
	IgnoreCase bool        `json:"ignoreCase,omitempty"`
	Min        *int        `json:"min,omitempty"`
	Max        *int        `json:"max,omitempty"`
	Pattern    string      `json:"pattern,omitempty"`
	Message    string      `json:"message,omitempty"`
	Of         []*Validate `json:"of,omitempty"`
	Custom     *Func       `json:"custom,omitempty"`
}

// The validator forms.
const (
	StringInSlice    = "stringInSlice"
	IntInSlice       = "intInSlice"
	IntBetween       = "intBetween"
	IntAtLeast       = "intAtLeast"
	IntAtMost        = "intAtMost"
	StringLenBetween = "stringLenBetween"
	StringMatch      = "stringMatch"
	CIDRNetwork      = "cidrNetwork" // a CIDR block written as its network address
	IsIPAddress      = "isIPAddress"
	ValidRegExp      = "validRegExp"
	Any              = "any" // valid when any of Of is
	Custom           = "custom"
)

// Load parses rules.json.
func Load() (*Spec, error) {
	var s Spec
	if err := json.Unmarshal(rulesJSON, &s); err != nil {
		return nil, fmt.Errorf("alicloudspec: rules.json: %w", err)
	}
	return &s, nil
}

// MustLoad is Load for package initialization: rules.json is generated and
// tested, so a failure is a build defect.
func MustLoad() *Spec {
	s, err := Load()
	if err != nil {
		panic(err)
	}
	return s
}

// Input reports whether the property is an input (it can be set).
func (p *Property) Input() bool { return p.Required || p.Optional }

// Walk calls fn for every property of the resource, nested ones included,
// with its path: "ikeConfig.psk", "zoneMappings[*].zoneId".
func (r *Resource) Walk(fn func(path string, p *Property)) {
	walk("", r.Properties, fn)
}

func walk(prefix string, props map[string]*Property, fn func(string, *Property)) {
	for _, name := range slices.Sorted(maps.Keys(props)) {
		p := props[name]
		path := prefix + name
		fn(path, p)
		if p.Properties != nil {
			sep := "[*]."
			if p.Object {
				sep = "."
			}
			walk(path+sep, p.Properties, fn)
		}
	}
}

// TerraformKey is the Terraform key of a property path, as the provider's
// messages name it: "zoneMappings[0].zoneId" → "zone_mappings.0.zone_id",
// "ikeConfig.psk" → "ike_config.0.psk". A path the resource lacks is
// returned as is.
func (r *Resource) TerraformKey(path string) string {
	props := r.Properties
	var parts []string
	segs := strings.Split(path, ".")
	for i, seg := range segs {
		name, index, indexed := strings.Cut(seg, "[")
		p := props[name]
		if p == nil {
			return path
		}
		parts = append(parts, p.Terraform)
		switch {
		case indexed:
			parts = append(parts, strings.TrimSuffix(index, "]"))
		case p.Object && i < len(segs)-1:
			parts = append(parts, "0")
		}
		props = p.Properties
	}
	return strings.Join(parts, ".")
}

// String describes a validator as the provider's source writes it, for
// documentation and test names.
func (v *Validate) String() string {
	switch v.Form {
	case StringInSlice:
		return fmt.Sprintf("StringInSlice(%q, ignoreCase=%t)", v.Strings, v.IgnoreCase)
	case IntInSlice:
		return fmt.Sprintf("IntInSlice(%v)", v.Ints)
	case IntBetween:
		return fmt.Sprintf("IntBetween(%d, %d)", *v.Min, *v.Max)
	case IntAtLeast:
		return fmt.Sprintf("IntAtLeast(%d)", *v.Min)
	case IntAtMost:
		return fmt.Sprintf("IntAtMost(%d)", *v.Max)
	case StringLenBetween:
		return fmt.Sprintf("StringLenBetween(%d, %d)", *v.Min, *v.Max)
	case StringMatch:
		return fmt.Sprintf("StringMatch(%q)", v.Pattern)
	case Any:
		parts := make([]string, len(v.Of))
		for i, o := range v.Of {
			parts[i] = o.String()
		}
		return "Any(" + strings.Join(parts, ", ") + ")"
	case Custom:
		return fmt.Sprintf("custom %s (%s:%d)", v.Custom.Name, v.Custom.File, v.Custom.Line)
	}
	return v.Form
}

// Package mockcloud runs a Pulumi program under the SDK's mocks and records
// what it registers — type, name, inputs, parent, provider, options and
// dependencies — answering like Alibaba Cloud with plausible IDs and the
// computed outputs hybridlink reads. Tests of the components, the stacks
// and the policy pack share it.
package mockcloud

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/localcloud"
)

// Project is the Pulumi project name the mocks run under.
const Project = "hybridlink"

// Registered is one resource the program registered.
type Registered struct {
	URN    resource.URN
	Type   tokens.Type
	Name   string
	Custom bool
	ID     string
	// Inputs keep secrets marked; Outputs are the inputs plus computed
	// outputs.
	Inputs, Outputs resource.PropertyMap
	Parent          resource.URN
	Provider        string
	Protect         bool
	// DeleteBeforeReplace, ReplaceOnChanges and AdditionalSecretOutputs
	// are the options set.
	DeleteBeforeReplace     bool
	ReplaceOnChanges        []string
	AdditionalSecretOutputs []string
	// AliasTypes are the types of the aliases set (pulumi.Alias{Type: …}).
	AliasTypes []string
	// DependsOn are all the resources it depends on, as the Go SDK sends
	// them: the explicit pulumi.DependsOn ones (a component expanded to its
	// children) and those its inputs came from. PropertyDeps are the URNs
	// each input property's value came from.
	DependsOn    []resource.URN
	PropertyDeps map[resource.PropertyKey][]resource.URN
}

// Invoke is one function call the program made.
type Invoke struct {
	Token    string
	Args     resource.PropertyMap
	Provider string
}

// Mocks records registrations; it implements pulumi.MockResourceMonitor.
type Mocks struct {
	Stack string

	mu        sync.Mutex
	resources []Registered
	invokes   []Invoke
}

// Run runs a program under mocks for a stack, with config values by full key
// ("hybridlink:vpn") and the keys that are secret.
func Run(stack string, config map[string]string, secretKeys []string, program pulumi.RunFunc) (*Mocks, error) {
	m := &Mocks{Stack: stack}
	err := pulumi.RunErr(program, pulumi.WithMocks(Project, stack, m), func(ri *pulumi.RunInfo) {
		ri.Config = config
		ri.ConfigSecretKeys = secretKeys
	})
	return m, err
}

// NewResource records a registration and answers with an ID and outputs.
func (m *Mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rpc := args.RegisterRPC
	r := Registered{
		Type:         tokens.Type(args.TypeToken),
		Name:         args.Name,
		Custom:       args.Custom,
		Inputs:       args.Inputs,
		Provider:     args.Provider,
		PropertyDeps: map[resource.PropertyKey][]resource.URN{},
	}
	if rpc != nil {
		r.Parent = resource.URN(rpc.GetParent())
		r.Protect = rpc.GetProtect()
		r.DeleteBeforeReplace = rpc.GetDeleteBeforeReplace()
		r.ReplaceOnChanges = rpc.GetReplaceOnChanges()
		r.AdditionalSecretOutputs = rpc.GetAdditionalSecretOutputs()
		for _, a := range rpc.GetAliases() {
			if typ := a.GetSpec().GetType(); typ != "" {
				r.AliasTypes = append(r.AliasTypes, typ)
			}
		}
		for _, d := range rpc.GetDependencies() {
			r.DependsOn = append(r.DependsOn, resource.URN(d))
		}
		for k, deps := range rpc.GetPropertyDependencies() {
			for _, d := range deps.GetUrns() {
				r.PropertyDeps[resource.PropertyKey(k)] = append(r.PropertyDeps[resource.PropertyKey(k)], resource.URN(d))
			}
		}
	}
	r.URN = m.urn(r.Parent, r.Type, r.Name)
	r.ID, r.Outputs = respond(r.Type, r.Name, args.Inputs)
	if !r.Custom {
		r.ID = ""
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	// The engine rejects a second registration of a URN; the mocks must
	// too, or a program that collides passes its tests and fails at `up`.
	for _, prev := range m.resources {
		if prev.URN == r.URN {
			return "", nil, fmt.Errorf("mockcloud: duplicate resource URN %s", r.URN)
		}
	}
	m.resources = append(m.resources, r)
	return r.ID, r.Outputs, nil
}

func (m *Mocks) urn(parent resource.URN, t tokens.Type, name string) resource.URN {
	parentType := tokens.Type("")
	if parent != "" && parent.QualifiedType() != resource.RootStackType {
		parentType = parent.QualifiedType()
	}
	return resource.NewURN(tokens.QName(m.Stack), tokens.PackageName(Project), parentType, t, name)
}

// Call answers invokes; the transit router's System route table is the only
// one hybridlink makes.
func (m *Mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	m.invokes = append(m.invokes, Invoke{Token: args.Token, Args: args.Args, Provider: args.Provider})
	m.mu.Unlock()
	if args.Token != inventory.GetTRRouteTables {
		return nil, fmt.Errorf("mockcloud: unexpected invoke %s", args.Token)
	}
	tr := args.Args["transitRouterId"].StringValue()
	table := resource.NewPropertyMapFromMap(map[string]any{
		"id":                                 SystemRouteTableID(tr),
		"transitRouterRouteTableId":          SystemRouteTableID(tr),
		"transitRouterRouteTableName":        "System",
		"transitRouterRouteTableType":        "System",
		"transitRouterRouteTableDescription": "",
		"status":                             "Active",
	})
	return resource.PropertyMap{
		"id":              resource.NewProperty(tr),
		"transitRouterId": resource.NewProperty(tr),
		"tables":          resource.NewProperty([]resource.PropertyValue{resource.NewProperty(table)}),
		"ids":             resource.NewProperty([]resource.PropertyValue{resource.NewProperty(SystemRouteTableID(tr))}),
	}, nil
}

// SystemRouteTableID is the mocked System route table of a transit router.
func SystemRouteTableID(transitRouterID string) string {
	return "vtb-sys-" + strings.TrimPrefix(transitRouterID, "tr-")
}

// respond gives a resource its ID and outputs: the inputs plus the computed
// outputs hybridlink reads. IDs take the local cloud's shapes — its prefix
// for the type and the stem of the resource's name (vsw-<name>), or the
// provider's composite ID — so that they show which resource they name.
func respond(t tokens.Type, name string, inputs resource.PropertyMap) (string, resource.PropertyMap) {
	out := inputs.Copy()
	set := func(k, v string) { out[resource.PropertyKey(k)] = resource.NewProperty(v) }
	switch t {
	case inventory.VPC:
		set("routeTableId", "vtb-"+name)
		set("routerId", "vrt-"+name)
	case inventory.VBR:
		set("routeTableId", "vtb-"+name)
	case inventory.VPNGateway:
		set("internetIp", "198.51.100.10")
		set("disasterRecoveryInternetIp", "")
		if v, ok := inputs["disasterRecoveryVswitchId"]; ok && v.IsString() && v.StringValue() != "" {
			set("disasterRecoveryInternetIp", "198.51.100.11")
		}
	case inventory.TransitRouter:
		set("transitRouterId", "tr-"+name)
	case inventory.TRVPCAttachment, inventory.TRVBRAttachment:
		set("transitRouterAttachmentId", "tr-attach-"+name)
	}
	if id, ok := localcloud.CompositeID(t, inputs, out); ok {
		return id, out
	}
	if prefix, ok := localcloud.IDPrefix(t); ok {
		return prefix + "-" + name, out
	}
	return name + "-id", out
}

func stringInput(inputs resource.PropertyMap, k resource.PropertyKey) string {
	v := inputs[k]
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

// Resources returns the registrations in order.
func (m *Mocks) Resources() []Registered {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Registered(nil), m.resources...)
}

// Invokes returns the invokes in order.
func (m *Mocks) Invokes() []Invoke {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Invoke(nil), m.invokes...)
}

// OfType returns the registrations of one type, sorted by name.
func (m *Mocks) OfType(t tokens.Type) []Registered {
	var out []Registered
	for _, r := range m.Resources() {
		if r.Type == t {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Named returns the registration with a name, if any.
func (m *Mocks) Named(name string) (Registered, bool) {
	for _, r := range m.Resources() {
		if r.Name == name {
			return r, true
		}
	}
	return Registered{}, false
}

// Children returns the registrations whose parent is urn, in order.
func (m *Mocks) Children(urn resource.URN) []Registered {
	var out []Registered
	for _, r := range m.Resources() {
		if r.Parent == urn {
			out = append(out, r)
		}
	}
	return out
}

// Input reads an input property by path ("ikeConfig.psk",
// "zoneMappings[1].vswitchId") as a plain Go value (string, float64, bool,
// []any, map[string]any; secrets unwrapped at every depth). secret reports
// whether the value, a container on the path or anything inside the value is
// secret; ok is false when the property is absent.
func (r Registered) Input(path string) (value any, secret, ok bool) {
	p, err := resource.ParsePropertyPath(path)
	if err != nil {
		return nil, false, false
	}
	v := resource.NewObjectProperty(r.Inputs)
	for _, key := range p {
		for v.IsSecret() {
			secret, v = true, v.SecretValue().Element
		}
		if v, ok = (resource.PropertyPath{key}).Get(v); !ok {
			return nil, false, false
		}
	}
	for v.IsSecret() {
		secret, v = true, v.SecretValue().Element
	}
	return plain(v), secret || containsSecrets(v), true
}

// plain is a property value as plain Go values, secrets unwrapped.
func plain(v resource.PropertyValue) any {
	return v.MapRepl(nil, func(v resource.PropertyValue) (any, bool) {
		if v.IsSecret() {
			return plain(v.SecretValue().Element), true
		}
		return nil, false
	})
}

func containsSecrets(v resource.PropertyValue) bool {
	switch {
	case v.IsSecret():
		return true
	case v.IsArray():
		for _, e := range v.ArrayValue() {
			if containsSecrets(e) {
				return true
			}
		}
	case v.IsObject():
		for _, e := range v.ObjectValue() {
			if containsSecrets(e) {
				return true
			}
		}
	}
	return false
}

// Inventory returns the custom resources as the engine would show them to a
// policy pack after an update: outputs, IDs and property dependencies.
func (m *Mocks) Inventory() []inventory.Resource {
	var out []inventory.Resource
	for _, r := range m.Resources() {
		if !r.Custom {
			continue
		}
		out = append(out, inventory.Resource{URN: r.URN, Type: r.Type, ID: resource.ID(r.ID), Props: r.Outputs, Deps: r.PropertyDeps})
	}
	return out
}

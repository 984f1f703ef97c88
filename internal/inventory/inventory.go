// Package inventory is a stack's resources as the Pulumi engine sees them —
// type token, URN, properties and property dependencies — with typed,
// unknown-safe reads. The policy rules, the route model and the local cloud
// all work on it, so a rule and a drill judge the same facts.
package inventory

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// Resource is one resource of a stack. ID is empty until the resource exists
// (always so at a preview of a new stack); Props holds inputs at a preview and
// inputs plus outputs once the resource exists.
type Resource struct {
	URN   resource.URN
	Type  tokens.Type
	ID    resource.ID
	Props resource.PropertyMap
	// Deps maps a property to the URNs its value came from; it identifies a
	// referenced resource while its ID is still unknown.
	Deps map[resource.PropertyKey][]resource.URN
}

// Name is the resource's name from its URN.
func (r Resource) Name() string { return r.URN.Name() }

// Value reads a property by path ("zoneMappings[0].vswitchId"). ok is false
// when the property is absent, null or not known yet; secrets are unwrapped,
// also when a container on the path is the secret (a whole ikeConfig object).
func (r Resource) Value(path string) (v resource.PropertyValue, ok bool) {
	v, _, ok = r.lookup(path)
	if !ok || v.IsNull() || v.ContainsUnknowns() {
		return resource.PropertyValue{}, false
	}
	return v, true
}

func (r Resource) lookup(path string) (v resource.PropertyValue, secret, ok bool) {
	return Lookup(r.Props, path)
}

// Lookup walks a property path ("a.b[0].c") in a property map, looking
// through secret and output wrappers at every step; secret reports whether
// any value on the way was secret. A value on the path that is not known yet
// ends the walk with ok true and that unknown value, so that callers can tell
// "set, unknown" from "absent".
func Lookup(m resource.PropertyMap, path string) (v resource.PropertyValue, secret, ok bool) {
	p, err := parsePath(path)
	if err != nil {
		return resource.PropertyValue{}, false, false
	}
	v = resource.NewObjectProperty(m)
	for _, key := range p {
		if v, secret = unwrap(v, secret); v.IsComputed() || v.IsOutput() {
			return v, secret, true
		}
		if v, ok = (resource.PropertyPath{key}).Get(v); !ok {
			return resource.PropertyValue{}, false, false
		}
	}
	v, secret = unwrap(v, secret)
	return v, secret, true
}

// parsePath parses a property path; a plain key, the common case, skips the
// parser, which dominates reads on large stacks.
func parsePath(path string) (resource.PropertyPath, error) {
	if path != "" && !strings.ContainsAny(path, ".[]\"") {
		return resource.PropertyPath{path}, nil
	}
	return resource.ParsePropertyPath(path)
}

// unwrap looks through secret and known output wrappers; an unknown output
// is returned as is.
func unwrap(v resource.PropertyValue, secret bool) (resource.PropertyValue, bool) {
	for {
		switch {
		case v.IsSecret():
			secret, v = true, v.SecretValue().Element
		case v.IsOutput() && v.OutputValue().Known:
			secret, v = secret || v.OutputValue().Secret, v.OutputValue().Element
		default:
			return v, secret || (v.IsOutput() && v.OutputValue().Secret)
		}
	}
}

// String reads a string property; ok is false when it is absent, unknown or
// not a string.
func (r Resource) String(path string) (string, bool) {
	v, ok := r.Value(path)
	if !ok || !v.IsString() {
		return "", false
	}
	return v.StringValue(), true
}

// Int reads a whole-number property.
func (r Resource) Int(path string) (int64, bool) {
	v, ok := r.Value(path)
	if !ok || !v.IsNumber() {
		return 0, false
	}
	f := v.NumberValue()
	if f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

// Bool reads a boolean property.
func (r Resource) Bool(path string) (bool, bool) {
	v, ok := r.Value(path)
	if !ok || !v.IsBool() {
		return false, false
	}
	return v.BoolValue(), true
}

// Strings reads an array of strings; unknown or non-string elements are
// skipped.
func (r Resource) Strings(path string) []string {
	v, ok := r.Value(path)
	if !ok || !v.IsArray() {
		return nil
	}
	var out []string
	for _, e := range v.ArrayValue() {
		for e.IsSecret() {
			e = e.SecretValue().Element
		}
		if e.IsString() {
			out = append(out, e.StringValue())
		}
	}
	return out
}

// Len is the length of an array property, or 0.
func (r Resource) Len(path string) int {
	v, ok := r.Value(path)
	if !ok || !v.IsArray() {
		return 0
	}
	return len(v.ArrayValue())
}

// Has reports whether the property is set at all, even to an unknown value
// (also when a container on the path is unknown, as the value may be set).
func (r Resource) Has(path string) bool {
	v, _, ok := r.lookup(path)
	return ok && !v.IsNull()
}

// IsSecret reports whether the property's value, or a container on its path,
// is marked secret.
func (r Resource) IsSecret(path string) bool {
	_, secret, ok := r.lookup(path)
	return ok && secret
}

// ArrayLen is the length of an array property whose elements may still be
// unknown (Len needs every element known); ok is false when the array itself
// is absent, null or unknown.
func (r Resource) ArrayLen(path string) (n int, ok bool) {
	v, _, ok := r.lookup(path)
	if !ok || !v.IsArray() {
		return 0, false
	}
	return len(v.ArrayValue()), true
}

// Ref identifies the resource a property refers to: the referenced ID when it
// is known, else the URN the engine recorded as the property's dependency.
// Two references to the same resource compare equal in either state as long
// as both are in the same state; use Stack.Resolve to compare across states.
type Ref string

// Ref returns the reference a property makes; ok is false when the value is
// unknown and no dependency is recorded.
func (r Resource) Ref(prop string) (Ref, bool) {
	if s, ok := r.String(prop); ok && s != "" {
		return Ref(s), true
	}
	if deps := r.Deps[resource.PropertyKey(prop)]; len(deps) == 1 {
		return Ref(deps[0]), true
	}
	return "", false
}

// Stack is an indexed set of resources.
type Stack struct {
	Resources []Resource
	byURN     map[resource.URN]int
	byID      map[resource.ID]int
}

// identityOutputs are the outputs other resources use instead of the ID to
// refer to a resource of a type: a transit router's ID is "cen-…:tr-…" but
// attachments take its transitRouterId, and a cen.RouteEntry names a VPC by
// its system route table.
var identityOutputs = map[tokens.Type]string{
	TransitRouter:   "transitRouterId",
	TRVPCAttachment: "transitRouterAttachmentId",
	TRVBRAttachment: "transitRouterAttachmentId",
	VPC:             "routeTableId",
}

// NewStack indexes resources by URN, by ID and by their identity outputs.
func NewStack(resources []Resource) *Stack {
	s := &Stack{Resources: resources, byURN: make(map[resource.URN]int, len(resources)), byID: make(map[resource.ID]int, len(resources))}
	for i, r := range resources {
		s.byURN[r.URN] = i
		if r.ID != "" {
			s.byID[r.ID] = i
		}
		if out, ok := identityOutputs[r.Type]; ok {
			if v, ok := r.String(out); ok && v != "" {
				s.byID[resource.ID(v)] = i
			}
		}
	}
	return s
}

// OfType returns the resources of one type token, in stack order.
func (s *Stack) OfType(t tokens.Type) []Resource {
	var out []Resource
	for _, r := range s.Resources {
		if r.Type == t {
			out = append(out, r)
		}
	}
	return out
}

// Lookup finds the resource a reference names: by URN, by ID or by an
// identity output (a transit router's transitRouterId, a VPC's routeTableId…).
func (s *Stack) Lookup(ref Ref) (Resource, bool) {
	if i, ok := s.byURN[resource.URN(ref)]; ok {
		return s.Resources[i], true
	}
	if i, ok := s.byID[resource.ID(ref)]; ok {
		return s.Resources[i], true
	}
	return Resource{}, false
}

// Resolve normalizes a reference to the URN of the resource it names when
// that resource is in the stack, so ID and URN references to one resource
// compare equal.
func (s *Stack) Resolve(ref Ref) Ref {
	if r, ok := s.Lookup(ref); ok {
		return Ref(r.URN)
	}
	return ref
}

// Target is the resource a property of r refers to, comparable across
// states: the URN of the single dependency the engine recorded for the
// property when the stack holds it (true whether or not the value is known
// yet, and independent of ID formats such as "cen-…:tr-…"), else the
// property's value resolved as by Resolve.
func (s *Stack) Target(r Resource, prop string) (Ref, bool) {
	if deps := r.Deps[resource.PropertyKey(prop)]; len(deps) == 1 {
		if _, ok := s.byURN[deps[0]]; ok {
			return Ref(deps[0]), true
		}
	}
	ref, ok := r.Ref(prop)
	if !ok {
		return "", false
	}
	return s.Resolve(ref), true
}

// TargetOf is the resource, of one of the given types, that a property of r
// refers to when the stack holds it: by the dependency the engine recorded
// for the property (while its value is unknown, and whatever the ID format),
// else by the property's value.
func (s *Stack) TargetOf(r Resource, prop string, types ...tokens.Type) (Resource, bool) {
	for _, u := range r.Deps[resource.PropertyKey(prop)] {
		if i, ok := s.byURN[u]; ok && slices.Contains(types, s.Resources[i].Type) {
			return s.Resources[i], true
		}
	}
	if v, ok := r.String(prop); ok {
		if t, ok := s.Lookup(Ref(v)); ok && slices.Contains(types, t.Type) {
			return t, true
		}
	}
	return Resource{}, false
}

// Describe names a resource for messages: its name and, when known, its ID.
func (r Resource) Describe() string {
	if r.ID != "" {
		return fmt.Sprintf("%s (%s)", r.Name(), r.ID)
	}
	return r.Name()
}

package localcloud

import (
	crand "crypto/rand"
	"encoding/hex"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/hybridlink/hybridlink/internal/alicloudspec"
)

// defaultsKey is where the bridge lists, in the inputs it returns from
// Check, the properties it filled in itself; a later Check reuses those
// values, and only those.
const defaultsKey resource.PropertyKey = "__defaults"

// withDefaults returns the inputs Check hands back to the engine: the
// program's, plus what the bridge fills in (pulumi-terraform-bridge's
// applyDefaults): an auto-name for an unset "name", then the provider's
// schema Default of every unset attribute — except a deprecated optional
// one, or one that conflicts, or is exactly-one-of, with a set attribute,
// or with another that has a default. A value the old inputs got as a
// default is kept.
func withDefaults(r *alicloudspec.Resource, urn resource.URN, olds, news resource.PropertyMap) resource.PropertyMap {
	out := news.Copy()
	oldDefaults := map[resource.PropertyKey]bool{}
	if v, ok := olds[defaultsKey]; ok && v.IsArray() {
		for _, k := range v.ArrayValue() {
			if k.IsString() {
				oldDefaults[resource.PropertyKey(k.StringValue())] = true
			}
		}
	}
	excluded := exclusions(r.Properties, out)
	var added []resource.PropertyValue
	fill := func(name string, p *alicloudspec.Property, value func() resource.PropertyValue) {
		key := resource.PropertyKey(name)
		if v, set := out[key]; (set && !v.IsNull()) || excluded[name] {
			return
		}
		if old, ok := olds[key]; ok && oldDefaults[key] {
			out[key] = old
		} else {
			out[key] = value()
		}
		added = append(added, resource.NewStringProperty(name))
		for _, other := range append(slices.Clone(p.ConflictsWith), p.ExactlyOneOf...) {
			excluded[other] = true
		}
	}
	for _, name := range sortedProps(r.Properties) {
		if p := r.Properties[name]; p.AutoName {
			fill(name, p, func() resource.PropertyValue { return resource.NewStringProperty(autoName(urn)) })
		}
	}
	for _, name := range sortedProps(r.Properties) {
		p := r.Properties[name]
		if p.Default == nil || (p.Deprecated != "" && !p.Required) || otherHasDefault(r.Properties, name, p) {
			continue
		}
		fill(name, p, func() resource.PropertyValue { return resource.NewPropertyValue(p.Default) })
	}
	nestedDefaults(r.Properties, out)
	out[defaultsKey] = resource.NewArrayProperty(orEmpty(added))
	return out
}

// exclusions are the attributes a default must not fill: those that
// conflict, or are exactly-one-of, with a set one.
func exclusions(props map[string]*alicloudspec.Property, values resource.PropertyMap) map[string]bool {
	out := map[string]bool{}
	set := func(name string) bool { v, ok := values[resource.PropertyKey(name)]; return ok && !v.IsNull() }
	for name, p := range props {
		for _, other := range append(slices.Clone(p.ConflictsWith), p.ExactlyOneOf...) {
			switch {
			case set(name):
				out[other] = true
			case set(other):
				out[name] = true
			}
		}
	}
	return out
}

// otherHasDefault reports whether an attribute that conflicts, or is
// exactly-one-of, with p has a default itself.
func otherHasDefault(props map[string]*alicloudspec.Property, name string, p *alicloudspec.Property) bool {
	for _, other := range append(slices.Clone(p.ConflictsWith), p.ExactlyOneOf...) {
		if o := props[other]; other != name && o != nil && o.Default != nil {
			return true
		}
	}
	return false
}

// nestedDefaults fills the defaults of the fields of every block item
// given, as the bridge converts each item with its own schema; values is
// changed, the items it holds are copied.
func nestedDefaults(props map[string]*alicloudspec.Property, values resource.PropertyMap) {
	for name, p := range props {
		if v, ok := values[resource.PropertyKey(name)]; ok && p.Properties != nil {
			values[resource.PropertyKey(name)] = itemDefaults(p, v)
		}
	}
}

func itemDefaults(p *alicloudspec.Property, v resource.PropertyValue) resource.PropertyValue {
	switch {
	case v.IsArray():
		items := make([]resource.PropertyValue, len(v.ArrayValue()))
		for i, item := range v.ArrayValue() {
			items[i] = itemDefaults(p, item)
		}
		return resource.NewArrayProperty(items)
	case !v.IsObject():
		return v
	}
	m := v.ObjectValue().Copy()
	excluded := exclusions(p.Properties, m)
	for name, f := range p.Properties {
		key := resource.PropertyKey(name)
		if cur, set := m[key]; (!set || cur.IsNull()) && f.Default != nil && !excluded[name] && (f.Deprecated == "" || f.Required) {
			m[key] = resource.NewPropertyValue(f.Default)
		}
	}
	nestedDefaults(p.Properties, m)
	return resource.NewObjectProperty(m)
}

// autoName is the bridge's auto-name: the resource's name, "-" and seven
// random hex digits.
func autoName(urn resource.URN) string {
	b := make([]byte, 4)
	_, _ = crand.Read(b)
	return urn.Name() + "-" + hex.EncodeToString(b)[:7]
}

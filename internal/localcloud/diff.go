package localcloud

import (
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/hybridlink/hybridlink/internal/alicloudspec"
)

// diff compares a resource's new inputs with its state — the outputs, what
// the provider last read from the cloud — as the bridge does for a
// terraform-plugin-sdk v1 provider (schemaMap.Diff), attribute by attribute
// of the provider's schema:
//   - an attribute the inputs leave unset is no change when it is Computed
//     (the cloud keeps its value), and otherwise compares as its zero value;
//   - a set compares without order; a list, an object and a map by item;
//   - an unknown value is a change;
//   - a change the provider's DiffSuppressFunc hides is none;
//   - a change replaces the resource when the attribute, or the block it is
//     in, is ForceNew.
//
// The old inputs play no part, as in the bridge.
func diff(tok string, k *kind, olds, news resource.PropertyMap) *pulumirpc.DiffResponse {
	d := &differ{tok: tok, olds: revealMap(olds), news: revealMap(news)}
	for _, name := range sortedProps(k.spec.Properties) {
		p := k.spec.Properties[name]
		if p.Input() {
			o, oOK := d.olds[resource.PropertyKey(name)]
			n, nOK := d.news[resource.PropertyKey(name)]
			d.value(p, name, o, oOK && !o.IsNull(), n, nOK && !n.IsNull(), p.ForceNew)
		}
	}
	resp := &pulumirpc.DiffResponse{
		Changes:         pulumirpc.DiffResponse_DIFF_NONE,
		DetailedDiff:    d.detailed,
		HasDetailedDiff: true,
	}
	if len(d.detailed) > 0 {
		resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	replaced := map[string]bool{}
	for path, pd := range d.detailed {
		top := string(topKey(path))
		resp.Diffs = append(resp.Diffs, top)
		switch pd.Kind {
		case pulumirpc.PropertyDiff_ADD_REPLACE, pulumirpc.PropertyDiff_UPDATE_REPLACE, pulumirpc.PropertyDiff_DELETE_REPLACE:
			replaced[top] = true
		}
	}
	resp.Diffs = slices.Compact(slices.Sorted(slices.Values(resp.Diffs)))
	resp.Replaces = slices.Sorted(maps.Keys(replaced))
	// The bridge reports the ForceNew attributes that do not change as
	// stable.
	for _, name := range sortedProps(k.spec.Properties) {
		if k.spec.Properties[name].ForceNew && !replaced[name] {
			resp.Stables = append(resp.Stables, name)
		}
	}
	return resp
}

type differ struct {
	tok        string
	olds, news resource.PropertyMap
	detailed   map[string]*pulumirpc.PropertyDiff
}

// change records a change at a path; forceNew makes it a replacement.
func (d *differ) change(path string, oOK, nOK, forceNew bool) {
	kind := pulumirpc.PropertyDiff_UPDATE
	switch {
	case !oOK:
		kind = pulumirpc.PropertyDiff_ADD
	case !nOK:
		kind = pulumirpc.PropertyDiff_DELETE
	}
	if forceNew {
		kind++ // each kind's _REPLACE variant follows it
	}
	if d.detailed == nil {
		d.detailed = map[string]*pulumirpc.PropertyDiff{}
	}
	d.detailed[path] = &pulumirpc.PropertyDiff{Kind: kind, InputDiff: true}
}

// value compares one attribute's old and new values; present says a value
// is set (and not null).
func (d *differ) value(p *alicloudspec.Property, path string, o resource.PropertyValue, oOK bool, n resource.PropertyValue, nOK, forceNew bool) {
	forceNew = forceNew || p.ForceNew
	switch {
	case nOK && n.IsComputed():
		d.change(path, oOK, true, forceNew)
		return
	case !nOK && p.Computed:
		return // the cloud keeps what it has
	}
	oOK, nOK = oOK && !isZero(o), nOK && !isZero(n)
	if !oOK && !nOK {
		return
	}
	if d.suppressed(path, o, n) {
		return
	}
	switch {
	case p.Properties != nil && p.Object:
		d.block(p, path, o, oOK, n, nOK, forceNew)
	case p.Properties != nil:
		d.blocks(p, path, o, oOK, n, nOK, forceNew)
	case !oOK || !nOK:
		d.change(path, oOK, nOK, forceNew)
	case p.Type == "set":
		if !sameSet(o.ArrayValue(), n.ArrayValue()) {
			d.change(path, true, true, forceNew)
		}
	case !o.DeepEquals(n):
		d.change(path, true, true, forceNew)
	}
}

// block compares a single-item block, field by field.
func (d *differ) block(p *alicloudspec.Property, path string, o resource.PropertyValue, oOK bool, n resource.PropertyValue, nOK, forceNew bool) {
	if !oOK || !nOK || !o.IsObject() || !n.IsObject() {
		d.change(path, oOK, nOK, forceNew)
		return
	}
	d.fields(p, path, o.ObjectValue(), n.ObjectValue(), forceNew)
}

func (d *differ) fields(p *alicloudspec.Property, path string, o, n resource.PropertyMap, forceNew bool) {
	for _, name := range sortedProps(p.Properties) {
		f := p.Properties[name]
		if !f.Input() {
			continue
		}
		ov, oOK := o[resource.PropertyKey(name)]
		nv, nOK := n[resource.PropertyKey(name)]
		d.value(f, path+"."+name, ov, oOK && !ov.IsNull(), nv, nOK && !nv.IsNull(), forceNew)
	}
}

// blocks compares a list of blocks item by item, or a set of them without
// order.
func (d *differ) blocks(p *alicloudspec.Property, path string, o resource.PropertyValue, oOK bool, n resource.PropertyValue, nOK, forceNew bool) {
	if !oOK || !nOK || !o.IsArray() || !n.IsArray() || len(o.ArrayValue()) != len(n.ArrayValue()) {
		d.change(path, oOK, nOK, forceNew)
		return
	}
	os, ns := o.ArrayValue(), n.ArrayValue()
	if p.Type == "set" {
		sub := &differ{tok: d.tok}
		unmatched := slices.Clone(os)
		for _, nv := range ns {
			i := slices.IndexFunc(unmatched, func(ov resource.PropertyValue) bool { return sub.sameItem(p, ov, nv) })
			if i < 0 {
				d.change(path, true, true, forceNew)
				return
			}
			unmatched = slices.Delete(unmatched, i, i+1)
		}
		return
	}
	for i := range ns {
		ip := fmt.Sprintf("%s[%d]", path, i)
		if ns[i].IsComputed() || !ns[i].IsObject() || !os[i].IsObject() {
			if !os[i].DeepEquals(ns[i]) {
				d.change(ip, true, true, forceNew)
			}
			continue
		}
		d.fields(p, ip, os[i].ObjectValue(), ns[i].ObjectValue(), forceNew)
	}
}

// sameItem reports whether a set's new item equals an old one under the
// diff's rules.
func (d *differ) sameItem(p *alicloudspec.Property, o, n resource.PropertyValue) bool {
	if !o.IsObject() || !n.IsObject() {
		return o.DeepEquals(n)
	}
	d.detailed = nil
	d.fields(p, "item", o.ObjectValue(), n.ObjectValue(), false)
	return len(d.detailed) == 0
}

// isZero reports whether a value is its type's zero value, which the SDK
// does not tell from unset: "", 0, false, an empty list or map.
func isZero(v resource.PropertyValue) bool {
	switch {
	case v.IsNull():
		return true
	case v.IsString():
		return v.StringValue() == ""
	case v.IsNumber():
		return v.NumberValue() == 0
	case v.IsBool():
		return !v.BoolValue()
	case v.IsArray():
		return len(v.ArrayValue()) == 0
	case v.IsObject():
		return len(v.ObjectValue()) == 0
	}
	return false
}

// sameSet compares two sets of values without order.
func sameSet(a, b []resource.PropertyValue) bool {
	if len(a) != len(b) {
		return false
	}
	rest := slices.Clone(b)
	for _, x := range a {
		i := slices.IndexFunc(rest, x.DeepEquals)
		if i < 0 {
			return false
		}
		rest = slices.Delete(rest, i, i+1)
	}
	return true
}

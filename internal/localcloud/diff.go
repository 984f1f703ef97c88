package localcloud

import (
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/hybridlink/hybridlink/internal/inventory"
)

// diff compares a resource's old inputs with its new ones, property by
// property, as the provider does: a property the old inputs lack is
// compared with the old outputs (setting an input to the value the cloud
// already reports changes nothing), an unknown new value counts as a
// change, and a change of a force-new property replaces the resource.
func diff(k *kind, oldInputs, oldOutputs, news resource.PropertyMap) *pulumirpc.DiffResponse {
	oldIn, oldOut, news := revealMap(oldInputs), revealMap(oldOutputs), revealMap(news)
	keys := map[resource.PropertyKey]bool{}
	for key := range oldIn {
		keys[key] = true
	}
	for key := range news {
		keys[key] = true
	}
	resp := &pulumirpc.DiffResponse{
		Changes:         pulumirpc.DiffResponse_DIFF_NONE,
		DetailedDiff:    map[string]*pulumirpc.PropertyDiff{},
		HasDetailedDiff: true,
	}
	for _, key := range slices.Sorted(maps.Keys(keys)) {
		o, oOK := present(oldIn, key)
		if !oOK {
			o, oOK = present(oldOut, key)
		}
		n, nOK := present(news, key)
		if oOK && nOK && !n.ContainsUnknowns() && o.DeepEquals(n) || !oOK && !nOK {
			continue
		}
		kind := pulumirpc.PropertyDiff_UPDATE
		switch {
		case !oOK:
			kind = pulumirpc.PropertyDiff_ADD
		case !nOK:
			kind = pulumirpc.PropertyDiff_DELETE
		}
		if replaces(k, key, oldIn, oldOut, news) {
			kind++ // each kind's _REPLACE variant follows it
			resp.Replaces = append(resp.Replaces, string(key))
		}
		resp.Diffs = append(resp.Diffs, string(key))
		resp.DetailedDiff[string(key)] = &pulumirpc.PropertyDiff{Kind: kind, InputDiff: true}
		resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	return resp
}

func present(m resource.PropertyMap, key resource.PropertyKey) (resource.PropertyValue, bool) {
	v, ok := m[key]
	return v, ok && !v.IsNull()
}

// replaces reports whether the change of a top-level property touches a
// force-new path: the property itself, or a nested path such as
// tunnelOptionsSpecifications[*].customerGatewayId whose values differ.
func replaces(k *kind, key resource.PropertyKey, oldIn, oldOut, news resource.PropertyMap) bool {
	for _, path := range k.forceNew {
		if topKey(path) != key {
			continue
		}
		if !strings.ContainsAny(path, ".[") {
			return true
		}
		old := oldIn
		if _, ok := oldIn[key]; !ok {
			old = oldOut
		}
		if !sameValues(valuesAt(old, path), valuesAt(news, path)) {
			return true
		}
	}
	return false
}

// valuesAt returns the values at every path a pattern expands to; an
// unknown array yields a single unknown.
func valuesAt(m resource.PropertyMap, pattern string) []resource.PropertyValue {
	prefix, _, _ := strings.Cut(pattern, "[*]")
	if v, _, ok := inventory.Lookup(m, prefix); ok && v.ContainsUnknowns() && !v.IsArray() {
		return []resource.PropertyValue{v}
	}
	var out []resource.PropertyValue
	for _, p := range expand(m, pattern) {
		v, _, _ := inventory.Lookup(m, p)
		out = append(out, v)
	}
	return out
}

func sameValues(a, b []resource.PropertyValue) bool {
	return slices.EqualFunc(a, b, func(x, y resource.PropertyValue) bool {
		return !x.ContainsUnknowns() && !y.ContainsUnknowns() && x.DeepEquals(y)
	})
}

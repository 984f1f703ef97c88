package localcloud

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/hybridlink/hybridlink/internal/inventory"
)

// Property values.
func str(s string) resource.PropertyValue { return resource.NewStringProperty(s) }
func num(n int64) resource.PropertyValue  { return resource.NewNumberProperty(float64(n)) }
func flag(b bool) resource.PropertyValue  { return resource.NewBoolProperty(b) }
func secret(v resource.PropertyValue) resource.PropertyValue {
	if v.IsSecret() {
		return v
	}
	return resource.MakeSecret(v)
}

// reveal returns v with every secret unwrapped, at any depth; unknowns stay.
// Validation and diffs judge values, not their secrecy.
func reveal(v resource.PropertyValue) resource.PropertyValue {
	switch {
	case v.IsSecret():
		return reveal(v.SecretValue().Element)
	case v.IsArray():
		a := make([]resource.PropertyValue, len(v.ArrayValue()))
		for i, e := range v.ArrayValue() {
			a[i] = reveal(e)
		}
		return resource.NewArrayProperty(a)
	case v.IsObject():
		return resource.NewObjectProperty(revealMap(v.ObjectValue()))
	}
	return v
}

func revealMap(m resource.PropertyMap) resource.PropertyMap {
	out := make(resource.PropertyMap, len(m))
	for k, v := range m {
		out[k] = reveal(v)
	}
	return out
}

// readString reads a known string at a path.
func readString(m resource.PropertyMap, path string) (string, bool) {
	v, _, ok := inventory.Lookup(m, path)
	if !ok || !v.IsString() {
		return "", false
	}
	return v.StringValue(), true
}

// field reads a string at a path, "" when there is none.
func field(m resource.PropertyMap, path string) string {
	s, _ := readString(m, path)
	return s
}

// expand turns a path with one "[*]" into the paths of the elements the
// array has ("a[*].b" → "a[0].b", "a[1].b"); a path without "[*]" is
// returned as is. An unknown array has no elements yet.
func expand(m resource.PropertyMap, path string) []string {
	prefix, suffix, wild := strings.Cut(path, "[*]")
	if !wild {
		return []string{path}
	}
	v, _, ok := inventory.Lookup(m, prefix)
	if !ok || !v.IsArray() {
		return nil
	}
	paths := make([]string, len(v.ArrayValue()))
	for i := range paths {
		paths[i] = fmt.Sprintf("%s[%d]%s", prefix, i, suffix)
	}
	return paths
}

// setAt sets the value at an existing path.
func setAt(m resource.PropertyMap, path string, v resource.PropertyValue) {
	if p, err := resource.ParsePropertyPath(path); err == nil {
		p.Set(resource.NewObjectProperty(m), v)
	}
}

// topKey is the top-level property of a path.
func topKey(path string) resource.PropertyKey {
	end := strings.IndexAny(path, ".[")
	if end < 0 {
		return resource.PropertyKey(path)
	}
	return resource.PropertyKey(path[:end])
}

// fieldName is the API's name for the property at a path, for error codes:
// "zoneMappings[0].vswitchId" → "VswitchId".
func fieldName(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		path = path[i+1:]
	}
	if i := strings.IndexByte(path, '['); i >= 0 {
		path = path[:i]
	}
	r := []rune(path)
	if len(r) > 0 {
		r[0] = unicode.ToUpper(r[0])
	}
	return string(r)
}

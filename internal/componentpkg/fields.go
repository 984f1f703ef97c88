package componentpkg

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// field is a struct field as the schema sees it.
type field struct {
	// goName is the Go field name, name the schema property (its pulumi tag).
	goName, name string
	// optional fields may be left unset; secret ones are secrets.
	optional, secret bool
	typ              reflect.Type
	index            int
}

// fieldsOf returns the schema fields of an Args struct: every exported field,
// each of which must carry a pulumi tag, so that a field added to the Go API
// cannot silently miss the schema.
func fieldsOf(t reflect.Type) ([]field, error) {
	var out []field
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag, ok := f.Tag.Lookup("pulumi")
		if !ok {
			return nil, fmt.Errorf("%s.%s has no pulumi tag naming its schema property", t, f.Name)
		}
		out = append(out, newField(f, i, tag))
	}
	return out, nil
}

// outputsOf returns a component's outputs: its pulumi tagged fields (the
// ones NewConstructResult returns).
func outputsOf(t reflect.Type) []field {
	var out []field
	for i := range t.NumField() {
		f := t.Field(i)
		if tag, ok := f.Tag.Lookup("pulumi"); ok && f.IsExported() {
			out = append(out, newField(f, i, tag))
		}
	}
	return out
}

func newField(f reflect.StructField, index int, tag string) field {
	name, opts, _ := strings.Cut(tag, ",")
	return field{
		goName:   f.Name,
		name:     name,
		optional: opts == "optional",
		secret:   f.Tag.Get("provider") == "secret",
		typ:      f.Type,
		index:    index,
	}
}

// Types the schema maps specially.
var (
	stringInputType = reflect.TypeFor[pulumi.StringInput]()
	resourcesType   = reflect.TypeFor[[]pulumi.Resource]()
)

// schemaPath turns a Go field path of an Args struct, as an ArgError names
// it ("WorkloadVPCs[0].VSwitches[1].CIDR"), into the schema's
// ("workloadVpcs[0].vSwitches[1].cidr"). Segments that are not fields (the
// component's "name") stay as they are.
func schemaPath(args reflect.Type, path string) string {
	if path == "" {
		return ""
	}
	t := args
	segs := strings.Split(path, ".")
	for i, seg := range segs {
		goName, index, _ := strings.Cut(seg, "[")
		for t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Pointer) {
			t = t.Elem()
		}
		var f reflect.StructField
		ok := t != nil && t.Kind() == reflect.Struct
		if ok {
			f, ok = t.FieldByName(goName)
		}
		if !ok {
			t = nil
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("pulumi"), ",")
		if index != "" {
			name += "[" + index
		}
		segs[i], t = name, f.Type
	}
	return strings.Join(segs, ".")
}

package componentpkg

import (
	"context"
	"fmt"
	"reflect"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"github.com/hybridlink/hybridlink/components"
	"github.com/hybridlink/hybridlink/internal/cidr"
)

// The engine hands Construct its inputs as Pulumi values; the SDK's
// ConstructInputs.CopyTo copies them into a struct by pulumi tags, keeping
// IDs and secrets as outputs with their own dependencies and unknowns (a VPC
// ID is unknown at the first preview) and plain values plain. It cannot
// fill net/netip values, so Construct copies into a wire type — the Args
// struct with strings for them, built by reflection — and parses those into
// the Args, reporting unparsable ones as ArgErrors like Validate's.

var wireTypes sync.Map // reflect.Type → reflect.Type

// wireType is t with every netip.Prefix and netip.Addr a string and every
// struct reduced to its tagged fields.
func wireType(t reflect.Type) (reflect.Type, error) {
	if w, ok := wireTypes.Load(t); ok {
		return w.(reflect.Type), nil
	}
	w, err := makeWireType(t)
	if err != nil {
		return nil, err
	}
	wireTypes.Store(t, w)
	return w, nil
}

func makeWireType(t reflect.Type) (reflect.Type, error) {
	switch {
	case t == prefixType || t == addrType:
		return reflect.TypeFor[string](), nil
	case t == stringInputType:
		return t, nil
	case t == resourcesType:
		// CopyTo turns a resource reference into a pulumi.Resource only
		// where the destination is an empty interface.
		return reflect.TypeFor[[]any](), nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		e, err := wireType(t.Elem())
		if err != nil {
			return nil, err
		}
		return reflect.PointerTo(e), nil
	case reflect.Slice:
		e, err := wireType(t.Elem())
		if err != nil {
			return nil, err
		}
		return reflect.SliceOf(e), nil
	case reflect.Struct:
		fields, err := fieldsOf(t)
		if err != nil {
			return nil, err
		}
		sf := make([]reflect.StructField, len(fields))
		for i, f := range fields {
			ft, err := wireType(f.typ)
			if err != nil {
				return nil, err
			}
			sf[i] = reflect.StructField{Name: f.goName, Type: ft, Tag: reflect.StructTag(fmt.Sprintf("pulumi:%q", f.name))}
		}
		return reflect.StructOf(sf), nil
	}
	return t, nil
}

// fromWire copies a wire value into its Args value, parsing the addresses;
// path is the Go field path ArgErrors use.
func fromWire(dst, src reflect.Value, path string, errs *components.ArgErrors) {
	switch t := dst.Type(); {
	case t == prefixType:
		if s := src.String(); s != "" {
			p, err := cidr.Parse(s)
			if err != nil {
				*errs = append(*errs, &components.ArgError{Field: path, Value: s, Problem: err.Error(), Fix: cidr.FixBlock})
				return
			}
			dst.Set(reflect.ValueOf(p))
		}
	case t == addrType:
		if s := src.String(); s != "" {
			a, err := cidr.ParseAddr(s)
			if err != nil {
				*errs = append(*errs, &components.ArgError{Field: path, Value: s, Problem: err.Error(), Fix: cidr.FixAddr})
				return
			}
			dst.Set(reflect.ValueOf(a))
		}
	case t == stringInputType:
		if !src.IsNil() && !isEmptyString(src.Interface().(pulumi.StringInput)) {
			dst.Set(src)
		}
	case t == resourcesType:
		for i := range src.Len() {
			r, ok := src.Index(i).Interface().(pulumi.Resource)
			if !ok {
				*errs = append(*errs, &components.ArgError{Field: fmt.Sprintf("%s[%d]", path, i), Value: fmt.Sprint(src.Index(i).Interface()), Problem: "is not a resource", Fix: "pass the resources to wait for, e.g. the VPN leg itself"})
				continue
			}
			dst.Set(reflect.Append(dst, reflect.ValueOf(r)))
		}
	case t.Kind() == reflect.Pointer:
		if !src.IsNil() {
			dst.Set(reflect.New(t.Elem()))
			fromWire(dst.Elem(), src.Elem(), path, errs)
		}
	case t.Kind() == reflect.Slice:
		if src.IsNil() {
			return
		}
		dst.Set(reflect.MakeSlice(t, src.Len(), src.Len()))
		for i := range src.Len() {
			fromWire(dst.Index(i), src.Index(i), fmt.Sprintf("%s[%d]", path, i), errs)
		}
	case t.Kind() == reflect.Struct:
		fields, _ := fieldsOf(t) // wireType has checked the tags
		for i, f := range fields {
			p := f.goName
			if path != "" {
				p = path + "." + p
			}
			fromWire(dst.Field(f.index), src.Field(i), p, errs)
		}
	default:
		dst.Set(src)
	}
}

// isEmptyString reports whether an input is a known empty string, which
// other languages pass for "none" (the "nil for none" of the Go API): an
// unset secret in a stack's configuration reads as "". The inputs CopyTo
// makes are already resolved, so this does not wait.
func isEmptyString(in pulumi.StringInput) bool {
	r, err := internals.UnsafeAwaitOutput(context.Background(), in.ToStringOutput())
	return err == nil && r.Known && r.Value == ""
}

package stacks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/hybridlink/hybridlink/internal/limits"
)

const (
	namespace = "hybridlink"
	regionKey = "alicloud:region"
)

var secretType = reflect.TypeOf(Secret{})

// decode reads every key of Config from src. Type errors, missing required
// keys and unknown keys become problems; values are not validated here.
// alicloud:region falls back to ALICLOUD_REGION, as the provider's does;
// fromEnv reports that it did.
func decode(src Source, ps *problems) (cfg Config, fromEnv bool) {
	v := reflect.ValueOf(&cfg).Elem()
	t := v.Type()
	known := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		key := f.Tag.Get("key")
		known[key] = true
		raw, ok := src.Get(key)
		if !ok && key == regionKey {
			raw = os.Getenv(RegionEnv)
			ok, fromEnv = raw != "", raw != ""
		}
		if !ok {
			if f.Tag.Get("required") == "true" {
				ps.add(key, "", "is required", requiredFix(key))
			}
			continue
		}
		if err := decodeValue(v.Field(i), raw, key, src); err != nil {
			shown := err.value
			if f.Type == secretType {
				shown = "[secret]"
			}
			ps.add(err.key, shorten(shown), err.problem, err.fix)
		}
	}
	if lister, ok := src.(KeyLister); ok {
		checkKeys(lister.Keys(), known, ps)
	}
	checkProviderSecrets(src, ps)
	return cfg, fromEnv
}

// requiredFix says how to set a required key.
func requiredFix(key string) string {
	if key == regionKey {
		return fmt.Sprintf("set it in the stack file (alicloud:region: cn-hangzhou), or export %s", RegionEnv)
	}
	return "set it in the stack file; see the configuration reference in README.md"
}

// checkSize refuses a configuration too large to deploy before any of it
// is decoded. It reports the largest value, which is the one to shrink.
func checkSize(src Source, ps *problems) bool {
	keys := configKeys()
	if lister, ok := src.(KeyLister); ok {
		if listed := lister.Keys(); listed != nil {
			keys = listed
		}
	}
	total, largest, largestKey := 0, 0, ""
	for _, key := range keys {
		raw, _ := src.Get(key)
		total += len(key) + len(raw)
		if len(raw) > largest {
			largest, largestKey = len(raw), key
		}
	}
	if total <= limits.MaxConfigBytes {
		return true
	}
	ps.add(largestKey, fmt.Sprintf("[%d bytes]", largest),
		fmt.Sprintf("makes the configuration %d bytes, more than the %d a deployment can take", total, limits.MaxConfigBytes),
		"shorten it: summarise prefixes, drop what the stack does not need")
	return false
}

// configKeys are the keys of Config.
func configKeys() []string {
	t := reflect.TypeOf(Config{})
	keys := make([]string, t.NumField())
	for i := range keys {
		keys[i] = t.Field(i).Tag.Get("key")
	}
	return keys
}

// decodeError is a value that does not decode: the key (with the path
// inside the value) and the part of the value at fault.
type decodeError struct{ key, value, problem, fix string }

func decodeValue(field reflect.Value, raw, key string, src Source) *decodeError {
	switch {
	case field.Type() == secretType:
		s := Secret{Set: true, Encrypted: src.IsSecret(key)}
		if o, ok := src.(OpaqueSource); ok && o.IsOpaque(key) {
			s.Opaque = true
		} else {
			s.Value = raw
		}
		field.Set(reflect.ValueOf(s))
	case field.Kind() == reflect.String:
		field.SetString(raw)
	case field.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return &decodeError{key, raw, "is not a boolean", "use true or false"}
		}
		field.SetBool(b)
	default:
		dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(field.Addr().Interface()); err != nil {
			return jsonProblem(key, raw, field.Type(), err)
		}
		// Decode stops after the first value; anything after it would be
		// silently ignored.
		if _, err := dec.Token(); err != io.EOF {
			return &decodeError{key, raw, fmt.Sprintf("is not a valid %s: it has more after the value", kindName(field.Type())), "write one value; check the YAML structure against the config reference in README.md"}
		}
	}
	return nil
}

// jsonProblem turns a JSON decoding error into a problem at the most precise
// key it can name. encoding/json names neither the list index of a wrong
// type nor where an unknown field is, so the value is walked again to find
// the part that does not fit.
func jsonProblem(key, raw string, t reflect.Type, err error) *decodeError {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) || strings.HasPrefix(err.Error(), "json: unknown field ") {
		dec := json.NewDecoder(strings.NewReader(raw))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) == nil {
			if m, ok := misfit(v, t, key); ok {
				return m
			}
		}
	}
	return &decodeError{key, raw, fmt.Sprintf("is not a valid %s: %v", kindName(t), err), "check the YAML structure against the config reference in README.md"}
}

// misfit finds the first part of a decoded JSON value v (object keys in
// sorted order) that does not fit type t, as encoding/json matches them:
// field names case-insensitively, null fitting anything.
func misfit(v any, t reflect.Type, at string) (*decodeError, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		return nil, false
	}
	expected := kindName(t)
	if s, ok := reflect.Zero(t).Interface().(shaped); ok {
		t = s.jsonShape(v)
	}
	wrongType := func() (*decodeError, bool) {
		b, _ := json.Marshal(v)
		return &decodeError{at, string(b), fmt.Sprintf("is a %s, but a %s is expected", jsonKind(v), expected), "write the value in the expected type (see the config reference in README.md)"}, true
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			return wrongType()
		}
		names := make([]string, 0, len(obj))
		for name := range obj {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			ft, field := t, name
			if t.Kind() == reflect.Map {
				ft = t.Elem()
			} else if f, ok := fieldByJSONName(t, name); ok {
				ft, field = f.Type, jsonName(f) // the key as documented, whatever its case here
			} else {
				return &decodeError{at, name, fmt.Sprintf("has an unknown field %q", name), fmt.Sprintf("remove it; the fields are %s", strings.Join(jsonFields(t), ", "))}, true
			}
			if e, ok := misfit(obj[name], ft, at+"."+field); ok {
				return e, true
			}
		}
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			return wrongType()
		}
		for i, e := range arr {
			if e, ok := misfit(e, t.Elem(), fmt.Sprintf("%s[%d]", at, i)); ok {
				return e, true
			}
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			return wrongType()
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return wrongType()
		}
	case reflect.Int:
		n, ok := v.(json.Number)
		if !ok {
			return wrongType()
		}
		if _, err := strconv.ParseInt(string(n), 10, strconv.IntSize); err != nil {
			return wrongType()
		}
	}
	return nil, false
}

// fieldByJSONName finds a struct field by its JSON name, case-insensitively
// as encoding/json does.
func fieldByJSONName(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		if f := t.Field(i); strings.EqualFold(jsonName(f), name) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// jsonKind names the JSON type of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "map"
	case []any:
		return "list"
	case string:
		return "string"
	case bool:
		return "boolean"
	}
	return "number"
}

// shaped is a type whose values take one of several JSON shapes
// (Circuits: a map or a list).
type shaped interface{ jsonShape(v any) reflect.Type }

func kindName(t reflect.Type) string {
	if t == reflect.TypeFor[Circuits]() {
		return "map (one circuit) or list of two maps"
	}
	switch t.Kind() {
	case reflect.Slice:
		return "list"
	case reflect.Struct, reflect.Map:
		return "map"
	case reflect.Int:
		return "whole number"
	case reflect.Bool:
		return "boolean"
	}
	return t.Kind().String()
}

// jsonFields lists the field names of a struct type (or of a slice's element).
func jsonFields(t reflect.Type) []string {
	for t.Kind() == reflect.Slice || t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var names []string
	for i := range t.NumField() {
		names = append(names, jsonName(t.Field(i)))
	}
	return names
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}

// closest suggests the known key nearest to a misspelt one.
func closest(key string, known map[string]bool) string {
	keys := make([]string, 0, len(known))
	for k := range known {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	best, bestD := "", 1<<30
	for _, k := range keys {
		if d := editDistance(strings.ToLower(key), strings.ToLower(k)); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func shorten(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

// keyOf maps a field path of components.HybridConnectionArgs (which mirrors
// Config) to the config key it came from: "TransitVPC.VSwitches[1].CIDR" is
// "hybridlink:transitVpc.vSwitches[1].cidr". The second circuit is the
// second item of hybridlink:expressConnect ("SecondExpressConnect.VLANID"
// is "hybridlink:expressConnect[1].vlanId"); the first is the map form's
// (Load moves it to [0] for a list). A segment Config lacks is kept as is.
func keyOf(path string) string {
	if rest, ok := strings.CutPrefix(path, "SecondExpressConnect"); ok {
		path = "ExpressConnect[1]" + rest
	}
	t := reflect.TypeOf(Config{})
	var b strings.Builder
	for i, seg := range strings.Split(path, ".") {
		name, index, _ := strings.Cut(seg, "[")
		if index != "" {
			index = "[" + index
		}
		for t.Kind() == reflect.Slice || t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t == reflect.TypeFor[Circuits]() {
			t = reflect.TypeFor[ExpressConnectConfig]()
		}
		f, ok := reflect.StructField{}, false
		if t.Kind() == reflect.Struct {
			f, ok = t.FieldByName(name)
		}
		switch {
		case !ok:
			fmt.Fprintf(&b, ".%s%s", name, index)
		case i == 0:
			b.WriteString(f.Tag.Get("key") + index)
		default:
			fmt.Fprintf(&b, ".%s%s", jsonName(f), index)
		}
		if ok {
			t = f.Type
		}
	}
	return b.String()
}

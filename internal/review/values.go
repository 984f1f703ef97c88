package review

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/sig"
)

// Values in engine events are JSON: the engine has already replaced secret
// values with "[secret]" (the review never asks it to show them) and a value
// not known until the update with plugin.UnknownStringValue.

// secretShown is how the engine, and the review, show a secret value.
const secretShown = "[secret]"

// unknownShown is how the review shows a value known only after the update.
const unknownShown = "(known after the update)"

// leaf is one scalar of a property value, at its path.
type leaf struct {
	path  string
	value string
}

// leaves flattens a value into its scalars, each at its path below prefix
// ("tags.team", "zoneMappings[1].zoneId"); an empty map or list is one leaf.
func leaves(prefix string, v any) []leaf {
	switch t := v.(type) {
	case map[string]any:
		if t[sig.Key] == sig.Secret {
			// A secret the engine serialized, ciphertext and all.
			return []leaf{{prefix, secretShown}}
		}
		if len(t) == 0 {
			return []leaf{{prefix, "{}"}}
		}
		var out []leaf
		for _, k := range slices.Sorted(maps.Keys(t)) {
			if strings.HasPrefix(k, "__") { // the engine's and providers' bookkeeping
				continue
			}
			out = append(out, leaves(join(prefix, k), t[k])...)
		}
		return out
	case []any:
		if len(t) == 0 {
			return []leaf{{prefix, "[]"}}
		}
		var out []leaf
		for i, e := range t {
			out = append(out, leaves(fmt.Sprintf("%s[%d]", prefix, i), e)...)
		}
		return out
	}
	return []leaf{{prefix, scalar(v)}}
}

// join appends a key to a property path, quoting keys that are no plain
// identifiers, as Pulumi's property paths do.
func join(prefix, key string) string {
	plain := key != ""
	for _, r := range key {
		if !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			plain = false
			break
		}
	}
	switch {
	case !plain:
		return prefix + "[" + strconv.Quote(key) + "]"
	case prefix == "":
		return key
	}
	return prefix + "." + key
}

// scalar renders a scalar value: strings bare (quoted when empty or padded),
// numbers and booleans as JSON, the engine's unknowns in words.
func scalar(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case string:
		switch {
		case t == plugin.UnknownStringValue:
			return unknownShown
		case t == "" || strings.TrimSpace(t) != t || strings.ContainsAny(t, "\n\t"):
			return strconv.Quote(t)
		}
		return t
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// diffLeaves lists the scalars that differ between old and new below
// prefix: changed, added (old "") and removed (new "").
func diffLeaves(prefix string, old, new any) []leaf2 {
	oldL, newL := index(leaves(prefix, old)), index(leaves(prefix, new))
	if old == nil {
		oldL = map[string]string{}
	}
	if new == nil {
		newL = map[string]string{}
	}
	var out []leaf2
	for _, p := range unionKeys(oldL, newL) {
		o, oOK := oldL[p]
		n, nOK := newL[p]
		if oOK && nOK && o == n && o != unknownShown {
			continue
		}
		out = append(out, leaf2{path: p, old: o, new: n, hadOld: oOK, hasNew: nOK})
	}
	return out
}

// leaf2 is one scalar on both sides of a change.
type leaf2 struct {
	path           string
	old, new       string
	hadOld, hasNew bool
}

func index(ls []leaf) map[string]string {
	m := make(map[string]string, len(ls))
	for _, l := range ls {
		m[l.path] = l.value
	}
	return m
}

// lookup reads a top-level property, or a property path such as a provider's
// detailed diff names ("ikeConfig.psk", "tags[\"a.b\"]"), from a property
// map decoded from JSON.
func lookup(m map[string]any, path string) (any, bool) {
	if v, ok := m[path]; ok {
		return v, true
	}
	var cur any = m
	for _, key := range splitPath(path) {
		switch t := cur.(type) {
		case map[string]any:
			v, ok := t[key]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(t) {
				return nil, false
			}
			cur = t[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// splitPath splits a property path into its keys: a.b[0]["c.d"] → a b 0 c.d.
func splitPath(path string) []string {
	var keys []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			keys = append(keys, cur.String())
			cur.Reset()
		}
	}
	for i := 0; i < len(path); i++ {
		switch c := path[i]; c {
		case '.':
			flush()
		case '[':
			flush()
			end := strings.IndexByte(path[i:], ']')
			if end < 0 {
				cur.WriteString(path[i:])
				i = len(path)
				continue
			}
			key := path[i+1 : i+end]
			if uq, err := strconv.Unquote(key); err == nil {
				key = uq
			}
			keys = append(keys, key)
			i += end
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return keys
}

// unionKeys lists the keys of the maps, sorted, each once.
func unionKeys[V any](ms ...map[string]V) []string {
	keys := map[string]bool{}
	for _, m := range ms {
		for k := range m {
			keys[k] = true
		}
	}
	return slices.Sorted(maps.Keys(keys))
}

package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hybridlink/hybridlink/internal/alicloudspec"
)

// subset is the part of the SDK subset's schema.json the generator checks
// the extract against.
type subset struct {
	Resources map[string]struct {
		InputProperties map[string]*subsetProperty `json:"inputProperties"`
		Properties      map[string]*subsetProperty `json:"properties"`
		RequiredInputs  []string                   `json:"requiredInputs"`
	} `json:"resources"`
	Functions map[string]struct {
		Inputs struct {
			Properties map[string]*subsetProperty `json:"properties"`
			Required   []string                   `json:"required"`
		} `json:"inputs"`
		Outputs struct {
			Properties map[string]*subsetProperty `json:"properties"`
		} `json:"outputs"`
	} `json:"functions"`
	Types map[string]struct {
		Properties map[string]*subsetProperty `json:"properties"`
	} `json:"types"`
}

type subsetProperty struct {
	Type                 string          `json:"type"`
	Ref                  string          `json:"$ref"`
	Items                *subsetProperty `json:"items"`
	AdditionalProperties *subsetProperty `json:"additionalProperties"`
}

func parseSubset(b []byte) (*subset, error) {
	var s subset
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("schema.json: %w", err)
	}
	return &s, nil
}

// merged is the union of two property maps (a resource's inputs and
// outputs, a function's arguments and results).
func merged(a, b map[string]*subsetProperty) map[string]*subsetProperty {
	out := map[string]*subsetProperty{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// mark sets InSubset on the extract's properties the subset has, and fails
// on a subset property the provider lacks or whose shape differs: the
// subset must be a subset.
func (s *subset) mark(where string, props map[string]*alicloudspec.Property, sub map[string]*subsetProperty) error {
	var problems []string
	for _, name := range slices.Sorted(maps.Keys(sub)) {
		p := props[name]
		if p == nil {
			problems = append(problems, fmt.Sprintf("%s.%s is not an attribute of the provider", where, name))
			continue
		}
		p.InSubset = true
		if err := s.sameShape(where+"."+name, p, sub[name]); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("the SDK subset disagrees with the provider:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

var pulumiTypes = map[string]string{"string": "string", "int": "integer", "float": "number", "bool": "boolean"}

// sameShape checks that a subset property has the type the bridge gives
// the provider's attribute, and marks a block's fields.
func (s *subset) sameShape(where string, p *alicloudspec.Property, sp *subsetProperty) error {
	switch {
	case p.Properties != nil && (p.Object || sp.Items != nil):
		ref := sp.Ref
		if !p.Object {
			ref = sp.Items.Ref
		}
		t, ok := s.Types[strings.TrimPrefix(ref, "#/types/")]
		if !ok {
			return fmt.Errorf("%s: a block, but the subset has no object type for it", where)
		}
		return s.mark(where, p.Properties, t.Properties)
	case p.Object && p.Elem != nil:
		return sameType(where, pulumiTypes[p.Elem.Type], sp.Type)
	case p.Type == "list" || p.Type == "set":
		if sp.Items == nil || p.Elem == nil {
			return fmt.Errorf("%s: a %s, but the subset's type is %q", where, p.Type, sp.Type)
		}
		return sameType(where, pulumiTypes[p.Elem.Type], sp.Items.Type)
	case p.Type == "map":
		if sp.AdditionalProperties == nil {
			return fmt.Errorf("%s: a map, but the subset's type is %q", where, sp.Type)
		}
		return nil
	}
	return sameType(where, pulumiTypes[p.Type], sp.Type)
}

func sameType(where, want, got string) error {
	if want != got {
		return fmt.Errorf("%s: the provider's type is %s, the subset's %q", where, want, got)
	}
	return nil
}

// sameRequired checks that the subset requires exactly the inputs the
// provider requires and the bridge does not fill in.
func sameRequired(where string, props map[string]*alicloudspec.Property, required []string) error {
	var want []string
	for name, p := range props {
		if p.Required && !p.AutoName {
			want = append(want, name)
		}
	}
	slices.Sort(want)
	got := slices.Sorted(slices.Values(required))
	if !slices.Equal(want, got) {
		return fmt.Errorf("%s: the provider requires %v, the subset %v", where, want, got)
	}
	return nil
}

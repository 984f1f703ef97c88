package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/inflector"

	"github.com/hybridlink/hybridlink/internal/alicloudspec"
)

// pulumiName is the bridge's name for a Terraform attribute among its
// siblings, as pulumi-terraform-bridge v3.137.0 names it
// (pkg/tfbridge/internal/naming): a list or set that is not a single item is
// pluralized unless the plural is a sibling's name, then snake_case becomes
// camelCase. pulumi-alicloud overrides no name of the subset's resources;
// the check against schema.json would show one.
func pulumiName(name string, siblings map[string]*tfProperty) string {
	if p := siblings[name]; p != nil && (p.Type == "list" || p.Type == "set") && p.MaxItems != 1 {
		if plural := inflector.Pluralize(name); siblings[plural] == nil {
			name = plural
		}
	}
	var b strings.Builder
	upper := false
	for i, c := range name {
		switch {
		case c == '_' && i > 0:
			upper = true
		case upper && c >= 'a' && c <= 'z':
			b.WriteRune(c - 'a' + 'A')
			upper = false
		default:
			b.WriteRune(c)
			upper = false
		}
	}
	return b.String()
}

// named converts a parsed schema to the extract's form, keyed by Pulumi
// name, with the conflict rules as Pulumi paths of the resource (top).
func named(props, top map[string]*tfProperty) (map[string]*alicloudspec.Property, error) {
	out := make(map[string]*alicloudspec.Property, len(props))
	for tfName, tp := range props {
		if tp.removed {
			continue
		}
		p := tp.Property
		p.Object = (p.Type == "list" || p.Type == "set") && p.MaxItems == 1
		var err error
		for _, rule := range []*[]string{&p.ConflictsWith, &p.ExactlyOneOf, &p.AtLeastOneOf, &p.RequiredWith} {
			if *rule, err = pulumiPaths(*rule, top); err != nil {
				return nil, fmt.Errorf("%s: %w", tfName, err)
			}
		}
		if tp.elem != nil {
			e := tp.elem.Property
			p.Elem = &e
		}
		if tp.fields != nil {
			if p.Properties, err = named(tp.fields, top); err != nil {
				return nil, err
			}
		}
		out[pulumiName(tfName, props)] = &p
	}
	return out, nil
}

// pulumiPaths converts Terraform keys ("zone_mappings.0.zone_id") to
// Pulumi paths ("zoneMappings[0].zoneId"); an item of a single-item block
// is the object itself.
func pulumiPaths(keys []string, top map[string]*tfProperty) ([]string, error) {
	out := make([]string, 0, len(keys))
	for _, key := range keys {
		level, path := top, ""
		var cur *tfProperty
		for _, seg := range strings.Split(key, ".") {
			if n, err := strconv.Atoi(seg); err == nil && cur != nil {
				if cur.MaxItems != 1 {
					path += fmt.Sprintf("[%d]", n)
				}
				continue
			}
			if cur = level[seg]; cur == nil {
				return nil, fmt.Errorf("conflict key %q names no attribute", key)
			}
			if path != "" {
				path += "."
			}
			path += pulumiName(seg, level)
			level = cur.fields
		}
		out = append(out, path)
	}
	return out, nil
}

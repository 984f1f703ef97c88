package main

import (
	"fmt"
	"go/ast"
	"maps"
	"slices"

	"github.com/hybridlink/hybridlink/internal/alicloudspec"
)

// extract reads the provider source in root for every resource and
// function of the SDK subset's schema.
func extract(root string, schemaJSON []byte) (*alicloudspec.Spec, error) {
	sub, err := parseSubset(schemaJSON)
	if err != nil {
		return nil, err
	}
	src, err := parseSource(root)
	if err != nil {
		return nil, err
	}
	resources, dataSources, err := src.registry()
	if err != nil {
		return nil, err
	}
	spec := &alicloudspec.Spec{Module: alicloudspec.Module, Version: alicloudspec.Version,
		Resources: map[string]*alicloudspec.Resource{}, Functions: map[string]*alicloudspec.Resource{}}
	for _, tok := range slices.Sorted(maps.Keys(sub.Resources)) {
		r, err := src.resource(tok, resources, true)
		if err != nil {
			return nil, err
		}
		sr := sub.Resources[tok]
		if err := sub.mark(tok, r.Properties, merged(sr.InputProperties, sr.Properties)); err != nil {
			return nil, err
		}
		if err := sameRequired(tok, r.Properties, sr.RequiredInputs); err != nil {
			return nil, err
		}
		spec.Resources[tok] = r
	}
	for _, tok := range slices.Sorted(maps.Keys(sub.Functions)) {
		r, err := src.resource(tok, dataSources, false)
		if err != nil {
			return nil, err
		}
		// Every data source has an id (terraform-plugin-sdk adds it), which
		// the bridge lists among the function's results.
		if r.Properties["id"] == nil {
			r.Properties["id"] = &alicloudspec.Property{Terraform: "id", Type: "string", Computed: true}
		}
		sf := sub.Functions[tok]
		if err := sub.mark(tok, r.Properties, merged(sf.Inputs.Properties, sf.Outputs.Properties)); err != nil {
			return nil, err
		}
		if err := sameRequired(tok, r.Properties, sf.Inputs.Required); err != nil {
			return nil, err
		}
		spec.Functions[tok] = r
	}
	return spec, nil
}

// registry reads provider.go's ResourcesMap and DataSourcesMap: the
// function that builds each Terraform resource and data source.
func (s *source) registry() (resources, dataSources map[string]string, err error) {
	resources, dataSources = map[string]string{}, map[string]string{}
	for _, f := range s.files {
		if file, _ := s.pos(f); file != "alicloud/provider.go" {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			kv, ok := n.(*ast.KeyValueExpr)
			if !ok {
				return true
			}
			key, ok := kv.Key.(*ast.Ident)
			lit, isLit := kv.Value.(*ast.CompositeLit)
			if !ok || !isLit || (key.Name != "ResourcesMap" && key.Name != "DataSourcesMap") {
				return true
			}
			into := resources
			if key.Name == "DataSourcesMap" {
				into = dataSources
			}
			for _, el := range lit.Elts {
				entry := el.(*ast.KeyValueExpr)
				name, err := s.str(entry.Key)
				call, ok := entry.Value.(*ast.CallExpr)
				if err != nil || !ok {
					continue
				}
				if id, ok := call.Fun.(*ast.Ident); ok {
					into[name] = id.Name
				}
			}
			return false
		})
	}
	if len(resources) == 0 || len(dataSources) == 0 {
		return nil, nil, fmt.Errorf("alicloud/provider.go: found no ResourcesMap or DataSourcesMap")
	}
	return resources, dataSources, nil
}

// resource extracts the Terraform resource or data source a token bridges.
func (s *source) resource(tok string, registry map[string]string, isResource bool) (*alicloudspec.Resource, error) {
	tfName, ok := terraformNames[tok]
	if !ok {
		return nil, fmt.Errorf("%s: the subset has it, but the generator does not know its Terraform name (add it to terraformNames)", tok)
	}
	fn := s.funcs[registry[tfName]]
	if fn == nil {
		return nil, fmt.Errorf("%s: the provider registers no %s", tok, tfName)
	}
	ret, err := s.returned(fn)
	if err != nil {
		return nil, err
	}
	lit, ok := literal(ret)
	if !ok {
		return nil, s.errorf(ret, "%s does not return a schema.Resource literal", fn.Name.Name)
	}
	f := fields(lit)
	props, err := s.schemaMap(f["Schema"])
	if err != nil {
		return nil, err
	}
	r := &alicloudspec.Resource{Terraform: tfName}
	r.File, _ = s.pos(fn)
	if r.Properties, err = named(props, props); err != nil {
		return nil, fmt.Errorf("%s: %w", tfName, err)
	}
	update, read := funcName(f["Update"]), funcName(f["Read"])
	r.Updatable = update != ""
	skip := map[string]bool{read: true, funcName(f["Create"]): true, funcName(f["Delete"]): true}
	sent := s.accessed(update, []string{"HasChange", "HasChanges", "GetChange", "Get", "GetOk", "GetOkExists"}, skip)
	readBack := s.accessed(read, []string{"Set"}, nil)
	for name, p := range r.Properties {
		p.SentAtUpdate = sent[p.Terraform]
		p.ReadBack = readBack[p.Terraform]
		// The SDK subset requires none of the alarm's name, which the
		// provider requires: pulumi-alicloud auto-names, and the bridge
		// skips an optional deprecated attribute when it fills defaults.
		p.AutoName = isResource && name == "name" && p.Type == "string" && p.Input() && (p.Required || p.Deprecated == "")
	}
	return r, nil
}

func funcName(e ast.Expr) string {
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

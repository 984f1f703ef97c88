package main

import (
	"go/ast"

	"github.com/hybridlink/hybridlink/internal/alicloudspec"
)

// tfProperty is a schema entry as the source declares it, under its
// Terraform name; the conflict rules hold Terraform keys until naming.
type tfProperty struct {
	alicloudspec.Property
	elem   *tfProperty
	fields map[string]*tfProperty
	// removed: the provider refuses the attribute; the bridge leaves it
	// out of the Pulumi schema (tfgen skips a Removed attribute).
	removed bool
}

// schemaTypes maps terraform-plugin-sdk's ValueTypes to the extract's.
var schemaTypes = map[string]string{
	"TypeString": "string", "TypeInt": "int", "TypeFloat": "float", "TypeBool": "bool",
	"TypeList": "list", "TypeSet": "set", "TypeMap": "map",
}

// ignoredFields are schema.Schema fields that change neither validation
// nor diffs.
var ignoredFields = map[string]bool{"Description": true, "Set": true}

// schemaMap parses a map[string]*schema.Schema literal.
func (s *source) schemaMap(e ast.Expr) (map[string]*tfProperty, error) {
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return nil, s.errorf(e, "Schema is not a map literal")
	}
	out := map[string]*tfProperty{}
	for _, el := range lit.Elts {
		kv := el.(*ast.KeyValueExpr)
		name, err := s.str(kv.Key)
		if err != nil {
			return nil, err
		}
		p, err := s.schema(kv.Value)
		if err != nil {
			return nil, err
		}
		p.Terraform = name
		_, p.Line = s.pos(kv)
		out[name] = p
	}
	return out, nil
}

// schema parses one *schema.Schema: a literal, or a call of a function
// returning one (tagsSchema()).
func (s *source) schema(e ast.Expr) (*tfProperty, error) {
	if call, ok := e.(*ast.CallExpr); ok {
		id, ok := call.Fun.(*ast.Ident)
		if !ok || len(call.Args) != 0 || s.funcs[id.Name] == nil {
			return nil, s.errorf(e, "a schema built by a call the generator does not follow")
		}
		ret, err := s.returned(s.funcs[id.Name])
		if err != nil {
			return nil, err
		}
		return s.schema(ret)
	}
	lit, ok := literal(e)
	if !ok {
		return nil, s.errorf(e, "not a schema literal")
	}
	p := &tfProperty{}
	for name, v := range fields(lit) {
		var err error
		switch name {
		case "Type":
			t, ok := selector(v, "schema")
			if p.Type = schemaTypes[t]; !ok || p.Type == "" {
				err = s.errorf(v, "unknown Type")
			}
		case "Required":
			p.Required, err = s.boolean(v)
		case "Optional":
			p.Optional, err = s.boolean(v)
		case "Computed":
			p.Computed, err = s.boolean(v)
		case "ForceNew":
			p.ForceNew, err = s.boolean(v)
		case "Sensitive":
			p.Sensitive, err = s.boolean(v)
		case "Deprecated":
			p.Deprecated, err = s.str(v)
		case "Default":
			p.Default, err = s.constant(v)
		case "MinItems":
			p.MinItems, err = s.integer(v)
		case "MaxItems":
			p.MaxItems, err = s.integer(v)
		case "ConflictsWith":
			p.ConflictsWith, err = s.strings(v)
		case "ExactlyOneOf":
			p.ExactlyOneOf, err = s.strings(v)
		case "AtLeastOneOf":
			p.AtLeastOneOf, err = s.strings(v)
		case "RequiredWith":
			p.RequiredWith, err = s.strings(v)
		case "DiffSuppressFunc":
			p.DiffSuppress = s.function(v)
		case "ValidateFunc":
			p.Validate, err = s.validator(v)
		case "Elem":
			err = s.elem(p, v)
		case "Removed":
			p.removed = true
		default:
			if !ignoredFields[name] {
				err = s.errorf(v, "schema field %s is not modelled by the generator", name)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if p.Type == "" {
		return nil, s.errorf(e, "schema without a Type")
	}
	return p, nil
}

// elem parses a list's, set's or map's Elem: a block (*schema.Resource),
// a value schema (*schema.Schema) or a bare ValueType.
func (s *source) elem(p *tfProperty, e ast.Expr) error {
	if t, ok := selector(e, "schema"); ok {
		p.elem = &tfProperty{Property: alicloudspec.Property{Type: schemaTypes[t]}}
		if p.elem.Type == "" {
			return s.errorf(e, "unknown Elem type")
		}
		return nil
	}
	lit, ok := literal(e)
	if !ok {
		return s.errorf(e, "Elem is not a literal")
	}
	kind, _ := selector(lit.Type, "schema")
	switch kind {
	case "Resource":
		f := fields(lit)
		if len(f) != 1 || f["Schema"] == nil {
			return s.errorf(e, "a block with more than a Schema")
		}
		var err error
		p.fields, err = s.schemaMap(f["Schema"])
		return err
	case "Schema":
		var err error
		p.elem, err = s.schema(lit)
		return err
	}
	return s.errorf(e, "unknown Elem")
}

// function locates a function value: a named function of the package or
// a function literal.
func (s *source) function(e ast.Expr) *alicloudspec.Func {
	f := &alicloudspec.Func{}
	node := ast.Node(e)
	switch e := e.(type) {
	case *ast.Ident:
		f.Name = e.Name
		if fn := s.funcs[e.Name]; fn != nil {
			node = fn
		}
	case *ast.SelectorExpr:
		if pkg, ok := e.X.(*ast.Ident); ok {
			f.Name = pkg.Name + "." + e.Sel.Name
		}
	}
	f.File, f.Line = s.pos(node)
	return f
}

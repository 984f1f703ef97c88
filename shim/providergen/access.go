package main

import (
	"go/ast"
	"strings"
)

// accessed returns the top-level Terraform keys a function reads or sets
// through its *schema.ResourceData with one of the methods — d.HasChange,
// d.Get, d.Set, … — following the calls it passes d to (helpers such as
// SetResourceTags), except into the functions in skip.
func (s *source) accessed(fn string, methods []string, skip map[string]bool) map[string]bool {
	keys := map[string]bool{}
	seen := map[*ast.FuncDecl]bool{}
	var visit func(*ast.FuncDecl)
	visit = func(f *ast.FuncDecl) {
		if f == nil || seen[f] || skip[f.Name.Name] || f.Body == nil {
			return
		}
		seen[f] = true
		d := resourceDataParam(f)
		if d == "" {
			return
		}
		ast.Inspect(f.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == d && contains(methods, sel.Sel.Name) {
					for _, a := range call.Args {
						if k, err := s.str(a); err == nil {
							keys[topKey(k)] = true
						}
					}
				}
			}
			if passes(call, d) {
				for _, callee := range s.callees(call.Fun) {
					visit(callee)
				}
			}
			return true
		})
	}
	visit(s.funcs[fn])
	return keys
}

// resourceDataParam is the name of a function's *schema.ResourceData
// parameter, or "".
func resourceDataParam(f *ast.FuncDecl) string {
	for _, field := range f.Type.Params.List {
		star, ok := field.Type.(*ast.StarExpr)
		if !ok {
			continue
		}
		if name, ok := selector(star.X, "schema"); ok && name == "ResourceData" && len(field.Names) == 1 {
			return field.Names[0].Name
		}
	}
	return ""
}

// passes reports whether a call passes the identifier d as an argument.
func passes(call *ast.CallExpr, d string) bool {
	for _, a := range call.Args {
		if id, ok := a.(*ast.Ident); ok && id.Name == d {
			return true
		}
	}
	return false
}

// callees are the package's functions or methods a call may reach: a
// method call reaches every method of that name.
func (s *source) callees(fun ast.Expr) []*ast.FuncDecl {
	switch fun := fun.(type) {
	case *ast.Ident:
		if f := s.funcs[fun.Name]; f != nil {
			return []*ast.FuncDecl{f}
		}
	case *ast.SelectorExpr:
		return s.methods[fun.Sel.Name]
	}
	return nil
}

// topKey is the top-level attribute of a Terraform key ("ike_config.0.psk").
func topKey(k string) string {
	top, _, _ := strings.Cut(k, ".")
	return top
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

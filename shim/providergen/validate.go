package main

import (
	"go/ast"
	"strconv"

	"github.com/hybridlink/hybridlink/internal/alicloudspec"
)

// validator parses a ValidateFunc. The common helpers — the provider's own
// (alicloud/validators.go) and terraform-plugin-sdk's helper/validation —
// become their form with their arguments; any other function is Custom,
// with where it is.
func (s *source) validator(e ast.Expr) (*alicloudspec.Validate, error) {
	switch e := e.(type) {
	case *ast.CallExpr:
		name, pkg := s.helper(e.Fun)
		if name == "" {
			break
		}
		v := &alicloudspec.Validate{Pkg: pkg}
		args := e.Args
		var err error
		switch {
		case name == "StringInSlice" && len(args) == 2:
			v.Form = alicloudspec.StringInSlice
			if v.Strings, err = s.strings(args[0]); err == nil {
				v.IgnoreCase, err = s.boolean(args[1])
			}
		case name == "IntInSlice" && len(args) == 1:
			v.Form = alicloudspec.IntInSlice
			v.Ints, err = s.ints(args[0])
		case (name == "IntBetween" || name == "StringLenBetween") && len(args) == 2:
			v.Form = alicloudspec.IntBetween
			if name == "StringLenBetween" {
				v.Form = alicloudspec.StringLenBetween
			}
			v.Min, err = s.intPtr(args[0])
			if err == nil {
				v.Max, err = s.intPtr(args[1])
			}
		case name == "IntAtLeast" && len(args) == 1:
			v.Form = alicloudspec.IntAtLeast
			v.Min, err = s.intPtr(args[0])
		case name == "IntAtMost" && len(args) == 1:
			v.Form = alicloudspec.IntAtMost
			v.Max, err = s.intPtr(args[0])
		case name == "StringMatch" && len(args) == 2:
			v.Form = alicloudspec.StringMatch
			if v.Pattern, err = s.mustCompile(args[0]); err == nil {
				v.Message, err = s.str(args[1])
			}
		case name == "Any" && pkg == "validation":
			v.Form = alicloudspec.Any
			for _, a := range args {
				o, err := s.validator(a)
				if err != nil {
					return nil, err
				}
				v.Of = append(v.Of, o)
			}
		default:
			return s.custom(e), nil
		}
		return v, err
	case *ast.Ident, *ast.SelectorExpr:
		switch name, pkg := s.helper(e); {
		case name == "validateCIDRNetworkAddress" && pkg == "alicloud":
			return &alicloudspec.Validate{Form: alicloudspec.CIDRNetwork, Pkg: pkg}, nil
		case name == "StringIsValidRegExp" && pkg == "validation":
			return &alicloudspec.Validate{Form: alicloudspec.ValidRegExp, Pkg: pkg}, nil
		case name == "IsIPAddress" && pkg == "validation":
			return &alicloudspec.Validate{Form: alicloudspec.IsIPAddress, Pkg: pkg}, nil
		}
	}
	return s.custom(e), nil
}

// helper names a validator function and its package: "alicloud" for one
// of the provider's own, "validation" for terraform-plugin-sdk's.
func (s *source) helper(fun ast.Expr) (name, pkg string) {
	if n, ok := selector(fun, "validation"); ok {
		return n, "validation"
	}
	if id, ok := fun.(*ast.Ident); ok && s.funcs[id.Name] != nil {
		if file, _ := s.pos(s.funcs[id.Name]); file == "alicloud/validators.go" {
			return id.Name, "alicloud"
		}
	}
	return "", ""
}

func (s *source) custom(e ast.Expr) *alicloudspec.Validate {
	return &alicloudspec.Validate{Form: alicloudspec.Custom, Custom: s.function(e)}
}

func (s *source) intPtr(e ast.Expr) (*int, error) {
	n, err := s.integer(e)
	return &n, err
}

// mustCompile reads the pattern of regexp.MustCompile("...").
func (s *source) mustCompile(e ast.Expr) (string, error) {
	call, ok := e.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return "", s.errorf(e, "StringMatch without regexp.MustCompile(<constant>)")
	}
	if name, isRE := selector(call.Fun, "regexp"); !isRE || name != "MustCompile" {
		return "", s.errorf(e, "StringMatch without regexp.MustCompile(<constant>)")
	}
	if lit, ok := call.Args[0].(*ast.BasicLit); ok {
		return strconv.Unquote(lit.Value)
	}
	return s.str(call.Args[0])
}

package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// source is the provider's Go package alicloud, parsed: its top-level
// functions, methods and constants by name.
type source struct {
	root    string // the module directory
	fset    *token.FileSet
	files   []*ast.File
	funcs   map[string]*ast.FuncDecl
	methods map[string][]*ast.FuncDecl
	consts  map[string]ast.Expr
}

// parseSource parses every non-test file of <root>/alicloud.
func parseSource(root string) (*source, error) {
	s := &source{root: root, fset: token.NewFileSet(), funcs: map[string]*ast.FuncDecl{},
		methods: map[string][]*ast.FuncDecl{}, consts: map[string]ast.Expr{}}
	names, err := filepath.Glob(filepath.Join(root, "alicloud", "*.go"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s has no alicloud/*.go: not the provider's module", root)
	}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(s.fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		s.files = append(s.files, f)
		s.index(f)
	}
	return s, nil
}

func (s *source) index(f *ast.File) {
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				s.funcs[d.Name.Name] = d
			} else {
				s.methods[d.Name.Name] = append(s.methods[d.Name.Name], d)
			}
		case *ast.GenDecl:
			if d.Tok != token.CONST {
				continue
			}
			for _, spec := range d.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i < len(vs.Values) {
						s.consts[n.Name] = vs.Values[i]
					}
				}
			}
		}
	}
}

// pos is where a node is: its file relative to the module, and line.
func (s *source) pos(n ast.Node) (string, int) {
	p := s.fset.Position(n.Pos())
	rel, err := filepath.Rel(s.root, p.Filename)
	if err != nil {
		rel = p.Filename
	}
	return filepath.ToSlash(rel), p.Line
}

func (s *source) errorf(n ast.Node, format string, args ...any) error {
	file, line := s.pos(n)
	return fmt.Errorf("%s:%d: %s", file, line, fmt.Sprintf(format, args...))
}

// constant evaluates a constant expression: a literal, a named constant
// of the package, a concatenation of strings.
func (s *source) constant(e ast.Expr) (any, error) {
	switch e := e.(type) {
	case *ast.BasicLit:
		switch e.Kind {
		case token.STRING:
			return strconv.Unquote(e.Value)
		case token.INT:
			return strconv.Atoi(e.Value)
		case token.FLOAT:
			return strconv.ParseFloat(e.Value, 64)
		}
	case *ast.Ident:
		switch e.Name {
		case "true", "false":
			return e.Name == "true", nil
		}
		if v, ok := s.consts[e.Name]; ok {
			return s.constant(v)
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			a, err := s.constant(e.X)
			if err != nil {
				return nil, err
			}
			b, err := s.constant(e.Y)
			if err != nil {
				return nil, err
			}
			as, aok := a.(string)
			bs, bok := b.(string)
			if aok && bok {
				return as + bs, nil
			}
		}
	case *ast.UnaryExpr:
		if e.Op == token.SUB {
			v, err := s.constant(e.X)
			if n, ok := v.(int); ok && err == nil {
				return -n, nil
			}
		}
	case *ast.ParenExpr:
		return s.constant(e.X)
	}
	return nil, s.errorf(e, "not a constant the generator understands: %T", e)
}

func (s *source) str(e ast.Expr) (string, error) {
	v, err := s.constant(e)
	if err != nil {
		return "", err
	}
	if str, ok := v.(string); ok {
		return str, nil
	}
	return "", s.errorf(e, "not a string constant")
}

func (s *source) integer(e ast.Expr) (int, error) {
	v, err := s.constant(e)
	if err != nil {
		return 0, err
	}
	if n, ok := v.(int); ok {
		return n, nil
	}
	return 0, s.errorf(e, "not an integer constant")
}

func (s *source) boolean(e ast.Expr) (bool, error) {
	v, err := s.constant(e)
	if err != nil {
		return false, err
	}
	if b, ok := v.(bool); ok {
		return b, nil
	}
	return false, s.errorf(e, "not a boolean constant")
}

// strings evaluates []string{...}.
func (s *source) strings(e ast.Expr) ([]string, error) { return elements(s, e, s.str) }

// ints evaluates []int{...}.
func (s *source) ints(e ast.Expr) ([]int, error) { return elements(s, e, s.integer) }

// elements evaluates a slice literal's constant elements.
func elements[T any](s *source, e ast.Expr, value func(ast.Expr) (T, error)) ([]T, error) {
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return nil, s.errorf(e, "not a slice literal")
	}
	out := make([]T, 0, len(lit.Elts))
	for _, el := range lit.Elts {
		v, err := value(el)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// fields returns a composite literal's keyed fields by name.
func fields(lit *ast.CompositeLit) map[string]ast.Expr {
	out := map[string]ast.Expr{}
	for _, el := range lit.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok {
				out[id.Name] = kv.Value
			}
		}
	}
	return out
}

// literal unwraps &T{...} and T{...}.
func literal(e ast.Expr) (*ast.CompositeLit, bool) {
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = u.X
	}
	lit, ok := e.(*ast.CompositeLit)
	return lit, ok
}

// selector reports whether e is pkg.name, and name.
func selector(e ast.Expr, pkg string) (string, bool) {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	x, ok := sel.X.(*ast.Ident)
	if !ok || x.Name != pkg {
		return "", false
	}
	return sel.Sel.Name, true
}

// returned is the expression a function returns: its single return.
func (s *source) returned(fn *ast.FuncDecl) (ast.Expr, error) {
	var ret ast.Expr
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if r, ok := n.(*ast.ReturnStmt); ok && len(r.Results) == 1 && ret == nil {
			ret = r.Results[0]
		}
		return ret == nil
	})
	if ret == nil {
		return nil, s.errorf(fn, "%s returns no single value", fn.Name.Name)
	}
	return ret, nil
}

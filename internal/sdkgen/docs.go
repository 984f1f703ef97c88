package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strings"
)

// module is the import path of the repository root.
const module = "github.com/hybridlink/hybridlink"

// sourceDocs are the doc comments of the Go packages under a repository
// root, read from their sources as the schema needs them.
type sourceDocs struct {
	root string
	// types maps "<import path>.<type>" to the type's doc, fields to
	// "<import path>.<type>.<field>".
	docs map[string]string
	read map[string]error
}

func readDocs(root string) (*sourceDocs, error) {
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return nil, fmt.Errorf("%s is not the repository root: %w", root, err)
	}
	return &sourceDocs{root: root, docs: map[string]string{}, read: map[string]error{}}, nil
}

// Type returns the doc comment of a named type.
func (d *sourceDocs) Type(t reflect.Type) string {
	return d.lookup(t, t.PkgPath()+"."+t.Name())
}

// Field returns the doc comment of a struct field: the comment above it, or
// else the one after it on its line.
func (d *sourceDocs) Field(t reflect.Type, goName string) string {
	return d.lookup(t, t.PkgPath()+"."+t.Name()+"."+goName)
}

func (d *sourceDocs) lookup(t reflect.Type, key string) string {
	if err := d.load(t.PkgPath()); err != nil {
		// Spec reports the missing doc; say why it is missing.
		fmt.Fprintln(os.Stderr, "sdkgen:", err)
		return ""
	}
	return d.docs[key]
}

// load parses the non-test sources of a package of this module once.
func (d *sourceDocs) load(pkgPath string) error {
	if err, done := d.read[pkgPath]; done {
		return err
	}
	err := d.parse(pkgPath)
	d.read[pkgPath] = err
	return err
}

func (d *sourceDocs) parse(pkgPath string) error {
	rel, ok := strings.CutPrefix(pkgPath, module)
	if !ok {
		return fmt.Errorf("%s is outside %s: no sources to read docs from", pkgPath, module)
	}
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, filepath.Join(d.root, rel), func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, parser.ParseComments)
	if err != nil {
		return err
	}
	for _, pkg := range pkgs {
		for _, file := range pkg.Files {
			for _, decl := range file.Decls {
				gen, ok := decl.(*ast.GenDecl)
				if !ok || gen.Tok != token.TYPE {
					continue
				}
				for _, spec := range gen.Specs {
					d.addType(pkgPath, gen, spec.(*ast.TypeSpec))
				}
			}
		}
	}
	return nil
}

func (d *sourceDocs) addType(pkgPath string, gen *ast.GenDecl, ts *ast.TypeSpec) {
	key := pkgPath + "." + ts.Name.Name
	doc := ts.Doc
	if doc == nil && len(gen.Specs) == 1 {
		doc = gen.Doc
	}
	d.docs[key] = text(doc)
	st, ok := ts.Type.(*ast.StructType)
	if !ok {
		return
	}
	for _, f := range st.Fields.List {
		doc := f.Doc
		if doc == nil {
			doc = f.Comment
		}
		for _, name := range f.Names {
			d.docs[key+"."+name.Name] = text(doc)
		}
	}
}

// text is a comment's text with each paragraph on one line, as the SDKs'
// doc comments wrap it themselves.
func text(c *ast.CommentGroup) string {
	if c == nil {
		return ""
	}
	var paras []string
	for _, p := range strings.Split(strings.TrimSpace(c.Text()), "\n\n") {
		paras = append(paras, strings.Join(strings.Fields(p), " "))
	}
	return strings.Join(paras, "\n\n")
}

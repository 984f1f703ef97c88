// Command sdkgen writes hybridlink's Pulumi package for other languages from
// the components' Go types: the schema the provider plugin serves
// (cmd/pulumi-resource-hybridlink/schema.json), the Node.js SDK (sdk/nodejs)
// and the Python SDK (sdk/python), with Pulumi's own code generators.
// Regenerate with `go generate ./cmd/pulumi-resource-hybridlink`.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	nodejs "github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	python "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"

	"github.com/hybridlink/hybridlink/internal/componentpkg"
)

// Where the generated files go, relative to the repository root.
const (
	schemaFile = "cmd/pulumi-resource-hybridlink/schema.json"
	nodeDir    = "sdk/nodejs"
	pythonDir  = "sdk/python"
)

// tool is the generator name the SDKs' headers record.
const tool = "hybridlink-sdkgen"

func main() {
	root := flag.String("root", ".", "the repository root")
	flag.Parse()
	if err := write(*root); err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen:", err)
		os.Exit(1)
	}
}

// generate returns every generated file, keyed by path relative to root.
func generate(root string) (map[string][]byte, error) {
	docs, err := readDocs(root)
	if err != nil {
		return nil, err
	}
	spec, err := componentpkg.Spec(docs)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(spec); err != nil {
		return nil, err
	}
	out := map[string][]byte{schemaFile: buf.Bytes()}

	for dir, gen := range map[string]func(*schema.Package, schema.ReferenceLoader) (map[string][]byte, error){
		nodeDir: func(pkg *schema.Package, loader schema.ReferenceLoader) (map[string][]byte, error) {
			// A local SDK: its package.json compiles it on install, so a
			// program can depend on the directory (file:…/sdk/nodejs).
			return nodejs.GeneratePackage(tool, pkg, nil, nil, true, loader)
		},
		pythonDir: func(pkg *schema.Package, loader schema.ReferenceLoader) (map[string][]byte, error) {
			return python.GeneratePackage(tool, pkg, nil, loader)
		},
	} {
		// Each generator records its language's settings in the package:
		// bind a fresh one for each.
		loader := schema.NewPluginLoader(nil)
		pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{})
		if err != nil {
			return nil, fmt.Errorf("binding the schema: %w", err)
		}
		if diags.HasErrors() {
			return nil, fmt.Errorf("binding the schema: %v", diags)
		}
		files, err := gen(pkg, loader)
		if err != nil {
			return nil, fmt.Errorf("generating %s: %w", dir, err)
		}
		for name, content := range files {
			out[filepath.Join(dir, name)] = content
		}
	}
	return out, nil
}

// write regenerates the files under root, removing generated files that are
// no longer generated.
func write(root string) error {
	files, err := generate(root)
	if err != nil {
		return err
	}
	stale, err := generatedFiles(root)
	if err != nil {
		return err
	}
	for _, name := range stale {
		if _, ok := files[name]; !ok {
			if err := os.Remove(filepath.Join(root, name)); err != nil {
				return err
			}
		}
	}
	for name, content := range files {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// generatedFiles lists the files under the SDK directories as they are on
// disk (without what installing or compiling the SDKs adds), and the schema.
func generatedFiles(root string) ([]string, error) {
	out := []string{schemaFile}
	for _, dir := range []string{nodeDir, pythonDir} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d os.DirEntry, err error) error {
			if os.IsNotExist(err) {
				return filepath.SkipDir
			}
			if err != nil {
				return err
			}
			switch name := d.Name(); {
			case d.IsDir() && (name == "node_modules" || name == "bin" || name == "__pycache__"):
				return filepath.SkipDir
			case d.IsDir():
				return nil
			}
			rel, err := filepath.Rel(root, path)
			out = append(out, rel)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

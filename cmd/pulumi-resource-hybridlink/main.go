// Command pulumi-resource-hybridlink is hybridlink's provider plugin for
// Pulumi programs in TypeScript, Python, YAML and the other languages: it
// serves the package schema (schema.json, generated from the components' Go
// types) and constructs the components with the Go constructors, so every
// language gets the same validation, resources and outputs.
package main

//go:generate go run ../../internal/sdkgen -root ../..

import (
	_ "embed"
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"

	"github.com/hybridlink/hybridlink/internal/componentpkg"
)

//go:embed schema.json
var schema []byte

func main() {
	if err := provider.ComponentMain(componentpkg.Name, componentpkg.Version, schema, componentpkg.Construct); err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-resource-hybridlink:", err)
		os.Exit(1)
	}
}

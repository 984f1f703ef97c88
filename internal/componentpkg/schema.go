package componentpkg

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"reflect"
	"strings"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Docs gives the doc comments the schema's descriptions come from: a
// type's, and a struct field's. The generator reads them from the Go
// sources, which reflection cannot see.
type Docs interface {
	Type(t reflect.Type) string
	Field(t reflect.Type, goName string) string
}

// SDK settings the generated SDKs need: their package names, and the oldest
// @pulumi/pulumi the Node.js SDK accepts — the newest one that still runs on
// Node.js 20 (3.242 and later require Node.js 22).
const (
	nodePackage   = "@hybridlink/hybridlink"
	nodePulumiSDK = "^3.241.0"
	pythonPackage = "hybridlink"
	repositoryURL = "https://github.com/hybridlink/hybridlink"
)

// Spec returns the package schema: every component with its inputs (the
// Args fields) and outputs (the tagged fields), and every object type the
// Args hold. Address-plan values (CIDRs, IPs, zones, numbers) are plain, so
// Construct can validate them before it registers anything; IDs and
// secrets are inputs. Every property must have a doc comment.
func Spec(docs Docs) (schema.PackageSpec, error) {
	b := &specBuilder{docs: docs, spec: schema.PackageSpec{
		Name:        Name,
		Version:     Version,
		DisplayName: "hybridlink",
		Description: "Active/standby hybrid connection to Alibaba Cloud: Express Connect (BGP) primary, IPsec-VPN standby, CEN transit router hub.",
		Repository:  repositoryURL,
		Types:       map[string]schema.ComplexTypeSpec{},
		Resources:   map[string]schema.ResourceSpec{},
		Meta:        &schema.MetadataSpec{ModuleFormat: "(.*)"},
		Language: map[string]schema.RawMessage{
			"nodejs": rawJSON(map[string]any{
				"packageName":          nodePackage,
				"respectSchemaVersion": true,
				"dependencies":         map[string]string{"@pulumi/pulumi": nodePulumiSDK},
			}),
			"python": rawJSON(map[string]any{
				"packageName":          pythonPackage,
				"respectSchemaVersion": true,
			}),
		},
	}}
	for _, c := range Components {
		if err := b.resource(c); err != nil {
			return schema.PackageSpec{}, err
		}
	}
	return b.spec, nil
}

func rawJSON(v any) schema.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // maps of strings always marshal
	}
	return b
}

type specBuilder struct {
	docs Docs
	spec schema.PackageSpec
}

func (b *specBuilder) resource(c component) error {
	r := schema.ResourceSpec{
		IsComponent:     true,
		InputProperties: map[string]schema.PropertySpec{},
	}
	r.Description = b.docs.Type(c.resource)
	r.Properties = map[string]schema.PropertySpec{}
	if r.Description == "" {
		return fmt.Errorf("%s has no doc comment", c.resource)
	}
	fields, err := fieldsOf(c.args)
	if err != nil {
		return err
	}
	for _, f := range fields {
		p, err := b.property(c.args, f)
		if err != nil {
			return err
		}
		r.InputProperties[f.name] = p
		if !f.optional {
			r.RequiredInputs = append(r.RequiredInputs, f.name)
		}
	}
	for _, f := range outputsOf(c.resource) {
		p, err := b.property(c.resource, f)
		if err != nil {
			return err
		}
		r.Properties[f.name] = p
		r.Required = append(r.Required, f.name)
	}
	b.spec.Resources[c.token] = r
	return nil
}

func (b *specBuilder) property(owner reflect.Type, f field) (schema.PropertySpec, error) {
	doc := b.docs.Field(owner, f.goName)
	if doc == "" {
		return schema.PropertySpec{}, fmt.Errorf("%s.%s has no doc comment", owner, f.goName)
	}
	t, err := b.typeSpec(f.typ)
	if err != nil {
		return schema.PropertySpec{}, fmt.Errorf("%s.%s: %w", owner, f.goName, err)
	}
	// "VLANID tags the VBR's traffic…" reads "vlanId tags…" in the SDKs.
	if rest, ok := strings.CutPrefix(doc, f.goName+" "); ok {
		doc = f.name + " " + rest
	}
	return schema.PropertySpec{TypeSpec: t, Description: doc, Secret: f.secret}, nil
}

var (
	prefixType = reflect.TypeFor[netip.Prefix]()
	addrType   = reflect.TypeFor[netip.Addr]()
)

// typeSpec maps a Go type to the schema's. Plain Go values (the address
// plan) are plain in the schema too; pulumi inputs and outputs are not.
func (b *specBuilder) typeSpec(t reflect.Type) (schema.TypeSpec, error) {
	plain := func(s schema.TypeSpec) (schema.TypeSpec, error) { s.Plain = true; return s, nil }
	switch t {
	case stringInputType, reflect.TypeFor[pulumi.StringOutput]():
		return schema.TypeSpec{Type: "string"}, nil
	case reflect.TypeFor[pulumi.StringArrayOutput]():
		return schema.TypeSpec{Type: "array", Items: &schema.TypeSpec{Type: "string"}}, nil
	case reflect.TypeFor[pulumi.StringMapOutput]():
		return schema.TypeSpec{Type: "object", AdditionalProperties: &schema.TypeSpec{Type: "string"}}, nil
	case resourcesType:
		// Resources to wait for, passed as resource references.
		return plain(schema.TypeSpec{Type: "array", Items: &schema.TypeSpec{Ref: "pulumi.json#/Any", Plain: true}})
	case prefixType, addrType:
		return plain(schema.TypeSpec{Type: "string"})
	}
	switch t.Kind() {
	case reflect.String:
		return plain(schema.TypeSpec{Type: "string"})
	case reflect.Int:
		return plain(schema.TypeSpec{Type: "integer"})
	case reflect.Bool:
		return plain(schema.TypeSpec{Type: "boolean"})
	case reflect.Pointer:
		return b.typeSpec(t.Elem())
	case reflect.Slice:
		items, err := b.typeSpec(t.Elem())
		if err != nil {
			return schema.TypeSpec{}, err
		}
		return plain(schema.TypeSpec{Type: "array", Items: &items})
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			break
		}
		values, err := b.typeSpec(t.Elem())
		if err != nil {
			return schema.TypeSpec{}, err
		}
		return plain(schema.TypeSpec{Type: "object", AdditionalProperties: &values})
	case reflect.Struct:
		token, err := b.objectType(t)
		if err != nil {
			return schema.TypeSpec{}, err
		}
		return plain(schema.TypeSpec{Ref: "#/types/" + token})
	}
	return schema.TypeSpec{}, fmt.Errorf("no schema type for Go type %s", t)
}

// objectType adds a struct's object type to the schema once and returns its
// token.
func (b *specBuilder) objectType(t reflect.Type) (string, error) {
	token, ok := typeToken(t)
	if !ok {
		return "", fmt.Errorf("%s has no schema type name (componentpkg.typeNames)", t)
	}
	if _, done := b.spec.Types[token]; done {
		return token, nil
	}
	desc := b.docs.Type(t)
	if desc == "" {
		return "", fmt.Errorf("%s has no doc comment", t)
	}
	obj := schema.ObjectTypeSpec{Type: "object", Description: desc, Properties: map[string]schema.PropertySpec{}}
	// Reserve the token first: a type may refer to itself.
	b.spec.Types[token] = schema.ComplexTypeSpec{ObjectTypeSpec: obj}
	fields, err := fieldsOf(t)
	if err != nil {
		return "", err
	}
	for _, f := range fields {
		p, err := b.property(t, f)
		if err != nil {
			return "", err
		}
		obj.Properties[f.name] = p
		if !f.optional {
			obj.Required = append(obj.Required, f.name)
		}
	}
	b.spec.Types[token] = schema.ComplexTypeSpec{ObjectTypeSpec: obj}
	return token, nil
}

package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/alicloudspec"
)

// thingSchema is an SDK subset of the stand-in provider in
// testdata/provider: the resource with most of its attributes, and the
// data source.
const thingSchema = `{
  "resources": {"alicloud:test/thing:Thing": {
    "inputProperties": {"name": {"type": "string"}, "speed": {"type": "string"}, "size": {"type": "integer"},
      "zoneId": {"type": "string"}, "subnets": {"type": "array", "items": {"type": "string"}},
      "ikeConfig": {"$ref": "#/types/alicloud:test/ThingIkeConfig:ThingIkeConfig"},
      "tags": {"type": "object", "additionalProperties": {"type": "string"}}},
    "properties": {"internetIp": {"type": "string"}},
    "requiredInputs": ["subnets"]}},
  "functions": {"alicloud:test/getThings:getThings": {
    "inputs": {"properties": {"nameRegex": {"type": "string"}}},
    "outputs": {"properties": {"id": {"type": "string"}, "things": {"type": "array", "items": {"$ref": "#/types/alicloud:test/Item:Item"}}}}}},
  "types": {"alicloud:test/ThingIkeConfig:ThingIkeConfig": {"properties": {"psk": {"type": "string"}}},
    "alicloud:test/Item:Item": {"properties": {"id": {"type": "string"}}}}
}`

func withTestTokens(t *testing.T) {
	t.Helper()
	old := terraformNames
	terraformNames = map[string]string{"alicloud:test/thing:Thing": "alicloud_thing", "alicloud:test/getThings:getThings": "alicloud_things"}
	t.Cleanup(func() { terraformNames = old })
}

func TestExtract(t *testing.T) {
	withTestTokens(t)
	spec, err := extract("testdata/provider", []byte(thingSchema))
	require.NoError(t, err)
	r := spec.Resources["alicloud:test/thing:Thing"]
	require.NotNil(t, r)
	assert.Equal(t, "alicloud_thing", r.Terraform)
	assert.Equal(t, "alicloud/resource_alicloud_thing.go", r.File)
	assert.True(t, r.Updatable)

	p := r.Properties
	assert.NotContains(t, p, "old", "a removed attribute is not in the Pulumi schema")
	assert.True(t, p["name"].Required && p["name"].AutoName, "a required name is auto-named, so the subset need not require it")
	assert.True(t, p["name"].SentAtUpdate && p["name"].ReadBack)
	assert.True(t, p["tags"].SentAtUpdate, "found through the helper the Update passes d to")
	assert.False(t, p["ignored"].SentAtUpdate, "read by Create and by Read, never by Update")
	assert.True(t, p["ignored"].ReadBack)
	assert.False(t, p["speed"].ReadBack, "a d.Get in Read is not a d.Set")

	assert.Equal(t, "fast", p["speed"].Default, "a constant's value")
	assert.Equal(t, &alicloudspec.Validate{Form: alicloudspec.StringInSlice, Pkg: "alicloud", Strings: []string{"fast", "slow"}, IgnoreCase: true}, p["speed"].Validate)
	size := p["size"].Validate
	assert.Equal(t, alicloudspec.Any, size.Form)
	assert.Equal(t, "validation", size.Pkg)
	require.Len(t, size.Of, 2)
	assert.Equal(t, "IntBetween(1, 9)", size.Of[0].String())
	assert.Equal(t, "IntInSlice([12 24])", size.Of[1].String())
	assert.Equal(t, alicloudspec.Custom, p["mode"].Validate.Form, "a function literal is custom")
	assert.Equal(t, "alicloud/resource_alicloud_thing.go", p["mode"].Validate.Custom.File)
	require.NotNil(t, p["mode"].DiffSuppress)
	assert.Positive(t, p["mode"].DiffSuppress.Line)

	assert.Equal(t, []string{"zoneId", "availabilityZone"}, p["zoneId"].ExactlyOneOf, "conflict keys under Pulumi names")
	assert.Equal(t, "Field 'availability_zone' has been deprecated. Use 'zone_id'.", p["availabilityZone"].Deprecated)

	require.Contains(t, p, "subnets", "a set is pluralized")
	assert.Equal(t, "set", p["subnets"].Type)
	assert.Equal(t, 1, p["subnets"].MinItems)
	assert.Equal(t, alicloudspec.CIDRNetwork, p["subnets"].Elem.Validate.Form)
	require.Contains(t, p, "ikeConfig", "a single-item block keeps its name")
	assert.True(t, p["ikeConfig"].Object)
	assert.True(t, p["ikeConfig"].Properties["psk"].Computed)
	assert.Equal(t, "ike_config.0.psk", r.TerraformKey("ikeConfig.psk"))

	assert.True(t, p["speed"].InSubset)
	assert.False(t, p["mode"].InSubset, "the subset lacks it")

	f := spec.Functions["alicloud:test/getThings:getThings"]
	require.NotNil(t, f)
	assert.Equal(t, alicloudspec.ValidRegExp, f.Properties["nameRegex"].Validate.Form)
	assert.True(t, f.Properties["id"].Computed, "a data source's implicit id")
}

func TestExtractRefusesASubsetThatIsNot(t *testing.T) {
	withTestTokens(t)
	for name, edit := range map[string]func(map[string]any){
		"a property the provider lacks": func(s map[string]any) { inputs(s)["colour"] = map[string]any{"type": "string"} },
		"another type":                  func(s map[string]any) { inputs(s)["size"] = map[string]any{"type": "string"} },
		"a block as a list": func(s map[string]any) {
			inputs(s)["ikeConfig"] = map[string]any{"type": "array", "items": map[string]any{"type": "string"}}
		},
		"not required": func(s map[string]any) { resource(s)["requiredInputs"] = []string{} },
	} {
		t.Run(name, func(t *testing.T) {
			var s map[string]any
			require.NoError(t, json.Unmarshal([]byte(thingSchema), &s))
			edit(s)
			b, err := json.Marshal(s)
			require.NoError(t, err)
			_, err = extract("testdata/provider", b)
			require.Error(t, err)
		})
	}
}

func resource(s map[string]any) map[string]any {
	return s["resources"].(map[string]any)["alicloud:test/thing:Thing"].(map[string]any)
}

func inputs(s map[string]any) map[string]any { return resource(s)["inputProperties"].(map[string]any) }

func TestPulumiName(t *testing.T) {
	sibs := map[string]*tfProperty{
		"tunnel_options_specification": {Property: alicloudspec.Property{Type: "list"}},
		"escalations_critical":         {Property: alicloudspec.Property{Type: "list", MaxItems: 1}},
		"zone_mappings":                {Property: alicloudspec.Property{Type: "set"}},
		"name_list":                    {Property: alicloudspec.Property{Type: "list"}},
		"id":                           {Property: alicloudspec.Property{Type: "list"}},
		"ids":                          {Property: alicloudspec.Property{Type: "list"}},
		"vpc_id":                       {Property: alicloudspec.Property{Type: "string"}},
	}
	for tf, want := range map[string]string{
		"tunnel_options_specification": "tunnelOptionsSpecifications",
		"escalations_critical":         "escalationsCritical",
		"zone_mappings":                "zoneMappings",
		"name_list":                    "nameLists",
		"id":                           "id", // its plural is a sibling
		"vpc_id":                       "vpcId",
	} {
		assert.Equal(t, want, pulumiName(tf, sibs), tf)
	}
}

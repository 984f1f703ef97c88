package inventory

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
)

var unknown = resource.MakeComputed(resource.NewProperty(""))

func TestReadsLookThroughSecretContainers(t *testing.T) {
	r := Resource{Props: resource.PropertyMap{
		"ikeConfig": resource.MakeSecret(resource.NewProperty(resource.PropertyMap{"psk": resource.NewProperty("k")})),
		"plain":     resource.NewProperty(resource.PropertyMap{"psk": resource.NewProperty("k")}),
		"output": resource.NewProperty(resource.Output{Known: true, Secret: true,
			Element: resource.NewProperty(resource.PropertyMap{"psk": resource.NewProperty("k")})}),
	}}
	for _, path := range []string{"ikeConfig.psk", "output.psk"} {
		v, ok := r.String(path)
		assert.True(t, ok, path)
		assert.Equal(t, "k", v, path)
		assert.True(t, r.IsSecret(path), path)
	}
	assert.False(t, r.IsSecret("plain.psk"))
	assert.True(t, r.Has("plain.psk"))
	assert.False(t, r.Has("plain.other"))
}

func TestReadsOfUnknowns(t *testing.T) {
	r := Resource{Props: resource.PropertyMap{
		"ikeConfig":    unknown,
		"secretKey":    resource.MakeSecret(unknown),
		"zoneMappings": resource.NewProperty([]resource.PropertyValue{unknown, resource.NewProperty(resource.PropertyMap{"zoneId": resource.NewProperty("z")})}),
	}}
	_, ok := r.String("ikeConfig.psk")
	assert.False(t, ok)
	assert.True(t, r.Has("ikeConfig.psk"), "an unknown container may hold the value")
	assert.True(t, r.IsSecret("secretKey"))
	assert.Zero(t, r.Len("zoneMappings"), "Len needs every element known")
	n, ok := r.ArrayLen("zoneMappings")
	assert.True(t, ok)
	assert.Equal(t, 2, n)
	z, ok := r.String("zoneMappings[1].zoneId")
	assert.True(t, ok)
	assert.Equal(t, "z", z)
	_, ok = r.ArrayLen("ikeConfig")
	assert.False(t, ok)
}

func TestTargetPrefersDependencies(t *testing.T) {
	tr := Resource{URN: "urn:pulumi:dev::hybridlink::alicloud:cen/transitRouter:TransitRouter::tr", ID: "cen-1:tr-1"}
	vpc := Resource{URN: "urn:pulumi:dev::hybridlink::alicloud:vpc/network:Network::vpc", ID: "vpc-1"}
	att := Resource{
		URN: "urn:pulumi:dev::hybridlink::alicloud:cen/transitRouterVpcAttachment:TransitRouterVpcAttachment::att",
		Props: resource.PropertyMap{
			"transitRouterId": resource.NewProperty("tr-1"), // an output of the router, not its ID
			"vpcId":           resource.NewProperty("vpc-1"),
			"cenId":           unknown,
		},
		Deps: map[resource.PropertyKey][]resource.URN{"transitRouterId": {tr.URN}},
	}
	s := NewStack([]Resource{tr, vpc, att})
	ref, ok := s.Target(att, "transitRouterId")
	assert.True(t, ok)
	assert.Equal(t, Ref(tr.URN), ref)
	ref, ok = s.Target(att, "vpcId") // no dependency: resolved by ID
	assert.True(t, ok)
	assert.Equal(t, Ref(vpc.URN), ref)
	_, ok = s.Target(att, "cenId")
	assert.False(t, ok)
}

package stacks

import (
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The keys a stack must set are the same in Config, Pulumi.yaml (a key
// without a default, which the Pulumi CLI itself requires) and the README's
// configuration reference.
func TestRequiredKeysAgree(t *testing.T) {
	var inConfig []string
	ct := reflect.TypeOf(Config{})
	for i := range ct.NumField() {
		if f := ct.Field(i); f.Tag.Get("required") == "true" && strings.HasPrefix(f.Tag.Get("key"), namespace+":") {
			inConfig = append(inConfig, f.Tag.Get("key"))
		}
	}
	proj, err := workspace.LoadProject("../Pulumi.yaml")
	require.NoError(t, err)
	var inProject []string
	for name, c := range proj.Config {
		if c.Default == nil {
			inProject = append(inProject, namespace+":"+name)
		}
	}
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	var inREADME []string
	for _, m := range regexp.MustCompile("(?m)^\\| `(hybridlink:[A-Za-z]+)` \\| [^|]+ \\| required \\|").FindAllStringSubmatch(string(readme), -1) {
		inREADME = append(inREADME, m[1])
	}
	for _, keys := range [][]string{inConfig, inProject, inREADME} {
		slices.Sort(keys)
	}
	assert.NotEmpty(t, inConfig)
	assert.Equal(t, inConfig, inProject, "Config's required keys are Pulumi.yaml's keys without a default")
	assert.Equal(t, inConfig, inREADME, "Config's required keys are the README's")
	assert.True(t, strings.Contains(string(readme), "| `alicloud:region` | string | required, or `ALICLOUD_REGION` |"), "the README says where the region comes from")
}

// alicloud:region falls back to ALICLOUD_REGION, as the provider's region
// does; a region in the stack file wins.
func TestRegionFromTheEnvironment(t *testing.T) {
	src := committed(t, "dev")
	delete(src.Values, regionKey)
	t.Setenv(RegionEnv, "cn-shanghai")
	src.setJSON(t, "hybridlink:workloadVpcs", "[0].vSwitches[0].zoneId", "cn-shanghai-b")
	src.setJSON(t, "hybridlink:workloadVpcs", "[0].vSwitches[1].zoneId", "cn-shanghai-e")
	src.setJSON(t, "hybridlink:transitVpc", "vSwitches[0].zoneId", "cn-shanghai-b")
	src.setJSON(t, "hybridlink:transitVpc", "vSwitches[1].zoneId", "cn-shanghai-e")
	env, err := Load("dev", src)
	require.NoError(t, err)
	assert.Equal(t, "cn-shanghai", env.Args.Region)
	m, err := runProgramListingKeys(t, "dev", src)
	require.NoError(t, err, "the program takes it from the environment too")
	assert.NotEmpty(t, m.Resources())

	src.Values[regionKey] = "cn-hangzhou"
	_, err = Load("dev", src)
	assert.Equal(t, []string{
		"hybridlink:transitVpc.vSwitches[0].zoneId", "hybridlink:transitVpc.vSwitches[1].zoneId",
		"hybridlink:workloadVpcs[0].vSwitches[0].zoneId", "hybridlink:workloadVpcs[0].vSwitches[1].zoneId",
	}, problemKeys(configError(t, err)), "the stack file's region wins, and its zones are checked against it")

	delete(src.Values, regionKey)
	t.Setenv(RegionEnv, "")
	_, err = Load("dev", src)
	ce := configError(t, err)
	assert.Equal(t, []string{regionKey}, problemKeys(ce))
	assert.Contains(t, ce.Problems[0].Fix, RegionEnv)
}

// Under `pulumi up` the program lists the stack's keys from PULUMI_CONFIG,
// only those the context holds; without the variable it lists none.
func TestContextSourceKeys(t *testing.T) {
	src := committed(t, "dev")
	src.Values["alicloud:regoin"] = "cn-hangzhou"
	_, err := runProgramListingKeys(t, "dev", src)
	assert.Equal(t, []string{"alicloud:regoin"}, problemKeys(configError(t, err)))

	t.Setenv(pulumi.EnvConfig, "")
	_, err = runProgram("dev", src)
	assert.NoError(t, err, "an inline program cannot list keys; its caller checks the stack file")

	stale := map[string]string{"hybridlink:notInThisRun": "1"}
	for k, v := range src.Values {
		stale[k] = v
	}
	delete(src.Values, "alicloud:regoin")
	b, _ := json.Marshal(stale)
	t.Setenv(pulumi.EnvConfig, string(b))
	_, err = runProgram("dev", src)
	assert.NoError(t, err, "a key the context does not hold is not listed")
}

// An inline program cannot list its keys, yet an oversized configuration
// is refused before anything is registered: Config's own keys are measured.
func TestOversizedConfigWithoutKeyListing(t *testing.T) {
	t.Setenv(pulumi.EnvConfig, "")
	src := committed(t, "dev")
	src.Values["hybridlink:tags"] = `{"notes":"` + strings.Repeat("x", 70<<10) + `"}`
	m, err := runProgram("dev", src)
	assert.Equal(t, []string{"hybridlink:tags"}, problemKeys(configError(t, err)))
	assert.Empty(t, m.Resources())
}

// The provider keys of the SDK subset (generated from the real SDK's names)
// are among those a stack may set.
func TestProviderKeysCoverTheSDKSubset(t *testing.T) {
	b, err := os.ReadFile("../shim/pulumi-alicloud/schema.json")
	require.NoError(t, err)
	var schema struct {
		Config struct {
			Variables map[string]json.RawMessage `json:"variables"`
		} `json:"config"`
	}
	require.NoError(t, json.Unmarshal(b, &schema))
	require.NotEmpty(t, schema.Config.Variables)
	for name := range schema.Config.Variables {
		assert.Contains(t, providerKeys, name)
	}
	assert.Len(t, providerKeys, 27, "the provider of SDK v3.105.0 has 27 configuration keys")
}

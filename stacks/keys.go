package stacks

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// RegionEnv is where the alicloud provider takes its region from when
// alicloud:region is not set; Load does the same, so that the region it
// validates is the one the resources get.
const RegionEnv = "ALICLOUD_REGION"

// providerKeys are the alicloud provider's configuration keys (SDK
// v3.105.0, sdk/go/alicloud/config). A stack may set any of them; another
// key in the alicloud namespace is a typo the provider would ignore.
var providerKeys = []string{
	"accessKey", "accountId", "accountType", "assumeRole", "assumeRoleWithOidc", "clientConnectTimeout",
	"clientReadTimeout", "configurationSource", "credentialsUri", "ecsRoleName", "endpoints", "fc",
	"logEndpoint", "maxRetryTimeout", "mnsEndpoint", "otsInstanceName", "profile", "protocol", "region",
	"secretKey", "secureTransport", "securityToken", "securityTransport", "sharedCredentialsFile",
	"signVersion", "skipRegionValidation", "sourceIp",
}

// providerSecrets are the provider keys that hold credentials.
var providerSecrets = []string{"secretKey", "securityToken"}

// checkKeys reports the keys a stack sets that nothing reads: a misspelt
// hybridlink or alicloud key, or a namespace no one uses. Keys under
// pulumi: are the engine's own settings and left to it.
func checkKeys(keys []string, known map[string]bool, ps *problems) {
	all := map[string]bool{}
	for k := range known {
		all[k] = true
	}
	for _, k := range providerKeys {
		all["alicloud:"+k] = true
	}
	for _, key := range keys {
		ns, name, _ := strings.Cut(key, ":")
		switch {
		case known[key], ns == "pulumi":
		case ns == namespace:
			ps.add(key, "", "is not a hybridlink setting", fmt.Sprintf("remove it, or use %s", closest(key, known)))
		case ns == "alicloud" && slices.Contains(providerKeys, name):
		case ns == "alicloud":
			ps.add(key, "", "is not a setting of the alicloud provider, which would ignore it", fmt.Sprintf("remove it, or use %s", closest(key, all)))
		default:
			ps.add(key, "", "is not a setting of hybridlink or of the alicloud provider, so nothing reads it", fmt.Sprintf("remove it, or use %s", closest(key, all)))
		}
	}
}

// checkProviderSecrets requires the provider's credentials to be stored
// encrypted.
func checkProviderSecrets(src Source, ps *problems) {
	for _, name := range providerSecrets {
		key := "alicloud:" + name
		if _, ok := src.Get(key); ok && !src.IsSecret(key) {
			ps.add(key, "[plaintext]", "is stored in plaintext in the stack file", fmt.Sprintf("run `pulumi config rm %s` and `pulumi config set --secret %s <value>`, or use ALICLOUD_SECRET_KEY", key, key))
		}
	}
}

// contextSource reads the running program's config.
type contextSource struct{ ctx *pulumi.Context }

func (s contextSource) Get(key string) (string, bool) { return s.ctx.GetConfig(key) }

func (s contextSource) IsSecret(key string) bool { return s.ctx.IsConfigSecret(key) }

// Keys lists the stack's keys when the program can know them: under
// `pulumi up`, the language host hands the Go program its whole
// configuration in PULUMI_CONFIG (which the SDK reads too). Only keys the
// context also holds are listed, so a stale variable cannot invent any.
// An inline program (the sandbox) has no such variable; its caller checks
// the stack file's keys.
func (s contextSource) Keys() []string {
	var cfg map[string]json.RawMessage
	if json.Unmarshal([]byte(os.Getenv(pulumi.EnvConfig)), &cfg) != nil {
		return nil
	}
	var keys []string
	for k := range cfg {
		if _, ok := s.ctx.GetConfig(k); ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

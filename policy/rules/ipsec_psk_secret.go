package rules

import (
	"fmt"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

var ipsecPSKSecret = Rule{
	Name: "ipsec-psk-secret",
	Description: "A pre-shared key given to an IPsec connection, and a BGP group's MD5 auth key, are secret " +
		"values, so the state stores them encrypted and diffs mask them.",
	Level:    apitype.Mandatory,
	Severity: apitype.PolicySeverityHigh,
	Remediation: "Pass the key as a secret: store it with `pulumi config set --secret` and read it with " +
		"RequireSecret, or wrap it in pulumi.ToSecret; or omit the PSK to let the gateway generate one.",
	Types:         []tokens.Type{inventory.VPNConnection, inventory.BGPGroup},
	resourceCheck: checkKeysSecret,
}

func checkKeysSecret(r inventory.Resource, _ input) []finding {
	var out []finding
	for _, path := range keyPaths(r) {
		// An unknown key's secrecy may not be known until it is; an empty
		// one is not given. The key itself never enters a message.
		if v, ok := r.String(path); ok && v != "" && !r.IsSecret(path) {
			out = append(out, finding{r.URN, fmt.Sprintf("%s: %s is a plain value, so it is stored unencrypted "+
				"in the state and shown in diffs: pass it as a secret (pulumi config set --secret, then "+
				"RequireSecret, or pulumi.ToSecret)", label(r), path)})
		}
	}
	return out
}

// keyPaths lists where a resource carries a shared secret key.
func keyPaths(r inventory.Resource) []string {
	if r.Type == inventory.BGPGroup {
		return []string{"authKey"}
	}
	return ikePaths(r, "psk")
}

// ikePaths lists the paths of an IKE setting of a VPN connection: one per
// tunnel of a dual-tunnel connection (tunnelOptionsSpecifications), which
// ignores the top-level ikeConfig, else ikeConfig's. Nil while the tunnel
// list is unknown.
func ikePaths(r inventory.Resource, field string) []string {
	n, ok := r.ArrayLen("tunnelOptionsSpecifications")
	switch {
	case ok && n > 0:
		paths := make([]string, n)
		for i := range n {
			paths[i] = fmt.Sprintf("tunnelOptionsSpecifications[%d].tunnelIkeConfig.%s", i, field)
		}
		return paths
	case !ok && r.Has("tunnelOptionsSpecifications"):
		return nil
	}
	return []string{"ikeConfig." + field}
}

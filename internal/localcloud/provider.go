package localcloud

import (
	"fmt"

	"github.com/hybridlink/hybridlink/internal/alicloudspec"
)

// spec is the real provider's rules for every type the local cloud serves,
// extracted from terraform-provider-alicloud's source
// (internal/alicloudspec). Check, Diff, Create and Update follow them as the
// provider, bridged to Pulumi, does; kinds adds only what the API does
// beyond them.
var spec = alicloudspec.MustLoad()

// providerRules returns the extract's rules for a served type; every kind
// has them, or the local cloud would answer for a provider it does not
// know.
func providerRules(tok string) *alicloudspec.Resource {
	r, ok := spec.Resources[tok]
	if !ok {
		r, ok = spec.Functions[tok]
	}
	if !ok {
		panic(fmt.Sprintf("localcloud: %s is not in internal/alicloudspec/rules.json; add it to the SDK subset and regenerate", tok))
	}
	return r
}

// tfKey joins a Terraform attribute key as terraform-plugin-sdk writes it in
// its messages: "ike_config.0.psk", "zone_mappings.1.zone_id".
func tfKey(parent string, p *alicloudspec.Property) string {
	if parent == "" {
		return p.Terraform
	}
	return parent + "." + p.Terraform
}

// tfItem is the key of a list's or set's item; a single-item block's item
// is item 0.
func tfItem(parent string, i int) string { return fmt.Sprintf("%s.%d", parent, i) }

// pulumiPath joins a property path as the bridge writes it.
func pulumiPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

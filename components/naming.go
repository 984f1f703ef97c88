package components

import (
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Component type tokens.
const (
	typeExpressConnectLeg = "hybridlink:components:ExpressConnectLeg"
	typeVpnStandbyLeg     = "hybridlink:components:VpnStandbyLeg"
	typeCenHub            = "hybridlink:components:CenHub"
	typeHybridConnection  = "hybridlink:components:HybridConnection"
)

// Alibaba Cloud names (VBR, VPN gateway, CEN, attachments…) must start with a
// letter and hold letters, digits, '.', '_' and '-'; the component name is
// the stem of each, so it must obey the same rule.
var namePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._-]{1,100}$`)

func checkName(kind, name string) error {
	if !namePattern.MatchString(name) {
		return fmt.Errorf("components: %s name %q must be 2–101 characters, start with a letter and contain only letters, digits, '.', '_' and '-', since it names the Alibaba Cloud resources", kind, name)
	}
	return nil
}

// child is the Pulumi and Alibaba Cloud name of a component's child with a
// given role: "<component>-<role>".
func child(name, role string) string { return name + "-" + role }

// tagMap converts plain tags for a resource's Tags input; nil stays nil so the
// property is left unset.
func tagMap(tags map[string]string) pulumi.StringMapInput {
	if len(tags) == 0 {
		return nil
	}
	return pulumi.ToStringMap(tags)
}

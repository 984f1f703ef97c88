package components

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Component type tokens, part of every URN of a component's resources. The
// package schema for other languages (cmd/pulumi-resource-hybridlink) uses
// the same ones, so a stack's URNs do not depend on its program's language;
// in the index module, so the SDKs export the components at the top level
// (hybridlink.HybridConnection).
const (
	TypeExpressConnectLeg = "hybridlink:index:ExpressConnectLeg"
	TypeVPNStandbyLeg     = "hybridlink:index:VpnStandbyLeg"
	TypeCENHub            = "hybridlink:index:CenHub"
	TypeHybridConnection  = "hybridlink:index:HybridConnection"
	TypeStandbyMonitoring = "hybridlink:index:StandbyMonitoring"
)

// formerModule is the module the type tokens had before v0.1.0 moved them to
// index.
const formerModule = "components"

// registerComponent registers a component of type token, aliased to the
// token's former module so that a stack deployed with the former tokens
// keeps its resources instead of replacing them (children inherit the alias).
// The caller's opts are not modified.
func registerComponent(ctx *pulumi.Context, token, name string, c pulumi.ComponentResource, opts []pulumi.ResourceOption) error {
	pkg, rest, _ := strings.Cut(token, ":")
	_, typeName, _ := strings.Cut(rest, ":")
	former := pkg + ":" + formerModule + ":" + typeName
	opts = append(slices.Clip(opts), pulumi.Aliases([]pulumi.Alias{{Type: pulumi.String(former)}}))
	return ctx.RegisterComponentResource(token, name, c, opts...)
}

// Alibaba Cloud names (VBR, VPN gateway, CEN, attachments…) must start with a
// letter, hold letters, digits, '.', '_' and '-', and fit 128 characters;
// the component name is the stem of each. With a 64-character stem the
// longest composed name, a hub attachment's association
// (<stem>-hub-<vpc part>-association), stays within the limit.
var namePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._-]{1,63}$`)

// partPattern is a name part that follows a stem ("<hub>-<part>"): the same
// characters, without the leading letter.
var partPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,40}$`)

// checkName records an unusable component name as an ArgError of the
// field "name", with the Args' own problems.
func checkName(c checker, name string) {
	if !namePattern.MatchString(name) {
		c.fail("name", fmt.Sprintf("%q", name), "must be 2–64 characters, start with a letter and hold only letters, digits, '.', '_' and '-', since it is the stem of the Alibaba Cloud resources' names", "rename the component, e.g. prod-hc")
	}
}

// validated checks a component's name and arguments together.
func validated(argsType, name string, validate func(checker)) error {
	c := newChecker()
	checkName(c, name)
	validate(c)
	if err := c.err(); err != nil {
		return argsError(argsType, name, err)
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

// Package componentpkg is hybridlink's components as a Pulumi package, for
// programs in other languages: the package schema and the Construct the
// provider plugin (cmd/pulumi-resource-hybridlink) serves. Both are derived
// by reflection from the components' Args and output types — their pulumi
// tags name the schema properties — so the schema, the SDKs generated from
// it and the Go API cannot drift apart.
package componentpkg

import (
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hybridlink/hybridlink/components"
)

// Name is the package name, and Version its version: the provider plugin's
// (resource-hybridlink) and the SDKs'. Module is the module of every token,
// index: the SDKs export the components and their types at the top level
// (hybridlink:index:HybridConnection is hybridlink.HybridConnection).
const (
	Name    = "hybridlink"
	Version = "0.1.0"
	Module  = "index"
)

// component is one component resource of the package.
type component struct {
	// token is the type token, the same one the Go constructor registers,
	// so a stack's URNs do not depend on its program's language.
	token string
	// args is the Args struct; resource the component struct whose pulumi
	// tagged fields are its outputs.
	args, resource reflect.Type
	// construct calls the Go constructor with a *args.
	construct func(ctx *pulumi.Context, name string, args any, opts ...pulumi.ResourceOption) (pulumi.ComponentResource, error)
}

// componentOf describes the component that newFn constructs.
func componentOf[A any, R pulumi.ComponentResource](token string, newFn func(*pulumi.Context, string, *A, ...pulumi.ResourceOption) (R, error)) component {
	return component{
		token:    token,
		args:     reflect.TypeFor[A](),
		resource: reflect.TypeFor[R]().Elem(),
		construct: func(ctx *pulumi.Context, name string, args any, opts ...pulumi.ResourceOption) (pulumi.ComponentResource, error) {
			return newFn(ctx, name, args.(*A), opts...)
		},
	}
}

// Components are the package's resources.
var Components = []component{
	componentOf(components.TypeHybridConnection, components.NewHybridConnection),
	componentOf(components.TypeExpressConnectLeg, components.NewExpressConnectLeg),
	componentOf(components.TypeVPNStandbyLeg, components.NewVPNStandbyLeg),
	componentOf(components.TypeCENHub, components.NewCENHub),
	componentOf(components.TypeStandbyMonitoring, components.NewStandbyMonitoring),
}

// typeNames name the object types of the schema: the Go structs the Args
// hold. Those that are a component's Args too take "Spec", since a type and
// a resource cannot share a name in every SDK.
var typeNames = map[reflect.Type]string{
	reflect.TypeFor[components.VPC]():                    "Vpc",
	reflect.TypeFor[components.VSwitch]():                "VSwitch",
	reflect.TypeFor[components.ExpressConnectLegArgs]():  "ExpressConnectLegSpec",
	reflect.TypeFor[components.VPNStandbyLegArgs]():      "VpnStandbyLegSpec",
	reflect.TypeFor[components.IKESettings]():            "IkeSettings",
	reflect.TypeFor[components.IPsecSettings]():          "IpsecSettings",
	reflect.TypeFor[components.IPsecHealthCheckArgs]():   "IpsecHealthCheck",
	reflect.TypeFor[components.VPCAttachmentArgs]():      "VpcAttachment",
	reflect.TypeFor[components.ZoneVSwitch]():            "ZoneVSwitch",
	reflect.TypeFor[components.VBRHealthCheckArgs]():     "VbrHealthCheck",
	reflect.TypeFor[components.RouteAdvertisementArgs](): "RouteAdvertisement",
	reflect.TypeFor[components.BFDTimers]():              "BfdTimers",
	reflect.TypeFor[components.StandbyMonitoringArgs]():  "StandbyMonitoringSpec",
	reflect.TypeFor[components.ContactGroupArgs]():       "ContactGroup",
}

// typeToken is the schema token of an object type.
func typeToken(t reflect.Type) (string, bool) {
	name, ok := typeNames[t]
	return Name + ":" + Module + ":" + name, ok
}

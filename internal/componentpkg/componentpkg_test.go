package componentpkg

import (
	"errors"
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/components"
)

// fakeDocs documents everything, so that Spec's shape can be tested apart
// from the sources (internal/sdkgen checks those).
type fakeDocs struct{}

func (fakeDocs) Type(t reflect.Type) string                 { return t.Name() + " is a type." }
func (fakeDocs) Field(t reflect.Type, goName string) string { return goName + " is a field." }

func TestSpecBindsAndMirrorsTheGoTypes(t *testing.T) {
	spec, err := Spec(fakeDocs{})
	require.NoError(t, err)
	_, diags, err := schema.BindSpec(spec, schema.NewPluginLoader(nil), schema.ValidationOptions{})
	require.NoError(t, err)
	require.False(t, diags.HasErrors(), "%v", diags)

	var tokens []string
	for tok := range spec.Resources {
		tokens = append(tokens, tok)
	}
	assert.ElementsMatch(t, []string{components.TypeHybridConnection, components.TypeExpressConnectLeg, components.TypeVPNStandbyLeg, components.TypeCENHub, components.TypeStandbyMonitoring}, tokens)

	hc := spec.Resources[components.TypeHybridConnection]
	assert.True(t, hc.IsComponent)
	assert.ElementsMatch(t, []string{"region", "workloadVpcs", "transitVpc", "idcPrefixes", "expressConnect", "vpn"}, hc.RequiredInputs)
	assert.Len(t, hc.InputProperties, reflect.TypeFor[components.HybridConnectionArgs]().NumField())
	// Every output, the second circuit's included (Outputs has them only
	// with a second circuit).
	assert.Len(t, hc.Properties, len((&components.HybridConnection{SecondExpressConnect: &components.ExpressConnectLeg{}}).Outputs()))
	assert.Contains(t, hc.InputProperties, "secondExpressConnect")
	assert.Equal(t, "#/types/hybridlink:index:ExpressConnectLegSpec", hc.InputProperties["secondExpressConnect"].Ref, "the second circuit has the first's shape")
	assert.Equal(t, "string", hc.InputProperties["circuitMode"].Type)
	assert.True(t, hc.Properties["vpnPreSharedKey"].Secret)
	assert.Equal(t, "idcPrefixes is a field.", hc.InputProperties["idcPrefixes"].Description[:len("idcPrefixes is a field.")], "a doc naming the Go field names the property")

	// The address plan is plain, so Construct validates it before anything
	// is registered; IDs and secrets are inputs.
	vpc := spec.Types["hybridlink:index:Vpc"].Properties
	assert.True(t, vpc["cidr"].Plain)
	assert.True(t, vpc["vSwitches"].Plain)
	assert.False(t, vpc["id"].Plain)
	ec := spec.Types["hybridlink:index:ExpressConnectLegSpec"].Properties
	assert.True(t, ec["vlanId"].Plain)
	assert.Equal(t, "integer", ec["vlanId"].Type)
	assert.True(t, ec["authKey"].Secret)
	assert.False(t, ec["authKey"].Plain)
	assert.True(t, spec.Types["hybridlink:index:VpnStandbyLegSpec"].Properties["psk"].Secret)
}

func TestSpecWantsEveryDoc(t *testing.T) {
	_, err := Spec(noFieldDocs{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "has no doc comment")
}

type noFieldDocs struct{ fakeDocs }

func (noFieldDocs) Field(reflect.Type, string) string { return "" }

func TestSchemaPath(t *testing.T) {
	args := reflect.TypeFor[components.HybridConnectionArgs]()
	for goPath, want := range map[string]string{
		"WorkloadVPCs[0].VSwitches[1].CIDR": "workloadVpcs[0].vSwitches[1].cidr",
		"ExpressConnect.VLANID":             "expressConnect.vlanId",
		"VPN.HealthCheck.SourceIP":          "vpn.healthCheck.sourceIp",
		"IDCPrefixes[2]":                    "idcPrefixes[2]",
		"name":                              "name",
		"":                                  "",
	} {
		assert.Equal(t, want, schemaPath(args, goPath), goPath)
	}
}

// Unparsable addresses are ArgErrors like Validate's, at the property.
func TestUnparsableValuesAreArgErrors(t *testing.T) {
	c, ok := componentByToken(components.TypeHybridConnection)
	require.True(t, ok)
	wt, err := wireType(c.args)
	require.NoError(t, err)
	wire := reflect.New(wt).Elem()
	wire.FieldByName("IDCPrefixes").Set(reflect.ValueOf([]string{"172.16.0.0/16", "10.0.0.1/8"}))
	vpcs := reflect.MakeSlice(wire.FieldByName("WorkloadVPCs").Type(), 1, 1)
	vpcs.Index(0).FieldByName("CIDR").SetString("10.20.0.0/33")
	wire.FieldByName("WorkloadVPCs").Set(vpcs)
	wire.FieldByName("ExpressConnect").FieldByName("PeerGatewayIP").SetString("10.1.0.300")

	args := reflect.New(c.args)
	var errs components.ArgErrors
	fromWire(args.Elem(), wire, "", &errs)
	require.Len(t, errs, 3)
	err = inSchemaTerms(c.args, errs)
	for _, want := range []string{
		`workloadVpcs[0].cidr = 10.20.0.0/33: "10.20.0.0/33" is not a CIDR block such as 10.0.0.0/16; write a canonical IPv4 CIDR block`,
		`idcPrefixes[1] = 10.0.0.1/8: "10.0.0.1/8" has host bits set; the network is 10.0.0.0/8`,
		`expressConnect.peerGatewayIp = 10.1.0.300: is not an IPv4 address; write a dotted IPv4 address`,
	} {
		assert.Contains(t, err.Error(), want)
	}
	var e *components.ArgError
	assert.True(t, errors.As(err, &e), "errors.As still finds each ArgError")
	parsed := args.Interface().(*components.HybridConnectionArgs)
	assert.Equal(t, "172.16.0.0/16", parsed.IDCPrefixes[0].String())
}

// Validate's problems come back with schema paths, the related field in the
// problem included, and the rest of the Go message as it was.
func TestValidateMessagesInSchemaTerms(t *testing.T) {
	goErr := components.ArgErrors{{Field: "TransitVPC.CIDR", Value: "10.20.0.0/16", Problem: "overlaps WorkloadVPCs[0].CIDR (10.20.0.0/16)", Fix: "give every VPC its own space", Related: "WorkloadVPCs[0].CIDR"}}
	err := inSchemaTerms(reflect.TypeFor[components.HybridConnectionArgs](), errors.Join(errors.New("components: invalid HybridConnectionArgs for \"x\""), goErr))
	assert.Equal(t, "components: invalid HybridConnectionArgs for \"x\"\n1 invalid argument(s):\n  - transitVpc.cidr = 10.20.0.0/16: overlaps workloadVpcs[0].cidr (10.20.0.0/16); give every VPC its own space", err.Error())
}

// The second circuit arrives as the first does, its addresses parsed, and
// its problems come back at secondExpressConnect.
func TestSecondCircuitFromOtherLanguages(t *testing.T) {
	c, ok := componentByToken(components.TypeHybridConnection)
	require.True(t, ok)
	wt, err := wireType(c.args)
	require.NoError(t, err)
	wire := reflect.New(wt).Elem()
	second := reflect.New(wire.FieldByName("SecondExpressConnect").Type().Elem())
	second.Elem().FieldByName("LocalGatewayIP").SetString("10.1.0.13")
	second.Elem().FieldByName("PeerGatewayIP").SetString("10.1.0.300")
	wire.FieldByName("SecondExpressConnect").Set(second)
	wire.FieldByName("CircuitMode").SetString("ecmp")

	args := reflect.New(c.args)
	var errs components.ArgErrors
	fromWire(args.Elem(), wire, "", &errs)
	require.Len(t, errs, 1)
	assert.Contains(t, inSchemaTerms(c.args, errs).Error(), "secondExpressConnect.peerGatewayIp = 10.1.0.300: is not an IPv4 address")
	parsed := args.Interface().(*components.HybridConnectionArgs)
	require.NotNil(t, parsed.SecondExpressConnect)
	assert.Equal(t, "10.1.0.13", parsed.SecondExpressConnect.LocalGatewayIP.String())
	assert.Equal(t, components.ECMP, parsed.CircuitMode)
}

package componentpkg

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"

	"github.com/hybridlink/hybridlink/components"
)

// Construct is the provider's provider.ConstructFunc: it copies the inputs
// into the component's Args and calls its Go constructor, which validates
// them before registering anything. Problems are reported as the Go API
// reports them, with each field path rewritten to the schema's property
// path (WorkloadVPCs[0].CIDR → workloadVpcs[0].cidr).
func Construct(ctx *pulumi.Context, typ, name string, inputs provider.ConstructInputs, opts pulumi.ResourceOption) (*provider.ConstructResult, error) {
	c, ok := componentByToken(typ)
	if !ok {
		return nil, fmt.Errorf("hybridlink: unknown component type %q", typ)
	}
	args, err := decodeArgs(c, name, inputs)
	if err != nil {
		return nil, err
	}
	res, err := c.construct(ctx, name, args, opts)
	if err != nil {
		return nil, inSchemaTerms(c.args, err)
	}
	return provider.NewConstructResult(res)
}

func componentByToken(token string) (component, bool) {
	for _, c := range Components {
		if c.token == token {
			return c, true
		}
	}
	return component{}, false
}

// decodeArgs returns a *Args of c from the inputs.
func decodeArgs(c component, name string, inputs provider.ConstructInputs) (any, error) {
	wt, err := wireType(c.args)
	if err != nil {
		return nil, err
	}
	wire := reflect.New(wt)
	if err := inputs.CopyTo(wire.Interface()); err != nil {
		// The SDK's message names the property ("copying input
		// \"transitVpc\": …"); most often a plain value was an output.
		return nil, fmt.Errorf("components: invalid %s for %q: %w; the address plan (CIDRs, IPs, zones, names and numbers) must be plain values, not outputs of other resources, so that it is validated before anything is created", c.args.Name(), name, err)
	}
	args := reflect.New(c.args)
	var errs components.ArgErrors
	fromWire(args.Elem(), wire.Elem(), "", &errs)
	if len(errs) > 0 {
		return nil, inSchemaTerms(c.args, fmt.Errorf("components: invalid %s for %q: %w", c.args.Name(), name, errs))
	}
	return args.Interface(), nil
}

// inSchemaTerms returns err with the field paths of its ArgErrors rewritten
// from the Go Args' to the schema's: the Go API's message, with the property
// names a program in another language uses. errors.As still finds the
// ArgErrors.
func inSchemaTerms(args reflect.Type, err error) error {
	var errs components.ArgErrors
	if !errors.As(err, &errs) {
		return err
	}
	before := errs.Error()
	for _, e := range errs {
		if e.Related != "" {
			related := schemaPath(args, e.Related)
			e.Problem = strings.ReplaceAll(e.Problem, e.Related, related)
			e.Related = related
		}
		e.Field = schemaPath(args, e.Field)
	}
	// Wrapping errors format their message when made: replace the
	// ArgErrors' part of it.
	return &schemaError{msg: strings.Replace(err.Error(), before, errs.Error(), 1), errs: errs}
}

type schemaError struct {
	msg  string
	errs components.ArgErrors
}

func (e *schemaError) Error() string { return e.msg }
func (e *schemaError) Unwrap() error { return e.errs }

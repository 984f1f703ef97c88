package localcloud

import (
	"context"
	"os"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/hybridlink/hybridlink/internal/alicloudspec"
	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/limits"
)

// pluginVersion is the alicloud plugin version the SDK pins (v3.105.0).
const pluginVersion = "3.105.0"

// defaultRegion is the provider's region when neither config nor
// environment names one, as in the real provider.
const defaultRegion = "cn-beijing"

// Serve starts the provider on 127.0.0.1 at a port the system picks and
// returns the port, for PULUMI_DEBUG_PROVIDERS=alicloud:<port>. stop shuts
// the server down gracefully and returns once it has; ctx ending shuts it
// down too, but stop must still be called to release it.
func (c *Cloud) Serve(ctx context.Context) (port int, stop func() error, err error) {
	p := &provider{cloud: c}
	cancel := make(chan bool)
	h, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterResourceProviderServer(s, p)
			return nil
		},
	})
	if err != nil {
		return 0, nil, err
	}
	var once sync.Once
	halt := func() { once.Do(func() { close(cancel) }) }
	go func() {
		select {
		case <-ctx.Done():
			halt()
		case <-cancel:
		}
	}()
	return h.Port, func() error { halt(); return <-h.Done }, nil
}

// provider serves the resource provider protocol over a Cloud. One server
// serves every alicloud provider instance the engine configures, so it has
// one region: the last one configured.
type provider struct {
	pulumirpc.UnimplementedResourceProviderServer
	cloud *Cloud

	mu     sync.Mutex
	region string
}

func (p *provider) currentRegion() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.region == "" {
		p.region = envRegion()
	}
	return p.region
}

func envRegion() string {
	for _, k := range []string{"ALICLOUD_REGION", "ALIBABA_CLOUD_REGION"} {
		if r := os.Getenv(k); r != "" {
			return r
		}
	}
	return defaultRegion
}

var rpcOpts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true}

func unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	m, err := plugin.UnmarshalProperties(s, rpcOpts)
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "local cloud: %v", err)
	}
	return m, nil
}

func marshal(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, rpcOpts)
}

// tokenOf is a request's type token: its type field, or its URN's type.
func tokenOf(urn, typ string) tokens.Type {
	if typ != "" {
		return tokens.Type(typ)
	}
	if u := resource.URN(urn); u.IsValid() {
		return u.Type()
	}
	return ""
}

func (p *provider) Handshake(context.Context, *pulumirpc.ProviderHandshakeRequest) (*pulumirpc.ProviderHandshakeResponse, error) {
	return &pulumirpc.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

func (p *provider) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: pluginVersion}, nil
}

// Attach is how the engine connects to a provider that is already running.
func (p *provider) Attach(context.Context, *pulumirpc.PluginAttach) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// GetSchema returns the package schema of the SDK subset, which the real
// provider's schema contains: what a program's language host (Pulumi YAML)
// and any tool that reads the schema check resources against.
func (p *provider) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	return &pulumirpc.GetSchemaResponse{Schema: string(alicloudspec.Schema)}, nil
}

func (p *provider) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (p *provider) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	news, err := unmarshal(req.News)
	if err != nil {
		return nil, err
	}
	cfg := inventory.Resource{Props: revealMap(news)}
	resp := &pulumirpc.CheckResponse{Inputs: req.News}
	skip, _ := cfg.Bool("skipRegionValidation")
	if s, _ := cfg.String("skipRegionValidation"); s == "true" {
		skip = true
	}
	if r, ok := cfg.String("region"); ok && !skip {
		if err := limits.CheckRegion(r); err != nil {
			resp.Failures = append(resp.Failures, &pulumirpc.CheckFailure{Property: "region", Reason: "InvalidRegionId.Malformed: " + err.Error()})
		}
	}
	return resp, nil
}

// DiffConfig compares the provider configuration's inputs; a region change
// moves every resource, so it replaces the provider.
func (p *provider) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, err := unmarshal(req.OldInputs)
	if req.OldInputs == nil {
		olds, err = unmarshal(req.Olds)
	}
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.News)
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE, DetailedDiff: map[string]*pulumirpc.PropertyDiff{}, HasDetailedDiff: true}
	olds, news = revealMap(olds), revealMap(news)
	for _, key := range sortedKeys(mergeKeys(olds, news)) {
		o, n := olds[key], news[key]
		if o.DeepEquals(n) && !n.ContainsUnknowns() {
			continue
		}
		kind := pulumirpc.PropertyDiff_UPDATE
		if key == "region" {
			kind = pulumirpc.PropertyDiff_UPDATE_REPLACE
			resp.Replaces = append(resp.Replaces, string(key))
		}
		resp.Diffs = append(resp.Diffs, string(key))
		resp.DetailedDiff[string(key)] = &pulumirpc.PropertyDiff{Kind: kind, InputDiff: true}
		resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	return resp, nil
}

// mergeKeys is a map with the keys of both maps.
func mergeKeys(a, b resource.PropertyMap) resource.PropertyMap {
	out := a.Copy()
	for k, v := range b {
		out[k] = v
	}
	return out
}

func (p *provider) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	region := req.Variables["alicloud:config:region"]
	if req.Args != nil {
		args, err := unmarshal(req.Args)
		if err != nil {
			return nil, err
		}
		region, _ = inventory.Resource{Props: revealMap(args)}.String("region")
	}
	p.mu.Lock()
	if region != "" {
		p.region = region
	}
	p.mu.Unlock()
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true}, nil
}

func (p *provider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	news, err := unmarshal(req.News)
	if err != nil {
		return nil, err
	}
	olds := resource.PropertyMap{}
	if req.Olds != nil {
		if olds, err = unmarshal(req.Olds); err != nil {
			return nil, err
		}
	}
	inputs, fails, err := p.cloud.check(p.currentRegion(), resource.URN(req.Urn), tokenOf(req.Urn, req.Type), olds, news)
	if err != nil {
		return nil, err
	}
	checked, err := marshal(inputs)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: checked, Failures: fails}, nil
}

func (p *provider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	t := tokenOf(req.Urn, req.Type)
	k, err := kindOf(t)
	if err != nil {
		return nil, err
	}
	olds, err := unmarshal(req.Olds)
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.News)
	if err != nil {
		return nil, err
	}
	return diff(string(t), k, olds, news), nil
}

func (p *provider) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	// At preview the inputs are all that is known; the engine treats the
	// missing outputs as unknown.
	if req.Preview {
		return &pulumirpc.CreateResponse{Properties: req.Properties}, nil
	}
	inputs, err := unmarshal(req.Properties)
	if err != nil {
		return nil, err
	}
	rec, err := p.cloud.create(p.currentRegion(), resource.URN(req.Urn), tokenOf(req.Urn, req.Type), inputs)
	if err != nil {
		return nil, err
	}
	p.cloud.wait()
	out, err := marshal(rec.Outputs)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: string(rec.ID), Properties: out}, nil
}

// Read returns the stored object; an empty ID tells the engine it is gone.
func (p *provider) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	rec, err := p.cloud.read(tokenOf(req.Urn, req.Type), resource.ID(req.Id))
	if err != nil || rec == nil {
		return &pulumirpc.ReadResponse{}, err
	}
	out, err := marshal(rec.Outputs)
	if err != nil {
		return nil, err
	}
	in, err := marshal(rec.Inputs)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ReadResponse{Id: string(rec.ID), Properties: out, Inputs: in}, nil
}

func (p *provider) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	news, err := unmarshal(req.News)
	if err != nil {
		return nil, err
	}
	var outputs resource.PropertyMap
	if req.Preview {
		olds, err := unmarshal(req.Olds)
		if err != nil {
			return nil, err
		}
		outputs = olds.Copy()
		for k, v := range news {
			outputs[k] = v
		}
	} else {
		rec, err := p.cloud.update(tokenOf(req.Urn, req.Type), resource.ID(req.Id), news)
		if err != nil {
			return nil, err
		}
		p.cloud.wait()
		outputs = rec.Outputs
	}
	out, err := marshal(outputs)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: out}, nil
}

func (p *provider) Delete(_ context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	if err := p.cloud.delete(tokenOf(req.Urn, req.Type), resource.ID(req.Id)); err != nil {
		return nil, err
	}
	p.cloud.wait()
	return &emptypb.Empty{}, nil
}

func (p *provider) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	call, ok := functions[req.Tok]
	if !ok {
		return nil, status.Errorf(codes.InvalidArgument, "the local cloud does not implement function %q; it serves %s and %s",
			req.Tok, inventory.GetTRRouteTables, inventory.GetTRRouteEntries)
	}
	args, err := unmarshal(req.Args)
	if err != nil {
		return nil, err
	}
	// The data source's schema, as the provider validates it.
	ch := newChecker(nil, &kind{spec: providerRules(req.Tok)}, p.currentRegion(), "", args)
	if ch.schemaCheck(); len(ch.fails) > 0 {
		return &pulumirpc.InvokeResponse{Failures: ch.checkFailures()}, nil
	}
	var result resource.PropertyMap
	if err := p.cloud.view(func(st *state) (err error) {
		result, err = call(st, ch.in)
		return err
	}); err != nil {
		return nil, status.Error(codes.NotFound, err.Error())
	}
	ret, err := marshal(result)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.InvokeResponse{Return: ret}, nil
}

// functions are the invokes the local cloud serves.
var functions = map[string]func(*state, inventory.Resource) (resource.PropertyMap, error){
	inventory.GetTRRouteTables:  (*state).routeTables,
	inventory.GetTRRouteEntries: (*state).routeEntries,
}

package main

import (
	"context"
	_ "embed"
	"sync"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/policy/rules"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// The pack's name and version, as the engine and `pulumi policy publish`
// report them.
const (
	packName    = "hybridlink"
	packVersion = "0.1.0"
)

//go:embed README.md
var readme string

// analyzer serves pulumirpc.AnalyzerServer itself rather than through
// policyx or plugin.NewAnalyzerServer: policyx ignores levels and severity,
// gives stack policies no config and crashes when GetPluginInfo or
// GetAnalyzerInfo comes before ConfigureStack (`pulumi policy publish`), and
// plugin.NewAnalyzerServer drops ConfigureStack (so no stack config) and
// panics marshaling a policy's config schema. Every method here works in any
// order; ConfigureStack and Configure only refine the config.
type analyzer struct {
	pulumirpc.UnimplementedAnalyzerServer

	mu  sync.RWMutex
	cfg rules.Config
}

func newAnalyzer() *analyzer { return &analyzer{} }

func (a *analyzer) config() rules.Config {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.cfg
}

// Handshake needs nothing: the pack never calls back into the engine.
func (a *analyzer) Handshake(context.Context, *pulumirpc.AnalyzerHandshakeRequest) (*pulumirpc.AnalyzerHandshakeResponse, error) {
	return &pulumirpc.AnalyzerHandshakeResponse{}, nil
}

// ConfigureStack reads the stack config the rules use: the IDC prefixes and
// the on-premises gateway's route preferences.
func (a *analyzer) ConfigureStack(_ context.Context, req *pulumirpc.AnalyzerStackConfigureRequest) (*pulumirpc.AnalyzerStackConfigureResponse, error) {
	stack, err := rules.ParseStackConfig(req.GetConfig())
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "stack %s: %v", req.GetStack(), err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.cfg.IDCPrefixes, a.cfg.OnPrem = stack.IDCPrefixes, stack.OnPrem
	return &pulumirpc.AnalyzerStackConfigureResponse{}, nil
}

// Configure takes each policy's enforcement level and properties, from the
// policy pack config (--policy-pack-config) merged with the defaults.
func (a *analyzer) Configure(_ context.Context, req *pulumirpc.ConfigureAnalyzerRequest) (*emptypb.Empty, error) {
	policies := map[string]rules.PolicyConfig{}
	for name, c := range req.GetPolicyConfig() {
		level, ok := levels[c.GetEnforcementLevel()]
		if !ok {
			return nil, status.Errorf(codes.InvalidArgument, "policy %s: unknown enforcement level %v", name, c.GetEnforcementLevel())
		}
		policies[name] = rules.PolicyConfig{Level: level, Properties: c.GetProperties().AsMap()}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.cfg.Policies = policies
	return &emptypb.Empty{}, nil
}

func (a *analyzer) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: packVersion}, nil
}

// GetAnalyzerInfo lists every rule with its metadata and current level.
func (a *analyzer) GetAnalyzerInfo(context.Context, *emptypb.Empty) (*pulumirpc.AnalyzerInfo, error) {
	cfg := a.config()
	info := &pulumirpc.AnalyzerInfo{
		Name:           packName,
		DisplayName:    "hybridlink network policies",
		Version:        packVersion,
		SupportsConfig: true,
		Description:    "Address plan, routing and security rules for hybridlink's Express Connect + IPsec-VPN design on Alibaba Cloud.",
		Readme:         readme,
		Provider:       "alicloud",
		Tags:           []string{"alicloud", "network", "hybrid-cloud"},
	}
	for _, r := range rules.All() {
		schema, err := configSchema(r)
		if err != nil {
			return nil, status.Errorf(codes.Internal, "policy %s: %v", r.Name, err)
		}
		kind := pulumirpc.PolicyType_POLICY_TYPE_RESOURCE
		if r.IsStack() {
			kind = pulumirpc.PolicyType_POLICY_TYPE_STACK
		}
		info.Policies = append(info.Policies, &pulumirpc.PolicyInfo{
			Name:             r.Name,
			Description:      r.Description,
			EnforcementLevel: levelEnums[cfg.Level(r)],
			ConfigSchema:     schema,
			PolicyType:       kind,
			Severity:         severities[r.Severity],
			RemediationSteps: r.Remediation,
		})
	}
	return info, nil
}

// configSchema is a rule's config schema; nil when it takes no config (the
// engine still accepts enforcementLevel for it).
func configSchema(r *rules.Rule) (*pulumirpc.PolicyConfigSchema, error) {
	if len(r.ConfigSchema) == 0 {
		return nil, nil
	}
	props := map[string]any{}
	for k, v := range r.ConfigSchema {
		props[k] = v
	}
	s, err := structpb.NewStruct(props)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.PolicyConfigSchema{Properties: s}, nil
}

// Analyze runs the resource rules on one resource's inputs.
func (a *analyzer) Analyze(_ context.Context, req *pulumirpc.AnalyzeRequest) (*pulumirpc.AnalyzeResponse, error) {
	r, err := toResource(req.GetUrn(), req.GetType(), req.GetProperties(), nil)
	if err != nil {
		return nil, err
	}
	return diagnostics(rules.CheckResource(r, a.config())), nil
}

// AnalyzeStack runs the stack rules on every resource's outputs, tying
// references to their targets by the property dependencies.
func (a *analyzer) AnalyzeStack(_ context.Context, req *pulumirpc.AnalyzeStackRequest) (*pulumirpc.AnalyzeResponse, error) {
	resources := make([]inventory.Resource, 0, len(req.GetResources()))
	for _, res := range req.GetResources() {
		deps := map[resource.PropertyKey][]resource.URN{}
		for k, d := range res.GetPropertyDependencies() {
			for _, u := range d.GetUrns() {
				deps[resource.PropertyKey(k)] = append(deps[resource.PropertyKey(k)], resource.URN(u))
			}
		}
		r, err := toResource(res.GetUrn(), res.GetType(), res.GetProperties(), deps)
		if err != nil {
			return nil, err
		}
		resources = append(resources, r)
	}
	return diagnostics(rules.CheckStack(inventory.NewStack(resources), a.config())), nil
}

// Remediate changes nothing: the rules only report.
func (a *analyzer) Remediate(context.Context, *pulumirpc.AnalyzeRequest) (*pulumirpc.RemediateResponse, error) {
	return &pulumirpc.RemediateResponse{}, nil
}

func (a *analyzer) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// toResource decodes a resource as the engine sends it, keeping unknowns and
// secrets. The engine sends no ID; providers that put it in the outputs
// ("id", as bridged providers do) let messages name it.
func toResource(urn, typ string, props *structpb.Struct, deps map[resource.PropertyKey][]resource.URN) (inventory.Resource, error) {
	m, err := plugin.UnmarshalProperties(props, plugin.MarshalOptions{
		Label: "hybridlink." + urn, KeepUnknowns: true, KeepSecrets: true, SkipInternalKeys: true,
	})
	if err != nil {
		return inventory.Resource{}, status.Errorf(codes.InvalidArgument, "%s: %v", urn, err)
	}
	r := inventory.Resource{URN: resource.URN(urn), Type: tokens.Type(typ), Props: m, Deps: deps}
	if id, ok := r.String("id"); ok {
		r.ID = resource.ID(id)
	}
	return r, nil
}

func diagnostics(vs []rules.Violation) *pulumirpc.AnalyzeResponse {
	resp := &pulumirpc.AnalyzeResponse{}
	for _, v := range vs {
		rule, _ := rules.Lookup(v.Rule)
		resp.Diagnostics = append(resp.Diagnostics, &pulumirpc.AnalyzeDiagnostic{
			PolicyName:        v.Rule,
			PolicyPackName:    packName,
			PolicyPackVersion: packVersion,
			Description:       rule.Description,
			Message:           v.Message,
			EnforcementLevel:  levelEnums[v.Level],
			Urn:               string(v.URN),
			Severity:          severities[v.Severity],
		})
	}
	return resp
}

// levels and levelEnums translate enforcement levels from and to the wire.
var levels = map[pulumirpc.EnforcementLevel]apitype.EnforcementLevel{
	pulumirpc.EnforcementLevel_ADVISORY:  apitype.Advisory,
	pulumirpc.EnforcementLevel_MANDATORY: apitype.Mandatory,
	pulumirpc.EnforcementLevel_REMEDIATE: apitype.Remediate,
	pulumirpc.EnforcementLevel_DISABLED:  apitype.Disabled,
}

var levelEnums = map[apitype.EnforcementLevel]pulumirpc.EnforcementLevel{
	apitype.Advisory:  pulumirpc.EnforcementLevel_ADVISORY,
	apitype.Mandatory: pulumirpc.EnforcementLevel_MANDATORY,
	apitype.Remediate: pulumirpc.EnforcementLevel_REMEDIATE,
	apitype.Disabled:  pulumirpc.EnforcementLevel_DISABLED,
}

var severities = map[apitype.PolicySeverity]pulumirpc.PolicySeverity{
	apitype.PolicySeverityLow:      pulumirpc.PolicySeverity_POLICY_SEVERITY_LOW,
	apitype.PolicySeverityMedium:   pulumirpc.PolicySeverity_POLICY_SEVERITY_MEDIUM,
	apitype.PolicySeverityHigh:     pulumirpc.PolicySeverity_POLICY_SEVERITY_HIGH,
	apitype.PolicySeverityCritical: pulumirpc.PolicySeverity_POLICY_SEVERITY_CRITICAL,
}

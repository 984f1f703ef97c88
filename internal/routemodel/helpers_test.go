package routemodel_test

import (
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/mockcloud"
	"github.com/hybridlink/hybridlink/internal/routemodel"
	"github.com/hybridlink/hybridlink/internal/stackfile"
	"github.com/hybridlink/hybridlink/stacks"
)

// Names the prod stack gives its resources (components name children
// <stacks.ComponentName>-<role>; the program names VPCs by config).
const (
	vpcWorkload   = "workload"
	vpcTransit    = "transit"
	vbrName       = stacks.ComponentName + "-expressconnect-vbr"
	bgpGroupName  = stacks.ComponentName + "-expressconnect-bgp-group"
	bgpPeerName   = stacks.ComponentName + "-expressconnect-bgp-peer"
	gatewayName   = stacks.ComponentName + "-vpn-gateway"
	connName      = stacks.ComponentName + "-vpn-connection"
	vpnRouteName  = stacks.ComponentName + "-vpn-route-172-16-0-0-16"
	trName        = stacks.ComponentName + "-hub-tr"
	attWorkload   = stacks.ComponentName + "-hub-workload"
	attTransit    = stacks.ComponentName + "-hub-transit"
	attVBR        = stacks.ComponentName + "-hub-vbr"
	advertiseName = stacks.ComponentName + "-hub-advertise-172-16-0-0-16"
)

var idc = netip.MustParsePrefix("172.16.0.0/16")

// deployment is a stack's program run under mocks.
type deployment struct {
	mocks *mockcloud.Mocks
	idc   []netip.Prefix
}

var (
	deployedMu sync.Mutex
	deployed   = map[string]*deployment{}
)

// committedConfig reads a committed stack file, secrets decrypted.
func committedConfig(t testing.TB, stack string) (values map[string]string, secretKeys []string) {
	t.Helper()
	f, err := stackfile.Read("../../stacks", stack)
	require.NoError(t, err)
	cfg, err := f.Config(stackfile.SandboxPassphrase)
	require.NoError(t, err)
	for k, secret := range cfg.Secrets {
		if secret {
			secretKeys = append(secretKeys, k)
		}
	}
	slices.Sort(secretKeys)
	return cfg.Values, secretKeys
}

// deploy runs stacks.Program for a committed stack under mocks, its config
// changed by change (nil for none). Runs without a change are shared.
func deploy(t testing.TB, stack string, change func(values map[string]string)) *deployment {
	t.Helper()
	if change == nil {
		deployedMu.Lock()
		defer deployedMu.Unlock()
		if d, ok := deployed[stack]; ok {
			return d
		}
	}
	values, secretKeys := committedConfig(t, stack)
	if change != nil {
		change(values)
	}
	m, err := mockcloud.Run(stack, values, secretKeys, stacks.Program)
	require.NoError(t, err)
	var prefixes []string
	require.NoError(t, json.Unmarshal([]byte(values["hybridlink:idcPrefixes"]), &prefixes))
	d := &deployment{mocks: m}
	for _, p := range prefixes {
		d.idc = append(d.idc, netip.MustParsePrefix(p))
	}
	if change == nil {
		deployed[stack] = d
	}
	return d
}

// mode is the state of a stack the engine shows.
type mode int

const (
	updated mode = iota // after an update: IDs, outputs and dependencies known
	preview             // a first preview: IDs and outputs unknown, references only through dependencies
	idsOnly             // IDs and outputs known, no dependencies (state written by other tools)
)

func (m mode) String() string { return [...]string{"updated", "preview", "ids-only"}[m] }

var modes = []mode{updated, preview, idsOnly}

var unknown = resource.MakeComputed(resource.NewProperty(""))

// stack returns the deployment's custom resources as the mode shows them,
// copied so that a test may change them.
func (d *deployment) stack(m mode) stack {
	var out stack
	for _, r := range d.mocks.Resources() {
		if !r.Custom {
			continue
		}
		res := inventory.Resource{URN: r.URN, Type: r.Type, ID: resource.ID(r.ID), Props: r.Outputs.Copy(), Deps: map[resource.PropertyKey][]resource.URN{}}
		for k, deps := range r.PropertyDeps {
			res.Deps[k] = slices.Clone(deps)
		}
		switch m {
		case preview:
			// Inputs that come from other resources and every output are
			// unknown; only the dependencies tie references to targets.
			res.ID = ""
			for k := range res.Props {
				if _, input := r.Inputs[k]; !input || len(r.PropertyDeps[k]) > 0 {
					res.Props[k] = unknown
				}
			}
		case idsOnly:
			res.Deps = nil
		}
		out = append(out, res)
	}
	return out
}

// network builds the route model of the deployment's stack in a mode.
func (d *deployment) network(m mode) *routemodel.Network {
	return routemodel.Build(d.stack(m), routemodel.OnPrem{IDCPrefixes: d.idc})
}

// stack is a list of resources that a test changes.
type stack []inventory.Resource

func (s stack) index(t testing.TB, name string) int {
	t.Helper()
	i := slices.IndexFunc(s, func(r inventory.Resource) bool { return r.Name() == name })
	require.GreaterOrEqual(t, i, 0, "the stack has no resource %s", name)
	return i
}

func (s stack) get(t testing.TB, name string) inventory.Resource {
	t.Helper()
	return s[s.index(t, name)]
}

// without removes the named resources.
func (s stack) without(t testing.TB, names ...string) stack {
	t.Helper()
	out := slices.Clone(s)
	for _, name := range names {
		out = slices.Delete(out, out.index(t, name), out.index(t, name)+1)
	}
	return out
}

// set sets a property of the named resource to a plain value.
func (s stack) set(t testing.TB, name, key string, v any) stack {
	t.Helper()
	out := slices.Clone(s)
	i := out.index(t, name)
	r := out[i]
	r.Props = r.Props.Copy()
	r.Props[resource.PropertyKey(key)] = resource.NewPropertyValue(v)
	r.Deps = cloneDeps(r.Deps)
	delete(r.Deps, resource.PropertyKey(key))
	out[i] = r
	return out
}

// refer makes a property of the named resource refer to another resource,
// as the engine records it in the mode: by its ID or an identity output
// (value), and by a dependency.
func (s stack) refer(t testing.TB, name, key string, to inventory.Resource, value string, m mode) stack {
	t.Helper()
	out := s.set(t, name, key, value)
	i := out.index(t, name)
	if m == preview {
		out[i].Props[resource.PropertyKey(key)] = unknown
	}
	if m != idsOnly {
		out[i].Deps[resource.PropertyKey(key)] = []resource.URN{to.URN}
	}
	return out
}

// add appends a resource.
func (s stack) add(r inventory.Resource) stack { return append(slices.Clone(s), r) }

// copyOf copies the named resource under a new name, its ID renamed alike.
func (s stack) copyOf(t testing.TB, name, newName string) inventory.Resource {
	t.Helper()
	r := s.get(t, name)
	r.URN = r.URN.Rename(newName)
	r.ID = resource.ID(strings.ReplaceAll(string(r.ID), name, newName))
	r.Props = r.Props.Copy()
	r.Deps = cloneDeps(r.Deps)
	return r
}

func cloneDeps(deps map[resource.PropertyKey][]resource.URN) map[resource.PropertyKey][]resource.URN {
	if deps == nil {
		return nil
	}
	out := make(map[resource.PropertyKey][]resource.URN, len(deps))
	for k, v := range deps {
		out[k] = slices.Clone(v)
	}
	return out
}

// withoutIDs drops " (<id>)" after resource names and names the VPN gateway
// by its resource name rather than its public IP, as a first preview does,
// so that one expectation fits every mode.
func withoutIDs(s stack, text string) string {
	for _, r := range s {
		if r.ID != "" {
			text = strings.ReplaceAll(text, " ("+string(r.ID)+")", "")
		}
		if ip, ok := r.String("internetIp"); ok && r.Type == inventory.VPNGateway {
			text = strings.ReplaceAll(text, ip, r.Name())
		}
	}
	return text
}

package localcloud

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// The fault switch lets a failover drill shut the Express Connect port or
// the IPsec tunnel and bring it back, as an operator does in the design's
// quarterly test. Faults persist with the sandbox, and the routing the cloud
// reports follows them.

// Faults reports the failures currently injected.
func (c *Cloud) Faults() (routemodel.Faults, error) {
	var f routemodel.Faults
	err := c.view(func(st *state) error { f = st.Faults; return nil })
	return f, err
}

// SetFaults injects failures (or, with the zero value, restores every link).
func (c *Cloud) SetFaults(f routemodel.Faults) error {
	return c.modify(func(st *state) error { st.Faults = f; return nil })
}

// SetOnPrem records the on-premises side of a stack — the prefixes its
// gateway advertises to the VBR over BGP — which the cloud's own route
// tables (getTransitRouterRouteEntries) then hold while BGP is up.
func (c *Cloud) SetOnPrem(stack string, onprem routemodel.OnPrem) error {
	return c.modify(func(st *state) error {
		if st.OnPrem == nil {
			st.OnPrem = map[string]routemodel.OnPrem{}
		}
		st.OnPrem[stack] = onprem
		return nil
	})
}

// Routing returns the network one stack's live resources make — the cloud
// may hold several stacks, as one account does — as the route model resolves
// it with the on-premises side given, and the faults in force: n.Tables(f)
// are the route tables the cloud holds now, n.Paths(f) the paths traffic
// takes. The faults are the switch's, which shuts the stack's first circuit
// (CircuitDown) or second (CircuitBDown), and a circuit is down too while a
// failover test shuts its VBR's physical connection.
func (c *Cloud) Routing(stack string, onprem routemodel.OnPrem) (n *routemodel.Network, f routemodel.Faults, err error) {
	err = c.view(func(st *state) error {
		n, f = st.routing(stack, onprem)
		return nil
	})
	return n, f, err
}

func (st *state) routing(stack string, onprem routemodel.OnPrem) (*routemodel.Network, routemodel.Faults) {
	var resources []inventory.Resource
	var tested []resource.URN
	for _, r := range st.Resources {
		if r.URN.Stack() != tokens.QName(stack) {
			continue
		}
		resources = append(resources, st.inventory(r))
		if r.Type == inventory.VBR && st.underTest(field(r.Outputs, "physicalConnectionId")) {
			tested = append(tested, r.URN)
		}
	}
	n, f := routemodel.Build(resources, onprem), st.Faults
	for _, urn := range tested {
		if i, ok := n.CircuitOf(urn); ok {
			f = f.WithDown(i)
		}
	}
	return n, f
}

// circuitDown reports whether a VBR's circuit is down: by the fault switch
// for its position in its stack (as the stack's recorded on-premises side
// orders the circuits), or by a failover test of its physical connection.
func (st *state) circuitDown(vbr *record) bool {
	stack := string(vbr.URN.Stack())
	n, f := st.routing(stack, st.OnPrem[stack])
	i, ok := n.CircuitOf(vbr.URN)
	return ok && f.Down(i)
}

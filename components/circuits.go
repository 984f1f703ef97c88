package components

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hybridlink/hybridlink/internal/circuits"
	"github.com/hybridlink/hybridlink/internal/limits"
)

// CircuitMode is how two Express Connect circuits share the traffic:
// ActiveStandby or ECMP.
type CircuitMode = circuits.Mode

const (
	// ActiveStandby: the first circuit carries both directions, the second
	// takes over when it fails, the VPN when both have. The transit router
	// ranks the circuits with a route map on each VBR's routes (preference
	// 10 for the first, 20 for the second; lower wins); the on-premises
	// gateway, as hybridlink renders it, with the BGP local preference of
	// each session (200 and 100; higher wins).
	ActiveStandby = circuits.ActiveStandby
	// ECMP: both circuits carry both directions, per flow; one carries all
	// when the other fails; the VPN when both have. No route map ranks
	// them, and the gateway balances over both sessions.
	ECMP = circuits.ECMP
)

// validateSecondCircuit checks the second circuit on its own and as a pair
// with the first: two circuits only add redundancy when they are distinct
// lines, and one on-premises gateway (one AS) terminates both.
func (a *HybridConnectionArgs) validateSecondCircuit(c checker) {
	if a.SecondExpressConnect == nil {
		if a.CircuitMode != "" {
			c.fail("CircuitMode", string(a.CircuitMode), "is set but there is one circuit, so nothing shares the traffic", "leave it unset, or add SecondExpressConnect")
		}
		return
	}
	if a.CircuitMode != "" {
		c.check("CircuitMode", string(a.CircuitMode), a.CircuitMode.Check(), fmt.Sprintf("use %q (the first circuit carries the traffic, the second stands by) or %q (both carry it)", ActiveStandby, ECMP))
	}
	first, second := &a.ExpressConnect, a.SecondExpressConnect
	sc := c.at("SecondExpressConnect")
	second.validate(sc)
	checkMergedTagCount(sc, a.Tags, second.Tags)
	if p1, ok := first.PhysicalConnectionID.(pulumi.String); ok {
		if p2, ok := second.PhysicalConnectionID.(pulumi.String); ok && p1 == p2 {
			sc.fail("PhysicalConnectionID", string(p2), "is the first circuit's too: two VBRs on one line fail together", "give the second circuit's own physical connection, ideally from another access point")
		}
	}
	// An AS that fails its own check is reported there only.
	if p1, p2 := first.PeerASN, second.PeerASN; p1 != nil && p2 != nil && *p1 != *p2 && limits.CheckPeerASN(int64(*p2), int64(second.AlibabaASN())) == nil {
		sc.fail("PeerASN", *p2, fmt.Sprintf("differs from the first circuit's %d: one on-premises gateway, one AS, terminates both circuits", *p1), fmt.Sprintf("use %d", *p1))
	}
	if a.CircuitMode.OrDefault() == ECMP && first.AlibabaASN() != second.AlibabaASN() {
		sc.fail("LocalASN", second.AlibabaASN(), fmt.Sprintf("differs from the first circuit's %d: the gateway balances only over routes with the same AS path", first.AlibabaASN()), "give both VBRs the same Alibaba Cloud side AS")
	}
}

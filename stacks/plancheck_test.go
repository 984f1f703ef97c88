package stacks_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/stackfile"
	"github.com/hybridlink/hybridlink/stacks"
)

// committedSources reads the committed stack files with secrets opaque, as
// the plan-check command does.
func committedSources(t *testing.T) map[string]*stackfile.Config {
	t.Helper()
	names, err := stackfile.List(".")
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"dev", "prod", "prod-dual"}, names)
	out := map[string]*stackfile.Config{}
	for _, n := range names {
		f, err := stackfile.Read(".", n)
		require.NoError(t, err)
		c, err := f.Config("")
		require.NoError(t, err)
		out[n] = c
	}
	return out
}

func asSources(cfgs map[string]*stackfile.Config) map[string]stacks.Source {
	out := map[string]stacks.Source{}
	for k, v := range cfgs {
		out[k] = v
	}
	return out
}

func TestCommittedPlansAreDisjoint(t *testing.T) {
	assert.Empty(t, stacks.CheckPlans(asSources(committedSources(t))))
}

func TestPlanCheckNamesBothStacksKeysAndCIDRs(t *testing.T) {
	cfgs := committedSources(t)
	// dev's workload VPC takes prod's address space, and its peering link
	// lands on prod's.
	cfgs["dev"].Values["hybridlink:workloadVpcs"] = `[{"name":"workload","cidr":"192.168.0.0/16","vSwitches":[{"zoneId":"cn-hangzhou-h","cidr":"192.168.20.0/24"},{"zoneId":"cn-hangzhou-i","cidr":"192.168.21.0/24"}]}]`
	cfgs["dev"].Values["hybridlink:expressConnect"] = strings.NewReplacer("10.1.0.5", "10.1.0.1", "10.1.0.6", "10.1.0.2").Replace(cfgs["dev"].Values["hybridlink:expressConnect"])
	var lines []string
	for _, c := range stacks.CheckPlans(asSources(cfgs)) {
		lines = append(lines, c.String())
	}
	assert.Contains(t, lines, "dev hybridlink:workloadVpcs[0].cidr 192.168.0.0/16 overlaps prod hybridlink:workloadVpcs[0].cidr 192.168.0.0/16")
	assert.Contains(t, lines, "dev hybridlink:workloadVpcs[0].vSwitches[0].cidr 192.168.20.0/24 overlaps prod hybridlink:workloadVpcs[0].cidr 192.168.0.0/16")
	assert.Contains(t, lines, "dev hybridlink:expressConnect.peerGatewayIp 10.1.0.0/30 overlaps prod hybridlink:expressConnect.peerGatewayIp 10.1.0.0/30")
	for _, l := range lines {
		assert.NotContains(t, l, "idcPrefixes", "the IDC is shared by design: %s", l)
	}
}

func TestPlanCheckReportsAnInvalidStack(t *testing.T) {
	cfgs := committedSources(t)
	cfgs["prod"].Values["hybridlink:idcPrefixes"] = `["172.16.0.1/16"]`
	conflicts := stacks.CheckPlans(asSources(cfgs))
	require.Len(t, conflicts, 1)
	assert.Equal(t, "prod", conflicts[0].A.Stack)
	assert.Equal(t, "hybridlink:idcPrefixes[0]", conflicts[0].A.Key)
	assert.Contains(t, conflicts[0].String(), "host bits set")
}

func TestPlanCheckSharedCircuitAndGateway(t *testing.T) {
	cfgs := committedSources(t)
	// dev takes prod's VLAN on the shared circuit and numbers its tunnel
	// like prod's first.
	cfgs["dev"].Values["hybridlink:expressConnect"] = strings.Replace(cfgs["dev"].Values["hybridlink:expressConnect"], `"vlanId":100`, `"vlanId":0`, 1)
	cfgs["dev"].Values["hybridlink:onPrem"] = `{"firstTunnel":2}`
	var lines []string
	for _, c := range stacks.CheckPlans(asSources(cfgs)) {
		lines = append(lines, c.String())
	}
	assert.ElementsMatch(t, []string{
		"dev hybridlink:expressConnect.vlanId 0 is the VLAN, on circuit pc-bp1hybridlinkprod0001, of prod hybridlink:expressConnect.vlanId 0",
		"dev hybridlink:onPrem.firstTunnel 2 (tunnels 2–2) numbers tunnels on on-premises gateway 203.0.113.68 like prod hybridlink:onPrem.firstTunnel 1 (tunnels 1–2)",
	}, lines)
}

// One gateway runs one BGP process: environments on it must agree on the
// on-premises AS and the BGP preference.
func TestPlanCheckSharedGatewayBGP(t *testing.T) {
	cfgs := committedSources(t)
	cfgs["dev"].Values["hybridlink:expressConnect"] = strings.Replace(cfgs["dev"].Values["hybridlink:expressConnect"], `"peerAsn":65530`, `"peerAsn":65531`, 1)
	cfgs["dev"].Values["hybridlink:onPrem"] = `{"firstTunnel":11,"bgpPreference":30}`
	var lines []string
	for _, c := range stacks.CheckPlans(asSources(cfgs)) {
		lines = append(lines, c.String())
	}
	assert.ElementsMatch(t, []string{
		"dev hybridlink:expressConnect.peerAsn 65531 differs on on-premises gateway 203.0.113.68 from prod hybridlink:expressConnect.peerAsn 65530",
		"dev hybridlink:onPrem.bgpPreference 30 differs on on-premises gateway 203.0.113.68 from prod hybridlink:onPrem.bgpPreference 20",
	}, lines)
}

// A circuit of a two-circuit stack is named by its place in the list.
func TestPlanCheckSecondCircuit(t *testing.T) {
	cfgs := committedSources(t)
	// prod-dual's circuit B lands on prod's line, VLAN and peering subnet.
	cfgs["prod-dual"].Values["hybridlink:expressConnect"] = strings.NewReplacer(
		"pc-bp1hlaccesspointb0001", "pc-bp1hybridlinkprod0001", `"vlanId":10`, `"vlanId":0`, "10.1.0.13", "10.1.0.1", "10.1.0.14", "10.1.0.2",
	).Replace(cfgs["prod-dual"].Values["hybridlink:expressConnect"])
	var lines []string
	for _, c := range stacks.CheckPlans(asSources(cfgs)) {
		lines = append(lines, c.String())
	}
	assert.ElementsMatch(t, []string{
		"prod hybridlink:expressConnect.vlanId 0 is the VLAN, on circuit pc-bp1hybridlinkprod0001, of prod-dual hybridlink:expressConnect[1].vlanId 0",
		"prod hybridlink:expressConnect.peerGatewayIp 10.1.0.0/30 overlaps prod-dual hybridlink:expressConnect[1].peerGatewayIp 10.1.0.0/30",
	}, lines)
}

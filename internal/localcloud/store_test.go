package localcloud

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/inventory"
)

func TestStatePersistsAcrossOpen(t *testing.T) {
	dir := t.TempDir()
	h := serveDir(t, dir)
	w := newWorld(h)

	// A second server on the same directory — the next pulumi command —
	// sees every resource, with the same IDs, URNs and outputs.
	h2 := serveDir(t, dir)
	for _, c := range w.all() {
		id, out := h2.read(c)
		require.Equal(t, c.id, id, "%s", c.t)
		assert.True(t, out.DeepEquals(c.out), "%s outputs survive", c.t)
	}
	snap, err := h2.cloud.Snapshot()
	require.NoError(t, err)
	assert.Len(t, snap, len(w.all())+1, "plus the transit router's system route table")
	stack := inventory.NewStack(snap)

	// Secrets are still secrets after the round trip through the file.
	conn, ok := stack.Lookup(inventory.Ref(w.conn.id))
	require.True(t, ok)
	assert.Equal(t, resource.URN(urnOf(inventory.VPNConnection, "conn")), conn.URN)
	assert.True(t, conn.IsSecret("tunnelOptionsSpecifications[0].tunnelIkeConfig.psk"))
	assert.True(t, conn.IsSecret("tunnelOptionsSpecifications[1].tunnelIkeConfig.psk"))
	group, _ := stack.Lookup(inventory.Ref(w.bgpGroup.id))
	assert.True(t, group.IsSecret("authKey"))
	assert.Equal(t, "md5-key", must(group.String("authKey")))

	// Deps name the resources a resource's properties reference.
	sw, _ := stack.Lookup(inventory.Ref(w.sw1h.id))
	assert.Equal(t, []resource.URN{resource.URN(urnOf(inventory.VPC, "vpc1"))}, sw.Deps["vpcId"])
	att, _ := stack.Lookup(inventory.Ref(w.att1.id))
	assert.Len(t, att.Deps["zoneMappings"], 2)
	assert.Equal(t, []resource.URN{resource.URN(urnOf(inventory.TransitRouter, "tr"))}, att.Deps["transitRouterId"])
	assoc, _ := stack.Lookup(inventory.Ref(w.assoc1.id))
	tables := stack.OfType(trRouteTable)
	require.Len(t, tables, 1)
	assert.Equal(t, []resource.URN{tables[0].URN}, assoc.Deps["transitRouterRouteTableId"])
	assert.Equal(t, "tr-system-route-table", tables[0].URN.Name())
	assert.Equal(t, "System", must(tables[0].String("transitRouterRouteTableType")))

	// The file is private to its owner.
	fi, err := os.Stat(filepath.Join(dir, stateFile))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}

func must[T any](v T, ok bool) T {
	if !ok {
		panic("missing value")
	}
	return v
}

func TestAccountIsStable(t *testing.T) {
	dir := t.TempDir()
	h := serveDir(t, dir)
	vpc := h.create(inventory.VPC, "vpc", props{"cidrBlock": "10.0.0.0/16"})
	h2 := serveDir(t, dir)
	vpc2 := h2.create(inventory.VPC, "vpc2", props{"cidrBlock": "10.1.0.0/16"})
	assert.Regexp(t, `^rg-acfm[a-z0-9]{11}$`, vpc.str("resourceGroupId"))
	assert.Equal(t, vpc.str("resourceGroupId"), vpc2.str("resourceGroupId"))
}

func TestCorruptStateIsReported(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, stateFile), []byte("{not json"), 0o600))
	_, err := Open(dir)
	require.ErrorContains(t, err, "corrupt")
}

func TestConcurrentCreates(t *testing.T) {
	h := newHarness(t)
	vpc := h.create(inventory.VPC, "vpc", props{"cidrBlock": "10.0.0.0/16"})
	// A second Cloud on the same directory stands in for another process:
	// the flock serializes the two.
	other, err := Open(h.dir)
	require.NoError(t, err)

	const n = 50
	var wg sync.WaitGroup
	ids := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := props{"vpcId": vpc.id, "cidrBlock": fmt.Sprintf("10.0.%d.0/24", i), "zoneId": "cn-hangzhou-h"}
			if i%2 == 0 {
				c, err := h.tryCreate(inventory.VSwitch, fmt.Sprintf("sw%d", i), in)
				ids[i], errs[i] = c.id, err
				return
			}
			rec, err := other.create("cn-hangzhou", resource.URN(urnOf(inventory.VSwitch, fmt.Sprintf("sw%d", i))), inventory.VSwitch, in.pm())
			if err == nil {
				ids[i] = string(rec.ID)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range n {
		require.NoError(t, errs[i])
		assert.False(t, seen[ids[i]], "IDs are unique")
		seen[ids[i]] = true
	}
	snap, err := h.cloud.Snapshot()
	require.NoError(t, err)
	assert.Len(t, snap, n+1)

	// Racing for one VLAN of a circuit, exactly one VBR wins.
	var wins, taken int
	var mu sync.Mutex
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := h.tryCreate(inventory.VBR, fmt.Sprintf("race%d", i), vbrProps())
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				wins++
			} else if assert.ErrorContains(t, err, "InvalidVlanId.Used") {
				taken++
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, wins)
	assert.Equal(t, n-1, taken)
}

func TestInvokeRouteTables(t *testing.T) {
	h := newHarness(t)
	w := newWorld(h)
	trID := w.tr.str("transitRouterId")

	resp, err := h.invoke(props{"transitRouterId": trID})
	require.NoError(t, err)
	out := inventory.Resource{Props: h.unmarshal(resp.Return)}
	require.Equal(t, 1, out.Len("tables"))
	table := func(k string) string { return must(out.String("tables[0]." + k)) }
	assert.Equal(t, w.systemTable, table("id"))
	assert.Equal(t, w.systemTable, table("transitRouterRouteTableId"))
	assert.Equal(t, "System", table("transitRouterRouteTableType"))
	assert.Equal(t, "Active", table("status"))
	for _, k := range []string{"transitRouterRouteTableName", "transitRouterRouteTableDescription"} {
		_, ok := out.String("tables[0]." + k)
		assert.True(t, ok, k)
	}
	assert.Equal(t, []string{w.systemTable}, out.Strings("ids"))
	assert.Equal(t, 1, out.Len("names"))
	assert.NotEmpty(t, must(out.String("id")))
	assert.Equal(t, trID, must(out.String("transitRouterId")), "inputs are echoed")

	resp, err = h.invoke(props{"transitRouterId": trID, "transitRouterRouteTableType": "Custom"})
	require.NoError(t, err)
	assert.Equal(t, 0, inventory.Resource{Props: h.unmarshal(resp.Return)}.Len("tables"))

	// The tables of another transit router are not listed.
	cen2 := h.create(inventory.CEN, "cen2", props{})
	tr2 := h.create(inventory.TransitRouter, "tr2", props{"cenId": cen2.id})
	resp, err = h.invoke(props{"transitRouterId": tr2.str("transitRouterId"), "ids": []string{w.systemTable}})
	require.NoError(t, err)
	assert.Equal(t, 0, inventory.Resource{Props: h.unmarshal(resp.Return)}.Len("tables"))

	_, err = h.invoke(props{"transitRouterId": "tr-bp1missing"})
	require.ErrorContains(t, err, "InvalidTransitRouterId.NotFound")
	resp, err = h.invoke(props{})
	require.NoError(t, err)
	requireProviderFailure(t, resp.Failures, "Missing required property 'transitRouterId'")
	_, err = h.client.Invoke(t.Context(), &pulumirpc.InvokeRequest{Tok: "alicloud:vpc/getNetworks:getNetworks"})
	require.ErrorContains(t, err, "getNetworks")
}

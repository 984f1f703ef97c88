package localcloud

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// A create retried after an interruption (same URN, same inputs) gets what
// the first attempt made, for every kind of ID: generated, and composite.
func TestRetriedCreateFindsWhatItMade(t *testing.T) {
	h := newHarness(t)
	vpc := h.create(inventory.VPC, "vpc", props{"cidrBlock": "10.0.0.0/16"})
	again := h.create(inventory.VPC, "vpc", props{"cidrBlock": "10.0.0.0/16"})
	assert.Equal(t, vpc.id, again.id, "a retried create returns the first attempt's VPC")
	assert.True(t, again.out.DeepEquals(vpc.out))

	cen := h.create(inventory.CEN, "cen", props{})
	tr := h.create(inventory.TransitRouter, "tr", props{"cenId": cen.id})
	trAgain := h.create(inventory.TransitRouter, "tr", props{"cenId": cen.id})
	assert.Equal(t, tr.id, trAgain.id, "and its transit router, composite ID and system route table included")

	snap, err := h.cloud.Snapshot()
	require.NoError(t, err)
	assert.Len(t, snap, 4, "VPC, CEN, transit router, system route table: nothing twice")

	// Other inputs, or another URN, are another object.
	other := h.create(inventory.VPC, "vpc", props{"cidrBlock": "10.1.0.0/16"})
	assert.NotEqual(t, vpc.id, other.id)
	named := h.create(inventory.VPC, "vpc-b", props{"cidrBlock": "10.0.0.0/16"})
	assert.NotEqual(t, vpc.id, named.id)
}

// Once the engine has shown that its state holds an object — it read it by
// ID, or the sandbox marked it from the state — the same create is a
// deliberate second one (`pulumi up --replace`) and makes a new object.
func TestCreateOfAKnownObjectMakesANewOne(t *testing.T) {
	h := newHarness(t)
	read := h.create(inventory.VPC, "read", props{"cidrBlock": "10.0.0.0/16"})
	h.read(read)
	replacement := h.create(inventory.VPC, "read", props{"cidrBlock": "10.0.0.0/16"})
	assert.NotEqual(t, read.id, replacement.id)

	marked := h.create(inventory.VPC, "marked", props{"cidrBlock": "10.2.0.0/16"})
	require.NoError(t, h.cloud.MarkKnown(map[tokens.Type][]resource.ID{inventory.VPC: {resource.ID(marked.id)}}))
	second := h.create(inventory.VPC, "marked", props{"cidrBlock": "10.2.0.0/16"})
	assert.NotEqual(t, marked.id, second.id)

	// CreatedAs finds the object a create left that the state does not hold.
	id, ok, err := h.cloud.CreatedAs(resource.URN(urnOf(inventory.VPC, "marked")), inventory.VPC, []resource.ID{resource.ID(marked.id)})
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, resource.ID(second.id), id)
	_, ok, err = h.cloud.CreatedAs(resource.URN(urnOf(inventory.VPC, "never")), inventory.VPC, nil)
	require.NoError(t, err)
	assert.False(t, ok)
}

// Every way a state file can be broken is an error naming what is wrong —
// from Open, from every operation of a cloud already open, and from the
// provider — and never a panic.
func TestCorruptStateIsAnErrorNotAPanic(t *testing.T) {
	corruptions := []struct {
		name, want string
		edit       func(st map[string]any)
		raw        string
	}{
		{name: "unknown type", want: `has type "alicloud:vpc/unknown:Thing"`, edit: func(st map[string]any) { rawRecord(st, 3)["type"] = "alicloud:vpc/unknown:Thing" }},
		{name: "no type", want: `has type ""`, edit: func(st map[string]any) { delete(rawRecord(st, 0), "type") }},
		{name: "no id", want: "has no id", edit: func(st map[string]any) { rawRecord(st, 1)["id"] = "" }},
		{name: "duplicate", want: "a second", edit: func(st map[string]any) {
			rs := st["resources"].([]any)
			st["resources"] = append(rs, rs[0])
		}},
		{name: "null record", want: "is null", edit: func(st map[string]any) { st["resources"].([]any)[2] = nil }},
		{name: "missing owner", want: "which does not exist", edit: func(st map[string]any) {
			for _, r := range st["resources"].([]any) {
				if m := r.(map[string]any); m["owner"] != nil {
					m["owner"] = "tr-gone"
				}
			}
		}},
		{name: "inputs not an object", want: "corrupt", edit: func(st map[string]any) { rawRecord(st, 0)["inputs"] = 5 }},
		{name: "outputs not an object", want: "corrupt", edit: func(st map[string]any) { rawRecord(st, 0)["outputs"] = "x" }},
		{name: "resources not a list", want: "corrupt", edit: func(st map[string]any) { st["resources"] = map[string]any{} }},
		{name: "type not a string", want: "corrupt", edit: func(st map[string]any) { rawRecord(st, 0)["type"] = 7 }},
		{name: "truncated", want: "corrupt", raw: "{\"resources\": [{\"type\": \"alicloud:vpc/network"},
		{name: "not JSON", want: "corrupt", raw: "\x00\x01garbage"},
	}
	for _, c := range corruptions {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			w := newWorld(h)
			path := filepath.Join(h.dir, stateFile)
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			if c.raw != "" {
				b = []byte(c.raw)
			} else {
				var st map[string]any
				require.NoError(t, json.Unmarshal(b, &st))
				c.edit(st)
				b, err = json.Marshal(st)
				require.NoError(t, err)
			}
			require.NoError(t, os.WriteFile(path, b, 0o600))

			ops := map[string]func() error{
				"open":     func() error { _, err := Open(h.dir); return err },
				"snapshot": func() error { _, err := h.cloud.Snapshot(); return err },
				"routing":  func() error { _, _, err := h.cloud.Routing("dev", routemodel.OnPrem{}); return err },
				"delete":   func() error { return h.delete(w.route) },
				"create": func() error {
					_, err := h.tryCreate(inventory.VPC, "late", props{"cidrBlock": "10.9.0.0/16"})
					return err
				},
				"update": func() error {
					_, err := h.update(w.vpc1, props{"vpcName": "new", "cidrBlock": "192.168.0.0/16"})
					return err
				},
				"forget": func() error { _, err := h.cloud.Forget("dev"); return err },
				"faults": func() error { _, err := h.cloud.Faults(); return err },
			}
			for name, op := range ops {
				err := noPanic(t, name, op)
				if assert.Error(t, err, "%s on a state with %s", name, c.name) {
					assert.Contains(t, err.Error(), c.want, name)
				}
			}
			after, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, string(b), string(after), "a failed operation leaves the state file as it was")
		})
	}
}

func rawRecord(st map[string]any, i int) map[string]any {
	return st["resources"].([]any)[i].(map[string]any)
}

func noPanic(t *testing.T, name string, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s panicked: %v", name, r)
			err = nil
		}
	}()
	return fn()
}

// Forget deletes one stack's objects, those they own included, and leaves
// the other stacks' alone; it refuses when another stack depends on them.
func TestForget(t *testing.T) {
	h := newHarness(t)
	w := newWorld(h)
	prodURN := resource.NewURN("prod", "hybridlink", "", inventory.VPC, "vpc")
	prod, err := h.cloud.create("cn-hangzhou", prodURN, inventory.VPC, props{"cidrBlock": "172.20.0.0/16"}.pm())
	require.NoError(t, err)

	// A prod vSwitch in a dev VPC: dev cannot go.
	swURN := resource.NewURN("prod", "hybridlink", "", inventory.VSwitch, "sw")
	_, err = h.cloud.create("cn-hangzhou", swURN, inventory.VSwitch, props{"vpcId": w.vpc1.id, "cidrBlock": "192.168.99.0/24", "zoneId": "cn-hangzhou-h"}.pm())
	require.NoError(t, err)
	n, err := h.cloud.Forget("dev")
	require.ErrorContains(t, err, "depends on them")
	assert.Zero(t, n)
	snap, _ := h.cloud.Snapshot()
	assert.Len(t, snap, len(w.all())+3, "nothing was deleted")

	_, err = h.cloud.Forget("prod")
	require.NoError(t, err)
	n, err = h.cloud.Forget("dev")
	require.NoError(t, err)
	assert.Equal(t, len(w.all())+1, n, "every dev object and the transit router's system route table")
	snap, _ = h.cloud.Snapshot()
	assert.Empty(t, snap)
	_ = prod
}

// A save that crashed left a temporary file (earlier versions named theirs
// state.json.*); the next operation removes it, and a save leaves none.
func TestNoTemporaryFileOutlivesACrash(t *testing.T) {
	h := newHarness(t)
	for _, name := range []string{stateFile + ".123456", ".atomicfile-0011223344556677"} {
		require.NoError(t, os.WriteFile(filepath.Join(h.dir, name), []byte(`{"authKey":"md5-key"}`), 0o600))
	}
	newWorld(h)
	entries, err := os.ReadDir(h.dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{stateFile, lockFile}, names, strings.Join(names, " "))
}

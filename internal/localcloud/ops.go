package localcloud

import (
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hybridlink/hybridlink/internal/inventory"
)

// The resource operations, each one transaction on the store.

// kindOf returns the kind of a type token the engine may manage.
func kindOf(t tokens.Type) (*kind, error) {
	if k, ok := kinds[t]; ok && !k.internal {
		return k, nil
	}
	return nil, status.Errorf(codes.InvalidArgument,
		"the local cloud does not implement resource type %q; it serves the alicloud types hybridlink deploys", t)
}

// check validates inputs against the provider's schema, as the real
// provider's Check does (it calls no API), and returns them with the
// defaults the bridge fills in.
func (c *Cloud) check(region string, urn resource.URN, t tokens.Type, olds, news resource.PropertyMap) (resource.PropertyMap, []*pulumirpc.CheckFailure, error) {
	k, err := kindOf(t)
	if err != nil {
		return nil, nil, err
	}
	ch := newChecker(nil, k, region, urn, news)
	ch.schemaCheck()
	return withDefaults(k.spec, urn, olds, news), ch.checkFailures(), nil
}

// create applies the API's rules, computes the outputs and stores the object
// (with any it creates along with it).
func (c *Cloud) create(region string, urn resource.URN, t tokens.Type, inputs resource.PropertyMap) (*record, error) {
	k, err := kindOf(t)
	if err != nil {
		return nil, err
	}
	var rec *record
	err = c.modify(func(st *state) error {
		if rec = st.retried(t, urn, inputs); rec != nil {
			return nil
		}
		ch := newChecker(st, k, region, urn, inputs)
		ch.api()
		if err := ch.err(); err != nil {
			return err
		}
		b := build(ch, nil)
		if err := ch.err(); err != nil {
			return err
		}
		id := resource.ID(b.id())
		if k.id != nil {
			id = resource.ID(k.id.of(b.in.Props, b.out))
		}
		if st.get(t, id) != nil {
			return status.Errorf(codes.AlreadyExists, "%s.AlreadyExists: %s %s already exists", k.name, k.name, id)
		}
		rec = &record{Type: t, ID: id, URN: urn, Region: region, Inputs: inputs, Outputs: b.out}
		st.Resources = append(st.Resources, rec)
		if k.creates != nil {
			st.Resources = append(st.Resources, k.creates(b, rec)...)
		}
		st.settle()
		return nil
	})
	return rec, err
}

// update applies new inputs in place, under the same rules as create.
func (c *Cloud) update(t tokens.Type, id resource.ID, inputs resource.PropertyMap) (*record, error) {
	k, err := kindOf(t)
	if err != nil {
		return nil, err
	}
	var rec *record
	err = c.modify(func(st *state) error {
		if rec = st.get(t, id); rec == nil {
			return status.Errorf(codes.NotFound, "Invalid%sId.NotFound: the specified %s %s does not exist", k.name, k.name, id)
		}
		ch := newChecker(st, k, rec.Region, rec.URN, inputs)
		ch.self = id
		ch.api()
		if err := ch.err(); err != nil {
			return err
		}
		b := build(ch, rec.Outputs)
		if err := ch.err(); err != nil {
			return err
		}
		rec.Inputs, rec.Outputs, rec.Known = inputs, b.out, true
		st.settle()
		return nil
	})
	return rec, err
}

// read returns the live object with an ID, or nil. An alarm reports the
// state it is in now. The engine asking for an object by ID shows that its
// state holds it.
func (c *Cloud) read(t tokens.Type, id resource.ID) (*record, error) {
	var rec *record
	err := c.locked(func(st *state) (bool, error) {
		rec = st.get(t, id)
		if rec == nil {
			return false, nil
		}
		save := !rec.Known
		rec.Known = true
		if t == inventory.Alarm {
			now := *rec
			now.Outputs = rec.Outputs.Copy()
			now.Outputs["status"] = str(st.alarmState(rec.Outputs).State)
			rec = &now
		}
		return save, nil
	})
	return rec, err
}

// delete deletes an object and those it created, unless other objects
// depend on them: then it fails as the API does, with DependencyViolation.
// Deleting what is already gone succeeds.
func (c *Cloud) delete(t tokens.Type, id resource.ID) error {
	return c.modify(func(st *state) error {
		rec := st.get(t, id)
		if rec == nil {
			return nil
		}
		k := kinds[rec.Type]
		if k.retain != nil && k.retain(inventory.Resource{Props: rec.Outputs}) {
			return nil
		}
		if k.undeletable != nil {
			if why := k.undeletable(rec); why != "" {
				return status.Error(codes.FailedPrecondition, why)
			}
		}
		gone := map[*record]bool{rec: true}
		for _, r := range st.Resources {
			if r.Owner == id {
				gone[r] = true
			}
		}
		force, _ := inventory.Resource{Props: rec.Inputs}.Bool("forceDelete")
		for _, d := range st.dependents(gone) {
			if force && slices.Contains(k.cascade, d.Type) {
				gone[d] = true
				continue
			}
			dk := kinds[d.Type]
			return status.Errorf(codes.FailedPrecondition, "DependencyViolation.%s: %s %s cannot be deleted while %s %s%s depends on it",
				dk.name, k.name, id, dk.name, d.ID, urnName(d.URN))
		}
		st.remove(gone)
		return nil
	})
}

func urnName(u resource.URN) string {
	if !u.IsValid() {
		return ""
	}
	return " (" + u.Name() + ")"
}

// dependents returns the live objects outside gone that reference one in
// gone.
func (st *state) dependents(gone map[*record]bool) []*record {
	var out []*record
	for _, r := range st.Resources {
		if !gone[r] && st.references(r, gone) {
			out = append(out, r)
		}
	}
	return out
}

func (st *state) references(r *record, targets map[*record]bool) bool {
	for _, ref := range kinds[r.Type].refs {
		for _, path := range expand(r.Outputs, ref.path) {
			if v, ok := readString(r.Outputs, path); ok {
				if t := st.resolve(ref, v); t != nil && targets[t] {
					return true
				}
			}
		}
	}
	return false
}

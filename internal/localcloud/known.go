package localcloud

import (
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// Alibaba Cloud's create APIs take a client token: a create retried with the
// same token returns what the first attempt made instead of making another.
// The engine sends no token, but a create the engine retries after it was
// interrupted has the same URN and the same inputs, and what the first
// attempt made is an object the engine's state does not hold. The local
// cloud therefore answers such a create with that object, and only while the
// object is not known to be in the state: an object becomes Known when the
// engine names its ID (read, diff, update) or when the sandbox, which reads
// the state, marks it (MarkKnown). A deliberate second create of the same
// URN and inputs (`pulumi up --replace`) is always of a known object, and
// makes a new one.

// retried returns the unknown object a create of urn with inputs already
// made, or nil.
func (st *state) retried(t tokens.Type, urn resource.URN, inputs resource.PropertyMap) *record {
	for _, r := range st.Resources {
		if !r.Known && r.Type == t && r.URN == urn && r.Inputs.DeepEquals(inputs) {
			return r
		}
	}
	return nil
}

// MarkKnown records that the engine's state holds the objects with these
// IDs (by type), so that no create is taken for a retry of theirs.
func (c *Cloud) MarkKnown(ids map[tokens.Type][]resource.ID) error {
	return c.locked(func(st *state) (bool, error) {
		changed := false
		for _, r := range st.Resources {
			if r.Known {
				continue
			}
			if slices.Contains(ids[r.Type], r.ID) {
				r.Known, changed = true, true
			}
		}
		return changed, nil
	})
}

// CreatedAs returns the ID of the object of type t a create of urn made
// that the state does not hold (none of known), newest first: what an
// interrupted create left in the cloud.
func (c *Cloud) CreatedAs(urn resource.URN, t tokens.Type, known []resource.ID) (resource.ID, bool, error) {
	var id resource.ID
	var found bool
	err := c.view(func(st *state) error {
		for i := len(st.Resources) - 1; i >= 0; i-- {
			r := st.Resources[i]
			if r.Type == t && r.URN == urn && !slices.Contains(known, r.ID) {
				id, found = r.ID, true
				return nil
			}
		}
		return nil
	})
	return id, found, err
}

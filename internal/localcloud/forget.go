package localcloud

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// Forget deletes every object a stack's deployments made (by the stack in
// its URN), with the objects they own, as if the stack had never run: for
// `hybridlink sandbox reset`. It refuses, changing nothing, when another
// stack's object depends on one of them.
func (c *Cloud) Forget(stack string) (int, error) {
	n := 0
	err := c.modify(func(st *state) error {
		gone := map[*record]bool{}
		for _, r := range st.Resources {
			if r.URN.IsValid() && r.URN.Stack() == tokens.QName(stack) {
				gone[r] = true
			}
		}
		owners := map[string]bool{}
		for r := range gone {
			owners[string(r.ID)] = true
		}
		for _, r := range st.Resources {
			if r.Owner != "" && owners[string(r.Owner)] {
				gone[r] = true
			}
		}
		if deps := st.dependents(gone); len(deps) > 0 {
			d := deps[0]
			return fmt.Errorf("local cloud: stack %s's objects cannot be deleted while %s %s%s of another stack depends on them; reset or destroy that stack first",
				stack, kinds[d.Type].name, d.ID, urnName(d.URN))
		}
		st.remove(gone)
		n = len(gone)
		return nil
	})
	return n, err
}

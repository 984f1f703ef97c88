package localcloud

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// checkIntegrity refuses a state the operations cannot interpret, naming
// the first record at fault, so that a hand-edited or foreign state file is
// an error and never a panic deep inside an operation.
func (st *state) checkIntegrity() error {
	type key struct {
		t  tokens.Type
		id resource.ID
	}
	seen := map[key]bool{}
	for i, r := range st.Resources {
		switch {
		case r == nil:
			return fmt.Errorf("resource #%d is null", i)
		case kinds[r.Type] == nil:
			return fmt.Errorf("resource #%d (id %q, urn %q) has type %q, which the local cloud does not serve", i, r.ID, r.URN, r.Type)
		case r.ID == "":
			return fmt.Errorf("resource #%d (type %s, urn %q) has no id", i, r.Type, r.URN)
		case seen[key{r.Type, r.ID}]:
			return fmt.Errorf("resource #%d: a second %s with id %q", i, r.Type, r.ID)
		}
		seen[key{r.Type, r.ID}] = true
	}
	for i, r := range st.Resources {
		if r.Owner == "" {
			continue
		}
		owned := false
		for _, o := range st.Resources {
			owned = owned || (o.ID == r.Owner && o != r)
		}
		if !owned {
			return fmt.Errorf("resource #%d (type %s, id %q) is owned by %q, which does not exist", i, r.Type, r.ID, r.Owner)
		}
	}
	return nil
}

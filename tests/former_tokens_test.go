package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// Before v0.1.0 the components' type tokens were hybridlink:components:<Name>;
// they are hybridlink:index:<Name> now. A dev stack whose state holds the
// former tokens (every component's URN and type, and each child's URN, which
// holds its parents' types) is updated by today's program through the
// engine without creating, replacing or deleting anything: the components'
// aliases match the former URNs, and the children inherit them.
func TestFormerTypeTokens(t *testing.T) {
	skipShort(t)
	const former, current = "hybridlink:components:", "hybridlink:index:"
	b := openBox(t, copyProject(t), "dev")
	b.mustSucceed("up", b.up())
	deployed := b.snapshot()

	// The state as the former tokens wrote it: the same text with the old
	// module, without the aliases the engine records for the new URNs.
	d, err := b.sb.Stack.Export(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var dep map[string]any
	if err := json.Unmarshal(bytes.ReplaceAll(d.Deployment, []byte(current), []byte(former)), &dep); err != nil {
		t.Fatal(err)
	}
	for _, r := range dep["resources"].([]any) {
		delete(r.(map[string]any), "aliases")
	}
	if d.Deployment, err = json.Marshal(dep); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), opTimeout)
	defer cancel()
	if err := b.sb.Stack.Import(ctx, d); err != nil {
		t.Fatal(err)
	}
	old := b.export()
	renamed := 0
	for _, u := range old.urns() {
		if strings.Contains(u, current) {
			t.Fatalf("the imported state still holds %s", u)
		}
		if strings.Contains(u, former) {
			renamed++
		}
	}
	if renamed < 5 {
		t.Fatalf("the imported state has %d URNs with the former tokens, want every component's and child's: %v", renamed, old.urns())
	}

	r := b.up()
	b.mustSucceed("up over the former tokens", r)
	for urn, ops := range r.ops() {
		if slices.ContainsFunc(ops, func(op apitype.OpType) bool { return op != apitype.OpSame }) {
			t.Errorf("up over the former tokens: %s: %v, want same", urn, ops)
		}
	}
	if n := r.summary[apitype.OpSame]; n == 0 || len(r.summary) != 1 {
		t.Errorf("up over the former tokens: summary %v, want only unchanged resources", r.summary)
	}
	sameCloud(t, "up over the former tokens", deployed, b.snapshot())
	now := b.export()
	if len(now.resources) != len(old.resources) {
		t.Errorf("the state has %d resources, had %d", len(now.resources), len(old.resources))
	}
	for _, u := range now.urns() {
		if strings.Contains(u, former) {
			t.Errorf("after up the state still holds %s", u)
		}
	}
	b.mustSucceed("destroy", b.destroy(false))
	if rs := b.snapshot(); len(rs) != 0 {
		t.Errorf("destroy left %d resources in the local cloud:\n%s", len(rs), describeCloud(rs))
	}
}

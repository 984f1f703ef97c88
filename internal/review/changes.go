package review

import (
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Op is what a change does to a resource.
type Op string

// The operations a review reports; the engine's other steps (same, read,
// and the create and delete halves of a replacement) are part of these or
// change nothing.
const (
	Delete  Op = "delete"
	Replace Op = "replace"
	Create  Op = "create"
	Update  Op = "update"
)

// opOrder lists the operations most disruptive first, as the review shows them.
var opOrder = []Op{Delete, Replace, Create, Update}

// Change is one resource the change creates, updates, replaces or deletes.
type Change struct {
	Op   Op
	URN  resource.URN
	Type string
	// Protected: the resource is protected at the base.
	Protected bool
	// DeleteFirst: a replacement that deletes the old resource before it
	// creates the new one (deleteBeforeReplace, and the resources that
	// depend on it), so that what it carries is down for the whole
	// creation.
	DeleteFirst bool
	// Props are the properties that change (all of a created resource's
	// inputs), masked.
	Props []PropChange
}

// Name is the resource's name in the program.
func (c Change) Name() string { return c.URN.Name() }

// Kind is what the resource is, in the network's terms ("VBR").
func (c Change) Kind() string { return kindOf(c.Type) }

// PropChange is one scalar property that changes; Old is empty for an
// added one, New for a removed one.
type PropChange struct {
	Path     string
	Old, New string
	// Added, Removed: the property is new, or goes away.
	Added, Removed bool
	// Replaces: changing it forces the resource's replacement.
	Replaces bool
}

// changesOf reads the resource changes from the engine's events: one per
// step that creates, updates, replaces or deletes a resource the provider
// manages (components and providers are bookkeeping), most disruptive first.
// A replacement is several steps of one URN: the engine emits
// delete-replaced before the others when the old resource goes first, and
// for a resource replaced because one it depends on is deleted first, only
// its create-replacement step names the properties that force it.
func changesOf(events []apitype.EngineEvent, protected map[resource.URN]bool, m *masker) []Change {
	deleteFirst, replaceKeys := map[resource.URN]bool{}, map[resource.URN][]string{}
	started := map[resource.URN]bool{}
	for _, e := range events {
		if e.ResourcePreEvent == nil {
			continue
		}
		md := e.ResourcePreEvent.Metadata
		urn := resource.URN(md.URN)
		switch md.Op {
		case apitype.OpDeleteReplaced:
			deleteFirst[urn] = deleteFirst[urn] || !started[urn]
		case apitype.OpReplace, apitype.OpCreateReplacement:
			started[urn] = true
			replaceKeys[urn] = append(replaceKeys[urn], md.Keys...)
		}
	}
	var out []Change
	seen := map[resource.URN]bool{}
	for _, e := range events {
		if e.ResourcePreEvent == nil {
			continue
		}
		md := e.ResourcePreEvent.Metadata
		op, ok := map[apitype.OpType]Op{
			apitype.OpCreate: Create, apitype.OpUpdate: Update, apitype.OpReplace: Replace, apitype.OpDelete: Delete,
		}[md.Op]
		urn := resource.URN(md.URN)
		if !ok || !custom(md) || seen[urn] {
			continue
		}
		seen[urn] = true
		if op == Replace {
			md.Keys = slices.Compact(slices.Sorted(slices.Values(replaceKeys[urn])))
		}
		out = append(out, Change{Op: op, URN: urn, Type: md.Type, Protected: protected[urn], DeleteFirst: op == Replace && deleteFirst[urn],
			Props: propChanges(op, md, m)})
	}
	slices.SortStableFunc(out, func(a, b Change) int {
		if d := slices.Index(opOrder, a.Op) - slices.Index(opOrder, b.Op); d != 0 {
			return d
		}
		return strings.Compare(string(a.URN), string(b.URN))
	})
	return out
}

// custom reports whether a step is on a resource a provider manages.
func custom(md apitype.StepEventMetadata) bool {
	if strings.HasPrefix(md.Type, "pulumi:providers:") {
		return false
	}
	for _, s := range []*apitype.StepEventStateMetadata{md.New, md.Old} {
		if s != nil {
			return s.Custom
		}
	}
	return false
}

// propChanges lists what a step changes property by property: a create's
// every input, an update's or replacement's changed ones (from the
// provider's detailed diff, else the keys it names, else — a replacement
// the provider was not asked about — the inputs that differ), nothing for
// a delete.
func propChanges(op Op, md apitype.StepEventMetadata, m *masker) []PropChange {
	inputs := func(s *apitype.StepEventStateMetadata) map[string]any {
		if s == nil {
			return nil
		}
		return s.Inputs
	}
	oldIn, newIn := inputs(md.Old), inputs(md.New)
	switch op {
	case Delete:
		return nil
	case Create:
		var out []PropChange
		for _, l := range leaves("", newIn) {
			out = append(out, PropChange{Path: l.path, New: m.mask(l.value), Added: true})
		}
		return out
	}
	kinds := map[string]apitype.DiffKind{}
	for path, d := range md.DetailedDiff {
		kinds[path] = d.Kind
	}
	if md.DetailedDiff == nil {
		diffs := md.Diffs
		if len(diffs) == 0 {
			diffs = differingInputs(oldIn, newIn)
		}
		for _, k := range diffs {
			kinds[k] = apitype.DiffUpdate
			if slices.Contains(md.Keys, k) {
				kinds[k] = apitype.DiffUpdateReplace
			}
		}
	}
	var out []PropChange
	for _, path := range slices.Sorted(maps.Keys(kinds)) {
		old, ok := lookup(oldIn, path)
		if !ok && md.Old != nil {
			old, _ = lookup(md.Old.Outputs, path) // a property the provider defaulted
		}
		nu, _ := lookup(newIn, path)
		replaces := strings.HasSuffix(string(kinds[path]), "-replace")
		diffs := diffLeaves(path, old, nu)
		if len(diffs) == 0 {
			out = append(out, alike(path, old, replaces, m))
			continue
		}
		for _, d := range diffs {
			out = append(out, PropChange{Path: d.path, Old: m.mask(d.old), New: m.mask(d.new), Added: !d.hadOld, Removed: !d.hasNew, Replaces: replaces})
		}
	}
	return out
}

// differingInputs lists the top-level inputs whose values differ, or are
// not known yet on the new side.
func differingInputs(old, new map[string]any) []string {
	var out []string
	for _, k := range unionKeys(old, new) {
		if strings.HasPrefix(k, "__") {
			continue
		}
		if len(diffLeaves(k, old[k], new[k])) > 0 {
			out = append(out, k)
		}
	}
	return out
}

// alike is a property the provider reports changed whose two sides look
// the same: a secret, which the engine shows as "[secret]" on both, or a
// value the provider compares otherwise than as shown.
func alike(path string, v any, replaces bool, m *masker) PropChange {
	for _, l := range leaves(path, v) {
		if strings.Contains(l.value, secretShown) {
			return PropChange{Path: path, Old: secretShown, New: secretShown + " (another value)", Replaces: replaces}
		}
	}
	var parts []string
	for _, l := range leaves("", v) {
		parts = append(parts, m.mask(l.value))
	}
	shown := strings.Join(parts, ", ")
	return PropChange{Path: path, Old: shown, New: shown + " (the provider reports a change)", Replaces: replaces}
}

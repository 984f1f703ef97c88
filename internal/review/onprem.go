package review

import (
	"slices"

	"github.com/pmezard/go-difflib/difflib"
)

// Rendered is a stack's on-premises configuration as its program renders
// it: vendor → file name → content.
type Rendered map[string]map[string]string

// OnPrem is the change the network team must load on the on-premises
// gateway: the rendered configuration's diff between base and head, every
// vendor, secrets masked.
type OnPrem struct {
	// Files are the files that change; none when nothing does.
	Files []FileDiff
	// Note says why a side is missing ("" when both are there).
	Note string
}

// FileDiff is one vendor's file that changes.
type FileDiff struct {
	Vendor, File string
	// Diff is a unified diff, base to head.
	Diff string
}

// Vendors lists the vendors whose configuration changes.
func (o OnPrem) Vendors() []string {
	var out []string
	for _, f := range o.Files {
		if !slices.Contains(out, f.Vendor) {
			out = append(out, f.Vendor)
		}
	}
	return out
}

// diffOnPrem diffs every vendor's files; a missing side diffs against
// nothing.
func diffOnPrem(base, head Rendered, m *masker) []FileDiff {
	var out []FileDiff
	for _, v := range unionKeys(base, head) {
		for _, f := range unionKeys(base[v], head[v]) {
			old, nu := m.mask(base[v][f]), m.mask(head[v][f])
			if old == nu {
				continue
			}
			d, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
				A: difflib.SplitLines(old), B: difflib.SplitLines(nu),
				FromFile: "base/" + v + "/" + f, ToFile: "head/" + v + "/" + f, Context: 2,
			})
			if err != nil {
				d = err.Error()
			}
			out = append(out, FileDiff{Vendor: v, File: f, Diff: d})
		}
	}
	return out
}

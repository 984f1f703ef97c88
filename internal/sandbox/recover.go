package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/hybridlink/hybridlink/internal/statebackend"
)

// A run that was killed or interrupted leaves two things in the backend
// that stop the next one: the stack's lock, and pending operations
// — resources the engine had asked the cloud to create, update or delete
// when it stopped, whose outcome it never learnt. Pulumi's answer is an
// operator at a terminal (`pulumi cancel`, an interactive `pulumi refresh`);
// the sandbox knows the cloud, so it answers them itself, with the engine's
// own mechanisms, before every operation that changes the stack:
//
//   - a lock whose process is gone from this machine is lifted, and what
//     the dead run left half written in a file backend is removed
//     (leftovers.go); a lock of a live process, or of another machine (a
//     shared backend), refuses the run and says what to do;
//   - a pending create the local cloud carried out is imported: its
//     resource, as the engine recorded it when it asked, is added to the
//     state with the ID the cloud gave it (`pulumi stack export`, edit,
//     `pulumi stack import`, secrets kept encrypted). Pulumi's own
//     --import-pending-creates does not do it: v3.274.1 drops the
//     operations it imports instead of adding them to the state;
//   - a refresh then reads the imported resources, clears the pending
//     creates that never happened and settles the pending updates and
//     deletes (`pulumi refresh --clear-pending-creates`).
//
// Should an object still escape the state, the local cloud's creates are
// idempotent (see localcloud/known.go): the next create finds it.

// latestDeployment reads the stack's current state from the backend; nil
// when it has none.
func (s *Sandbox) latestDeployment(ctx context.Context) (*apitype.DeploymentV3, error) {
	b, key, found, err := s.store.Checkpoint(ctx, projectName, s.opts.Stack)
	if err != nil || !found {
		return nil, err
	}
	path := s.store.Describe(key)
	var v apitype.VersionedCheckpoint
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if v.Version != 3 {
		return nil, fmt.Errorf("%s: checkpoint version %d, want 3", path, v.Version)
	}
	var cp apitype.CheckpointV3
	if err := json.Unmarshal(v.Checkpoint, &cp); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cp.Latest, nil
}

// markKnown tells the local cloud which of its objects the stack's state
// holds, so that none of them is taken for a retried create.
func (s *Sandbox) markKnown(ctx context.Context) error {
	dep, err := s.latestDeployment(ctx)
	if err != nil || dep == nil {
		return nil // no state, or one the engine will report on
	}
	ids := map[tokens.Type][]resource.ID{}
	for _, r := range dep.Resources {
		if r.ID != "" {
			ids[r.Type] = append(ids[r.Type], r.ID)
		}
	}
	return s.Cloud.MarkKnown(ids)
}

// recoverRun clears what an interrupted run left, as described above.
func (s *Sandbox) recoverRun(ctx context.Context, op string) error {
	if err := s.cancelStaleLocks(ctx, true); err != nil {
		return err
	}
	dep, err := s.latestDeployment(ctx)
	if err != nil || dep == nil || len(dep.PendingOperations) == 0 {
		return nil // a corrupt state is the engine's to report, in its words
	}
	held := map[resource.URN][]resource.ID{}
	for _, r := range dep.Resources {
		held[r.URN] = append(held[r.URN], r.ID)
	}
	var lines []string
	found := map[resource.URN]resource.ID{}
	for _, op := range dep.PendingOperations {
		r := op.Resource
		if op.Type != apitype.OperationTypeCreating {
			lines = append(lines, fmt.Sprintf("%s %s: interrupted while %s; the refresh reads it back", r.Type, r.URN.Name(), op.Type))
			continue
		}
		id, ok, err := s.Cloud.CreatedAs(r.URN, r.Type, held[r.URN])
		if err != nil {
			return err
		}
		if ok {
			found[r.URN] = id
			lines = append(lines, fmt.Sprintf("%s %s: created as %s before the interruption; imported", r.Type, r.URN.Name(), id))
		} else {
			lines = append(lines, fmt.Sprintf("%s %s: never created; cleared", r.Type, r.URN.Name()))
		}
	}
	fmt.Fprintf(s.opts.Out, "sandbox: an earlier run of %s was interrupted with %d operation(s) in flight; settling them from the local cloud first:\n  %s\n",
		s.opts.Stack, len(dep.PendingOperations), strings.Join(lines, "\n  "))
	if len(found) > 0 {
		if err := s.importCreated(ctx, found); err != nil {
			return s.explain(ctx, "importing what the interrupted run created, before "+op, err)
		}
	}
	_, err = s.Stack.Refresh(ctx, optrefresh.ProgressStreams(s.opts.Out), optrefresh.ClearPendingCreates())
	return s.explain(ctx, "settling the interrupted run's operations before "+op, err)
}

// importCreated turns the pending creates in found into resources of the
// state with the IDs found. The state goes through pulumi's export and
// import as it is stored — secrets encrypted — over pipes, never a file.
func (s *Sandbox) importCreated(ctx context.Context, found map[resource.URN]resource.ID) error {
	out, stderr, code, err := s.Pulumi(ctx, "stack", "export")
	if err != nil {
		return fmt.Errorf("pulumi stack export (exit %d): %w\n%s", code, err, stderr)
	}
	var ud apitype.UntypedDeployment
	if err := json.Unmarshal([]byte(out), &ud); err != nil {
		return fmt.Errorf("pulumi stack export: %w", err)
	}
	var dep apitype.DeploymentV3
	if err := json.Unmarshal(ud.Deployment, &dep); err != nil {
		return fmt.Errorf("pulumi stack export: %w", err)
	}
	var pending []apitype.OperationV2
	for _, op := range dep.PendingOperations {
		id, ok := found[op.Resource.URN]
		if op.Type != apitype.OperationTypeCreating || !ok {
			pending = append(pending, op)
			continue
		}
		// Its parent, provider and dependencies were in the state before
		// the engine asked for it, so it can go last; the refresh fills in
		// its outputs.
		r := op.Resource
		r.ID = id
		dep.Resources = append(dep.Resources, r)
	}
	dep.PendingOperations = pending
	if ud.Deployment, err = json.Marshal(dep); err != nil {
		return err
	}
	b, err := json.Marshal(ud)
	if err != nil {
		return err
	}
	if _, stderr, code, err := s.pulumiWithInput(ctx, bytes.NewReader(b), "stack", "import"); err != nil {
		return fmt.Errorf("pulumi stack import (exit %d): %w\n%s", code, err, stderr)
	}
	return nil
}

// projectName is the Pulumi project's name (Pulumi.yaml), under which the
// backend keeps the stacks.
const projectName = "hybridlink"

// lockHolder is what hybridlink can tell of the run that took a lock.
type lockHolder int

const (
	// gone: a run of this machine whose process has ended.
	gone lockHolder = iota
	// running: a run of this machine whose process still runs, or a lock
	// that cannot be read (never cancelled blindly).
	running
	// elsewhere: a run of another machine, whose process hybridlink
	// cannot see; it counts as running.
	elsewhere
)

// holderOf tells whose a lock is.
func holderOf(l statebackend.Lock) lockHolder {
	host, _ := os.Hostname()
	switch {
	case l.Unreadable != "":
		return running
	case l.Hostname != host:
		return elsewhere
	case processAlive(l.Pid, l.Timestamp):
		return running
	}
	return gone
}

// RunsHere reports whether the run that took a lock is a process of this
// machine that still runs.
func RunsHere(l statebackend.Lock) bool {
	host, _ := os.Hostname()
	return l.Unreadable == "" && l.Hostname == host && processAlive(l.Pid, l.Timestamp)
}

// inUse is the refusal of a run on a stack that another run holds; nothing
// was changed.
func inUse(backend, stack string, l statebackend.Lock) error {
	if holderOf(l) == elsewhere {
		return fmt.Errorf("%w: stack %s is locked by a Pulumi run on another machine (%s); hybridlink cannot see from here whether it still runs, so nothing was changed. %s",
			ErrStackInUse, stack, l, statebackend.StaleLockAdvice(backend, l, "run this command again: it settles what the dead run left"))
	}
	return fmt.Errorf("%w: stack %s is locked by a Pulumi run that is still alive (%s); nothing was changed: wait for it to end, or stop it, then run this command again",
		ErrStackInUse, stack, l)
}

// cancelStaleLocks lifts the stack's locks when every run that holds them
// is gone from this machine, and refuses the run when one of this machine
// is alive. A lock of another machine refuses an operation that takes the
// stack's lock (update); a preview takes none and goes on, saying whose run
// is under way. Once no live run holds the stack, it also removes what a
// killed run left half written among the stack's objects in a file backend
// (leftovers.go), which would otherwise fail every later run.
//
// The dead runs' locks are removed one by one, not with `pulumi cancel`:
// that deletes every lock of the stack, a lock another machine took since
// they were listed included, and refuses a stack whose first checkpoint its
// killed creator never wrote.
func (s *Sandbox) cancelStaleLocks(ctx context.Context, update bool) error {
	locks, err := s.store.StackLocks(ctx, projectName, s.opts.Stack)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	var stale []statebackend.Lock
	for _, l := range locks {
		switch holderOf(l) {
		case gone:
			stale = append(stale, l)
			continue
		case running:
			return inUse(s.backend, s.opts.Stack, l)
		}
		if update {
			return inUse(s.backend, s.opts.Stack, l)
		}
		fmt.Fprintf(s.opts.Out, "sandbox: stack %s is locked by a run under way (%s); this preview shows the changes against the state that run started from\n", s.opts.Stack, l)
		return nil
	}
	if dir, ok := statebackend.FileDir(s.backend); ok {
		files, err := findLeftovers(dir, s.opts.Stack)
		if err != nil {
			return err
		}
		if s.opts.Backend != "" && len(files) > 0 {
			var names []string
			for _, f := range files {
				names = append(names, f.String())
			}
			return fmt.Errorf("sandbox: the backend %s holds what a killed run left: %s; a Pulumi run that does not hold this sandbox's run lock may share that directory, so hybridlink does not remove them: "+
				"once no run uses stack %s, from any working copy or machine that shares it, remove those files and run this command again; nothing was changed",
				s.backend, strings.Join(names, "; "), s.opts.Stack)
		}
		if err := removeLeftovers(files, s.opts.Out); err != nil {
			return err
		}
	}
	if len(stale) == 0 {
		return nil
	}
	var names []string
	for _, l := range stale {
		names = append(names, l.String())
	}
	fmt.Fprintf(s.opts.Out, "sandbox: stack %s was still locked by a run that ended without releasing it (%s); lifting that run's lock\n",
		s.opts.Stack, strings.Join(names, "; "))
	for _, l := range stale {
		if err := s.store.RemoveLock(ctx, l); err != nil {
			return fmt.Errorf("sandbox: removing the dead run's lock: %w", err)
		}
	}
	return nil
}

// checkpoint reports where the stack's checkpoint is and whether it
// exists.
func (s *Sandbox) checkpoint(ctx context.Context) (key string, found bool, err error) {
	_, key, found, err = s.store.Checkpoint(ctx, projectName, s.opts.Stack)
	return key, found, err
}

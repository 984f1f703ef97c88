package sandbox

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// A run that was killed or interrupted leaves two things in the file
// backend that stop the next one: the stack's lock, and pending operations
// — resources the engine had asked the cloud to create, update or delete
// when it stopped, whose outcome it never learnt. Pulumi's answer is an
// operator at a terminal (`pulumi cancel`, an interactive `pulumi refresh`);
// the sandbox knows the cloud, so it answers them itself, with the engine's
// own mechanisms, before every operation that changes the stack:
//
//   - a lock whose process is gone is cancelled (`pulumi cancel`); a lock of
//     a live process refuses the run;
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

// checkpointFile is the stack's state in the file backend, or "" if the
// stack has none yet.
func (s *Sandbox) checkpointFile() string {
	for _, ext := range []string{".json", ".json.gz"} {
		p := filepath.Join(s.backendDir(), ".pulumi", "stacks", "hybridlink", s.opts.Stack+ext)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

func (s *Sandbox) backendDir() string { return backendDir(s.stateDir) }

// latestDeployment reads the stack's current state; nil when it has none.
func (s *Sandbox) latestDeployment() (*apitype.DeploymentV3, error) {
	path := s.checkpointFile()
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
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
func (s *Sandbox) markKnown() error {
	dep, err := s.latestDeployment()
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
	if err := s.cancelStaleLocks(ctx); err != nil {
		return err
	}
	dep, err := s.latestDeployment()
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

// lockInfo is the content of a file backend lock.
type lockInfo struct {
	Pid       int       `json:"pid"`
	Username  string    `json:"username"`
	Hostname  string    `json:"hostname"`
	Timestamp time.Time `json:"timestamp"`
}

func (l lockInfo) String() string {
	if l.Pid == -1 {
		return l.Username
	}
	return fmt.Sprintf("pid %d, %s@%s, since %s", l.Pid, l.Username, l.Hostname, l.Timestamp.Format(time.RFC3339))
}

// stackLocks reads the file backend's locks of a stack. A lock that cannot
// be read counts as live: it is never cancelled blindly.
func stackLocks(backend, stack string) []lockInfo {
	var out []lockInfo
	for _, f := range lockFiles(backend, stack) {
		if strings.HasSuffix(f, ".attrs") {
			continue
		}
		b, err := os.ReadFile(f)
		if errors.Is(err, os.ErrNotExist) {
			continue // released meanwhile
		}
		l := lockInfo{Pid: -1, Username: "unreadable lock " + f}
		if err == nil && json.Unmarshal(b, &l) != nil {
			l = lockInfo{Pid: -1, Username: "unreadable lock " + f}
		}
		out = append(out, l)
	}
	return out
}

// lockFiles are the file backend's lock files of stack, with their
// metadata sidecars.
func lockFiles(backend, stack string) []string {
	files, _ := filepath.Glob(filepath.Join(backend, ".pulumi", "locks", "*", "hybridlink", stack, "*.json*"))
	return files
}

// removeLockFiles removes the stack's lock files; only for locks whose
// holders are all gone.
func removeLockFiles(backend, stack string) error {
	for _, f := range lockFiles(backend, stack) {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("sandbox: removing the dead run's lock: %w", err)
		}
	}
	return nil
}

// stackExists reports whether the backend holds a checkpoint of the stack
// (in any of the file backend's encodings).
func (s *Sandbox) stackExists() bool {
	m, _ := filepath.Glob(filepath.Join(s.backendDir(), ".pulumi", "stacks", "hybridlink", s.opts.Stack+".json*"))
	for _, f := range m {
		if !strings.HasSuffix(f, ".attrs") && !strings.HasSuffix(f, ".bak") {
			return true
		}
	}
	return false
}

// live reports whether the process that took the lock still runs.
func (l lockInfo) live() bool {
	host, _ := os.Hostname()
	return l.Pid == -1 || l.Hostname != host || processAlive(l.Pid, l.Timestamp)
}

// liveLock returns a lock of the stack whose process still runs.
func liveLock(backend, stack string) (lockInfo, bool) {
	for _, l := range stackLocks(backend, stack) {
		if l.live() {
			return l, true
		}
	}
	return lockInfo{}, false
}

// cancelStaleLocks cancels the stack's lock when every process that holds
// it is gone, and refuses the run when one is alive. It first removes what
// a killed run left half written in the backend (removeTornAttrs).
func (s *Sandbox) cancelStaleLocks(ctx context.Context) error {
	if err := removeTornAttrs(s.backendDir(), s.opts.Out); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	var stale []string
	for _, l := range stackLocks(s.backendDir(), s.opts.Stack) {
		if l.live() {
			return fmt.Errorf("%w: stack %s is locked by a Pulumi run that is still alive (%s); nothing was changed: wait for it to end, or stop it, then run this command again",
				ErrStackInUse, s.opts.Stack, l)
		}
		stale = append(stale, l.String())
	}
	if len(stale) == 0 {
		return nil
	}
	if !s.stackExists() {
		// Killed before the stack's first checkpoint: the engine has no
		// stack to cancel, and every holder of the lock is gone.
		fmt.Fprintf(s.opts.Out, "sandbox: stack %s was locked by a run that ended before the stack existed (%s); removing that lock\n",
			s.opts.Stack, strings.Join(stale, "; "))
		return removeLockFiles(s.backendDir(), s.opts.Stack)
	}
	fmt.Fprintf(s.opts.Out, "sandbox: stack %s was still locked by a run that ended without releasing it (%s); cancelling that lock (pulumi cancel)\n",
		s.opts.Stack, strings.Join(stale, "; "))
	if _, stderr, code, err := s.Pulumi(ctx, "cancel", "--yes"); err != nil {
		return fmt.Errorf("sandbox: pulumi cancel (exit %d): %w\n%s", code, err, stderr)
	}
	return nil
}

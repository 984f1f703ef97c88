package statebackend

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// Lock is a stack's lock in a self-managed backend. The Pulumi CLI writes
// one (.pulumi/locks/<organization>/<project>/<stack>/<uuid>.json) for an
// update, refresh, destroy, import or rename, and deletes it when the
// operation ends; a run that is killed leaves it. Locks have no expiry and
// are written without a condition: Lock lists, writes its own and lists
// again (pkg/backend/diy/lock.go).
type Lock struct {
	// Key is the lock's key in the backend.
	Key string `json:"-"`
	// Stack is the stack's name as the lock's path has it:
	// <organization>/<project>/<stack>, or <stack> in the legacy layout.
	Stack string `json:"-"`
	// Pid, Username, Hostname and Timestamp are what the CLI that took
	// the lock wrote about itself.
	Pid       int       `json:"pid"`
	Username  string    `json:"username"`
	Hostname  string    `json:"hostname"`
	Timestamp time.Time `json:"timestamp"`
	// Unreadable says why the lock's content could not be read; such a
	// lock is someone's all the same.
	Unreadable string `json:"-"`
}

// ID is the lock's file name without ".json": the UUID of the backend
// instance of the CLI run that took it.
func (l Lock) ID() string { return strings.TrimSuffix(path.Base(l.Key), ".json") }

// Owner names the run that took the lock.
func (l Lock) Owner() string {
	if l.Unreadable != "" {
		return "unknown (" + l.Unreadable + ")"
	}
	return fmt.Sprintf("pid %d, %s@%s", l.Pid, l.Username, l.Hostname)
}

// Age is how long the lock has been held, by the clock of the machine that
// took it; zero when unreadable.
func (l Lock) Age(now time.Time) time.Duration {
	if l.Timestamp.IsZero() {
		return 0
	}
	return now.Sub(l.Timestamp).Round(time.Second)
}

func (l Lock) String() string {
	if l.Timestamp.IsZero() {
		return l.Owner()
	}
	return fmt.Sprintf("%s, since %s", l.Owner(), l.Timestamp.Format(time.RFC3339))
}

// locksDir holds every lock.
const locksDir = bookkeeping + "/locks/"

// StackLocks are the locks of a stack of a project-layout backend.
func (s *Store) StackLocks(ctx context.Context, project, stack string) ([]Lock, error) {
	return s.locks(ctx, locksDir+"organization/"+project+"/"+stack+"/")
}

// Locks are all the backend's locks.
func (s *Store) Locks(ctx context.Context) ([]Lock, error) { return s.locks(ctx, locksDir) }

func (s *Store) locks(ctx context.Context, prefix string) ([]Lock, error) {
	var out []Lock
	it := s.bucket.List(&blob.ListOptions{Prefix: prefix})
	for {
		obj, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, s.wrap("listing the locks", err)
		}
		if obj.IsDir || !strings.HasSuffix(obj.Key, ".json") {
			continue
		}
		l := Lock{Key: obj.Key, Stack: strings.TrimPrefix(path.Dir(obj.Key), locksDir)}
		b, err := s.bucket.ReadAll(ctx, obj.Key)
		switch {
		case gcerrors.Code(err) == gcerrors.NotFound:
			continue // released meanwhile
		case err != nil:
			l.Unreadable = err.Error()
		default:
			if err := json.Unmarshal(b, &l); err != nil {
				l.Unreadable = fmt.Sprintf("%s is not a Pulumi lock: %v", obj.Key, err)
			}
		}
		out = append(out, l)
	}
}

// RemoveLock deletes one lock — for a run that an operator has found to be
// gone. Unlike `pulumi cancel`, which deletes every lock of the stack, a
// live run's included, it leaves any other lock alone.
func (s *Store) RemoveLock(ctx context.Context, l Lock) error {
	if err := s.bucket.Delete(ctx, l.Key); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return s.wrap("removing the lock "+l.Key, err)
	}
	return nil
}

// StaleLockAdvice tells an operator what to do about a lock of a run on
// another machine: ask, and remove that one lock only once its run is
// gone; then is what to do next.
func StaleLockAdvice(backend string, l Lock, then string) string {
	look := "ask its owner whether that run still goes on"
	if l.Unreadable == "" {
		look = fmt.Sprintf("ask %s, or look on %s (ps -p %d), whether that run still goes on", l.Username, l.Hostname, l.Pid)
	}
	return fmt.Sprintf("First %s. If it does, wait for it to end. If it is gone (killed, or its machine lost), remove that one lock — "+
		"hybridlink backend unlock '%s' --lock %s — and %s. Not `pulumi cancel`: it deletes every lock of the stack, a live run's included.",
		look, backend, l.ID(), then)
}

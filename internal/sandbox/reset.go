package sandbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hybridlink/hybridlink/internal/stackfile"
	"github.com/hybridlink/hybridlink/internal/statebackend"
)

// Reset starts a stack of the sandbox in stateDir over: it deletes the
// stack's objects from the local cloud and its state from the file backend
// (checkpoint, history, backups, locks), so that the next `up` deploys it
// afresh. It is the way out when the state is beyond repair (a corrupt
// checkpoint, secrets written with a lost passphrase). It refuses while
// another run uses the stack, and reads neither the checkpoint nor the
// stack file, so it works on a broken one. It returns how many cloud
// objects it deleted.
func Reset(stateDir, stack string) (int, error) {
	if err := stackfile.CheckName(stack); err != nil {
		return 0, err
	}
	state, err := filepath.Abs(stateDir)
	if err != nil {
		return 0, err
	}
	run, err := lockRun(state, stack)
	if err != nil {
		return 0, err
	}
	defer run.release()
	backend := backendDir(state)
	if err := refuseHeld(BackendURL(state, ""), stack); err != nil {
		return 0, err
	}
	cloud, err := OpenCloud(state)
	if err != nil {
		return 0, err
	}
	n, err := cloud.Forget(stack)
	if err != nil {
		return 0, err
	}
	meta := filepath.Join(backend, ".pulumi")
	paths, _ := filepath.Glob(filepath.Join(meta, "stacks", "hybridlink", stack+".json*"))
	locks, _ := filepath.Glob(filepath.Join(meta, "locks", "*", "hybridlink", stack))
	paths = append(paths, locks...)
	paths = append(paths, filepath.Join(meta, "history", "hybridlink", stack), filepath.Join(meta, "backups", "hybridlink", stack),
		filepath.Join(state, "work", stack))
	for _, p := range paths {
		if err := os.RemoveAll(p); err != nil {
			return n, fmt.Errorf("sandbox: reset: %w", err)
		}
	}
	return n, nil
}

// refuseHeld refuses when a run that is not gone holds the stack's lock in
// the backend.
func refuseHeld(backend, stack string) error {
	ctx := context.Background()
	store, err := statebackend.Open(ctx, backend)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	defer store.Close()
	locks, err := store.StackLocks(ctx, projectName, stack)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	for _, l := range locks {
		if holderOf(l) != gone {
			return inUse(backend, stack, l)
		}
	}
	return nil
}

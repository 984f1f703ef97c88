package main

import (
	"fmt"
	"os"

	"github.com/hybridlink/hybridlink/internal/sandbox"
)

// sandboxReset starts a stack's sandbox over: its objects leave the local
// cloud and its state the file backend, whatever state they are in.
func sandboxReset(f sandboxFlags) error {
	if f.stack == "" {
		return fmt.Errorf("--stack is required (dev or prod)")
	}
	state := sandbox.StateDir(f.dir, f.state)
	if f.backend != "" && f.backend != sandbox.BackendURL(state, "") {
		return fmt.Errorf("sandbox reset starts a stack over in the sandbox's own file backend and local cloud; the stack's state is in %s (--backend or %s), which reset leaves alone: "+
			"a stack of a shared backend is removed with `pulumi stack rm`, once `hybridlink backend check` shows no run holding it", f.backend, backendEnv)
	}
	n, err := sandbox.Reset(state, f.stack)
	if err != nil {
		return fmt.Errorf("sandbox reset: %w", err)
	}
	fmt.Fprintf(os.Stderr, "hybridlink: reset stack %s of the sandbox in %s: deleted its %d object(s) from the local cloud and its state; `hybridlink sandbox up --stack %s` deploys it afresh\n",
		f.stack, state, n, f.stack)
	return nil
}

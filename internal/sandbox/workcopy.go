package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
)

// copyProject copies Pulumi.yaml and the stack's file into a working
// directory of the state directory for the engine to run in (see
// Options.KeepStackFile), and returns it. The run lock makes it the
// stack's own while the sandbox is open.
func copyProject(project, state, stack string) (string, error) {
	work := filepath.Join(state, "work", stack)
	if err := os.RemoveAll(work); err != nil {
		return "", fmt.Errorf("sandbox: %w", err)
	}
	for _, rel := range []string{"Pulumi.yaml", filepath.Join("stacks", "Pulumi."+stack+".yaml")} {
		b, err := os.ReadFile(filepath.Join(project, rel))
		if err != nil {
			return "", fmt.Errorf("sandbox: %w", err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(work, rel)), 0o700); err != nil {
			return "", fmt.Errorf("sandbox: %w", err)
		}
		if err := os.WriteFile(filepath.Join(work, rel), b, 0o600); err != nil {
			return "", fmt.Errorf("sandbox: %w", err)
		}
	}
	return work, nil
}

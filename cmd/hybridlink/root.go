package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// projectFile marks the project's root directory.
const projectFile = "Pulumi.yaml"

// projectRoot returns the absolute path of the project: dir when given,
// which must hold Pulumi.yaml, else the nearest directory at or above the
// working directory that does, as pulumi finds its project. Every state
// hybridlink writes lives under it, so a command run from a subdirectory
// works on the same sandbox.
func projectRoot(dir string) (string, error) {
	if dir != "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return "", err
		}
		if err := hasProjectFile(abs); err != nil {
			return "", fmt.Errorf("--dir %s: %w; fix: pass the directory that holds the hybridlink project's %s", dir, err, projectFile)
		}
		return abs, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		err := hasProjectFile(d)
		if err == nil {
			return d, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no %s in %s or any directory above it: run hybridlink inside the hybridlink project (the directory with %s, or below it), or pass --dir <project>", projectFile, wd, projectFile)
		}
	}
}

func hasProjectFile(dir string) error {
	_, err := os.Stat(filepath.Join(dir, projectFile))
	return err
}

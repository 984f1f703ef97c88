package main

import (
	"fmt"
	"path/filepath"

	"github.com/hybridlink/hybridlink/internal/stackfile"
	"github.com/hybridlink/hybridlink/stacks"
)

// loadStack loads and validates a stack file, decrypting its secrets only
// when they are needed.
func loadStack(f sandboxFlags, decrypt bool) (*stacks.Environment, error) {
	if f.stack == "" {
		return nil, fmt.Errorf("--stack is required (dev or prod)")
	}
	file, err := stackfile.Read(filepath.Join(f.dir, "stacks"), f.stack)
	if err != nil {
		return nil, err
	}
	phrase := ""
	if decrypt {
		phrase = passphrase()
	}
	cfg, err := file.Config(phrase)
	if err != nil {
		return nil, err
	}
	return stacks.Load(f.stack, cfg)
}

// passphrase decrypts the stack files.
func passphrase() string { return stackfile.Passphrase() }

// stackSources reads every stack file in dir, secrets left opaque.
func stackSources(dir string) (map[string]stacks.Source, error) {
	names, err := stackfile.List(dir)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no stack files (Pulumi.<stack>.yaml) in %s", dir)
	}
	sources := map[string]stacks.Source{}
	for _, name := range names {
		f, err := stackfile.Read(dir, name)
		if err != nil {
			return nil, err
		}
		cfg, err := f.Config("")
		if err != nil {
			return nil, err
		}
		sources[name] = cfg
	}
	return sources, nil
}

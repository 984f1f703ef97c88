package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/hybridlink/hybridlink/internal/sandbox"
	"github.com/hybridlink/hybridlink/internal/statebackend"
)

// backendCmd checks a team's backend, or removes one lock from it.
func backendCmd(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("backend needs an operation: check or unlock")
	}
	switch args[0] {
	case "check":
		return backendCheck(ctx, args[1:])
	case "unlock":
		return backendUnlock(ctx, args[1:])
	}
	return fmt.Errorf("unknown backend operation %q: use check or unlock", args[0])
}

// backendURLArg is the one URL argument of a backend command, or
// PULUMI_BACKEND_URL; flags may come before or after it.
func backendURLArg(fs *flag.FlagSet, args []string) (string, error) {
	if err := fs.Parse(args); err != nil {
		return "", exitError{2}
	}
	url := fs.Arg(0)
	if fs.NArg() > 1 {
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return "", exitError{2}
		}
	} else if err := fs.Parse(nil); err != nil {
		return "", exitError{2}
	}
	switch {
	case url != "" && fs.NArg() == 0:
		return url, nil
	case url == "" && os.Getenv(backendEnv) != "":
		return os.Getenv(backendEnv), nil
	}
	return "", fmt.Errorf("usage: hybridlink %s <backend URL> (or set %s), e.g. 's3://<bucket>?endpoint=https://s3.oss-<region>.aliyuncs.com&region=<region>'", fs.Name(), backendEnv)
}

// backendCheck is the read-only preflight of a team's backend.
func backendCheck(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("backend check", flag.ContinueOnError)
	url, err := backendURLArg(fs, args)
	if err != nil {
		return err
	}
	r := statebackend.Check(ctx, url, time.Now())
	r.Write(os.Stdout)
	if r.Problems() {
		return exitError{1}
	}
	return nil
}

// backendUnlock removes one lock, of a run that the operator has found to
// be gone: never a lock of a run of this machine that still runs.
func backendUnlock(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("backend unlock", flag.ContinueOnError)
	id := fs.String("lock", "", "the lock to remove, as `hybridlink backend check` or the refused run names it (required)")
	url, err := backendURLArg(fs, args)
	if err != nil {
		return err
	}
	if *id == "" {
		return fmt.Errorf("backend unlock: --lock is required: the lock's ID, as `hybridlink backend check %s` lists it", shellQuote(url))
	}
	s, err := statebackend.Open(ctx, url)
	if err != nil {
		return err
	}
	defer s.Close()
	locks, err := s.Locks(ctx)
	if err != nil {
		return err
	}
	for _, l := range locks {
		if l.ID() != *id {
			continue
		}
		if sandbox.RunsHere(l) {
			return fmt.Errorf("backend unlock: lock %s belongs to pid %d of this machine, which still runs: wait for it to end, or stop it (Ctrl-C); nothing was removed", *id, l.Pid)
		}
		if err := s.RemoveLock(ctx, l); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "hybridlink: removed lock %s of stack %s (%s, %s old); the stack's next update, refresh or destroy settles what that run left\n",
			l.ID(), l.Stack, l, l.Age(time.Now()))
		return nil
	}
	return fmt.Errorf("backend unlock: %s holds no lock %s (released meanwhile?); `hybridlink backend check %s` lists the locks", url, *id, shellQuote(url))
}

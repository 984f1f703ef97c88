package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// runLock is held by the one hybridlink run that uses a stack of a sandbox
// state directory. It is an flock, which the kernel releases when its holder
// ends however it ends, so a killed run never leaves it behind; the file
// names the holder for the message a second run prints.
type runLock struct{ f *os.File }

// ErrStackInUse is the error of a run refused because another run uses the
// same stack (errors.Is).
var ErrStackInUse = errors.New("stack in use")

// lockRun takes the run lock of stack in stateDir, or fails at once with
// ErrStackInUse naming the run that holds it.
func lockRun(stateDir, stack string) (*runLock, error) {
	dir := filepath.Join(stateDir, "runs")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	path := filepath.Join(dir, stack+".lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: stack %s of the sandbox in %s is in use by another run (%s); nothing was changed: "+
				"wait for that run to end, or stop it (Ctrl-C), then run this command again",
				ErrStackInUse, stack, stateDir, strings.TrimSpace(string(holder)))
		}
		return nil, fmt.Errorf("sandbox: lock %s: %w", path, err)
	}
	// Name the holder; a reader may see it half written, which only makes
	// the message shorter.
	holder := fmt.Sprintf("pid %d: %s", os.Getpid(), strings.Join(os.Args, " "))
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(holder+"\n"), 0)
	}
	return &runLock{f: f}, nil
}

// release ends the run's hold on the stack.
func (l *runLock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = l.f.Truncate(0)
	err := l.f.Close() // closing releases the flock
	l.f = nil
	return err
}

// LockStack takes the run lock of stack in stateDir for a command that runs
// a Pulumi CLI on the stack outside Open (`hybridlink pulumi`), so that it
// and a sandbox run never work on one stack at once; release ends the hold.
func LockStack(stateDir, stack string) (release func() error, err error) {
	l, err := lockRun(stateDir, stack)
	if err != nil {
		return nil, err
	}
	return l.release, nil
}

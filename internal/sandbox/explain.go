package sandbox

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/hybridlink/hybridlink/internal/statebackend"
)

// Failure is a failed sandbox operation in the operator's terms: what went
// wrong and what to do next. Err is the error underneath (an
// Automation API error, whose text holds the engine's whole output).
type Failure struct {
	Op, Stack   string
	Cause, Next string
	Err         error
}

func (f *Failure) Error() string {
	return fmt.Sprintf("%s of stack %s failed: %s\n  next: %s", f.Op, f.Stack, f.Cause, f.Next)
}

func (f *Failure) Unwrap() error { return f.Err }

// explain turns an operation's error into a Failure; ctx is the
// operation's, whose end is an interruption. The engine writes its
// reasons to stderr, which the Automation API keeps inside its error and
// the cli keeps as the last run's; the patterns below are the CLI's
// wording (v3.274.1) for the failures an operator can act on.
func (s *Sandbox) explain(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	var f *Failure
	if errors.As(err, &f) || errors.Is(err, ErrStackInUse) {
		return err
	}
	stderr := s.cli.lastStderr()
	f = &Failure{Op: op, Stack: s.opts.Stack, Err: err}
	up := "hybridlink sandbox up --stack " + s.opts.Stack
	reset := "hybridlink sandbox reset --stack " + s.opts.Stack
	switch {
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		f.Cause = "interrupted"
		f.Next = fmt.Sprintf("run `%s` (or the same command again): it settles what was in flight and carries on", up)
	case strings.Contains(stderr, "the stack is currently locked by"):
		f.Cause = "the stack is locked by another Pulumi run: " + firstLine(after(stderr, "the stack is currently locked by"))
		f.Next = "wait for that run to end and run this command again; a lock whose process is gone is lifted by the next run by itself"
		// A run of another machine took the lock between this run's check
		// and its update: no run here can tell whether it is gone.
		if locks, err := s.store.StackLocks(context.WithoutCancel(ctx), projectName, s.opts.Stack); err == nil {
			for _, l := range locks {
				if holderOf(l) == elsewhere {
					f.Cause = fmt.Sprintf("the stack is locked by a Pulumi run on another machine (%s)", l)
					f.Next = statebackend.StaleLockAdvice(s.backend, l, "run this command again")
					break
				}
			}
		}
	case containsAny(stderr, "incorrect passphrase", "failed to decrypt", "passphrase must be set", "unable to decrypt", "could not decrypt", "message authentication failed"):
		f.Cause = "the passphrase does not decrypt the stack's secrets: " + errorLines(stderr)
		f.Next = "unset PULUMI_CONFIG_PASSPHRASE to use the sandbox passphrase of the committed stack files, or set it to the passphrase the stack file was encrypted with; " +
			"if the sandbox's state was written with another one, `" + reset + "` starts the stack over"
	case containsAny(stderr, "failed to load checkpoint", "could not deserialize deployment", "could not read deployment", "snapshot integrity error"):
		key, _, _ := s.checkpoint(context.WithoutCancel(ctx))
		backups := s.store.Describe(path.Join(".pulumi", "backups", projectName, s.opts.Stack))
		if s.opts.Backend == "" {
			f.Cause = fmt.Sprintf("the sandbox's state of the stack (%s) is unreadable: %s", s.store.Describe(key), errorLines(stderr))
			f.Next = fmt.Sprintf("restore it from a backup in %s, or `%s` to start the stack over (its objects in the local cloud are deleted)", backups, reset)
		} else {
			f.Cause = fmt.Sprintf("the stack's state (%s) is unreadable: %s", s.store.Describe(key), errorLines(stderr))
			f.Next = fmt.Sprintf("restore it from a backup in %s, or from the bucket's earlier versions of %s", backups, key)
		}
	case containsAny(stderr, "mandatory policy violation", "[mandatory]") || strings.Contains(err.Error(), "[mandatory]"):
		f.Cause = "the policy pack found a mandatory violation (listed above)"
		f.Next = "change the stack file so that the rule holds; policy/README.md explains each rule and its fix"
	case strings.Contains(err.Error(), "configuration problem(s)"):
		f.Cause = "the stack's configuration is invalid (the problems are listed above)"
		f.Next = "fix the keys named above in the stack file"
	default:
		f.Cause = errorLines(stderr)
		if f.Cause == "" {
			f.Cause = firstLine(err.Error())
		}
		f.Next = "the engine's output above has the details"
	}
	return f
}

// errorLines returns the engine's error lines, joined.
func errorLines(stderr string) string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "error:") {
			out = append(out, strings.TrimSpace(strings.TrimPrefix(t, "error:")))
		}
	}
	return strings.Join(out, "; ")
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func after(s, sep string) string {
	_, a, _ := strings.Cut(s, sep)
	return a
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}

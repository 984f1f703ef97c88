package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/hybridlink/hybridlink/internal/sandbox"
)

// localcloudCmd serves the sandbox's local cloud until Ctrl-C and prints
// the environment under which the plain pulumi CLI works on the sandbox:
// `pulumi up`, `pulumi preview --policy-pack policy`, as against the real
// cloud.
func localcloudCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "serve" {
		return fmt.Errorf("localcloud needs an operation: serve")
	}
	fs := flag.NewFlagSet("localcloud serve", flag.ContinueOnError)
	var f sandboxFlags
	f.registerState(fs)
	f.registerBackend(fs)
	if err := f.parse(fs, args[1:]); err != nil {
		return err
	}
	state := sandbox.StateDir(f.dir, f.state)
	_, env, stop, err := sandbox.ServeCloud(ctx, state, f.backend, passphrase())
	if err != nil {
		return err
	}
	defer stop()
	fmt.Fprintf(os.Stderr, "localcloud: the local Alibaba Cloud of %s is serving until Ctrl-C. In another shell, export this and run pulumi in %s:\n", displayPath(state), f.dir)
	names := make([]string, 0, len(env))
	for k := range env {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Printf("export %s=%s\n", k, shellQuote(env[k]))
	}
	fmt.Fprintf(os.Stderr, "localcloud: e.g. pulumi stack select dev && pulumi preview --policy-pack policy (pulumi up and preview run the Go program, which needs a standard Pulumi install's pulumi-language-go)\n")
	<-ctx.Done()
	fmt.Fprintln(os.Stderr, "localcloud: stopped")
	return nil
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

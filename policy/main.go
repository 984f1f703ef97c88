// Command policy is hybridlink's Pulumi policy pack: it serves the engine's
// Analyzer protocol for the rules in ./rules. Run it with
// `pulumi preview --policy-pack policy` (PulumiPolicy.yaml, runtime: go) or
// build it and pass the binary to --policy-pack; README.md has the details.
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

func main() {
	dieWithParent()
	// The engine passes its address and, when it logs or traces, a few
	// flags; the pack needs neither, so the arguments are not parsed.
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterAnalyzerServer(s, newAnalyzer())
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "fatal: %v\n", err)
		os.Exit(1)
	}
	// The plugin protocol: the first line on stdout is the port to dial.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "fatal: %v\n", err)
		os.Exit(1)
	}
}

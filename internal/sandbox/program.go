package sandbox

import (
	"context"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// programHost serves the inline program to a Pulumi CLI as its language
// host (`--client=<address> --exec-kind=auto.inline`), as the Automation
// API's Stack operations do for theirs: the sandbox's up runs the CLI
// itself (Up), so that one CLI run previews and updates. Every Run (the
// preview's, then the update's) runs the program once more.
type programHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	program pulumi.RunFunc
	addr    string
	stop    chan bool
	done    <-chan error
}

// serveProgram starts a host for program on a local port.
func serveProgram(program pulumi.RunFunc) (*programHost, error) {
	h := &programHost{program: program, stop: make(chan bool)}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: h.stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		return nil, fmt.Errorf("sandbox: serving the program: %w", err)
	}
	h.addr, h.done = fmt.Sprintf("127.0.0.1:%d", handle.Port), handle.Done
	return h, nil
}

// Close stops serving; the CLI that used the host has ended.
func (h *programHost) Close() error {
	close(h.stop)
	return <-h.done
}

// Run runs the program against the engine that asks: its monitor and
// engine addresses, the stack's configuration, preview or update.
func (h *programHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := pulumi.RunInfo{
		MonitorAddr:      req.GetMonitorAddress(),
		Config:           req.GetConfig(),
		ConfigSecretKeys: req.GetConfigSecretKeys(),
		Project:          req.GetProject(),
		Stack:            req.GetStack(),
		Parallel:         req.GetParallel(),
		DryRun:           req.GetDryRun(),
		Organization:     req.GetOrganization(),
	}
	if args := req.GetArgs(); len(args) > 0 {
		info.EngineAddr = args[0] // the engine passes its address as the program's argument
	}
	pctx, err := pulumi.NewContext(ctx, info)
	if err != nil {
		return nil, err
	}
	defer pctx.Close()
	if err := h.run(pctx); err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// run runs the program, a panic in it being its error.
func (h *programHost) run(ctx *pulumi.Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the program panicked: %v", r)
		}
	}()
	return pulumi.RunWithContext(ctx, h.program)
}

// GetRequiredPlugins: the program needs none the engine would install (the
// alicloud provider is the local cloud, attached).
func (h *programHost) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

// GetPluginInfo names the host's version, which the engine logs.
func (h *programHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: "1.0.0"}, nil
}

// InstallDependencies has nothing to install: the program is compiled in.
func (h *programHost) InstallDependencies(*pulumirpc.InstallDependenciesRequest, pulumirpc.LanguageRuntime_InstallDependenciesServer) error {
	return nil
}

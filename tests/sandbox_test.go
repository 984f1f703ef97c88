package tests

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/localcloud"
	"github.com/hybridlink/hybridlink/internal/sandbox"
	"github.com/hybridlink/hybridlink/stacks"
)

// opTimeout bounds one engine operation; they take seconds.
const opTimeout = 3 * time.Minute

// copyProject copies Pulumi.yaml and the stack files into a temporary
// project directory, so that tests can change the stack files and the
// engine writes nothing into the repository.
func copyProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "stacks"), 0o755); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(repo, "stacks", "Pulumi.*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no stack files in %s/stacks (%v)", repo, err)
	}
	for _, f := range append(files, filepath.Join(repo, "Pulumi.yaml")) {
		rel, _ := filepath.Rel(repo, f)
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, rel), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// stackFile is the path of a stack's file in a project directory.
func stackFile(dir, stack string) string {
	return filepath.Join(dir, "stacks", "Pulumi."+stack+".yaml")
}

// editFile replaces each old string, which must occur exactly once, with
// its new one.
func editFile(t *testing.T, path string, oldNew ...string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i+1 < len(oldNew); i += 2 {
		if n := strings.Count(s, oldNew[i]); n != 1 {
			t.Fatalf("editing %s: %q occurs %d times, want once", path, oldNew[i], n)
		}
		s = strings.Replace(s, oldNew[i], oldNew[i+1], 1)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// box is one stack's sandbox for a test: a temporary state directory, the
// engine's output captured, and a program that a test can swap.
type box struct {
	t     *testing.T
	stack string
	dir   string // project directory
	state string // state directory: backend/, cloud/, home/
	sb    *sandbox.Sandbox
	out   *syncBuffer
	// events are the engine events of every operation so far.
	events []events.EngineEvent
	// program replaces stacks.Program while set.
	program atomic.Pointer[pulumi.RunFunc]
}

// openBox opens a sandbox of stack in the project dir with its own local
// cloud and backend under a temporary directory.
func openBox(t *testing.T, dir, stack string) *box {
	t.Helper()
	return openBoxIn(t, dir, stack, t.TempDir())
}

// openBoxIn opens a sandbox of stack in the project dir whose local cloud
// and backend are in the state directory.
func openBoxIn(t *testing.T, dir, stack, state string) *box {
	t.Helper()
	b := &box{t: t, stack: stack, dir: dir, out: &syncBuffer{}}
	opts := sandbox.Options{
		ProjectDir: dir,
		Stack:      stack,
		StateDir:   state,
		Tools:      tools,
		Out:        b.out,
		Program: func(ctx *pulumi.Context) error {
			if p := b.program.Load(); p != nil {
				return (*p)(ctx)
			}
			return stacks.Program(ctx)
		},
	}
	b.state = opts.StateDir
	// The local cloud serves until ctx ends: the test's context, not an
	// operation's.
	s, err := sandbox.Open(t.Context(), opts)
	if err != nil {
		t.Fatalf("opening the %s sandbox: %v", stack, err)
	}
	b.sb = s
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("closing the %s sandbox: %v", stack, err)
		}
	})
	return b
}

// withProgram runs fn with the sandbox's program replaced by p.
func (b *box) withProgram(p pulumi.RunFunc, fn func()) {
	b.program.Store(&p)
	defer b.program.Store(nil)
	fn()
}

// opResult is what one engine operation produced.
type opResult struct {
	err     error
	output  string // the engine's progress output (stdout and stderr)
	summary map[apitype.OpType]int
	events  []events.EngineEvent
	outputs auto.OutputMap // up only
}

// ops returns the steps the engine reported for each resource, by URN, in
// order: "same", "create", "update", or for a replacement its
// "create-replacement", "replace" and "delete-replaced" steps.
func (r opResult) ops() map[resource.URN][]apitype.OpType {
	out := map[resource.URN][]apitype.OpType{}
	for _, e := range r.events {
		if e.ResourcePreEvent == nil {
			continue
		}
		m := e.ResourcePreEvent.Metadata
		out[resource.URN(m.URN)] = append(out[resource.URN(m.URN)], m.Op)
	}
	return out
}

// capture runs one operation with its output and events captured.
func (b *box) capture(name string, run func(ctx context.Context, out *syncBuffer, ch chan<- events.EngineEvent, res *opResult) error) opResult {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	ch := make(chan events.EngineEvent)
	done := make(chan []events.EngineEvent)
	go func() {
		var evs []events.EngineEvent
		for e := range ch {
			evs = append(evs, e)
		}
		done <- evs
	}()
	start := b.out.Len()
	t0 := time.Now()
	var res opResult
	res.err = run(ctx, b.out, ch, &res)
	// Once the operation has returned, the Automation API has shut its
	// event server down: the channel is closed if the engine streamed any
	// events and will never be otherwise (the CLI failed before). Close it
	// in that case, so collecting always ends.
	closeIfOpen(ch)
	evs := <-done
	res.output, res.events = b.out.From(start), evs
	b.events = append(b.events, evs...)
	b.t.Logf("%s %s: %s, %v", b.stack, name, time.Since(t0).Round(time.Millisecond), res.summary)
	return res
}

func (b *box) preview(opts ...optpreview.Option) opResult {
	b.t.Helper()
	return b.capture("preview", func(ctx context.Context, out *syncBuffer, ch chan<- events.EngineEvent, res *opResult) error {
		r, err := b.sb.Preview(ctx, append([]optpreview.Option{optpreview.ErrorProgressStreams(out), optpreview.EventStreams(ch)}, opts...)...)
		res.summary = r.ChangeSummary
		return err
	})
}

func (b *box) up(opts ...optup.Option) opResult {
	b.t.Helper()
	return b.capture("up", func(ctx context.Context, out *syncBuffer, ch chan<- events.EngineEvent, res *opResult) error {
		r, err := b.sb.Up(ctx, append([]optup.Option{optup.ErrorProgressStreams(out), optup.EventStreams(ch)}, opts...)...)
		res.summary, res.outputs = summaryOf(r.Summary.ResourceChanges), r.Outputs
		return err
	})
}

func (b *box) destroy(unprotect bool) opResult {
	b.t.Helper()
	return b.capture("destroy", func(ctx context.Context, out *syncBuffer, ch chan<- events.EngineEvent, res *opResult) error {
		r, err := b.sb.Destroy(ctx, unprotect, optdestroy.ErrorProgressStreams(out), optdestroy.EventStreams(ch))
		res.summary = summaryOf(r.Summary.ResourceChanges)
		return err
	})
}

func summaryOf(m *map[string]int) map[apitype.OpType]int {
	if m == nil {
		return nil
	}
	out := map[apitype.OpType]int{}
	for k, v := range *m {
		out[apitype.OpType(k)] = v
	}
	return out
}

// mustSucceed fails the test with the engine's output when op failed.
func (b *box) mustSucceed(what string, r opResult) {
	b.t.Helper()
	if r.err != nil {
		b.t.Fatalf("%s %s failed: %v\nengine output:\n%s", b.stack, what, r.err, r.output)
	}
}

// outputs are the stack's outputs, secrets decrypted and marked.
func (b *box) outputs() auto.OutputMap {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	out, err := b.sb.Stack.Outputs(ctx)
	if err != nil {
		b.t.Fatalf("%s: stack outputs: %v", b.stack, err)
	}
	return out
}

// pulumi runs a pulumi command against the sandbox's stack.
func (b *box) pulumi(args ...string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	stdout, stderr, code, err := b.sb.Pulumi(ctx, args...)
	if err != nil {
		b.t.Fatalf("%s: pulumi %s: exit %d: %v\n%s", b.stack, strings.Join(args, " "), code, err, stderr)
	}
	return stdout
}

// backendFiles returns the content of every file the engine stored in the
// sandbox's file backend (checkpoints, their backups and history),
// decompressed.
func (b *box) backendFiles() map[string]string {
	b.t.Helper()
	out := map[string]string{}
	root := filepath.Join(b.state, "backend")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.HasSuffix(path, ".gz") {
			zr, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			if data, err = io.ReadAll(zr); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		}
		rel, _ := filepath.Rel(root, path)
		out[rel] = string(data)
		return nil
	})
	if err != nil {
		b.t.Fatalf("%s: reading the backend: %v", b.stack, err)
	}
	if len(out) == 0 {
		b.t.Fatalf("%s: no files in the backend %s", b.stack, root)
	}
	return out
}

// state is the engine's state of the stack (Stack.Export, which the
// Automation API runs with --show-secrets: secrets appear decrypted).
type state struct {
	raw       []byte
	resources []apitype.ResourceV3
}

func (b *box) export() state {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	d, err := b.sb.Stack.Export(ctx)
	if err != nil {
		b.t.Fatalf("%s: exporting the state: %v", b.stack, err)
	}
	var dep apitype.DeploymentV3
	if err := json.Unmarshal(d.Deployment, &dep); err != nil {
		b.t.Fatalf("%s: decoding the exported state: %v", b.stack, err)
	}
	return state{raw: d.Deployment, resources: dep.Resources}
}

// custom returns the state's resources that live in the cloud: every
// custom resource except providers.
func (s state) custom() []apitype.ResourceV3 {
	var out []apitype.ResourceV3
	for _, r := range s.resources {
		if r.Custom && !strings.HasPrefix(string(r.Type), "pulumi:providers:") {
			out = append(out, r)
		}
	}
	return out
}

func (s state) byType(t tokens.Type) []apitype.ResourceV3 {
	var out []apitype.ResourceV3
	for _, r := range s.resources {
		if r.Type == t {
			out = append(out, r)
		}
	}
	return out
}

func (s state) urns() []string {
	var out []string
	for _, r := range s.resources {
		out = append(out, string(r.URN))
	}
	return out
}

// snapshot lists the local cloud's live resources.
func (b *box) snapshot() []inventory.Resource {
	b.t.Helper()
	rs, err := b.sb.Cloud.Snapshot()
	if err != nil {
		b.t.Fatalf("%s: local cloud snapshot: %v", b.stack, err)
	}
	return rs
}

// managed drops the objects the cloud creates by itself (a transit router's
// system route table), which the engine does not manage.
func managed(rs []inventory.Resource) []inventory.Resource {
	var out []inventory.Resource
	for _, r := range rs {
		if r.Type != trRouteTable {
			out = append(out, r)
		}
	}
	return out
}

// trRouteTable is the local cloud's token for a transit router's route
// table, which it creates with the router.
const trRouteTable tokens.Type = "alicloud:cen/transitRouterRouteTable:TransitRouterRouteTable"

func ofType(rs []inventory.Resource, t tokens.Type) []inventory.Resource {
	var out []inventory.Resource
	for _, r := range rs {
		if r.Type == t {
			out = append(out, r)
		}
	}
	return out
}

func byID(rs []inventory.Resource, t tokens.Type, id resource.ID) (inventory.Resource, bool) {
	for _, r := range rs {
		if r.Type == t && r.ID == id {
			return r, true
		}
	}
	return inventory.Resource{}, false
}

func byURN(rs []inventory.Resource, urn resource.URN) (inventory.Resource, bool) {
	for _, r := range rs {
		if r.URN == urn {
			return r, true
		}
	}
	return inventory.Resource{}, false
}

// describeCloud lists resources one a line, for failure messages.
// cloudSnapshot is every resource in the local cloud of a sandbox state
// directory.
func cloudSnapshot(t *testing.T, state string) []inventory.Resource {
	t.Helper()
	cloud, err := localcloud.Open(filepath.Join(state, "cloud"))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := cloud.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func describeCloud(rs []inventory.Resource) string {
	var lines []string
	for _, r := range rs {
		lines = append(lines, fmt.Sprintf("  %s %s (%s)", r.Type, r.ID, r.URN))
	}
	return strings.Join(lines, "\n")
}

// sameCloud fails when the cloud changed between two snapshots.
func sameCloud(t *testing.T, what string, before, after []inventory.Resource) {
	t.Helper()
	if reflect.DeepEqual(before, after) {
		return
	}
	t.Errorf("%s changed the local cloud:\nbefore (%d):\n%s\nafter (%d):\n%s", what,
		len(before), describeCloud(before), len(after), describeCloud(after))
	for _, a := range after {
		if o, ok := byURN(before, a.URN); ok && o.ID == a.ID && !reflect.DeepEqual(o, a) {
			t.Errorf("%s changed %s in the local cloud:\nbefore: %v\nafter:  %v", what, a.URN, o.Props, a.Props)
		}
	}
}

// sameState fails when the engine's state changed.
func sameState(t *testing.T, what string, before, after state) {
	t.Helper()
	if !bytes.Equal(before.raw, after.raw) {
		t.Errorf("%s changed the engine's state:\nbefore: %v\nafter:  %v", what, before.urns(), after.urns())
	}
}

// closeIfOpen closes a channel unless it is already closed. Nothing sends on
// it any more.
func closeIfOpen(ch chan<- events.EngineEvent) {
	defer func() { _ = recover() }() // closed already
	close(ch)
}

// syncBuffer is a buffer the engine's output streams write to.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Len()
}

func (s *syncBuffer) From(off int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.buf.Bytes()[off:])
}

func (s *syncBuffer) String() string { return s.From(0) }

// sortedKeys is for stable failure messages.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Package localcloud is a local Alibaba Cloud: a Pulumi resource provider for
// the alicloud resources hybridlink deploys, backed by a state directory
// instead of the cloud. The real Pulumi engine attaches to it with
// PULUMI_DEBUG_PROVIDERS=alicloud:<port>, so preview, up, refresh and destroy
// run for real while the provider answers the way Alibaba Cloud's provider
// and API do: Check, Diff and Update follow the real provider's rules,
// extracted from its source (internal/alicloudspec); Create and Update add
// the API's own documented rules, return IDs and outputs in the API's
// formats, check references and refuse deletes that would orphan
// dependents. docs/sandbox-fidelity.md says where each rule comes from and
// what is not modelled.
//
// A Cloud is the store: the live resources of one sandbox directory. Every
// operation locks the directory (flock) and rewrites its state file
// atomically, so separate pulumi commands, and separate processes, can share
// one sandbox.
package localcloud

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/hybridlink/hybridlink/internal/atomicfile"
	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/routemodel"
)

const (
	stateFile = "state.json"
	lockFile  = ".lock"
)

// Cloud is a local Alibaba Cloud account whose resources live in a
// directory.
type Cloud struct {
	dir string
	mu  sync.Mutex // serializes this process's operations; flock serializes processes
	// clock is the time operations see (tests move it).
	clock func() time.Time

	// Latency is how long each create, update and delete waits after
	// making its change, as the real API's do (see LatencyEnv).
	Latency time.Duration
}

// Open opens the sandbox in dir, creating the directory and an empty
// account on first use.
func Open(dir string) (*Cloud, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("local cloud: %w", err)
	}
	c := &Cloud{dir: dir, clock: time.Now}
	// Creating the account on first use gives it stable owner and resource
	// group IDs for every later command.
	if err := c.modify(func(*state) error { return nil }); err != nil {
		return nil, err
	}
	return c, nil
}

// Snapshot returns every live resource, in creation order: the URN the
// engine created it under (a synthetic one for objects the cloud creates
// itself, such as a transit router's system route table), its ID, its
// inputs and outputs as Props, and the resources its properties reference
// as Deps.
func (c *Cloud) Snapshot() ([]inventory.Resource, error) {
	var out []inventory.Resource
	err := c.view(func(st *state) error { out = st.snapshot(); return nil })
	return out, err
}

func (st *state) snapshot() []inventory.Resource {
	out := make([]inventory.Resource, 0, len(st.Resources))
	for _, r := range st.Resources {
		out = append(out, st.inventory(r))
	}
	return out
}

// state is the content of the state file.
type state struct {
	Account   account           `json:"account"`
	Resources []*record         `json:"resources"`
	Faults    routemodel.Faults `json:"faults"`
	// OnPrem is, per stack, the on-premises side the sandbox stands in
	// for: the prefixes its gateway advertises to the VBR over BGP.
	OnPrem map[string]routemodel.OnPrem `json:"onPrem,omitempty"`

	now time.Time // when the operation runs
}

// account holds the IDs the cloud reports as the caller's, and the last
// public IP it allocated.
type account struct {
	ID              string `json:"id"`
	ResourceGroupID string `json:"resourceGroupId"`
	LastPublicIP    string `json:"lastPublicIp,omitempty"`
}

// record is one live object. Inputs are the last inputs the engine sent;
// Outputs are what the API reports (inputs plus computed properties).
// Owner is the ID of the resource that created the object and deletes it
// with itself (a transit router's system route table; only transit routers
// own objects, so the ID alone names the owner).
type record struct {
	Type   tokens.Type  `json:"type"`
	ID     resource.ID  `json:"id"`
	URN    resource.URN `json:"urn"`
	Region string       `json:"region"`
	Owner  resource.ID  `json:"owner,omitempty"`
	// Started is when a failover test job started testing.
	Started *time.Time `json:"started,omitempty"`
	// Known is set once the engine has shown that its state holds the
	// object (see known.go); until then a retried create finds it.
	Known   bool                 `json:"known,omitempty"`
	Inputs  resource.PropertyMap `json:"-"`
	Outputs resource.PropertyMap `json:"-"`
}

// outputsOrNil lets a missing record read as having no outputs.
func (r *record) outputsOrNil() resource.PropertyMap {
	if r == nil {
		return nil
	}
	return r.Outputs
}

// The property maps are stored in the provider protocol's encoding, which
// marks secrets, so a secret stays a secret across the round trip.
var propOpts = plugin.MarshalOptions{KeepSecrets: true, KeepUnknowns: false, SkipNulls: true}

func (r *record) MarshalJSON() ([]byte, error) {
	in, err := encodeProps(r.Inputs)
	if err != nil {
		return nil, err
	}
	out, err := encodeProps(r.Outputs)
	if err != nil {
		return nil, err
	}
	type plain record // without the methods, so the embedded fields marshal normally
	return json.Marshal(struct {
		plain
		Inputs  json.RawMessage `json:"inputs"`
		Outputs json.RawMessage `json:"outputs"`
	}{plain(*r), in, out})
}

func (r *record) UnmarshalJSON(b []byte) error {
	type plain record
	var raw struct {
		plain
		Inputs  json.RawMessage `json:"inputs"`
		Outputs json.RawMessage `json:"outputs"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*r = record(raw.plain)
	var err error
	if r.Inputs, err = decodeProps(raw.Inputs); err != nil {
		return err
	}
	r.Outputs, err = decodeProps(raw.Outputs)
	return err
}

func encodeProps(m resource.PropertyMap) (json.RawMessage, error) {
	s, err := plugin.MarshalProperties(m, propOpts)
	if err != nil {
		return nil, err
	}
	return protojson.Marshal(s)
}

func decodeProps(b json.RawMessage) (resource.PropertyMap, error) {
	var s structpb.Struct
	if len(b) > 0 {
		if err := protojson.Unmarshal(b, &s); err != nil {
			return nil, err
		}
	}
	return plugin.UnmarshalProperties(&s, propOpts)
}

// view runs fn on the current state.
func (c *Cloud) view(fn func(*state) error) error {
	return c.locked(func(st *state) (bool, error) { return false, fn(st) })
}

// modify runs fn on the current state and saves it if fn succeeds; a
// failing fn changes nothing, so an operation is all or nothing.
func (c *Cloud) modify(fn func(*state) error) error {
	return c.locked(func(st *state) (bool, error) { return true, fn(st) })
}

func (c *Cloud) locked(fn func(*state) (save bool, err error)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	lock, err := os.OpenFile(filepath.Join(c.dir, lockFile), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("local cloud: %w", err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("local cloud: lock %s: %w", c.dir, err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) //nolint:errcheck // closing the file unlocks too
	if err := c.sweep(); err != nil {
		return err
	}

	st, err := c.load()
	if err != nil {
		return err
	}
	st.now = c.clock()
	st.settle()
	save, err := fn(st)
	if err != nil || !save {
		return err
	}
	return c.save(st)
}

func (c *Cloud) load() (*state, error) {
	b, err := os.ReadFile(filepath.Join(c.dir, stateFile))
	if errors.Is(err, os.ErrNotExist) {
		return &state{Account: newAccount()}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("local cloud: %w", err)
	}
	var st state
	err = json.Unmarshal(b, &st)
	if err == nil {
		err = st.checkIntegrity()
	}
	if err != nil {
		return nil, fmt.Errorf("local cloud: %s is corrupt: %w; restore it, or start the local cloud afresh by removing %s (every stack's cloud objects are lost; then run `hybridlink sandbox reset` for each stack)",
			filepath.Join(c.dir, stateFile), err, c.dir)
	}
	return &st, nil
}

// sweep removes the temporary files of saves that crashed: under the lock
// no save runs, so every one is a crashed save's. state.json.* are those of
// earlier versions, which wrote a named temporary file.
func (c *Cloud) sweep() error {
	old, _ := filepath.Glob(filepath.Join(c.dir, stateFile+".*"))
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return fmt.Errorf("local cloud: %w", err)
		}
	}
	if err := atomicfile.Sweep(c.dir); err != nil {
		return fmt.Errorf("local cloud: %w", err)
	}
	return nil
}

// save replaces the state file: atomically, so a crash leaves the old state
// or the new one, and through no named temporary file that a crash could
// leave behind with the secrets the state holds.
func (c *Cloud) save(st *state) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("local cloud: %w", err)
	}
	if err := atomicfile.Write(c.dir, stateFile, append(b, '\n')); err != nil {
		return fmt.Errorf("local cloud: save state: %w", err)
	}
	return nil
}

// settle brings every object whose state moves with time up to now
// (failover test jobs that expire).
func (st *state) settle() {
	for _, r := range st.Resources {
		if k := kinds[r.Type]; k != nil && k.settle != nil {
			k.settle(st, r)
		}
	}
}

// get returns the live object of a type with an ID. IDs are unique per
// type only: an association and a propagation of the same attachment and
// route table have the same ID.
func (st *state) get(t tokens.Type, id resource.ID) *record {
	for _, r := range st.Resources {
		if r.Type == t && r.ID == id {
			return r
		}
	}
	return nil
}

// ofType returns the live objects of a type.
func (st *state) ofType(t tokens.Type) []*record {
	var out []*record
	for _, r := range st.Resources {
		if r.Type == t {
			out = append(out, r)
		}
	}
	return out
}

// remove deletes objects.
func (st *state) remove(gone map[*record]bool) {
	kept := st.Resources[:0]
	for _, r := range st.Resources {
		if !gone[r] {
			kept = append(kept, r)
		}
	}
	st.Resources = kept
}

// inventory converts a record for Snapshot, resolving its references to the
// URNs of the objects they name.
func (st *state) inventory(r *record) inventory.Resource {
	res := inventory.Resource{URN: r.URN, Type: r.Type, ID: r.ID, Props: r.Outputs.Copy()}
	for _, ref := range kinds[r.Type].refs {
		for _, path := range expand(r.Outputs, ref.path) {
			v, ok := readString(r.Outputs, path)
			if !ok {
				continue
			}
			if t := st.resolve(ref, v); t != nil {
				if res.Deps == nil {
					res.Deps = map[resource.PropertyKey][]resource.URN{}
				}
				key := topKey(ref.path)
				res.Deps[key] = append(res.Deps[key], t.URN)
			}
		}
	}
	return res
}

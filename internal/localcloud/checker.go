package localcloud

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hybridlink/hybridlink/internal/cidr"
	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/limits"
)

// checker applies a kind's rules to a resource's inputs. At Check only the
// provider's schema applies (schemaCheck), as the real provider's Check
// calls no API; at Create and Update the API's rules apply too (api): every
// reference must name a live object, and each kind's documented value rules
// run against the live objects.
type checker struct {
	st     *state
	k      *kind
	region string
	urn    resource.URN
	self   resource.ID          // the resource's own ID at Update
	in     inventory.Resource   // inputs with secrets revealed; its reads skip unknowns
	raw    resource.PropertyMap // inputs as sent, which say what is secret
	fails  []failure
}

// failure is one rule's refusal of the property at path. provider: the
// provider's own Check refused it, with its message; otherwise the API did,
// with its error code.
type failure struct {
	path, reason string
	provider     bool
}

// checkFailures are the failures as Check returns them: the provider's, as
// the bridge does, without a property (the engine shows the reason, which
// names the key); the API's with the property.
func (c *checker) checkFailures() []*pulumirpc.CheckFailure {
	out := make([]*pulumirpc.CheckFailure, len(c.fails))
	for i, f := range c.fails {
		out[i] = &pulumirpc.CheckFailure{Reason: f.reason}
		if !f.provider {
			out[i].Property = f.path
		}
	}
	return out
}

func newChecker(st *state, k *kind, region string, urn resource.URN, inputs resource.PropertyMap) *checker {
	return &checker{st: st, k: k, region: region, urn: urn, raw: inputs,
		in: inventory.Resource{URN: urn, Props: revealMap(inputs)}}
}

// api applies the API's rules at Create and Update: the references, the
// tags and the kind's value rules.
func (c *checker) api() {
	for _, r := range c.k.refs {
		for _, path := range expand(c.in.Props, r.path) {
			if v, ok := c.str(path); ok && c.st.resolve(r, v) == nil {
				c.fail(path, "Invalid"+fieldName(path)+".NotFound", "the specified %s %s does not exist", kinds[r.to[0]].name, v)
			}
		}
	}
	c.tags()
	if c.k.validate != nil {
		c.k.validate(c)
	}
}

// tags applies the VPC API's tag rules (docCreateVpc) to the tags of the
// types it serves: at most 20, keys of up to 128 characters, values of up to
// 128, neither starting with aliyun or acs: nor containing http:// or
// https://. The other APIs' tag rules are not modelled.
func (c *checker) tags() {
	v, ok := c.raw["tags"]
	if !ok || !v.IsObject() || !c.k.vpcAPI {
		return
	}
	tags := v.ObjectValue()
	c.check("tags", limits.CheckTagCount(len(tags)))
	for k, tv := range tags {
		path := "tags." + string(k)
		if err := limits.CheckTagKeyWithin(string(k), limits.VPCTagKeyMaxChars); err != nil {
			c.fail(path, "InvalidTagKey.Malformed", "%v", err)
		} else if tv.IsString() {
			if err := limits.CheckTagValue(tv.StringValue()); err != nil {
				c.fail(path, "InvalidTagValue.Malformed", "%v", err)
			}
		}
	}
}

// fail records a failure in the API's style, "Code: message", for the
// property at path. A message about a secret value is replaced, so that no
// secret reaches an error or a log.
func (c *checker) fail(path, code, format string, args ...any) {
	reason := code + ": " + fmt.Sprintf(format, args...)
	if _, secret, _ := inventory.Lookup(c.raw, path); secret {
		reason = code + ": the value is not valid (it is secret, so it is not shown)"
	}
	c.fails = append(c.fails, failure{path: path, reason: reason})
}

// check records a rule's error as the API's Malformed error for the
// property: vlanId → InvalidVlanId.Malformed.
func (c *checker) check(path string, err error) {
	if err != nil {
		c.fail(path, "Invalid"+fieldName(path)+".Malformed", "%v", err)
	}
}

// err is the failures as one error, for Create and Update.
func (c *checker) err() error {
	if len(c.fails) == 0 {
		return nil
	}
	msgs := make([]string, len(c.fails))
	for i, f := range c.fails {
		msgs[i] = f.reason
		if !f.provider {
			msgs[i] = fmt.Sprintf("%s (property %s)", f.reason, f.path)
		}
	}
	return status.Error(codes.InvalidArgument, strings.Join(msgs, "; "))
}

// str reads a known, non-empty string; the API treats "" as not set.
func (c *checker) str(path string) (string, bool) {
	s, ok := c.in.String(path)
	return s, ok && s != ""
}

func (c *checker) integer(path string) (int64, bool) { return c.in.Int(path) }
func (c *checker) boolean(path string) (bool, bool)  { return c.in.Bool(path) }

// isSet reports whether a property is given, even as an unknown value.
func (c *checker) isSet(path string) bool { return c.in.Has(path) }

// elems returns the paths of an array's elements ("a[0]", "a[1]"); none
// while the array itself is unknown.
func (c *checker) elems(path string) []string { return expand(c.in.Props, path+"[*]") }

// count returns the length of a known array.
func (c *checker) count(path string) (int, bool) {
	v, _, ok := inventory.Lookup(c.in.Props, path)
	if !ok || !v.IsArray() {
		return 0, false
	}
	return len(v.ArrayValue()), true
}

var index = regexp.MustCompile(`\[\d+\]`)

// ref returns the live object a reference property names; nil when the
// value is unknown or empty or names nothing live.
func (c *checker) ref(path string) *record {
	v, ok := c.str(path)
	if !ok {
		return nil
	}
	pattern := index.ReplaceAllString(path, "[*]")
	for _, r := range c.k.refs {
		if r.path == pattern {
			return c.st.resolve(r, v)
		}
	}
	return nil
}

// others returns the live objects of type t except this resource itself
// (its ID at Update). At Create nothing is excluded: an object that the
// resource replaces still exists then, as it does in the real cloud.
func (c *checker) others(t tokens.Type) []*record {
	var out []*record
	for _, r := range c.st.Resources {
		if r.Type == t && r.ID != c.self {
			out = append(out, r)
		}
	}
	return out
}

// oneOf checks an enumerated string.
func (c *checker) oneOf(path, what string, allowed []string) {
	if v, ok := c.str(path); ok {
		c.check(path, limits.CheckOneOf(what, v, allowed))
	}
}

// between checks an integer range.
func (c *checker) between(path, what string, lo, hi int64) {
	if v, ok := c.integer(path); ok && (v < lo || v > hi) {
		c.check(path, fmt.Errorf("%s %d is out of range %d–%d", what, v, lo, hi))
	}
}

// block parses a CIDR block in canonical form and applies rule (which may
// be nil) to it.
func (c *checker) block(path string, rule func(netip.Prefix) error) (netip.Prefix, bool) {
	s, ok := c.str(path)
	if !ok {
		return netip.Prefix{}, false
	}
	p, err := cidr.Parse(s)
	if err == nil && rule != nil {
		err = rule(p)
	}
	c.check(path, err)
	return p, err == nil
}

// addr parses an IP address.
func (c *checker) addr(path string) (netip.Addr, bool) {
	s, ok := c.str(path)
	if !ok {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		c.check(path, fmt.Errorf("%q is not an IP address", s))
		return netip.Addr{}, false
	}
	return a, true
}

// zone checks that a zone is one of the provider region's.
func (c *checker) zone(path string) (string, bool) {
	z, ok := c.str(path)
	if !ok {
		return "", false
	}
	if err := limits.CheckZone(c.region, z); err != nil {
		c.fail(path, "InvalidZoneId.NotFound", "%v", err)
		return "", false
	}
	return z, true
}

// resolve finds the live object a reference names.
func (st *state) resolve(r ref, value string) *record {
	for _, rec := range st.Resources {
		for _, t := range r.to {
			if rec.Type != t {
				continue
			}
			if r.via == "" && string(rec.ID) == value {
				return rec
			}
			if v, ok := readString(rec.Outputs, r.via); r.via != "" && ok && v == value {
				return rec
			}
		}
	}
	return nil
}

// builder computes a resource's outputs at Create and Update: the inputs,
// plus what the kind's outputs function adds. Values the cloud generates
// (IDs, IPs, keys, times) are kept from the previous outputs on Update.
type builder struct {
	*checker
	old     resource.PropertyMap // previous outputs; nil at Create
	out     resource.PropertyMap
	primary string
}

func build(c *checker, old resource.PropertyMap) *builder {
	b := &builder{checker: c, old: old, out: c.raw.Copy()}
	delete(b.out, defaultsKey)
	if old != nil {
		b.keepCloudValues()
	}
	if c.k.outputs != nil {
		c.k.outputs(b)
	}
	for k, v := range c.raw {
		if v.IsSecret() {
			b.out[k] = secret(b.out[k])
		}
	}
	for _, p := range c.k.secrets {
		for _, path := range expand(b.out, p) {
			if v, _, ok := inventory.Lookup(b.out, path); ok && !v.IsNull() {
				setAt(b.out, path, secret(v))
			}
		}
	}
	return b
}

// keepCloudValues keeps, at Update, what the cloud still has: an attribute
// the new inputs leave unset that is Computed (the provider sends nothing
// for it), and one the provider's Update never sends but its Read reads
// back — the provider accepts the change, the API never hears of it, and
// the next Read reports the old value again.
func (b *builder) keepCloudValues() {
	for name, p := range b.k.spec.Properties {
		key := resource.PropertyKey(name)
		v, set := b.out[key]
		neverSent := p.Input() && !p.ForceNew && !p.SentAtUpdate && p.ReadBack
		if !neverSent && (!p.Computed || (set && !v.IsNull())) {
			continue
		}
		if old, ok := b.old[key]; ok {
			b.out[key] = old
		} else {
			delete(b.out, key)
		}
	}
}

// id is the ID the cloud generates for the object, made once.
func (b *builder) id() string {
	switch {
	case b.primary != "":
	case b.k.providerID:
		b.primary = newProviderID()
	default:
		b.primary = newID(b.k.prefix, b.region, b.k.global)
	}
	return b.primary
}

func (b *builder) set(key string, v resource.PropertyValue) { b.out[resource.PropertyKey(key)] = v }

// def sets a default for an input that is not given.
func (b *builder) def(key string, v resource.PropertyValue) {
	if cur, ok := b.out[resource.PropertyKey(key)]; !ok || cur.IsNull() {
		b.set(key, v)
	}
}

// keep sets a generated output: the previous value on Update, else gen().
func (b *builder) keep(key string, gen func() resource.PropertyValue) {
	if v, ok := b.old[resource.PropertyKey(key)]; ok && !v.IsNull() {
		b.set(key, v)
		return
	}
	b.set(key, gen())
}

// alias fills a deprecated property and its replacement from whichever is
// given (name / vpcName), as the provider reports both.
func (b *builder) alias(deprecated, current string) {
	v, ok := b.str(current)
	if !ok {
		v, _ = b.str(deprecated)
	}
	b.set(current, str(v))
	b.set(deprecated, str(v))
}

// Common outputs.
func (b *builder) createTime() {
	b.keep("createTime", func() resource.PropertyValue { return str(time.Now().UTC().Format(time.RFC3339)) })
}

func (b *builder) createTimeMillis() {
	b.keep("createTime", func() resource.PropertyValue { return num(time.Now().UnixMilli()) })
}

func (b *builder) regionID() { b.set("regionId", str(b.region)) }

func (b *builder) resourceGroup() { b.def("resourceGroupId", str(b.st.Account.ResourceGroupID)) }

func activeStatus(b *builder) { b.set("status", str("Active")) }

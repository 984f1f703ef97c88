package localcloud

import (
	"fmt"
	"math"
	"net"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/hybridlink/hybridlink/internal/alicloudspec"
	"github.com/hybridlink/hybridlink/internal/inventory"
)

// schemaCheck applies what the real provider's Check applies to the inputs
// as the program gave them (terraform-plugin-sdk v1's schemaMap.Validate,
// which the bridge runs before it fills in defaults): required and
// computed-only attributes, the conflict rules, item counts and every
// validator. It calls no API, so it judges only known values. Its messages
// are the provider's own, naming the Terraform key, as a real preview shows
// them.
func (c *checker) schemaCheck() {
	c.object(c.in.Props, c.k.spec.Properties, "", "")
}

// object checks one level: the resource, or a block's item.
func (c *checker) object(values resource.PropertyMap, props map[string]*alicloudspec.Property, path, key string) {
	for _, name := range sortedProps(props) {
		p := props[name]
		pp, k := pulumiPath(path, name), tfKey(key, p)
		c.exactlyOneOf(p, k)
		c.atLeastOneOf(p, k)
		v, present := values[resource.PropertyKey(name)]
		if !present || v.IsNull() {
			if p.Required && !p.AutoName {
				c.providerFail(pp, "Missing required property '%s'", pp)
			}
			continue
		}
		if !p.Input() {
			c.providerFail(pp, "%q: this field cannot be set", k)
			continue
		}
		c.requiredWith(p, k)
		if v.ContainsUnknowns() {
			continue // judged once known, as the SDK defers it
		}
		c.conflicts(p, pp, k)
		c.value(v, p, pp, k)
	}
	for _, name := range sortedKeys(values) {
		if props[string(name)] == nil && name != defaultsKey {
			c.providerFail(pulumiPath(path, string(name)), "%s: invalid or unknown key: %s", key, name)
		}
	}
}

// value checks a known value against its attribute's type rules and
// validator.
func (c *checker) value(v resource.PropertyValue, p *alicloudspec.Property, path, key string) {
	switch p.Type {
	case "list", "set":
		items := []resource.PropertyValue{v}
		if !p.Object {
			if !v.IsArray() {
				c.providerFail(path, "%s: should be a list", key)
				return
			}
			items = v.ArrayValue()
		}
		if p.MaxItems > 0 && len(items) > p.MaxItems {
			c.providerFail(path, "%s: attribute supports %d item maximum, config has %d declared", key, p.MaxItems, len(items))
			return
		}
		if p.MinItems > 0 && len(items) < p.MinItems {
			c.providerFail(path, "%s: attribute supports %d item as a minimum, config has %d declared", key, p.MinItems, len(items))
			return
		}
		for i, item := range items {
			ip := path
			if !p.Object {
				ip = fmt.Sprintf("%s[%d]", path, i)
			}
			c.item(item, p, ip, tfItem(key, i))
		}
	case "map":
		if v.IsObject() && p.Elem != nil {
			for _, k := range sortedKeys(v.ObjectValue()) {
				c.validate(p.Elem.Validate, v.ObjectValue()[k], path+"."+string(k), key+"."+string(k))
			}
		}
	default:
		c.validate(p.Validate, v, path, key)
	}
}

func (c *checker) item(item resource.PropertyValue, p *alicloudspec.Property, path, key string) {
	switch {
	case item.ContainsUnknowns() && !item.IsObject():
	case p.Properties != nil && item.IsObject():
		c.object(item.ObjectValue(), p.Properties, path, key)
	case p.Elem != nil:
		c.validate(p.Elem.Validate, item, path, key)
	}
}

// examine is what the bridge appends to a failure whose key it recognizes.
func (c *checker) examine(path string) string {
	if !c.urn.IsValid() {
		return ""
	}
	return fmt.Sprintf(". Examine values at '%s.%s'.", c.urn.Name(), path)
}

// The conflict rules, with terraform-plugin-sdk's messages.

func (c *checker) conflicts(p *alicloudspec.Property, path, key string) {
	for _, other := range p.ConflictsWith {
		if v, _, ok := inventory.Lookup(c.in.Props, other); ok && !v.IsNull() && !v.IsComputed() {
			c.providerFail(path, "%q: conflicts with %s%s", key, c.k.spec.TerraformKey(other), c.examine(path))
			return
		}
	}
}

func (c *checker) exactlyOneOf(p *alicloudspec.Property, key string) {
	if len(p.ExactlyOneOf) == 0 {
		return
	}
	all := c.allKeys(p.ExactlyOneOf, key)
	var specified []string
	unknowns := 0
	for _, path := range p.ExactlyOneOf {
		v, _, ok := inventory.Lookup(c.in.Props, path)
		switch {
		case ok && v.ContainsUnknowns():
			unknowns++
		case ok && !v.IsNull():
			specified = append(specified, c.k.spec.TerraformKey(path))
		}
	}
	slices.Sort(specified)
	switch {
	case len(specified) == 0 && unknowns == 0:
		c.providerFail(key, "%q: one of `%s` must be specified", key, strings.Join(all, ","))
	case len(specified) > 1:
		c.providerFail(key, "%q: only one of `%s` can be specified, but `%s` were specified.", key, strings.Join(all, ","), strings.Join(specified, ","))
	}
}

func (c *checker) atLeastOneOf(p *alicloudspec.Property, key string) {
	if len(p.AtLeastOneOf) == 0 {
		return
	}
	for _, path := range p.AtLeastOneOf {
		if v, _, ok := inventory.Lookup(c.in.Props, path); ok && !v.IsNull() {
			return
		}
	}
	c.providerFail(key, "%q: one of `%s` must be specified", key, strings.Join(c.allKeys(p.AtLeastOneOf, key), ","))
}

func (c *checker) requiredWith(p *alicloudspec.Property, key string) {
	for _, path := range p.RequiredWith {
		if v, _, ok := inventory.Lookup(c.in.Props, path); !ok || v.IsNull() {
			c.providerFail(key, "%q: all of `%s` must be specified", key, strings.Join(c.allKeys(p.RequiredWith, key), ","))
			return
		}
	}
}

// allKeys is a rule's keys with the attribute's own, sorted and unique, as
// the SDK lists them.
func (c *checker) allKeys(paths []string, key string) []string {
	keys := []string{key}
	for _, p := range paths {
		keys = append(keys, c.k.spec.TerraformKey(p))
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// skipValidationNote ends every message of the provider's own validators
// (alicloud/validators.go).
const skipValidationNote = "\n[NOTE] set env variable TF_SKIP_RESOURCE_SCHEMA_VALIDATION to true can skip the error and get a warning"

// validate applies a validator to a known value.
func (c *checker) validate(v *alicloudspec.Validate, val resource.PropertyValue, path, key string) {
	for _, msg := range validationErrors(v, val, key) {
		c.providerFail(path, "%s", msg)
	}
}

// validationErrors are the messages a validator gives for a value, none
// when it is valid.
func validationErrors(v *alicloudspec.Validate, val resource.PropertyValue, key string) []string {
	if v == nil || val.ContainsUnknowns() {
		return nil
	}
	note := ""
	if v.Pkg == "alicloud" {
		note = " " + skipValidationNote
	}
	s, isString := stringOf(val)
	n, isInt := intOf(val)
	switch v.Form {
	case alicloudspec.StringInSlice:
		if isString && !slices.ContainsFunc(v.Strings, func(a string) bool { return a == s || v.IgnoreCase && strings.EqualFold(a, s) }) {
			return []string{fmt.Sprintf("expected %s to be one of %v, got %s%s", key, v.Strings, s, note)}
		}
	case alicloudspec.IntInSlice:
		if isInt && !slices.Contains(v.Ints, n) {
			return []string{fmt.Sprintf("expected %s to be one of %v, got %d%s", key, v.Ints, n, note)}
		}
	case alicloudspec.IntBetween:
		if isInt && (n < *v.Min || n > *v.Max) {
			return []string{fmt.Sprintf("expected %s to be in the range (%d - %d), got %d%s", key, *v.Min, *v.Max, n, note)}
		}
	case alicloudspec.IntAtLeast:
		if isInt && n < *v.Min {
			return []string{fmt.Sprintf("expected %s to be at least (%d), got %d%s", key, *v.Min, n, note)}
		}
	case alicloudspec.IntAtMost:
		if isInt && n > *v.Max {
			return []string{fmt.Sprintf("expected %s to be at most (%d), got %d%s", key, *v.Max, n, note)}
		}
	case alicloudspec.StringLenBetween:
		if isString && (len(s) < *v.Min || len(s) > *v.Max) {
			return []string{fmt.Sprintf("expected length of %s to be in the range (%d - %d), got %s%s", key, *v.Min, *v.Max, s, note)}
		}
	case alicloudspec.StringMatch:
		if re, err := regexp.Compile(v.Pattern); isString && err == nil && !re.MatchString(s) {
			if v.Message != "" {
				return []string{fmt.Sprintf("invalid value for %s (%s)%s", key, v.Message, note)}
			}
			return []string{fmt.Sprintf("expected value of %s to match regular expression %q%s", key, v.Pattern, note)}
		}
	case alicloudspec.CIDRNetwork:
		if isString {
			return cidrNetworkErrors(s, key)
		}
	case alicloudspec.ValidRegExp:
		if _, err := regexp.Compile(s); isString && err != nil {
			return []string{fmt.Sprintf("%q: %s", key, err)}
		}
	case alicloudspec.Any:
		var all []string
		for _, o := range v.Of {
			errs := validationErrors(o, val, key)
			if len(errs) == 0 {
				return nil
			}
			all = append(all, errs...)
		}
		return all
	}
	return nil
}

// cidrNetworkErrors is alicloud/validators.go's validateCIDRNetworkAddress:
// a CIDR block written as its network address.
func cidrNetworkErrors(s, key string) []string {
	_, ipnet, err := net.ParseCIDR(s)
	if err != nil {
		return []string{fmt.Sprintf("%q must contain a valid CIDR, got error parsing: %s", key, err)}
	}
	if s != ipnet.String() {
		return []string{fmt.Sprintf("%q must contain a valid network CIDR, expected %q, got %q", key, ipnet, s)}
	}
	return nil
}

func stringOf(v resource.PropertyValue) (string, bool) {
	if v.IsString() {
		return v.StringValue(), true
	}
	return "", false
}

func intOf(v resource.PropertyValue) (int, bool) {
	if !v.IsNumber() || v.NumberValue() != math.Trunc(v.NumberValue()) {
		return 0, false
	}
	return int(v.NumberValue()), true
}

// providerFail records a failure of the provider's own Check. Its reason is
// the provider's message; a message about a secret value is replaced, so
// that no secret reaches an error or a log.
func (c *checker) providerFail(path, format string, args ...any) {
	reason := fmt.Sprintf(format, args...)
	if _, secret, _ := inventory.Lookup(c.raw, path); secret {
		reason = fmt.Sprintf("the value at %s is not valid (it is secret, so it is not shown)", path)
	}
	c.fails = append(c.fails, failure{path: path, reason: reason, provider: true})
}

func sortedProps(m map[string]*alicloudspec.Property) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func sortedKeys(m resource.PropertyMap) []resource.PropertyKey {
	keys := make([]resource.PropertyKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

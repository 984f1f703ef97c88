package limits

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Tag rules: the strictest of the APIs of the resources hybridlink tags.
// VPC, vSwitch, VBR and VPN objects take keys of up to 128 characters, CEN
// instances and transit routers only 64; every one takes values of up to
// 128 characters and at most 20 tags; neither key nor value may start with
// aliyun or acs: (reserved for Alibaba Cloud's own tags) or contain
// http:// or https://.
const (
	TagKeyMaxChars    = 64
	VPCTagKeyMaxChars = 128 // the VPC API's own limit
	TagValueMaxChars  = 128
	MaxTags           = 20
)

var (
	tagReservedPrefixes = []string{"aliyun", "acs:"}
	tagForbidden        = []string{"http://", "https://"}
)

// CheckTagKey checks one tag key against the strictest API's rules.
func CheckTagKey(key string) error { return CheckTagKeyWithin(key, TagKeyMaxChars) }

// CheckTagKeyWithin checks one tag key for an API that takes keys of up to
// max characters.
func CheckTagKeyWithin(key string, max int) error {
	if key == "" {
		return fmt.Errorf("a tag key cannot be empty")
	}
	if n := utf8.RuneCountInString(key); n > max {
		return fmt.Errorf("tag key %q has %d characters; at most %d are accepted", shortQuote(key), n, max)
	}
	return checkTagText("key", key)
}

// CheckTagValue checks one tag value; it may be empty.
func CheckTagValue(value string) error {
	if n := utf8.RuneCountInString(value); n > TagValueMaxChars {
		return fmt.Errorf("tag value %q has %d characters; at most %d are accepted", shortQuote(value), n, TagValueMaxChars)
	}
	return checkTagText("value", value)
}

func checkTagText(what, s string) error {
	// Compared case-insensitively: the docs do not say how the API
	// compares, and refusing "Aliyun…" here costs a user a rename, while
	// accepting what the API refuses fails the deployment half-way.
	lower := strings.ToLower(s)
	for _, p := range tagReservedPrefixes {
		if strings.HasPrefix(lower, p) {
			return fmt.Errorf("tag %s %q starts with %q, which Alibaba Cloud reserves for its own tags", what, shortQuote(s), p)
		}
	}
	for _, f := range tagForbidden {
		if strings.Contains(lower, f) {
			return fmt.Errorf("tag %s %q contains %q, which Alibaba Cloud refuses in tags", what, shortQuote(s), f)
		}
	}
	return nil
}

// CheckTagCount checks how many tags one resource gets.
func CheckTagCount(n int) error {
	if n > MaxTags {
		return fmt.Errorf("%d tags; a resource takes at most %d", n, MaxTags)
	}
	return nil
}

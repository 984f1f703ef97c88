package stacks

import (
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Source provides raw config values by full key ("hybridlink:vpn"): a plain
// string, or JSON for objects and arrays, as Pulumi passes them to a program.
type Source interface {
	Get(key string) (value string, ok bool)
	// IsSecret reports whether the key's value is stored encrypted.
	IsSecret(key string) bool
}

// KeyLister is a Source that can enumerate its keys, so that unknown (e.g.
// misspelt) keys are reported.
type KeyLister interface {
	Keys() []string
}

// OpaqueSource is a Source that may hold secrets it cannot decrypt (a stack
// file read without its passphrase): they are present but unreadable.
type OpaqueSource interface {
	IsOpaque(key string) bool
}

// contextSource reads the running program's config. The region falls back
// to ALICLOUD_REGION, as the alicloud provider does.
type contextSource struct{ ctx *pulumi.Context }

func (s contextSource) Get(key string) (string, bool) {
	if v, ok := s.ctx.GetConfig(key); ok {
		return v, true
	}
	if key == regionKey {
		if v := os.Getenv("ALICLOUD_REGION"); v != "" {
			return v, true
		}
	}
	return "", false
}

func (s contextSource) IsSecret(key string) bool { return s.ctx.IsConfigSecret(key) }

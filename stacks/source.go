package stacks

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

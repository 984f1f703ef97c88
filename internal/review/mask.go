package review

import (
	"slices"
	"strings"
)

// masker hides secret values wherever they appear in what a review shows:
// property values the engine did not know to be secret (a key a program
// passes in plaintext, which the policy pack flags) and rendered
// on-premises configuration, which carries the keys.
type masker struct {
	// secrets, longest first, so that a secret containing another is
	// masked whole.
	secrets []string
}

// newMasker masks the given secret values; empty ones are ignored.
func newMasker(secrets []string) *masker {
	m := &masker{}
	for _, s := range secrets {
		if s != "" && s != secretShown && !slices.Contains(m.secrets, s) {
			m.secrets = append(m.secrets, s)
		}
	}
	slices.SortFunc(m.secrets, func(a, b string) int { return len(b) - len(a) })
	return m
}

// mask replaces every secret value in s with "[secret]".
func (m *masker) mask(s string) string {
	for _, secret := range m.secrets {
		s = strings.ReplaceAll(s, secret, secretShown)
	}
	return s
}

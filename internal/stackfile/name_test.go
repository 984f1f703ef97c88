package stackfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Stack names are checked before they become part of a path: Pulumi's
// rules, and no name of dots only. Read refuses them before it reads.
func TestStackNames(t *testing.T) {
	dir := t.TempDir()
	// A file a bad name would reach if it were joined into the path.
	if err := os.WriteFile(filepath.Join(dir, "Pulumi...yaml"), []byte("config: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"dev", "prod", "dev-2", "team_a.dev", "a.b.c", strings.Repeat("x", 100)} {
		if err := CheckName(name); err != nil {
			t.Errorf("CheckName(%q): %v", name, err)
		}
	}
	for _, name := range []string{"", ".", "..", "...", "../dev", "a/b", "/etc/passwd", `a\b`, "dev prod", "dév", strings.Repeat("x", 101), "dev\x00"} {
		err := CheckName(name)
		if err == nil {
			t.Errorf("CheckName(%q) accepted it", name)
			continue
		}
		if !strings.Contains(err.Error(), "stack name") {
			t.Errorf("CheckName(%q): %v, want it to say what is wrong with the stack name", name, err)
		}
		if _, err := Read(dir, name); err == nil || !strings.Contains(err.Error(), "stack name") {
			t.Errorf("Read(%q): %v, want the name refused before any file is read", name, err)
		}
	}
}

// With Pulumi's own rules switched off, a path is still no stack name.
func TestStackNamesWithoutPulumisValidation(t *testing.T) {
	t.Setenv("PULUMI_DISABLE_VALIDATION", "true")
	for _, name := range []string{"..", "../prod", "a/b", `a\b`} {
		if err := CheckName(name); err == nil {
			t.Errorf("CheckName(%q) accepted it", name)
		}
	}
}

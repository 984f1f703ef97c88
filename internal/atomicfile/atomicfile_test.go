package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteIsPrivateAndReplacesWhateverIsThere(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(outside, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A readable file, a symbolic link to a file elsewhere, and a dangling
	// link: each is replaced by a private regular file.
	if err := os.WriteFile(filepath.Join(dir, "existing"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "nowhere"), filepath.Join(dir, "dangling")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"new", "existing", "link", "dangling"} {
		if err := Write(dir, name, []byte("secret "+name)); err != nil {
			t.Fatalf("Write(%s): %v", name, err)
		}
		info, err := os.Lstat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !info.Mode().IsRegular() || info.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want a regular file with 0600", name, info.Mode())
		}
		if b, _ := os.ReadFile(filepath.Join(dir, name)); string(b) != "secret "+name {
			t.Errorf("%s holds %q", name, b)
		}
	}
	if b, _ := os.ReadFile(outside); string(b) != "keep me" {
		t.Errorf("the link's target was written through: %q", b)
	}
	if _, err := os.Lstat(filepath.Join(dir, "nowhere")); err == nil {
		t.Error("the dangling link's target was created")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), TempPrefix) {
			t.Errorf("a temporary file is left: %s", e.Name())
		}
	}
}

func TestWriteRefusesALinkedDirectoryAndBadNames(t *testing.T) {
	real := t.TempDir()
	link := filepath.Join(t.TempDir(), "out")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	err := Write(link, "frr.conf", []byte("x"))
	if err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("Write through a linked directory: %v, want a refusal naming the symbolic link", err)
	}
	if entries, _ := os.ReadDir(real); len(entries) != 0 {
		t.Errorf("the linked directory got %d entries", len(entries))
	}
	for _, name := range []string{"", ".", "..", "a/b", "../x"} {
		if err := Write(real, name, []byte("x")); err == nil {
			t.Errorf("Write(%q) succeeded", name)
		}
	}
}

func TestSweepRemovesOnlyLeftovers(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{TempPrefix + "0123", "state.json"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := Sweep(dir); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "state.json" {
		t.Errorf("after Sweep: %v, want state.json alone", entries)
	}
}

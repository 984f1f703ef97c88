package toolbuild

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestGoBuildFollowsEveryInput builds a small module with GoBuild, changes
// a Go file and then a file it embeds, and checks that each change reaches
// the binary, while an unchanged module keeps its binary and stamp.
func TestGoBuildFollowsEveryInput(t *testing.T) {
	repo := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(repo, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/stamped\n\ngo 1.22\n")
	write("greeting.txt", "hello")
	main := func(prefix string) string {
		return "package main\n\nimport (\n\t_ \"embed\"\n\t\"fmt\"\n)\n\n//go:embed greeting.txt\nvar greeting string\n\nfunc main() { fmt.Print(\"" + prefix + "\" + greeting) }\n"
	}
	write("main.go", main("1:"))
	out := filepath.Join(repo, ".cache", "bin", "stamped")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	build := func(want string) {
		t.Helper()
		if err := GoBuild(ctx, repo, out, "."); err != nil {
			t.Fatal(err)
		}
		got, err := exec.Command(out).Output()
		if err != nil || string(got) != want {
			t.Fatalf("the built binary prints %q (%v), want %q", got, err, want)
		}
	}
	build("1:hello")
	before, err := os.ReadFile(stampPath(out))
	if err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(out)
	build("1:hello")
	after, _ := os.ReadFile(stampPath(out))
	if info2, _ := os.Stat(out); string(before) != string(after) || !info2.ModTime().Equal(info.ModTime()) {
		t.Errorf("an unchanged module changed the binary or its stamp")
	}

	write("main.go", main("2:"))
	build("2:hello")
	write("greeting.txt", "world")
	build("2:world")
}

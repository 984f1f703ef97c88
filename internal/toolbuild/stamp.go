package toolbuild

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// A stamp beside a binary records the digest of what it was built from, so
// that an unchanged binary costs a walk of the module (milliseconds) rather
// than go's own up-to-date check, which hashes every source file of the
// binary's packages (0.4 s on a quiet 2-core machine, 1 s on a loaded one)
// on every sandbox command. Any change makes go decide, which relinks only
// when the binary's own inputs changed.

// stampPath is where the stamp of the binary out lives.
func stampPath(out string) string { return out + ".stamp" }

// inputsDigest digests what go build in the module at repo depends on that
// can change: every file of the module outside hidden directories (path,
// size and modification time; go:embed reads other files than .go), the go
// command and the environment that selects how it builds, and args. The
// modules go.sum pins are immutable.
func inputsDigest(repo string, args ...string) (string, error) {
	h := sha256.New()
	for _, k := range []string{"PATH", "GOROOT", "GOFLAGS", "GOOS", "GOARCH", "CGO_ENABLED", "GOEXPERIMENT", "GOTOOLCHAIN", "GOAMD64", "GOWORK"} {
		fmt.Fprintf(h, "%s=%s\n", k, os.Getenv(k))
	}
	if goCmd, err := exec.LookPath("go"); err == nil {
		if info, err := os.Stat(goCmd); err == nil {
			fmt.Fprintf(h, "go %s %d %d\n", goCmd, info.Size(), info.ModTime().UnixNano())
		}
	}
	fmt.Fprintf(h, "args %q\n", args)
	err := filepath.WalkDir(repo, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != repo && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d %d %s\n", path, info.Size(), info.ModTime().UnixNano(), info.Mode())
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

// stamped reports whether out exists and was built from inputs digest.
func stamped(out, digest string) bool {
	b, err := os.ReadFile(stampPath(out))
	if err != nil || strings.TrimSpace(string(b)) != digest {
		return false
	}
	_, err = os.Stat(out)
	return err == nil
}

// stamp records that out was built from inputs digest.
func stamp(out, digest string) error {
	tmp := stampPath(out) + ".partial"
	if err := os.WriteFile(tmp, []byte(digest+"\n"), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, stampPath(out))
}

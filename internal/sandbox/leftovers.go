package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// What a killed run leaves in the file backend, and its repair.
//
// Pulumi v3.274.1's file backend stores every object (a checkpoint, its
// .bak, a lock, a history entry) through gocloud.dev's fileblob, which
// Pulumi opens with no_tmp_dir: a write creates <object>.<hex>.tmp beside
// the object and writes it, truncates and rewrites the sidecar
// <object>.attrs in place, then renames the temporary file onto the object;
// a delete removes the object, then its sidecar. A run killed between two
// of those steps can leave (the tests drive a kill before each step,
// tests/killed_test.go):
//
//   - a temporary file, empty, cut short or whole. Listings return it as an
//     object: in the stack's lock directory the CLI takes it for another
//     run's lock and fails reading it, so every later run is refused; beside
//     the checkpoint of a stack not yet created it looked like the stack.
//   - a sidecar cut short (empty after its truncation): every read of its
//     object then fails ("failed to load checkpoint: EOF"). A missing
//     sidecar reads as default metadata, so removing a torn one loses
//     nothing.
//   - a sidecar whose object is gone or not yet renamed: listings skip
//     sidecars and the next write rewrites it, so it is left alone.
//
// Every object of a stack is written by a run that holds the stack's lock,
// or, for the lock itself, is taking it; so once no live run holds the lock,
// a temporary file there is a dead writer's — provided no run can take the
// lock meanwhile. The sandbox's own backend has that guarantee: every
// hybridlink run on it holds the sandbox's run lock first, so the sandbox
// repairs it. A file backend the operator names may be shared (another
// state directory, a network file system) with runs that take no run lock
// here, so there the leftovers are named and left to the operator. A
// Pulumi CLI run outside hybridlink on the sandbox's backend (`localcloud
// serve`'s environment), taking its lock at that very instant, would see its
// lock's write fail and could run again.

// tempFile matches fileblob's temporary files: the object's name, a dot,
// the creation time in hexadecimal nanoseconds, ".tmp".
var tempFile = regexp.MustCompile(`\.[0-9a-f]+\.tmp$`)

// stackPlaces are the file backend's paths that hold one stack's objects:
// its checkpoint (with its encodings and .bak), lock directories, history
// and backups.
func stackPlaces(backend, stack string) []string {
	meta := filepath.Join(backend, ".pulumi")
	places, _ := filepath.Glob(filepath.Join(meta, "stacks", projectName, stack+".json*"))
	locks, _ := filepath.Glob(filepath.Join(meta, "locks", "*", projectName, stack))
	places = append(places, locks...)
	return append(places, filepath.Join(meta, "history", projectName, stack), filepath.Join(meta, "backups", projectName, stack))
}

// leftoverFile is a file a killed run left in the backend, and why it is
// one.
type leftoverFile struct{ path, why string }

func (l leftoverFile) String() string { return l.path + " (" + l.why + ")" }

// findLeftovers lists the temporary files and torn sidecars a killed run
// left among the stack's objects.
func findLeftovers(backend, stack string) ([]leftoverFile, error) {
	var out []leftoverFile
	for _, place := range stackPlaces(backend, stack) {
		err := filepath.WalkDir(place, func(path string, d fs.DirEntry, err error) error {
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return nil
			case err != nil:
				return err
			case d.IsDir():
				return nil
			}
			why, err := leftover(path)
			if why != "" {
				out = append(out, leftoverFile{path, why})
			}
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("sandbox: looking for what a killed run left in the backend: %w", err)
		}
	}
	return out, nil
}

// removeLeftovers removes them, saying so on log. Only for a stack no live
// run holds, on a backend no run can lock meanwhile.
func removeLeftovers(files []leftoverFile, log io.Writer) error {
	for _, f := range files {
		fmt.Fprintf(log, "sandbox: removing %s, %s\n", f.path, f.why)
		if err := os.Remove(f.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("sandbox: removing what a killed run left in the backend: %w", err)
		}
	}
	return nil
}

// leftover says why a file of the backend is a dead writer's, or "".
func leftover(path string) (string, error) {
	switch {
	case tempFile.MatchString(path):
		return "the temporary file of a write a killed run did not finish", nil
	case strings.HasSuffix(path, ".attrs"):
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) || err == nil && json.Valid(b) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		return "a metadata file a killed run left half written", nil
	}
	return "", nil
}

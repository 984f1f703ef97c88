package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// removeTornAttrs deletes the metadata sidecars (<object>.attrs) of the
// file backend that a killed run left half written. The backend's blob
// store replaces an object atomically but truncates and rewrites its
// sidecar in place, so a SIGKILL between the two leaves an empty .attrs
// beside an intact checkpoint, and every later Pulumi command then fails
// with "failed to load checkpoint: EOF". A missing sidecar is read as
// default metadata, so removing a torn one loses nothing.
func removeTornAttrs(backend string, log io.Writer) error {
	return filepath.WalkDir(backend, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".attrs") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil || json.Valid(b) {
			return err
		}
		fmt.Fprintf(log, "sandbox: removing %s, a metadata file a killed run left half written\n", path)
		return os.Remove(path)
	})
}

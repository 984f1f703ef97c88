// Package atomicfile writes files that may hold secrets: readable by their
// owner only, replaced atomically, never through a symbolic link, and with no
// temporary file that outlives a crash.
package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// TempPrefix starts the name a file has for the instant between being
// linked into its directory and replacing its target. Only a crash in that
// instant leaves one behind; Sweep removes them.
const TempPrefix = ".atomicfile-"

// Write replaces dir/name with data, mode 0600. dir must be a directory and
// not a symbolic link; a symbolic link at dir/name is replaced, not
// followed. The data is written to an unnamed file in dir (O_TMPFILE), so a
// crash while writing leaves nothing, then synced, named and renamed over
// name, so readers see the old content or the new, never a mix.
func Write(dir, name string, data []byte) error {
	if name == "" || name != filepath.Base(name) || name == "." || name == ".." {
		return fmt.Errorf("write %s: %q is not a file name", dir, name)
	}
	d, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) {
			return fmt.Errorf("write %s: not a directory (a symbolic link is refused): %w", dir, err)
		}
		return fmt.Errorf("write %s: %w", dir, err)
	}
	defer unix.Close(d)
	tmp, err := writeTemp(d, data)
	if err != nil {
		return fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
	}
	if err := unix.Renameat(d, tmp, d, name); err != nil {
		_ = unix.Unlinkat(d, tmp, 0)
		return fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
	}
	return unix.Fsync(d)
}

// writeTemp writes data to a new file in directory d and returns its name.
func writeTemp(d int, data []byte) (string, error) {
	tmp := TempPrefix + randomHex()
	f, err := unix.Openat(d, ".", unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, 0o600)
	unnamed := err == nil
	if !unnamed { // a file system without O_TMPFILE: a named file at once
		if f, err = unix.Openat(d, tmp, unix.O_CREAT|unix.O_EXCL|unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600); err != nil {
			return "", err
		}
	}
	err = writeAll(f, data)
	if err == nil {
		err = unix.Fsync(f)
	}
	if err == nil && unnamed {
		err = unix.Linkat(unix.AT_FDCWD, fmt.Sprintf("/proc/self/fd/%d", f), d, tmp, unix.AT_SYMLINK_FOLLOW)
	}
	if cerr := unix.Close(f); err == nil {
		err = cerr
	}
	if err != nil {
		if !unnamed {
			_ = unix.Unlinkat(d, tmp, 0)
		}
		return "", err
	}
	return tmp, nil
}

func writeAll(f int, data []byte) error {
	for len(data) > 0 {
		n, err := unix.Write(f, data)
		if err != nil {
			if errors.Is(err, unix.EINTR) {
				continue
			}
			return err
		}
		data = data[n:]
	}
	return nil
}

func randomHex() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Sweep removes what a crash in Write's last instant left in dir. Call it
// only while no Write into dir can be running (under the directory's lock).
func Sweep(dir string) error {
	matches, err := filepath.Glob(filepath.Join(dir, TempPrefix+"*"))
	if err != nil {
		return err
	}
	var errs []error
	for _, m := range matches {
		errs = append(errs, unix.Unlink(m))
	}
	return errors.Join(errs...)
}

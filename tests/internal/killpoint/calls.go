package killpoint

import (
	"maps"

	"golang.org/x/sys/unix"
)

// call describes a system call that can change a file: the indices of its
// arguments (-1 where it has none).
type call struct {
	op          string
	fd          int // a file descriptor written to
	dir, path   int // a path, and the directory descriptor it is relative to
	dir2, path2 int // rename's target
	flags       int // open's flags: only O_CREAT or O_TRUNC change a file
}

func fdCall(op string) call {
	return call{op: op, fd: 0, dir: -1, path: -1, dir2: -1, path2: -1, flags: -1}
}

func pathCall(op string, dir, path int) call {
	return call{op: op, fd: -1, dir: dir, path: path, dir2: -1, path2: -1, flags: -1}
}

func openCall(dir, path, flags int) call {
	c := pathCall("create", dir, path)
	c.flags = flags
	return c
}

func renameCall(dir, path, dir2, path2 int) call {
	c := pathCall("rename", dir, path)
	c.dir2, c.path2 = dir2, path2
	return c
}

// fileCalls are the calls that can change a file: those every Linux
// architecture has, and the architecture's own (archCalls).
var fileCalls = func() map[uint64]call {
	m := map[uint64]call{
		unix.SYS_OPENAT:    openCall(0, 1, 2),
		unix.SYS_WRITE:     fdCall("write"),
		unix.SYS_PWRITE64:  fdCall("write"),
		unix.SYS_WRITEV:    fdCall("write"),
		unix.SYS_PWRITEV:   fdCall("write"),
		unix.SYS_PWRITEV2:  fdCall("write"),
		unix.SYS_FTRUNCATE: fdCall("truncate"),
		unix.SYS_TRUNCATE:  pathCall("truncate", -1, 0),
		unix.SYS_RENAMEAT:  renameCall(0, 1, 2, 3),
		unix.SYS_RENAMEAT2: renameCall(0, 1, 2, 3),
		unix.SYS_UNLINKAT:  pathCall("remove", 0, 1),
		unix.SYS_MKDIRAT:   pathCall("mkdir", 0, 1),
	}
	maps.Copy(m, archCalls)
	return m
}()

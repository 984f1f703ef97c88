package killpoint

import "golang.org/x/sys/unix"

const auditArch = unix.AUDIT_ARCH_X86_64

// archCalls are amd64's calls without a directory descriptor.
var archCalls = map[uint64]call{
	unix.SYS_OPEN:   openCall(-1, 0, 1),
	unix.SYS_CREAT:  pathCall("create", -1, 0),
	unix.SYS_RENAME: renameCall(-1, 0, -1, 1),
	unix.SYS_UNLINK: pathCall("remove", -1, 0),
	unix.SYS_RMDIR:  pathCall("remove", -1, 0),
	unix.SYS_MKDIR:  pathCall("mkdir", -1, 0),
}

// registers reads a stopped task's system call number and arguments.
func registers(tid int) (uint64, [6]uint64, error) {
	var r unix.PtraceRegs
	if err := unix.PtraceGetRegs(tid, &r); err != nil {
		return 0, [6]uint64{}, err
	}
	return r.Orig_rax, [6]uint64{r.Rdi, r.Rsi, r.Rdx, r.R10, r.R8, r.R9}, nil
}

package killpoint

import "golang.org/x/sys/unix"

const auditArch = unix.AUDIT_ARCH_AARCH64

// archCalls: arm64 has only the calls with a directory descriptor.
var archCalls = map[uint64]call{}

// registers reads a stopped task's system call number (x8) and arguments.
func registers(tid int) (uint64, [6]uint64, error) {
	var r unix.PtraceRegsArm64
	if err := unix.PtraceGetRegSetArm64(tid, unix.NT_PRSTATUS, &r); err != nil {
		return 0, [6]uint64{}, err
	}
	return r.Regs[8], [6]uint64{r.Regs[0], r.Regs[1], r.Regs[2], r.Regs[3], r.Regs[4], r.Regs[5]}, nil
}

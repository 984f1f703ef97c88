package sandbox

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// userHZ is the unit of /proc's process times: fixed at 100 per second in
// the kernel's ABI on every architecture Go supports on Linux.
const userHZ = 100

// processAlive reports whether pid is a running process that already ran at
// since. A zombie, a pid that does not exist, and a pid the kernel has
// reused for a process started later are not the process that took a lock
// at since. When /proc cannot tell, it answers true: a live lock is never
// cancelled.
func processAlive(pid int, since time.Time) bool {
	if pid <= 0 {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if errors.Is(err, os.ErrNotExist) {
		return false
	}
	if err != nil {
		return true
	}
	// The command name (field 2) may hold spaces; the fields after it
	// start with the state (3); the start time is field 22.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return true
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 20 {
		return true
	}
	if f[0] == "Z" || f[0] == "X" {
		return false
	}
	ticks, err := strconv.ParseInt(f[19], 10, 64)
	boot, ok := bootTime()
	if err != nil || !ok {
		return true
	}
	started := boot.Add(time.Duration(ticks) * time.Second / userHZ)
	// Boot time has a resolution of a second.
	return !started.After(since.Add(2 * time.Second))
}

// bootTime reads the system's boot time from /proc/stat.
func bootTime() (time.Time, bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return time.Time{}, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "btime "); ok {
			s, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return time.Unix(s, 0), err == nil
		}
	}
	return time.Time{}, false
}

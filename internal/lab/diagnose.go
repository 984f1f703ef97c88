package lab

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// redact keeps the keys out of errors: a daemon's complaint may quote the
// configuration line that holds one.
func (l *lab) redact(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, secret := range []string{l.stack.PSK, l.site.BGPAuthKey} {
		if secret != "" && strings.Contains(msg, secret) {
			msg = strings.ReplaceAll(msg, secret, "[secret]")
		}
	}
	if msg == err.Error() {
		return err
	}
	return errors.New(msg)
}

// md5Watch returns a check for waitEstablished that reports TCP segments
// with a bad or missing MD5 signature on either end of the circuit: the BGP
// keys differ, and the session cannot come up. It judges only segments
// counted after a grace period, since a connection attempt made while FRR
// is still applying its configuration (the neighbor before its key) counts
// too.
func (l *lab) md5Watch(ctx context.Context, ct circuit) func() error {
	const grace = 2 * time.Second
	start := time.Now()
	var baseline map[ns]int
	return func() error {
		if time.Since(start) < grace {
			return nil
		}
		counts := map[ns]int{}
		for _, n := range []ns{ct.VBR, l.t.GW} {
			out, err := n.exec(ctx, "", "cat", "/proc/net/netstat")
			if err != nil {
				return err
			}
			counts[n] = md5Failures(out)
		}
		if baseline == nil {
			baseline = counts
			return nil
		}
		var why []string
		for _, n := range []ns{ct.VBR, l.t.GW} {
			if c := counts[n] - baseline[n]; c > 0 {
				why = append(why, fmt.Sprintf("%d TCP segment(s) with a bad or missing MD5 signature arrived in %s", c, n))
			}
		}
		if len(why) == 0 {
			return nil
		}
		return fmt.Errorf("BGP between the on-premises gateway %s and the VBR %s cannot come up: %s — the BGP MD5 key in the gateway's frr.conf (neighbor %s password) does not match the VBR's, the stack's hybridlink:bgpAuthKey",
			ct.PeeringIP, ct.VBRIP, strings.Join(why, "; "), ct.VBRIP)
	}
}

// md5Failures reads TcpExt's TCPMD5Failure (a signature made with another
// key) and TCPMD5NotFound (no signature where one is expected) counters.
// (TCPMD5Unexpected, a signature where none is expected, cannot come from
// two different keys.)
func md5Failures(netstat string) int {
	lines := strings.Split(netstat, "\n")
	total := 0
	for i := 0; i+1 < len(lines); i += 2 {
		keys, vals := strings.Fields(lines[i]), strings.Fields(lines[i+1])
		if len(keys) == 0 || keys[0] != "TcpExt:" || len(vals) != len(keys) {
			continue
		}
		for j, k := range keys {
			if slices.Contains([]string{"TCPMD5Failure", "TCPMD5NotFound"}, k) {
				var v int
				fmt.Sscan(vals[j], &v)
				total += v
			}
		}
	}
	return total
}

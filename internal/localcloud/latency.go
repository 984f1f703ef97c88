package localcloud

import (
	"fmt"
	"os"
	"time"
)

// LatencyEnv names the environment variable that makes every create, update
// and delete of the local cloud take that long (a Go duration, e.g. 300ms),
// as the real API's do: Alibaba Cloud accepts the request at once and the
// provider then waits for the object to become available (a VPN gateway
// takes minutes). The change is made first and the wait comes after, so an
// engine interrupted during the wait leaves what a real one leaves: an
// object in the cloud that its state does not record. It exists to rehearse
// Ctrl-C and killed runs.
const LatencyEnv = "HYBRIDLINK_CLOUD_LATENCY"

// LatencyFromEnv reads LatencyEnv; unset means none.
func LatencyFromEnv() (time.Duration, error) {
	s := os.Getenv(LatencyEnv)
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 || d > time.Minute {
		return 0, fmt.Errorf("%s=%q: want a duration from 0 to 1m, e.g. 300ms", LatencyEnv, s)
	}
	return d, nil
}

// wait is the time the API takes to finish a change (see LatencyEnv).
func (c *Cloud) wait() { time.Sleep(c.Latency) }

// Package measure holds what the bench commands share: the summary of a
// series of timings and the machine's load while they were taken.
package measure

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Median is the median of ds.
func Median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

// Seconds formats d as seconds with two decimals.
func Seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

// Row is a Markdown table row's median, min and max cells of ds.
func Row(ds []time.Duration) string {
	return fmt.Sprintf("%s | %s | %s", Seconds(Median(ds)), Seconds(slices.Min(ds)), Seconds(slices.Max(ds)))
}

// LoadAverage is the 1, 5 and 15-minute load averages ("unknown" off Linux).
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// Start checks a bench's common flags after flag.Parse and returns the
// repository's absolute path and a context that Ctrl-C cancels.
func Start(rounds int, dir string) (repo string, ctx context.Context, stop func(), err error) {
	if rounds < 1 {
		return "", nil, nil, fmt.Errorf("-rounds must be at least 1")
	}
	if repo, err = filepath.Abs(dir); err != nil {
		return "", nil, nil, err
	}
	ctx, stop = signal.NotifyContext(context.Background(), os.Interrupt)
	return repo, ctx, stop, nil
}

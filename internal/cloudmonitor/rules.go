package cloudmonitor

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Values the API accepts in alarm and event rules (SDK v3.105.0 docs of
// cms.Alarm and cms.EventRule).
var (
	ComparisonOperators = []string{">", ">=", "<", "<=", "!=", "==", "GreaterThanYesterday", "LessThanYesterday",
		"GreaterThanLastWeek", "LessThanLastWeek", "GreaterThanLastPeriod", "LessThanLastPeriod"}
	EventLevels     = []string{"CRITICAL", "WARN", "INFO", "*"}
	EventTypes      = []string{"StatusNotification", "Exception", "Maintenance", "*"}
	EventRuleStates = []string{"ENABLED", "DISABLED"}
)

// Alarm silence: how long a firing alarm stays quiet before it notifies
// again.
const (
	SilenceMinSecs     = 300
	SilenceMaxSecs     = 86400
	SilenceDefaultSecs = 86400
)

// Alarm states as DescribeMetricRuleList reports them.
const (
	StateOK     = "OK"
	StateAlarm  = "ALARM"
	StateNoData = "INSUFFICIENT_DATA"
)

// Defaults of an alarm: the period of the metric it reads, and how many
// periods in a row an escalation's condition must hold before it fires.
const (
	DefaultPeriodSecs = 300
	DefaultTimes      = 3
)

// CheckSilence checks an alarm's silence time.
func CheckSilence(secs int) error {
	if secs < SilenceMinSecs || secs > SilenceMaxSecs {
		return fmt.Errorf("silence time %d s is out of range %d–%d s", secs, SilenceMinSecs, SilenceMaxSecs)
	}
	return nil
}

// Dimensions renders the metricDimensions JSON of an alarm on one resource:
// a list with one object of dimension key to value.
func Dimensions(dims map[string]string) string {
	b, _ := json.Marshal([]map[string]string{dims}) // a map of strings always marshals
	return string(b)
}

// ParseDimensions parses metricDimensions and checks its keys against the
// metric's: every documented key given, no other than userId.
func ParseDimensions(m Metric, s string) ([]map[string]string, error) {
	var dims []map[string]string
	if err := json.Unmarshal([]byte(s), &dims); err != nil {
		return nil, fmt.Errorf("metric dimensions %q are not a JSON list of objects of strings: %v", s, err)
	}
	if len(dims) == 0 {
		return nil, fmt.Errorf("metric dimensions %q name no resource", s)
	}
	for _, d := range dims {
		for k := range d {
			if k != "userId" && !slices.Contains(m.Dimensions, k) {
				return nil, fmt.Errorf("dimension %q is not one of %s's (%s)", k, m.Name, strings.Join(m.Dimensions, ", "))
			}
		}
		for _, k := range m.Dimensions {
			if d[k] == "" {
				return nil, fmt.Errorf("dimension %q of %s is missing", k, m.Name)
			}
		}
	}
	return dims, nil
}

// Compare applies a comparison operator to a value and a threshold; the
// operators that compare with an earlier period have no earlier value here
// and never hold.
func Compare(op string, value float64, threshold string) (bool, error) {
	t, err := strconv.ParseFloat(threshold, 64)
	if err != nil {
		return false, fmt.Errorf("threshold %q is not a number", threshold)
	}
	switch op {
	case ">":
		return value > t, nil
	case ">=":
		return value >= t, nil
	case "<":
		return value < t, nil
	case "<=":
		return value <= t, nil
	case "!=":
		return value != t, nil
	case "==":
		return value == t, nil
	}
	if slices.Contains(ComparisonOperators, op) {
		return false, nil
	}
	return false, fmt.Errorf("comparison operator %q is not one of %s", op, strings.Join(ComparisonOperators, ", "))
}

// hybridlink's defaults for the standby path's alarms. A circuit whose
// health check loses a tenth of its probes for three minutes is failing;
// an hour of silence re-pages a failure nobody has fixed.
const (
	DefaultLossRatePercent = 10
	DefaultLatencyMs       = 100
	DefaultSilenceSecs     = 3600
	LatencyMaxMs           = 10000
)

var contactGroupName = regexp.MustCompile(`^[\p{L}\p{N}_.\-]{1,128}$`)

// CheckContactGroupName checks an alarm contact group's name.
func CheckContactGroupName(name string) error {
	if !contactGroupName.MatchString(name) {
		return fmt.Errorf("%q is not 1–128 letters, digits, '_', '-' or '.'", name)
	}
	return nil
}

// CheckWebhook accepts the http and https URLs an alarm or event rule can
// call.
func CheckWebhook(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("is not an http or https URL (the value is not shown: it may carry a token)")
	}
	return nil
}

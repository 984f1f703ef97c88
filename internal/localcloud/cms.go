package localcloud

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/hybridlink/hybridlink/internal/cloudmonitor"
)

// CloudMonitor: alarm contact groups, threshold alarms on a metric and
// rules on system events. Alarms and event rules name their contact groups,
// which must exist ("which must have been created", says the SDK).

func checkContactGroup(c *checker) {
	if n, ok := c.str("alarmContactGroupName"); ok {
		c.check("alarmContactGroupName", cloudmonitor.CheckContactGroupName(n))
	}
}

func contactGroupOutputs(b *builder) {
	b.def("enableSubscribed", flag(false))
	b.def("describe", str(""))
	b.def("contacts", resource.NewArrayProperty([]resource.PropertyValue{}))
}

// escalationLevels are an alarm's levels, by input property.
var escalationLevels = []string{"escalationsCritical", "escalationsWarn", "escalationsInfo"}

var effectiveInterval = regexp.MustCompile(`^([01]?\d|2[0-3]):[0-5]\d-([01]?\d|2[0-3]):[0-5]\d$`)

func checkAlarm(c *checker) {
	ns, nsOK := c.str("project")
	name, nameOK := c.str("metric")
	var metric cloudmonitor.Metric
	known := false
	if nsOK && nameOK {
		var err error
		if metric, err = cloudmonitor.LookupMetric(ns, name); err != nil {
			prop, code := "metric", "InvalidMetric.NotFound"
			if !slices.Contains(cloudmonitor.Namespaces(), ns) {
				prop, code = "project", "InvalidProject.NotFound"
			}
			c.fail(prop, code, "%v", err)
		} else {
			known = true
		}
	}
	if dims, ok := c.str("metricDimensions"); ok && known {
		if _, err := cloudmonitor.ParseDimensions(metric, dims); err != nil {
			c.check("metricDimensions", err)
		}
	} else if !c.isSet("metricDimensions") {
		c.fail("metricDimensions", "MissingParameter", "give metricDimensions: the resources the alarm watches")
	}
	if p, ok := c.integer("period"); ok && known {
		c.check("period", cloudmonitor.CheckPeriod(metric, int(p)))
	}
	if s, ok := c.integer("silenceTime"); ok {
		c.check("silenceTime", cloudmonitor.CheckSilence(int(s)))
	}
	if v, ok := c.str("effectiveInterval"); ok && !effectiveInterval.MatchString(v) {
		c.check("effectiveInterval", fmt.Errorf("%q is not of the form hh:mm-hh:mm", v))
	}
	if v, ok := c.str("webhook"); ok {
		c.check("webhook", cloudmonitor.CheckWebhook(v))
	}
	levels := 0
	for _, lvl := range escalationLevels {
		if !c.isSet(lvl) {
			continue
		}
		levels++
		if known {
			c.oneOf(lvl+".statistics", "statistics of "+metric.Name, metric.Statistics)
		}
		if t, ok := c.str(lvl + ".threshold"); ok {
			if _, err := cloudmonitor.Compare(">", 0, t); err != nil {
				c.check(lvl+".threshold", err)
			}
		}
		c.between(lvl+".times", "times", 1, 100)
	}
	if levels == 0 {
		c.fail("escalationsCritical", "MissingParameter", "give at least one of escalationsCritical, escalationsWarn and escalationsInfo")
	}
}

func alarmOutputs(b *builder) {
	b.keep("name", func() resource.PropertyValue { return str(b.id()) })
	if v, ok := b.str("name"); ok {
		b.set("name", str(v))
	}
	b.def("enabled", flag(true))
	b.def("period", num(cloudmonitor.DefaultPeriodSecs))
	b.def("silenceTime", num(cloudmonitor.SilenceDefaultSecs))
	b.def("effectiveInterval", str("00:00-23:59"))
	for _, lvl := range escalationLevels {
		b.def(lvl, resource.NewObjectProperty(resource.PropertyMap{}))
	}
	b.set("status", str(b.st.alarmState(b.out).State))
}

func checkEventRule(c *checker) {
	if p, ok := c.str("eventPattern.product"); ok {
		for _, e := range c.elems("eventPattern.nameLists") {
			if n, ok := c.str(e); ok {
				if err := cloudmonitor.CheckEvent(p, n); err != nil {
					c.fail(e, "InvalidEventName.NotFound", "%v", err)
				}
			}
		}
	}
	for _, e := range c.elems("eventPattern.levelLists") {
		c.oneOf(e, "event level", cloudmonitor.EventLevels)
	}
	for _, e := range c.elems("eventPattern.eventTypeLists") {
		c.oneOf(e, "event type", cloudmonitor.EventTypes)
	}
	for _, w := range c.elems("webhookParameters") {
		if u, ok := c.str(w + ".url"); ok {
			c.check(w+".url", cloudmonitor.CheckWebhook(u))
		}
	}
}

func eventRuleOutputs(b *builder) {
	b.def("status", str("ENABLED"))
	b.def("description", str(""))
}

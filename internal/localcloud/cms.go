package localcloud

import (
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/hybridlink/hybridlink/internal/cloudmonitor"
)

// CloudMonitor: alarm contact groups, threshold alarms on a metric and
// rules on system events. Alarms and event rules name their contact groups,
// which must exist ("which must have been created", says the SDK). The
// contact group has no rule beyond the provider's schema.

func contactGroupOutputs(b *builder) {
	b.def("enableSubscribed", flag(false))
	b.def("describe", str(""))
	b.def("contacts", resource.NewArrayProperty([]resource.PropertyValue{}))
}

// escalationLevels are an alarm's levels, by input property.
var escalationLevels = []string{"escalationsCritical", "escalationsWarn", "escalationsInfo"}

// checkAlarm: the namespace, metric, dimensions and statistics are the
// metric's (the CloudMonitor metrics reference, cloudmonitor's catalog);
// the resources and at least one escalation are given
// (docPutResourceMetricRule).
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
	} else if !c.isSet("metricDimensions") && !c.isSet("dimensions") {
		c.fail("metricDimensions", "MissingParameter", "give metricDimensions: the resources the alarm watches")
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

// checkEventRule: the event names are the product's documented system
// events (cloudmonitor's catalog); levels and types are the documented
// values (docPutEventRule).
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
}

func eventRuleOutputs(b *builder) {
	b.def("status", str("ENABLED"))
	b.def("description", str(""))
	if b.old != nil {
		b.keepTargets("contactParameters", "contactParametersId")
		b.keepTargets("webhookParameters", "webhookParametersId")
	}
}

// keepTargets keeps, at Update, an event rule's targets of one kind that
// the new inputs drop. The provider's Update sends the targets with
// PutEventRuleTargets, which adds or modifies them (docPutEventRuleTargets),
// and never calls DeleteEventRuleTargets (resource_alicloud_cms_event_rule.go):
// a dropped target stays on the rule, and the next read reports it again.
// A new target modifies the old one with its ID; one without an ID is
// added, unless it is the same as an old one.
func (b *builder) keepTargets(key, idKey string) {
	items := func(m resource.PropertyMap) []resource.PropertyValue {
		v := m[resource.PropertyKey(key)]
		if v.IsSecret() {
			v = v.SecretValue().Element
		}
		if !v.IsArray() {
			return nil
		}
		return v.ArrayValue()
	}
	// same reports whether a new target is an old one, or modifies it.
	same := func(n, o resource.PropertyValue) bool {
		n, o = reveal(n), reveal(o)
		if n.DeepEquals(o) {
			return true
		}
		if !n.IsObject() || !o.IsObject() {
			return false
		}
		id := field(n.ObjectValue(), idKey)
		return id != "" && id == field(o.ObjectValue(), idKey)
	}
	news := items(b.out)
	out := slices.Clone(news)
	for _, old := range items(b.old) {
		if !slices.ContainsFunc(news, func(n resource.PropertyValue) bool { return same(n, old) }) {
			out = append(out, old)
		}
	}
	if len(out) > len(news) {
		b.set(key, resource.NewArrayProperty(out))
	}
}

// Package cloudmonitor is hybridlink's catalog of the CloudMonitor signals
// that show the state of a hybrid connection's links — metric namespaces,
// metric names, dimensions and units, system events — and of the rules the
// CloudMonitor API applies to alarm and event rules. The standby-monitoring
// component builds its alarms from it and the local cloud validates and
// evaluates them with it, so both speak of the same signals.
//
// Every entry names the Alibaba Cloud page that documents it (Doc); docs/
// monitoring.md lists them. Only documented signals are here: the local
// cloud rejects any other namespace or metric, as the API rejects unknown
// ones.
package cloudmonitor

import (
	"fmt"
	"slices"
	"strings"
)

// Metric is a CloudMonitor metric of one namespace.
type Metric struct {
	Namespace, Name, Unit string
	// Dimensions are the documented dimension keys that pick one resource
	// (userId, the account, is implied and never required).
	Dimensions []string
	// Statistics are the documented statistics; alarms compare one of them.
	Statistics []string
	// PeriodSecs is the documented period: how often the metric is reported.
	PeriodSecs int
	Doc        string
}

// The pages the catalog cites.
const (
	// Lists the acs_cen metrics of a VBR attached to a transit router
	// (VBRHealthyCheckLatency in ms, VBRHealthyCheckLossRate in %, dimensions
	// cenId and vbrInstanceId) and the 60 s period.
	// (The CloudMonitor metrics reference, which the SDK's cms.Alarm docs
	// link; the CEN page lists the same VBR connection metrics.)
	docCENMetrics = "https://www.alibabacloud.com/help/doc-detail/28619.htm (Cloud Enterprise Network); https://www.alibabacloud.com/help/en/cen/user-guide/monitor-inter-region-connections"
	// Lists the acs_physical_connection metrics of a VBR (VbrHealthyCheckLatency
	// in µs, VbrHealthyCheckLossRate in %, dimension instanceId).
	docExpressConnectMetrics = "https://www.alibabacloud.com/help/doc-detail/28619.htm (Express Connect - VBR)"
	// The IPsec-VPN system events and their levels; the event names are the
	// type suffixes of https://www.alibabacloud.com/help/en/eventbridge/user-guide/vpn-gateway-events.
	docVPNEvents = "https://www.alibabacloud.com/help/en/vpn/sub-product-ipsec-vpn/user-guide/monitor-system-events-of-a-vpn-gateway"
)

// The metrics of the standby path.
var (
	// CENVBRLossRate is the loss rate of the CEN health check of a VBR: it
	// reaches 100 % when the circuit is down.
	CENVBRLossRate = Metric{Namespace: "acs_cen", Name: "VBRHealthyCheckLossRate", Unit: "%",
		Dimensions: []string{"cenId", "vbrInstanceId"}, Statistics: []string{"Value"}, PeriodSecs: 60, Doc: docCENMetrics}
	// CENVBRLatency is the round-trip time of the CEN health check of a VBR;
	// it has no data while the circuit is down.
	CENVBRLatency = Metric{Namespace: "acs_cen", Name: "VBRHealthyCheckLatency", Unit: "ms",
		Dimensions: []string{"cenId", "vbrInstanceId"}, Statistics: []string{"Value"}, PeriodSecs: 60, Doc: docCENMetrics}
	// VBRLossRate and VBRLatency are Express Connect's own VBR health check
	// (configured on the VBR, not in CEN); hybridlink does not alarm on them
	// but accepts alarms that do.
	VBRLossRate = Metric{Namespace: "acs_physical_connection", Name: "VbrHealthyCheckLossRate", Unit: "%",
		Dimensions: []string{"instanceId"}, Statistics: []string{"Value"}, PeriodSecs: 60, Doc: docExpressConnectMetrics}
	VBRLatency = Metric{Namespace: "acs_physical_connection", Name: "VbrHealthyCheckLatency", Unit: "µs",
		Dimensions: []string{"instanceId"}, Statistics: []string{"Value"}, PeriodSecs: 60, Doc: docExpressConnectMetrics}
)

// Metrics is every metric of the catalog.
var Metrics = []Metric{CENVBRLossRate, CENVBRLatency, VBRLossRate, VBRLatency}

// LookupMetric finds a metric, or says what is unknown: the namespace, or
// the metric in a known namespace.
func LookupMetric(namespace, name string) (Metric, error) {
	var names []string
	for _, m := range Metrics {
		if m.Namespace != namespace {
			continue
		}
		if m.Name == name {
			return m, nil
		}
		names = append(names, m.Name)
	}
	if names == nil {
		return Metric{}, fmt.Errorf("namespace %q is unknown; known: %s", namespace, strings.Join(Namespaces(), ", "))
	}
	return Metric{}, fmt.Errorf("metric %q is unknown in namespace %s; known: %s", name, namespace, strings.Join(names, ", "))
}

// Namespaces are the catalog's namespaces, sorted.
func Namespaces() []string {
	var out []string
	for _, m := range Metrics {
		if !slices.Contains(out, m.Namespace) {
			out = append(out, m.Namespace)
		}
	}
	slices.Sort(out)
	return out
}

// Event is a system event of one product.
type Event struct {
	Product, Name string
	// Level is the event's level: CRITICAL, WARN or INFO.
	Level string
	Doc   string
}

// The IPsec-VPN system events. CloudMonitor raises them on a change of
// state only: a health check that never succeeded raises nothing.
var (
	IPsecHealthCheckFailed  = Event{Product: "VPN", Name: "IpsecHealthCheckFailed", Level: "WARN", Doc: docVPNEvents}
	IPsecHealthCheckSuccess = Event{Product: "VPN", Name: "IpsecHealthCheckSuccess", Level: "INFO", Doc: docVPNEvents}
	IPsecPhase1NegoFailed   = Event{Product: "VPN", Name: "IpsecPhase1NegoFailed", Level: "WARN", Doc: docVPNEvents}
	IPsecPhase1NegoSuccess  = Event{Product: "VPN", Name: "IpsecPhase1NegoSuccess", Level: "INFO", Doc: docVPNEvents}
	IPsecPhase2NegoFailed   = Event{Product: "VPN", Name: "IpsecPhase2NegoFailed", Level: "WARN", Doc: docVPNEvents}
	IPsecPhase2NegoSuccess  = Event{Product: "VPN", Name: "IpsecPhase2NegoSuccess", Level: "INFO", Doc: docVPNEvents}
)

// Events is every event of the catalog.
var Events = []Event{IPsecHealthCheckFailed, IPsecHealthCheckSuccess, IPsecPhase1NegoFailed, IPsecPhase1NegoSuccess,
	IPsecPhase2NegoFailed, IPsecPhase2NegoSuccess}

// CheckEvent checks that a product has an event of that name.
func CheckEvent(product, name string) error {
	var names []string
	for _, e := range Events {
		if strings.EqualFold(e.Product, product) {
			if e.Name == name {
				return nil
			}
			names = append(names, e.Name)
		}
	}
	if names == nil {
		return fmt.Errorf("product %q has no system event hybridlink knows; known: VPN", product)
	}
	return fmt.Errorf("event %q is not a %s system event; known: %s", name, product, strings.Join(names, ", "))
}

// Is reports whether m and o are the same metric.
func (m Metric) Is(o Metric) bool { return m.Namespace == o.Namespace && m.Name == o.Name }

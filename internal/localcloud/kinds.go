package localcloud

import (
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/hybridlink/hybridlink/internal/alicloudspec"
	"github.com/hybridlink/hybridlink/internal/inventory"
)

// kind is what the local cloud knows about one resource type: the real
// provider's rules (spec, extracted from terraform-provider-alicloud
// v1.285.0) and what the API does beyond them, which it imitates.
type kind struct {
	name string // the API's name for the object, used in error codes ("VSwitch")
	// prefix of the IDs the API generates for the object ("vsw"); empty when
	// its ID only joins other IDs. global: the ID has no region code.
	prefix string
	global bool
	// providerID: the provider names the object with its own unique ID
	// (an alarm rule: terraform-<UTC time><counter>), not the API.
	providerID bool

	// spec is the real provider's rules for the type (the extract).
	spec    *alicloudspec.Resource
	secrets []string // output paths always returned as secrets
	refs    []ref    // properties that name other objects

	validate func(*checker) // the API's value rules (see checker); nil: none
	outputs  func(*builder) // computed outputs on top of the inputs; nil: none
	id       *composite     // nil: the generated ID
	// creates returns objects the API creates along with this one and
	// deletes with it (a transit router's system route table).
	creates func(*builder, *record) []*record
	// retain reports that Delete leaves the object in the cloud: the
	// provider only forgets it (Subscription VPN gateways run until expiry).
	retain func(inventory.Resource) bool
	// undeletable says why the API refuses to delete the object in its
	// current state ("" when it does not).
	undeletable func(*record) string
	// cascade: when the input forceDelete is true, Delete also deletes the
	// dependents of these types instead of refusing.
	cascade []tokens.Type
	// settle moves the object's state with time; it runs before every
	// operation and after the object is created or updated.
	settle func(*state, *record)
	// internal kinds are objects the cloud creates itself; the engine
	// cannot manage them.
	internal bool
	// vpcAPI: the VPC API serves the type, whose tag rules apply to its tags.
	vpcAPI bool
}

// ref is a property that names another object: by its ID, or by one of its
// outputs (via) — a transit router is named by transitRouterId, not by its
// composite ID.
type ref struct {
	path string
	to   []tokens.Type
	via  string
}

// trRouteTable is a transit router's route table. The engine never manages
// one (hybridlink reads the System table with the invoke), so the token is
// only the store's.
const trRouteTable tokens.Type = "alicloud:cen/transitRouterRouteTable:TransitRouterRouteTable"

func refTo(path string, to ...tokens.Type) ref { return ref{path: path, to: to} }

// kinds is the table of every resource type the local cloud serves. It is
// filled in init because the rules it holds look kinds up in turn.
var kinds map[tokens.Type]*kind

func init() {
	kinds = map[tokens.Type]*kind{
		inventory.VPC: {
			name: "Vpc", prefix: "vpc",
			validate: checkVPC, outputs: vpcOutputs,
		},
		inventory.VSwitch: {
			name: "VSwitch", prefix: "vsw",
			refs:     []ref{refTo("vpcId", inventory.VPC)},
			validate: checkVSwitch, outputs: vswitchOutputs,
		},
		inventory.VBR: {
			name: "VirtualBorderRouter", prefix: "vbr",
			validate: checkVBR, outputs: vbrOutputs,
		},
		inventory.BGPGroup: {
			name: "BgpGroup", prefix: "bgpg",
			secrets:  []string{"authKey"},
			refs:     []ref{refTo("routerId", inventory.VBR)},
			validate: checkBGPGroup, outputs: bgpGroupOutputs,
		},
		inventory.BGPPeer: {
			name: "BgpPeer", prefix: "bgp",
			refs:     []ref{refTo("bgpGroupId", inventory.BGPGroup)},
			validate: checkBGPPeer, outputs: bgpPeerOutputs,
		},
		inventory.VPNGateway: {
			name: "VpnGateway", prefix: "vpn",
			refs: []ref{refTo("vpcId", inventory.VPC), refTo("vswitchId", inventory.VSwitch),
				refTo("disasterRecoveryVswitchId", inventory.VSwitch)},
			validate: checkVPNGateway, outputs: vpnGatewayOutputs,
			retain: func(r inventory.Resource) bool {
				pay, _ := r.String("paymentType")
				return pay == "Subscription"
			},
		},
		inventory.CustomerGateway: {
			name: "CustomerGateway", prefix: "cgw",
			validate: checkCustomerGateway, outputs: customerGatewayOutputs,
		},
		inventory.VPNConnection: {
			name: "VpnConnection", prefix: "vco",
			secrets: []string{"ikeConfig.psk", "tunnelOptionsSpecifications[*].tunnelIkeConfig.psk"},
			refs: []ref{refTo("vpnGatewayId", inventory.VPNGateway), refTo("customerGatewayId", inventory.CustomerGateway),
				refTo("tunnelOptionsSpecifications[*].customerGatewayId", inventory.CustomerGateway)},
			validate: checkVPNConnection, outputs: vpnConnectionOutputs,
		},
		inventory.VPNRouteEntry: {
			name:     "VpnRouteEntry",
			refs:     []ref{refTo("vpnGatewayId", inventory.VPNGateway), refTo("nextHop", inventory.VPNConnection)},
			validate: checkVPNRouteEntry, outputs: vpnRouteEntryOutputs,
			id: joinInputs("vpnGatewayId", "nextHop", "routeDest"),
		},
		inventory.CEN: {
			name: "Cen", prefix: "cen", global: true,
			validate: checkCEN, outputs: cenOutputs,
		},
		inventory.TransitRouter: {
			name: "TransitRouter", prefix: "tr",
			refs:     []ref{refTo("cenId", inventory.CEN)},
			validate: checkTransitRouter, outputs: transitRouterOutputs,
			id:      joinOutputs("cenId", "transitRouterId"),
			creates: systemRouteTable,
		},
		inventory.TRVPCAttachment: {
			name: "TransitRouterVpcAttachment", prefix: "tr-attach", global: true,
			refs: []ref{refTo("vpcId", inventory.VPC), refTo("cenId", inventory.CEN), trRef,
				refTo("zoneMappings[*].vswitchId", inventory.VSwitch)},
			validate: checkVPCAttachment, outputs: vpcAttachmentOutputs,
			// The provider's ID is <cen_id>:<attachment_id> although its docs
			// import by the attachment ID alone.
			id:      joinOutputs("cenId", "transitRouterAttachmentId"),
			cascade: []tokens.Type{inventory.TRAssociation, inventory.TRPropagation},
		},
		inventory.TRVBRAttachment: {
			name: "TransitRouterVbrAttachment", prefix: "tr-attach", global: true,
			refs:     []ref{refTo("vbrId", inventory.VBR), refTo("cenId", inventory.CEN), trRef},
			validate: checkVBRAttachment, outputs: vbrAttachmentOutputs,
			id: joinOutputs("cenId", "transitRouterAttachmentId"),
		},
		inventory.TRAssociation: {
			name:     "TransitRouterRouteTableAssociation",
			refs:     attachmentAndTableRefs,
			validate: checkAssociation, outputs: activeStatus,
			id: joinInputs("transitRouterAttachmentId", "transitRouterRouteTableId"),
		},
		// No rule beyond the references: an attachment learns routes into
		// any number of route tables, of any transit router (docRouteLearning).
		inventory.TRPropagation: {
			name:    "TransitRouterRouteTablePropagation",
			refs:    attachmentAndTableRefs,
			outputs: activeStatus,
			// Like the association's: the provider source sets
			// <attachment_id>:<route_table_id>, whatever its import example shows.
			id: joinInputs("transitRouterAttachmentId", "transitRouterRouteTableId"),
		},
		inventory.CENRouteEntry: {
			name:     "CenRouteEntry",
			refs:     []ref{refTo("instanceId", inventory.CEN), {path: "routeTableId", to: []tokens.Type{inventory.VPC}, via: "routeTableId"}},
			validate: checkCENRouteEntry,
			id:       joinInputs("instanceId", "routeTableId", "cidrBlock"),
		},
		inventory.VBRHealthCheck: {
			name:     "VbrHealthCheck",
			refs:     []ref{refTo("cenId", inventory.CEN), refTo("vbrInstanceId", inventory.VBR)},
			validate: checkVBRHealthCheck, outputs: vbrHealthCheckOutputs,
			id: joinInputs("vbrInstanceId", "vbrInstanceRegionId"),
		},
		inventory.RouteMap: {
			name: "CenRouteMap", prefix: "cenrmap", global: true,
			// The match conditions (sourceInstanceIds…) are not references:
			// no docs page says the API checks that they exist.
			refs: []ref{refTo("cenId", inventory.CEN),
				{path: "transitRouterRouteTableId", to: []tokens.Type{trRouteTable}, via: "transitRouterRouteTableId"}},
			validate: checkRouteMap, outputs: routeMapOutputs,
			// The provider sets <cen_id>:<route_map_id>.
			id: joinOutputs("cenId", "routeMapId"),
		},
		inventory.AlarmContactGroup: {
			name:    "AlarmContactGroup",
			outputs: contactGroupOutputs,
			id:      joinInputs("alarmContactGroupName"),
		},
		inventory.Alarm: {
			name:     "MetricRule",
			refs:     []ref{{path: "contactGroups[*]", to: []tokens.Type{inventory.AlarmContactGroup}, via: "alarmContactGroupName"}},
			validate: checkAlarm, outputs: alarmOutputs,
			providerID: true,
		},
		inventory.EventRule: {
			name:     "EventRule",
			refs:     []ref{{path: "contactParameters[*].contactGroupName", to: []tokens.Type{inventory.AlarmContactGroup}, via: "alarmContactGroupName"}},
			validate: checkEventRule, outputs: eventRuleOutputs,
			id: joinInputs("ruleName"),
		},
		inventory.FailoverTestJob: {
			name: "FailoverTestJob", prefix: "ftj",
			validate: checkFailoverTestJob, outputs: failoverTestJobOutputs,
			settle: settleFailoverTestJob, undeletable: failoverTestJobUndeletable,
		},
		// Created by systemRouteTable only.
		trRouteTable: {name: "TransitRouterRouteTable", internal: true, refs: []ref{trRef}},
	}
	for tok, k := range kinds {
		if !k.internal {
			k.spec = providerRules(string(tok))
		}
		k.vpcAPI = slices.Contains([]string{"vpc", "vpn", "expressconnect"}, strings.Split(tok.Module().Name().String(), "/")[0])
	}
}

var (
	trRef                  = ref{path: "transitRouterId", to: []tokens.Type{inventory.TransitRouter}, via: "transitRouterId"}
	attachmentAndTableRefs = []ref{
		{path: "transitRouterAttachmentId", to: []tokens.Type{inventory.TRVPCAttachment, inventory.TRVBRAttachment}, via: "transitRouterAttachmentId"},
		{path: "transitRouterRouteTableId", to: []tokens.Type{trRouteTable}, via: "transitRouterRouteTableId"},
	}
)

// composite is an ID the provider composes, such as
// <vpn_gateway_id>:<next_hop>:<route_dest>: the values of keys, from the
// outputs or the inputs, joined by ':'.
type composite struct {
	fromOutputs bool
	keys        []string
}

func joinInputs(keys ...string) *composite  { return &composite{keys: keys} }
func joinOutputs(keys ...string) *composite { return &composite{fromOutputs: true, keys: keys} }

func (c *composite) of(inputs, outputs resource.PropertyMap) string {
	if c.fromOutputs {
		return join(outputs, c.keys)
	}
	return join(inputs, c.keys)
}

// IDPrefix is the prefix of the IDs the API generates for a resource type
// ("vsw"), if it generates them.
func IDPrefix(t tokens.Type) (string, bool) {
	k, ok := kinds[t]
	if !ok || k.prefix == "" {
		return "", false
	}
	return k.prefix, true
}

// CompositeID is the ID the provider composes for a resource of type t
// from its inputs and outputs, if its IDs are composed.
func CompositeID(t tokens.Type, inputs, outputs resource.PropertyMap) (string, bool) {
	k, ok := kinds[t]
	if !ok || k.id == nil {
		return "", false
	}
	return k.id.of(inputs, outputs), true
}

func join(m resource.PropertyMap, keys []string) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = field(m, k)
	}
	return strings.Join(parts, ":")
}

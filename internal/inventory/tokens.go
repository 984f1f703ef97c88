package inventory

import "github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

// Type tokens of the Alibaba Cloud resources and invoke hybridlink deploys
// (SDK v3.105.0).
const (
	VPC             tokens.Type = "alicloud:vpc/network:Network"
	VSwitch         tokens.Type = "alicloud:vpc/switch:Switch"
	BGPGroup        tokens.Type = "alicloud:vpc/bgpGroup:BgpGroup"
	BGPPeer         tokens.Type = "alicloud:vpc/bgpPeer:BgpPeer"
	VBR             tokens.Type = "alicloud:expressconnect/virtualBorderRouter:VirtualBorderRouter"
	VPNGateway      tokens.Type = "alicloud:vpn/gateway:Gateway"
	CustomerGateway tokens.Type = "alicloud:vpn/customerGateway:CustomerGateway"
	VPNConnection   tokens.Type = "alicloud:vpn/connection:Connection"
	VPNRouteEntry   tokens.Type = "alicloud:vpn/routeEntry:RouteEntry"
	CEN             tokens.Type = "alicloud:cen/instance:Instance"
	TransitRouter   tokens.Type = "alicloud:cen/transitRouter:TransitRouter"
	TRVPCAttachment tokens.Type = "alicloud:cen/transitRouterVpcAttachment:TransitRouterVpcAttachment"
	TRVBRAttachment tokens.Type = "alicloud:cen/transitRouterVbrAttachment:TransitRouterVbrAttachment"
	TRAssociation   tokens.Type = "alicloud:cen/transitRouterRouteTableAssociation:TransitRouterRouteTableAssociation"
	TRPropagation   tokens.Type = "alicloud:cen/transitRouterRouteTablePropagation:TransitRouterRouteTablePropagation"
	CENRouteEntry   tokens.Type = "alicloud:cen/routeEntry:RouteEntry"
	VBRHealthCheck  tokens.Type = "alicloud:cen/vbrHealthCheck:VbrHealthCheck"
	RouteMap        tokens.Type = "alicloud:cen/routeMap:RouteMap"
	// Monitoring of the standby path, and the failover test.
	Alarm             tokens.Type = "alicloud:cms/alarm:Alarm"
	EventRule         tokens.Type = "alicloud:cms/eventRule:EventRule"
	AlarmContactGroup tokens.Type = "alicloud:cms/alarmContactGroup:AlarmContactGroup"
	FailoverTestJob   tokens.Type = "alicloud:expressconnect/ecFailoverTestJob:EcFailoverTestJob"
	Provider          tokens.Type = "pulumi:providers:alicloud"
	GetTRRouteTables              = "alicloud:cen/getTransitRouterRouteTables:getTransitRouterRouteTables"
	GetTRRouteEntries             = "alicloud:cen/getTransitRouterRouteEntries:getTransitRouterRouteEntries"
)

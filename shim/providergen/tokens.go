package main

// terraformNames maps each Pulumi token of the SDK subset to the Terraform
// resource or data source pulumi-alicloud v3.105.0 bridges it to (its
// provider/resources.go). The tokens come from schema.json; a token missing
// here fails the generation.
var terraformNames = map[string]string{
	"alicloud:vpc/network:Network":                                                       "alicloud_vpc",
	"alicloud:vpc/switch:Switch":                                                         "alicloud_vswitch",
	"alicloud:vpc/bgpGroup:BgpGroup":                                                     "alicloud_vpc_bgp_group",
	"alicloud:vpc/bgpPeer:BgpPeer":                                                       "alicloud_vpc_bgp_peer",
	"alicloud:expressconnect/virtualBorderRouter:VirtualBorderRouter":                    "alicloud_express_connect_virtual_border_router",
	"alicloud:expressconnect/ecFailoverTestJob:EcFailoverTestJob":                        "alicloud_express_connect_ec_failover_test_job",
	"alicloud:vpn/gateway:Gateway":                                                       "alicloud_vpn_gateway",
	"alicloud:vpn/customerGateway:CustomerGateway":                                       "alicloud_vpn_customer_gateway",
	"alicloud:vpn/connection:Connection":                                                 "alicloud_vpn_connection",
	"alicloud:vpn/routeEntry:RouteEntry":                                                 "alicloud_vpn_route_entry",
	"alicloud:cen/instance:Instance":                                                     "alicloud_cen_instance",
	"alicloud:cen/transitRouter:TransitRouter":                                           "alicloud_cen_transit_router",
	"alicloud:cen/transitRouterVpcAttachment:TransitRouterVpcAttachment":                 "alicloud_cen_transit_router_vpc_attachment",
	"alicloud:cen/transitRouterVbrAttachment:TransitRouterVbrAttachment":                 "alicloud_cen_transit_router_vbr_attachment",
	"alicloud:cen/transitRouterRouteTableAssociation:TransitRouterRouteTableAssociation": "alicloud_cen_transit_router_route_table_association",
	"alicloud:cen/transitRouterRouteTablePropagation:TransitRouterRouteTablePropagation": "alicloud_cen_transit_router_route_table_propagation",
	"alicloud:cen/routeEntry:RouteEntry":                                                 "alicloud_cen_route_entry",
	"alicloud:cen/vbrHealthCheck:VbrHealthCheck":                                         "alicloud_cen_vbr_health_check",
	"alicloud:cen/routeMap:RouteMap":                                                     "alicloud_cen_route_map",
	"alicloud:cms/alarm:Alarm":                                                           "alicloud_cms_alarm",
	"alicloud:cms/eventRule:EventRule":                                                   "alicloud_cms_event_rule",
	"alicloud:cms/alarmContactGroup:AlarmContactGroup":                                   "alicloud_cms_alarm_contact_group",

	"alicloud:cen/getTransitRouterRouteTables:getTransitRouterRouteTables":   "alicloud_cen_transit_router_route_tables",
	"alicloud:cen/getTransitRouterRouteEntries:getTransitRouterRouteEntries": "alicloud_cen_transit_router_route_entries",
}

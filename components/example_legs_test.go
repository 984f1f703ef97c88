package components_test

import (
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hybridlink/hybridlink/components"
)

// cloudMocks stands in for Alibaba Cloud in a unit test of a program: every
// resource gets the ID <name>-id and echoes its inputs as outputs, and the
// registrations are counted by type. The one invoke the components make,
// CENHub's lookup of its transit router's system route table, is answered
// with one table.
type cloudMocks struct {
	mu     sync.Mutex
	byType map[string]int
}

func (m *cloudMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.byType == nil {
		m.byType = map[string]int{}
	}
	m.byType[args.TypeToken]++
	return args.Name + "-id", args.Inputs, nil
}

func (m *cloudMocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	if args.Token != "alicloud:cen/getTransitRouterRouteTables:getTransitRouterRouteTables" {
		return nil, fmt.Errorf("unexpected invoke %s", args.Token)
	}
	table := resource.NewPropertyMapFromMap(map[string]any{"transitRouterRouteTableId": "vtb-system"})
	return resource.PropertyMap{"tables": resource.NewProperty([]resource.PropertyValue{resource.NewProperty(table)})}, nil
}

// printed prints an output's value once the program has run: send its
// values into the returned channel's buffer and read them afterwards.
func printed(o pulumi.StringOutput) <-chan string {
	ch := make(chan string, 1)
	o.ApplyT(func(v string) string { ch <- v; return v })
	return ch
}

// The primary path alone: a VBR on an existing circuit, with BGP to the
// on-premises gateway.
func ExampleNewExpressConnectLeg() {
	var vbrID <-chan string
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		leg, err := components.NewExpressConnectLeg(ctx, "primary", &components.ExpressConnectLegArgs{
			PhysicalConnectionID: pulumi.String("pc-bp1example000000001"),
			VLANID:               pulumi.IntRef(100),
			LocalGatewayIP:       netip.MustParseAddr("10.1.0.1"),
			PeerGatewayIP:        netip.MustParseAddr("10.1.0.2"),
			PeerASN:              pulumi.IntRef(65530),
			EnableBFD:            true,
		})
		if err != nil {
			return err
		}
		vbrID = printed(leg.VBRID)
		return nil
	}, pulumi.WithMocks("example", "dev", &cloudMocks{}))
	fmt.Println(err, <-vbrID)
	// Output: <nil> primary-vbr-id
}

// The standby path alone: an IPsec-VPN gateway in the transit VPC routing
// the IDC prefixes over one tunnel.
func ExampleNewVPNStandbyLeg() {
	var gatewayID <-chan string
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		leg, err := components.NewVPNStandbyLeg(ctx, "standby", &components.VPNStandbyLegArgs{
			VPCID:             pulumi.String("vpc-bp1transit0000001"),
			VSwitchID:         pulumi.String("vsw-bp1transith000001"),
			IDCPrefixes:       []netip.Prefix{netip.MustParsePrefix("172.16.0.0/16")},
			BandwidthMbps:     pulumi.IntRef(10),
			CustomerGatewayIP: netip.MustParseAddr("203.0.113.68"),
		})
		if err != nil {
			return err
		}
		gatewayID = printed(leg.GatewayID)
		return nil
	}, pulumi.WithMocks("example", "dev", &cloudMocks{}))
	fmt.Println(err, <-gatewayID)
	// Output: <nil> standby-gateway-id
}

// The hub alone: a new CEN and transit router joining a VPC and a VBR.
func ExampleNewCENHub() {
	var cenID <-chan string
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		hub, err := components.NewCENHub(ctx, "hub", &components.CENHubArgs{
			VPCs: []components.VPCAttachmentArgs{{
				Name:  "app",
				VPCID: pulumi.String("vpc-bp1app000000000001"),
				ZoneMappings: []components.ZoneVSwitch{
					{ZoneID: "cn-hangzhou-h", VSwitchID: pulumi.String("vsw-bp1apph00000000001")},
					{ZoneID: "cn-hangzhou-i", VSwitchID: pulumi.String("vsw-bp1appi00000000001")},
				},
			}},
			VBRID: pulumi.String("vbr-example"),
		})
		if err != nil {
			return err
		}
		cenID = printed(hub.CENID)
		return nil
	}, pulumi.WithMocks("example", "dev", &cloudMocks{}))
	fmt.Println(err, <-cenID)
	// Output: <nil> hub-cen-id
}

// Validate reports every problem at once, before anything is registered;
// errors.As finds the whole list and each *ArgError in it.
func ExampleArgErrors() {
	args := components.ExpressConnectLegArgs{
		PhysicalConnectionID: pulumi.String("pc-bp1example000000001"),
		LocalGatewayIP:       netip.MustParseAddr("10.1.0.1"),
		PeerGatewayIP:        netip.MustParseAddr("10.1.9.2"),
		PeerASN:              pulumi.IntRef(45104),
	}
	err := args.Validate()
	var all components.ArgErrors
	if errors.As(err, &all) {
		for _, e := range all {
			fmt.Println(e.Field)
		}
	}
	var first *components.ArgError
	if errors.As(err, &first) {
		fmt.Println("first:", first.Field, "=", first.Value)
	}
	// Output:
	// VLANID
	// PeerGatewayIP
	// PeerASN
	// first: VLANID =
}

// A unit test of a program that uses the components runs it under mocks
// and asserts on what it registered: here, the resources of one
// HybridConnection by type.
func Example_testingUnderMocks() {
	mocks := &cloudMocks{}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := components.NewHybridConnection(ctx, "hybrid", exampleArgs())
		return err
	}, pulumi.WithMocks("example", "dev", mocks))
	fmt.Println("error:", err)
	types := make([]string, 0, len(mocks.byType))
	for t := range mocks.byType {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		fmt.Println(mocks.byType[t], t)
	}
	// Output:
	// error: <nil>
	// 1 alicloud:cen/instance:Instance
	// 1 alicloud:cen/routeEntry:RouteEntry
	// 1 alicloud:cen/transitRouter:TransitRouter
	// 3 alicloud:cen/transitRouterRouteTableAssociation:TransitRouterRouteTableAssociation
	// 3 alicloud:cen/transitRouterRouteTablePropagation:TransitRouterRouteTablePropagation
	// 1 alicloud:cen/transitRouterVbrAttachment:TransitRouterVbrAttachment
	// 2 alicloud:cen/transitRouterVpcAttachment:TransitRouterVpcAttachment
	// 1 alicloud:expressconnect/virtualBorderRouter:VirtualBorderRouter
	// 1 alicloud:vpc/bgpGroup:BgpGroup
	// 1 alicloud:vpc/bgpPeer:BgpPeer
	// 1 alicloud:vpn/connection:Connection
	// 1 alicloud:vpn/customerGateway:CustomerGateway
	// 1 alicloud:vpn/gateway:Gateway
	// 1 alicloud:vpn/routeEntry:RouteEntry
	// 1 hybridlink:index:CenHub
	// 1 hybridlink:index:ExpressConnectLeg
	// 1 hybridlink:index:HybridConnection
	// 1 hybridlink:index:VpnStandbyLeg
}

// exampleArgs is a single-tunnel connection of one workload VPC.
func exampleArgs() *components.HybridConnectionArgs {
	vpc := func(name, id, cidr, h, i string) components.VPC {
		return components.VPC{
			Name: name, VPCID: pulumi.String(id), RouteTableID: pulumi.String("vtb" + strings.TrimPrefix(id, "vpc")), CIDR: netip.MustParsePrefix(cidr),
			VSwitches: []components.VSwitch{
				{VSwitchID: pulumi.String("vsw" + strings.TrimPrefix(id, "vpc") + "h"), ZoneID: "cn-hangzhou-h", CIDR: netip.MustParsePrefix(h)},
				{VSwitchID: pulumi.String("vsw" + strings.TrimPrefix(id, "vpc") + "i"), ZoneID: "cn-hangzhou-i", CIDR: netip.MustParsePrefix(i)},
			},
		}
	}
	return &components.HybridConnectionArgs{
		Region:       "cn-hangzhou",
		WorkloadVPCs: []components.VPC{vpc("app", "vpc-bp1app000000000001", "192.168.0.0/16", "192.168.20.0/24", "192.168.21.0/24")},
		TransitVPC:   vpc("transit", "vpc-bp1transit0000001", "10.0.0.0/16", "10.0.1.0/24", "10.0.2.0/24"),
		IDCPrefixes:  []netip.Prefix{netip.MustParsePrefix("172.16.0.0/16")},
		ExpressConnect: components.ExpressConnectLegArgs{
			PhysicalConnectionID: pulumi.String("pc-bp1example000000001"),
			VLANID:               pulumi.IntRef(0),
			LocalGatewayIP:       netip.MustParseAddr("10.1.0.1"),
			PeerGatewayIP:        netip.MustParseAddr("10.1.0.2"),
			PeerASN:              pulumi.IntRef(65530),
		},
		VPN: components.VPNStandbyLegArgs{BandwidthMbps: pulumi.IntRef(10), CustomerGatewayIP: netip.MustParseAddr("203.0.113.68")},
	}
}

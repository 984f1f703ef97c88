package components

import (
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/cen"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hybridlink/hybridlink/internal/circuits"
	"github.com/hybridlink/hybridlink/internal/limits"
)

// ZoneVSwitch is a VPC attachment's foothold in one zone.
type ZoneVSwitch struct {
	// ZoneID is the zone, e.g. cn-hangzhou-h. Required.
	ZoneID string `pulumi:"zoneId"`
	// VSwitchID is the attached VPC's vSwitch in that zone. Required.
	VSwitchID pulumi.StringInput `pulumi:"vSwitchId"`
}

// VPCAttachmentArgs attaches one VPC to the transit router.
type VPCAttachmentArgs struct {
	// Name is the VPC's role ("workload", "transit"); the attachment is the
	// child <hub>-<Name>. Required: 1–40 letters, digits, '.', '_', '-',
	// distinct among the VPCs.
	Name string `pulumi:"name"`
	// VPCID is the VPC to attach. Required.
	VPCID pulumi.StringInput `pulumi:"vpcId"`
	// ZoneMappings need vSwitches in at least two distinct zones, so the
	// attachment survives a zone failure.
	ZoneMappings []ZoneVSwitch `pulumi:"zoneMappings"`
}

// VBRHealthCheckArgs makes CEN probe the on-premises side of the VBR, so a
// dead circuit is withdrawn without waiting for BGP timers.
type VBRHealthCheckArgs struct {
	// Region is the VBR's region, e.g. cn-hangzhou.
	Region string `pulumi:"region"`
	// TargetIP is the on-premises peering IP. Required.
	TargetIP netip.Addr `pulumi:"targetIp"`
	// SourceIP is the probe's source; unset lets Alibaba Cloud choose.
	SourceIP netip.Addr `pulumi:"sourceIp,optional"`
	// IntervalSecs is the probe interval, 2–3 seconds; unset for 2.
	IntervalSecs *int `pulumi:"intervalSecs,optional"`
	// HealthyThreshold is the probes that must fail before the route is
	// withdrawn, 3–8; unset for 8.
	HealthyThreshold *int `pulumi:"healthyThreshold,optional"`
}

// RouteAdvertisementArgs publishes routes of a VPC's route table to CEN.
// Routes toward a VPN gateway are not advertised to the transit router by
// default; without this the standby path silently does not exist.
type RouteAdvertisementArgs struct {
	// VPC names the VPC attachment (VPCAttachmentArgs.Name) whose system
	// route table holds the routes. Required.
	VPC string `pulumi:"vpc"`
	// RouteTableID is that VPC's system route table. Required.
	RouteTableID pulumi.StringInput `pulumi:"routeTableId"`
	// Prefixes are the destinations to advertise (the IDC prefixes).
	Prefixes []netip.Prefix `pulumi:"prefixes"`
	// After are the resources that put the routes in the table (the VPN
	// leg's Routes); advertising waits for them.
	After []pulumi.Resource `pulumi:"after,optional"`
}

// CENHubArgs describes the transit-router hub.
type CENHubArgs struct {
	// CENID is an existing CEN instance; nil creates one.
	CENID pulumi.StringInput `pulumi:"cenId,optional"`
	// VPCs are the VPC attachments. Required: at least one.
	VPCs []VPCAttachmentArgs `pulumi:"vpcs"`
	// VBRID is the Express Connect VBR to attach; nil attaches none.
	VBRID pulumi.StringInput `pulumi:"vbrId,optional"`
	// VBRHealthCheck makes CEN probe the on-premises peering IP over the
	// VBR; nil for none.
	VBRHealthCheck *VBRHealthCheckArgs `pulumi:"vbrHealthCheck,optional"`
	// Advertise publishes a VPC's routes (the VPN routes in the transit VPC)
	// to the transit router; nil for none.
	Advertise *RouteAdvertisementArgs `pulumi:"advertise,optional"`
	// SecondVBRID is the VBR of a second Express Connect circuit, attached
	// beside VBRID (which it needs); nil for none.
	SecondVBRID pulumi.StringInput `pulumi:"secondVbrId,optional"`
	// SecondVBRHealthCheck makes CEN probe the on-premises peering IP over
	// the second VBR; nil for none.
	SecondVBRHealthCheck *VBRHealthCheckArgs `pulumi:"secondVbrHealthCheck,optional"`
	// CircuitMode ranks the two VBRs' routes to the IDC in the transit
	// router (with SecondVBRID): ActiveStandby (the default) adds a route map
	// on each VBR's routes entering the region — preference 10 for VBRID's,
	// 20 for SecondVBRID's; the lower wins, so VBRID carries the traffic
	// while it is up — and ECMP adds none, so the two share it.
	CircuitMode CircuitMode `pulumi:"circuitMode,optional"`
	// Region is the transit router's region, where the route maps apply;
	// required with SecondVBRID in ActiveStandby mode.
	Region string `pulumi:"region,optional"`
	// Tags are applied to the CEN instance, the transit router and its
	// attachments.
	Tags map[string]string `pulumi:"tags,optional"`
}

// Validate returns every problem with the arguments as ArgErrors.
func (a *CENHubArgs) Validate() error {
	c := newChecker()
	a.validate(c)
	return c.err()
}

func (a *CENHubArgs) validate(c checker) {
	names := map[string]bool{}
	for i, v := range a.VPCs {
		vc := c.at(fmt.Sprintf("VPCs[%d]", i))
		if !partPattern.MatchString(v.Name) {
			vc.fail("Name", v.Name, "is not a valid name part", "use 1–40 letters, digits, '.', '_' or '-'")
		}
		if names[v.Name] {
			vc.fail("Name", v.Name, "is used by two VPC attachments", "give each VPC a distinct name")
		}
		names[v.Name] = true
		if v.VPCID == nil {
			vc.missing("VPCID", "give the VPC's ID")
		}
		checkID(vc, "VPCID", v.VPCID, limits.VPCID)
		checkZoneMappings(vc, v.ZoneMappings)
	}
	checkID(c, "CENID", a.CENID, limits.CENID)
	checkTags(c, a.Tags)
	checkVBRHealthCheck(c.at("VBRHealthCheck"), a.VBRHealthCheck, a.VBRID, "VBRID")
	checkVBRHealthCheck(c.at("SecondVBRHealthCheck"), a.SecondVBRHealthCheck, a.SecondVBRID, "SecondVBRID")
	a.validateSecondVBR(c)
	if ad := a.Advertise; ad != nil {
		adc := c.at("Advertise")
		if !names[ad.VPC] {
			adc.fail("VPC", ad.VPC, "names no VPC attachment", "name the attachment of the VPC whose route table holds the routes")
		}
		if ad.RouteTableID == nil {
			adc.missing("RouteTableID", "give that VPC's system route table ID")
		}
		checkID(adc, "RouteTableID", ad.RouteTableID, limits.RouteTableID)
		for i, p := range ad.Prefixes {
			checkCanonical(adc.at("Prefixes"), fmt.Sprintf("[%d]", i), p)
		}
	}
}

// checkVBRHealthCheck checks a health check of the VBR the field vbrField
// names.
func checkVBRHealthCheck(hcc checker, hc *VBRHealthCheckArgs, vbr pulumi.StringInput, vbrField string) {
	if hc == nil {
		return
	}
	if vbr == nil {
		hcc.fail("", nil, "needs a VBR", "set "+vbrField+" or drop the health check")
	}
	hcc.check("Region", hc.Region, limits.CheckRegion(hc.Region), "give the VBR's region, e.g. cn-hangzhou")
	if !hc.TargetIP.IsValid() {
		hcc.missing("TargetIP", "give the on-premises peering IP of the VBR")
	}
	checkHost(hcc, "TargetIP", hc.TargetIP, "give the on-premises peering IP of the VBR")
	checkHost(hcc, "SourceIP", hc.SourceIP, "leave it unset, or give an unused address CEN may probe from")
	checkInRange(hcc, "IntervalSecs", hc.IntervalSecs, limits.HealthCheckIntervalMin, limits.HealthCheckIntervalMax, "use 2 or 3, or leave it unset for 2")
	checkInRange(hcc, "HealthyThreshold", hc.HealthyThreshold, limits.HealthyThresholdMin, limits.HealthyThresholdMax, "use 3–8, or leave it unset for 8")
}

// validateSecondVBR checks what a second VBR needs: the first, a known
// mode and, for the route maps, the region.
func (a *CENHubArgs) validateSecondVBR(c checker) {
	if a.SecondVBRID == nil {
		if a.CircuitMode != "" {
			c.fail("CircuitMode", string(a.CircuitMode), "is set but there is no second VBR to rank", "leave it unset, or set SecondVBRID")
		}
		return
	}
	if a.VBRID == nil {
		c.at("SecondVBRID").fail("", nil, "is set without VBRID", "attach the first circuit's VBR as VBRID")
	}
	if a.CircuitMode != "" {
		c.check("CircuitMode", string(a.CircuitMode), a.CircuitMode.Check(), fmt.Sprintf("use %q or %q", ActiveStandby, ECMP))
	}
	if a.CircuitMode.OrDefault() == ActiveStandby {
		if a.Region == "" {
			c.missing("Region", "give the transit router's region, e.g. cn-hangzhou: the route maps that rank the VBRs apply there")
		} else {
			c.check("Region", a.Region, limits.CheckRegion(a.Region), "give the transit router's region, e.g. cn-hangzhou")
		}
	}
}

func checkZoneMappings(c checker, mappings []ZoneVSwitch) {
	checkCount(c, "ZoneMappings", "zone mappings", len(mappings), limits.MaxVSwitchesPerVPC)
	zones := make([]string, len(mappings))
	for i, z := range mappings {
		checkID(c.at(fmt.Sprintf("ZoneMappings[%d]", i)), "VSwitchID", z.VSwitchID, limits.VSwitchID)
		if z.ZoneID == "" {
			c.at(fmt.Sprintf("ZoneMappings[%d]", i)).missing("ZoneID", "give the vSwitch's zone")
		}
		if z.VSwitchID == nil {
			c.at(fmt.Sprintf("ZoneMappings[%d]", i)).missing("VSwitchID", "give a vSwitch in that zone")
		}
		zones[i] = z.ZoneID
	}
	checkTwoZones(c, "ZoneMappings", zones)
}

// checkTwoZones requires a transit-router attachment's vSwitches to span two
// zones, so that it survives a zone failure.
func checkTwoZones(c checker, field string, zones []string) {
	if limits.DistinctZones(zones) < limits.MinAttachmentZones {
		c.fail(field, len(zones), "a transit-router attachment needs vSwitches in at least two distinct zones", "add a vSwitch in a second zone")
	}
}

// CENHub is the CEN instance, its transit router and the attachments of the
// VPCs and the VBR, each associated with and propagating to the transit
// router's system route table.
type CENHub struct {
	pulumi.ResourceState

	// CENID is the CEN instance, given or created.
	CENID pulumi.StringOutput `pulumi:"cenId"`
	// TransitRouterID is the region's transit router.
	TransitRouterID pulumi.StringOutput `pulumi:"transitRouterId"`
	// SystemRouteTableID is the transit router's system route table.
	SystemRouteTableID pulumi.StringOutput `pulumi:"systemRouteTableId"`
	// VPCAttachmentIDs maps each VPCAttachmentArgs.Name to its attachment ID.
	VPCAttachmentIDs pulumi.StringMapOutput `pulumi:"vpcAttachmentIds"`
	// VBRAttachmentID is the VBR's attachment, empty without a VBR.
	VBRAttachmentID pulumi.StringOutput `pulumi:"vbrAttachmentId"`
	// SecondVBRAttachmentID is the second VBR's attachment, empty without
	// one.
	SecondVBRAttachmentID pulumi.StringOutput `pulumi:"secondVbrAttachmentId"`
}

// NewCENHub validates args and creates the hub. Children: <name>-cen (unless
// CENID is given), <name>-tr, per VPC <name>-<vpc> with <name>-<vpc>-association
// and <name>-<vpc>-propagation, <name>-vbr with its association and
// propagation, <name>-vbr-health-check, and <name>-advertise-<prefix>; with
// a second VBR, <name>-vbr-b with its association, propagation and
// <name>-vbr-b-health-check, and in ActiveStandby mode the route maps
// <name>-vbr-route-map and <name>-vbr-b-route-map.
//
// The name is the stem of every child's and Alibaba Cloud resource's name:
// 2–64 characters, a letter first, then letters, digits, '.', '_' and '-'.
// On any error the component is nil; invalid arguments (and a bad name) are
// ArgErrors.
func NewCENHub(ctx *pulumi.Context, name string, args *CENHubArgs, opts ...pulumi.ResourceOption) (*CENHub, error) {
	if args == nil {
		args = &CENHubArgs{}
	}
	if err := validated("CENHubArgs", name, args.validate); err != nil {
		return nil, err
	}
	hub := &CENHub{}
	if err := registerComponent(ctx, TypeCENHub, name, hub, opts); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(hub)

	cenID := args.CENID
	if cenID == nil {
		inst, err := cen.NewInstance(ctx, child(name, "cen"), &cen.InstanceArgs{
			CenInstanceName: pulumi.String(child(name, "cen")),
			Tags:            tagMap(args.Tags),
		}, parent)
		if err != nil {
			return nil, err
		}
		cenID = inst.ID()
	}
	tr, err := cen.NewTransitRouter(ctx, child(name, "tr"), &cen.TransitRouterArgs{
		CenId:             cenID,
		TransitRouterName: pulumi.String(child(name, "tr")),
		SupportMulticast:  pulumi.Bool(false),
		Tags:              tagMap(args.Tags),
	}, parent)
	if err != nil {
		return nil, err
	}
	systemTable := cen.GetTransitRouterRouteTablesOutput(ctx, cen.GetTransitRouterRouteTablesOutputArgs{
		TransitRouterId:             tr.TransitRouterId,
		TransitRouterRouteTableType: pulumi.String("System"),
	}, parent).Tables().Index(pulumi.Int(0)).TransitRouterRouteTableId()

	// wire associates an attachment with the system table and propagates its
	// routes there — the console's "keep defaults"; both are separate
	// resources now that the attachment flags are deprecated.
	wire := func(role string, attachmentID pulumi.StringOutput) ([]pulumi.Resource, error) {
		assoc, err := cen.NewTransitRouterRouteTableAssociation(ctx, child(name, role+"-association"), &cen.TransitRouterRouteTableAssociationArgs{
			TransitRouterAttachmentId: attachmentID,
			TransitRouterRouteTableId: systemTable,
		}, parent)
		if err != nil {
			return nil, err
		}
		prop, err := cen.NewTransitRouterRouteTablePropagation(ctx, child(name, role+"-propagation"), &cen.TransitRouterRouteTablePropagationArgs{
			TransitRouterAttachmentId: attachmentID,
			TransitRouterRouteTableId: systemTable,
		}, parent)
		if err != nil {
			return nil, err
		}
		return []pulumi.Resource{assoc, prop}, nil
	}

	vpcAttachmentIDs := pulumi.StringMap{}
	wired := map[string][]pulumi.Resource{}
	for _, v := range args.VPCs {
		mappings := cen.TransitRouterVpcAttachmentZoneMappingArray{}
		for _, z := range v.ZoneMappings {
			mappings = append(mappings, &cen.TransitRouterVpcAttachmentZoneMappingArgs{
				ZoneId:    pulumi.String(z.ZoneID),
				VswitchId: z.VSwitchID,
			})
		}
		att, err := cen.NewTransitRouterVpcAttachment(ctx, child(name, v.Name), &cen.TransitRouterVpcAttachmentArgs{
			CenId:                          cenID,
			TransitRouterId:                tr.TransitRouterId,
			VpcId:                          v.VPCID,
			ZoneMappings:                   mappings,
			TransitRouterVpcAttachmentName: pulumi.String(child(name, v.Name)),
			// Routes learned by the transit router (the IDC prefixes) go
			// into the VPC's system route table.
			AutoPublishRouteEnabled: pulumi.Bool(true),
			Tags:                    tagMap(args.Tags),
		}, parent)
		if err != nil {
			return nil, err
		}
		deps, err := wire(v.Name, att.TransitRouterAttachmentId)
		if err != nil {
			return nil, err
		}
		wired[v.Name] = append(deps, att)
		vpcAttachmentIDs[v.Name] = att.TransitRouterAttachmentId
	}

	// attachVBR attaches a VBR with the role's children and, when asked, its
	// health check.
	attachVBR := func(role string, vbrID pulumi.StringInput, hc *VBRHealthCheckArgs) (*cen.TransitRouterVbrAttachment, error) {
		att, err := cen.NewTransitRouterVbrAttachment(ctx, child(name, role), &cen.TransitRouterVbrAttachmentArgs{
			CenId:                       cenID,
			TransitRouterId:             tr.TransitRouterId,
			VbrId:                       vbrID,
			TransitRouterAttachmentName: pulumi.String(child(name, role)),
			// The on-premises gateway learns the VPC CIDRs over BGP.
			AutoPublishRouteEnabled: pulumi.Bool(true),
			Tags:                    tagMap(args.Tags),
		}, parent)
		if err != nil {
			return nil, err
		}
		if _, err := wire(role, att.TransitRouterAttachmentId); err != nil {
			return nil, err
		}
		if hc != nil {
			hcArgs := &cen.VbrHealthCheckArgs{
				CenId:               cenID,
				VbrInstanceId:       vbrID,
				VbrInstanceRegionId: pulumi.String(hc.Region),
				HealthCheckTargetIp: pulumi.String(hc.TargetIP.String()),
				HealthCheckInterval: pulumi.Int(orDefault(hc.IntervalSecs, limits.HealthCheckIntervalMin)),
				HealthyThreshold:    pulumi.Int(orDefault(hc.HealthyThreshold, limits.HealthyThresholdMax)),
			}
			if hc.SourceIP.IsValid() {
				hcArgs.HealthCheckSourceIp = pulumi.String(hc.SourceIP.String())
			}
			// The VBR must be in the CEN before CEN can probe it.
			if _, err := cen.NewVbrHealthCheck(ctx, child(name, role+"-health-check"), hcArgs, parent, pulumi.DependsOn([]pulumi.Resource{att})); err != nil {
				return nil, err
			}
		}
		return att, nil
	}
	empty := pulumi.String("").ToStringOutput()
	vbrAttachmentID, secondAttachmentID := empty, empty
	if args.VBRID != nil {
		att, err := attachVBR("vbr", args.VBRID, args.VBRHealthCheck)
		if err != nil {
			return nil, err
		}
		vbrAttachmentID = att.TransitRouterAttachmentId
		if args.SecondVBRID != nil {
			attB, err := attachVBR("vbr-b", args.SecondVBRID, args.SecondVBRHealthCheck)
			if err != nil {
				return nil, err
			}
			secondAttachmentID = attB.TransitRouterAttachmentId
			if err := rankVBRs(ctx, name, args, cenID, systemTable, []pulumi.Resource{att, attB}, parent); err != nil {
				return nil, err
			}
		}
	}

	if ad := args.Advertise; ad != nil {
		// The route must exist in the VPC and the VPC must be attached
		// before it can be published.
		after := append(append([]pulumi.Resource{}, ad.After...), wired[ad.VPC]...)
		for _, p := range ad.Prefixes {
			if _, err := cen.NewRouteEntry(ctx, child(name, "advertise-"+prefixSlug(p)), &cen.RouteEntryArgs{
				InstanceId:   cenID,
				RouteTableId: ad.RouteTableID,
				CidrBlock:    pulumi.String(p.String()),
			}, parent, pulumi.DependsOn(after)); err != nil {
				return nil, err
			}
		}
	}

	hub.CENID = cenID.ToStringOutput()
	hub.TransitRouterID = tr.TransitRouterId
	hub.SystemRouteTableID = systemTable
	hub.VPCAttachmentIDs = vpcAttachmentIDs.ToStringMapOutput()
	hub.VBRAttachmentID, hub.SecondVBRAttachmentID = vbrAttachmentID, secondAttachmentID
	outputs := pulumi.Map{
		"cenId":              hub.CENID,
		"transitRouterId":    hub.TransitRouterID,
		"systemRouteTableId": hub.SystemRouteTableID,
		"vpcAttachmentIds":   hub.VPCAttachmentIDs,
		"vbrAttachmentId":    hub.VBRAttachmentID,
	}
	if args.SecondVBRID != nil {
		outputs["secondVbrAttachmentId"] = hub.SecondVBRAttachmentID
	}
	if err := ctx.RegisterResourceOutputs(hub, outputs); err != nil {
		return nil, err
	}
	return hub, nil
}

// rankVBRs makes the transit router's choice between the two VBRs' routes
// explicit in ActiveStandby mode: a route map on the routes entering the
// region from each VBR sets their preference, the first's better. The
// transit router ranks routes from VBRs of its region by AS path, then this
// preference (CEN, "Multi-region VBR ECMP routing"); the on-premises
// gateway, as hybridlink renders it, advertises the same AS path on both
// circuits, so the preference decides. ECMP mode adds none: equal routes
// share the traffic.
func rankVBRs(ctx *pulumi.Context, name string, args *CENHubArgs, cenID pulumi.StringInput, table pulumi.StringOutput, after []pulumi.Resource, parent pulumi.ResourceOption) error {
	first, second, ok := circuits.RoutePreferences(args.CircuitMode)
	if !ok {
		return nil
	}
	for i, v := range []struct {
		role       string
		vbrID      pulumi.StringInput
		preference int
	}{{"vbr", args.VBRID, first}, {"vbr-b", args.SecondVBRID, second}} {
		circuit := circuits.Name(i)
		if _, err := cen.NewRouteMap(ctx, child(name, v.role+"-route-map"), &cen.RouteMapArgs{
			CenId:                     cenID,
			CenRegionId:               pulumi.String(args.Region),
			TransitRouterRouteTableId: table,
			TransmitDirection:         pulumi.String("RegionIn"),
			Priority:                  pulumi.Int(circuits.RouteMapPriority + i),
			MapResult:                 pulumi.String("Permit"),
			SourceInstanceIds:         pulumi.StringArray{v.vbrID},
			SourceChildInstanceTypes:  pulumi.StringArray{pulumi.String("VBR")},
			Preference:                pulumi.IntPtr(v.preference),
			Description:               pulumi.String(fmt.Sprintf("hybridlink %s: circuit %s's routes at preference %d (lower wins)", name, circuit, v.preference)),
		}, parent, pulumi.DependsOn(after)); err != nil {
			return err
		}
	}
	return nil
}

package localcloud

import (
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/hybridlink/hybridlink/internal/cidr"
	"github.com/hybridlink/hybridlink/internal/circuits"
	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/limits"
)

// checkCEN: the protection level is REDUCED, the only value (docCreateCen).
func checkCEN(c *checker) {
	c.oneOf("protectionLevel", "protection level", []string{"REDUCED"})
}

func cenOutputs(b *builder) {
	b.alias("name", "cenInstanceName")
	b.createTime()
	b.resourceGroup()
	b.def("protectionLevel", str("REDUCED"))
	b.set("status", str("Active"))
}

// transitRouterOf returns the live transit router a CEN has in a region.
func (st *state) transitRouterOf(cenID, region string) *record {
	for _, r := range st.Resources {
		if v, _ := readString(r.Outputs, "cenId"); r.Type == inventory.TransitRouter && v == cenID && r.Region == region {
			return r
		}
	}
	return nil
}

func checkTransitRouter(c *checker) {
	cen, ok := c.str("cenId")
	if !ok {
		return
	}
	// A CEN has one transit router per region (docCreateTransitRouter).
	for _, tr := range c.others(inventory.TransitRouter) {
		if v, _ := readString(tr.Outputs, "cenId"); v == cen && tr.Region == c.region {
			c.fail("cenId", "Duplicated.TransitRouter", "%s already has transit router %s in %s", cen, tr.ID, c.region)
		}
	}
}

func transitRouterOutputs(b *builder) {
	b.keep("transitRouterId", func() resource.PropertyValue { return str(b.id()) })
	b.createTime()
	b.regionID()
	b.set("status", str("Active"))
	b.set("type", str("Enterprise"))
	b.def("supportMulticast", flag(false))
}

// systemRouteTable is the route table the API creates with a transit
// router: the one associations and propagations use by default.
func systemRouteTable(b *builder, tr *record) []*record {
	trID, _ := readString(tr.Outputs, "transitRouterId")
	vtb := newID("vtb", b.region, false)
	id := resource.ID(trID + ":" + vtb) // as the provider's TransitRouterRouteTable
	urn := resource.NewURN("localcloud", "localcloud", "", trRouteTable, string(id))
	if tr.URN.IsValid() {
		urn = resource.NewURN(tr.URN.Stack(), tr.URN.Project(), tr.URN.QualifiedType(), trRouteTable, tr.URN.Name()+"-system-route-table")
	}
	return []*record{{
		Type: trRouteTable, ID: id, URN: urn, Region: tr.Region, Owner: tr.ID,
		Outputs: resource.PropertyMap{
			"transitRouterId":                    str(trID),
			"transitRouterRouteTableId":          str(vtb),
			"transitRouterRouteTableType":        str("System"),
			"transitRouterRouteTableName":        str(""),
			"transitRouterRouteTableDescription": str(""),
			"status":                             str("Active"),
		},
	}}
}

// resolveTR finds the transit router an attachment joins: the one
// transitRouterId names or, without it, its CEN's in the region.
func (c *checker) resolveTR() *record {
	if c.isSet("transitRouterId") {
		return c.ref("transitRouterId")
	}
	if cen, ok := c.str("cenId"); ok {
		return c.st.transitRouterOf(cen, c.region)
	}
	return nil
}

// checkTR checks an attachment's transit router: transitRouterId or cenId
// names it (docCreateTRVpcAttachment, docCreateTRVbrAttachment). Given a CEN
// with no transit router in the region, the API creates one; the local cloud
// does not model that and says so.
func (c *checker) checkTR() *record {
	if !c.isSet("transitRouterId") && !c.isSet("cenId") {
		c.fail("transitRouterId", "MissingParameter", "give transitRouterId or cenId")
		return nil
	}
	tr := c.resolveTR()
	if cen, ok := c.str("cenId"); ok && tr == nil && !c.isSet("transitRouterId") {
		c.fail("cenId", "LocalCloud.NotModelled", "%s has no transit router in %s: the API would create one, the local cloud does not; create an alicloud.cen.TransitRouter first", cen, c.region)
	}
	return tr
}

// checkVPCAttachment: each zone mapping's vSwitch is deployed in its zone
// (docCreateTRVpcAttachment), a zone of the region.
func checkVPCAttachment(c *checker) {
	c.checkTR()
	for _, m := range c.elems("zoneMappings") {
		zone, zoneOK := c.zone(m + ".zoneId")
		sw := c.ref(m + ".vswitchId")
		if z, _ := readString(sw.outputsOrNil(), "zoneId"); sw != nil && zoneOK && z != zone {
			c.fail(m+".zoneId", "InvalidZoneId.Mismatch", "vSwitch %s is in zone %s, not %s", sw.ID, z, zone)
		}
	}
}

// attachmentOutputs are the outputs both attachment types share.
func attachmentOutputs(b *builder) {
	tr := b.resolveTR().outputsOrNil()
	b.keep("transitRouterAttachmentId", func() resource.PropertyValue { return str(b.id()) })
	b.set("transitRouterId", str(field(tr, "transitRouterId")))
	b.set("cenId", str(field(tr, "cenId")))
	b.createTime()
	b.regionID()
	b.set("status", str("Attached"))
	b.def("orderType", str("PayByCenOwner"))
	b.def("autoPublishRouteEnabled", flag(false))
}

func vpcAttachmentOutputs(b *builder) {
	attachmentOutputs(b)
	b.def("paymentType", str("PayAsYouGo"))
	b.def("resourceType", str("VPC"))
	b.def("vpcOwnerId", str(b.st.Account.ID))
	b.def("options", resource.NewObjectProperty(resource.PropertyMap{"ipv6Support": str("disable")}))
	b.alias("transitRouterAttachmentName", "transitRouterVpcAttachmentName")
}

func checkVBRAttachment(c *checker) { c.checkTR() }

func vbrAttachmentOutputs(b *builder) {
	attachmentOutputs(b)
	b.def("resourceType", str("VBR"))
	b.def("vbrOwnerId", str(b.st.Account.ID))
}

// checkAssociation: an attachment is associated with one route table
// (docAssociateTRRouteTable).
func checkAssociation(c *checker) {
	attID, ok := c.str("transitRouterAttachmentId")
	if !ok {
		return
	}
	tableID, _ := c.str("transitRouterRouteTableId")
	for _, r := range c.others(inventory.TRAssociation) {
		a, _ := readString(r.Outputs, "transitRouterAttachmentId")
		t, _ := readString(r.Outputs, "transitRouterRouteTableId")
		if a == attID && t != tableID {
			c.fail("transitRouterAttachmentId", "Forbidden.AttachmentAssociated", "%s is already associated with route table %s (%s)", attID, t, r.ID)
		}
	}
}

// checkCENRouteEntry: the route is published from a VPC attached to the CEN,
// and it is in the VPC's route table (docPublishRouteEntries).
func checkCENRouteEntry(c *checker) {
	block, blockOK := c.block("cidrBlock", nil)
	vpc := c.ref("routeTableId")
	if vpc == nil || !blockOK {
		return
	}
	cenID, _ := c.str("instanceId")
	attached := false
	for _, att := range inVPC(c.st.ofType(inventory.TRVPCAttachment), vpc.ID) {
		if v, _ := readString(att.Outputs, "cenId"); v == cenID {
			attached = true
		}
	}
	if !attached {
		c.fail("routeTableId", "InvalidOperation.VpcNotAttached", "%s of route table %s is not attached to a transit router of %s", vpc.ID, field(vpc.Outputs, "routeTableId"), cenID)
	}
	// The route must be in the VPC's route table: a VPN gateway route that
	// was advertised to the VPC (publishVpc).
	for _, r := range c.st.ofType(inventory.VPNRouteEntry) {
		route := inventory.Resource{Props: r.Outputs}
		gw, _ := route.String("vpnGatewayId")
		pub, _ := route.Bool("publishVpc")
		dest, err := cidr.Normalize(field(r.Outputs, "routeDest"))
		if g := c.st.get(inventory.VPNGateway, resource.ID(gw)); pub && err == nil && dest == block && g != nil && field(g.Outputs, "vpcId") == string(vpc.ID) {
			return
		}
	}
	c.fail("cidrBlock", "InvalidRouteEntry.NotFound", "route table %s has no route to %s to advertise; a VPN gateway route advertised to %s (publishVpc) must exist first",
		field(vpc.Outputs, "routeTableId"), block, vpc.ID)
}

// checkVBRHealthCheck: interval 2–3 s, 3–8 probes, IP addresses, and the
// region the VBR is deployed in (docEnableCenVbrHealthCheck).
func checkVBRHealthCheck(c *checker) {
	c.between("healthCheckInterval", "health check interval (s)", limits.HealthCheckIntervalMin, limits.HealthCheckIntervalMax)
	c.between("healthyThreshold", "healthy threshold", limits.HealthyThresholdMin, limits.HealthyThresholdMax)
	c.addr("healthCheckTargetIp")
	c.addr("healthCheckSourceIp")
	vbr := c.ref("vbrInstanceId")
	if region, ok := c.str("vbrInstanceRegionId"); ok && vbr != nil && vbr.Region != region {
		c.fail("vbrInstanceRegionId", "InvalidVbrInstanceRegionId.Mismatch", "VBR %s is in %s, not %s", vbr.ID, vbr.Region, region)
	}
}

func vbrHealthCheckOutputs(b *builder) {
	b.def("healthCheckInterval", num(limits.HealthCheckIntervalMin))
	b.def("healthyThreshold", num(limits.HealthyThresholdMax))
	// Without a source IP the API picks one from 100.96.0.0/16.
	b.keep("healthCheckSourceIp", func() resource.PropertyValue {
		if ip, ok := b.str("healthCheckSourceIp"); ok {
			return str(ip)
		}
		return str(fmt.Sprintf("100.96.%d.%d", rand.IntN(256), 1+rand.IntN(254)))
	})
}

// routeTables answers getTransitRouterRouteTables: the route tables of one
// transit router, filtered as the data source filters them.
func (st *state) routeTables(args inventory.Resource) (resource.PropertyMap, error) {
	trID, _ := args.String("transitRouterId")
	if st.resolve(trRef, trID) == nil {
		return nil, fmt.Errorf("InvalidTransitRouterId.NotFound: the specified transit router %s does not exist", trID)
	}
	wantIDs := append(args.Strings("ids"), args.Strings("transitRouterRouteTableIds")...)
	wantNames := args.Strings("transitRouterRouteTableNames")
	nameRE, err := nameRegex(args)
	if err != nil {
		return nil, err
	}
	match := func(want []string, v string) bool { return len(want) == 0 || slices.Contains(want, v) }
	matchOne := func(path, v string) bool { w, ok := args.String(path); return !ok || w == v }

	var found listing
	for _, r := range st.ofType(trRouteTable) {
		t := inventory.Resource{Props: r.Outputs}
		id, _ := t.String("transitRouterRouteTableId")
		name, _ := t.String("transitRouterRouteTableName")
		typ, _ := t.String("transitRouterRouteTableType")
		status, _ := t.String("status")
		tr, _ := t.String("transitRouterId")
		if tr != trID || !match(wantIDs, id) || !match(wantNames, name) || (nameRE != nil && !nameRE.MatchString(name)) ||
			!matchOne("transitRouterRouteTableType", typ) || !matchOne("status", status) || !matchOne("transitRouterRouteTableStatus", status) {
			continue
		}
		desc, _ := t.String("transitRouterRouteTableDescription")
		found.add(id, name, resource.PropertyMap{
			"id": str(id), "transitRouterRouteTableId": str(id), "transitRouterRouteTableName": str(name),
			"transitRouterRouteTableType": str(typ), "status": str(status), "transitRouterRouteTableDescription": str(desc),
		})
	}
	return found.result(args, "tables"), nil
}

// nameRegex compiles a data source's nameRegex argument, if given.
func nameRegex(args inventory.Resource) (*regexp.Regexp, error) {
	re, ok := args.String("nameRegex")
	if !ok {
		return nil, nil
	}
	r, err := regexp.Compile(re)
	if err != nil {
		return nil, fmt.Errorf("InvalidNameRegex.Malformed: %w", err)
	}
	return r, nil
}

// listing gathers what a data source found: the items, their IDs and names.
type listing struct {
	items, ids, names []resource.PropertyValue
	idList            []string
}

func (l *listing) add(id, name string, item resource.PropertyMap) {
	l.items = append(l.items, resource.NewObjectProperty(item))
	l.ids, l.names, l.idList = append(l.ids, str(id)), append(l.names, str(name)), append(l.idList, id)
}

// result is the data source's answer: its arguments, the items under key,
// their IDs and names and, like the provider, an ID that hashes the IDs
// found.
func (l *listing) result(args inventory.Resource, key resource.PropertyKey) resource.PropertyMap {
	out := args.Props.Copy()
	out[key] = resource.NewArrayProperty(orEmpty(l.items))
	out["ids"] = resource.NewArrayProperty(orEmpty(l.ids))
	out["names"] = resource.NewArrayProperty(orEmpty(l.names))
	out["id"] = str(strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(strings.Join(l.idList, "")))), 10))
	return out
}

func orEmpty(v []resource.PropertyValue) []resource.PropertyValue {
	if v == nil {
		return []resource.PropertyValue{}
	}
	return v
}

// checkRouteMap: priority 1–100, unique among the CEN's route maps of one
// region and direction; a next priority only on a permitting map, and after
// its own; the region a region ID (docCreateCenRouteMap). The preference
// it sets on a route is 1–100 (docRouteMapsSameRegionVBRs, which also gives
// the default, 50).
func checkRouteMap(c *checker) {
	c.between("priority", "route map priority", circuits.MinRoutePreference, circuits.MaxRoutePreference)
	c.between("nextPriority", "next route map priority", circuits.MinRoutePreference, circuits.MaxRoutePreference)
	c.between("preference", "route preference", circuits.MinRoutePreference, circuits.MaxRoutePreference)
	if region, ok := c.str("cenRegionId"); ok {
		c.check("cenRegionId", limits.CheckRegion(region))
	}
	priority, priorityOK := c.integer("priority")
	if next, ok := c.integer("nextPriority"); ok {
		if result, _ := c.str("mapResult"); result != "Permit" {
			c.fail("nextPriority", "IllegalParam.NextPriority", "a next route map is followed only by the routes a map permits; this one has mapResult %s", result)
		}
		if priorityOK && next <= priority {
			c.fail("nextPriority", "IllegalParam.NextPriority", "next priority %d is not after this map's priority %d: the next map must have a larger priority number", next, priority)
		}
	}
	cen, cenOK := c.str("cenId")
	region, regionOK := c.str("cenRegionId")
	dir, dirOK := c.str("transmitDirection")
	if !cenOK || !regionOK || !dirOK || !priorityOK {
		return
	}
	for _, r := range c.others(inventory.RouteMap) {
		other := inventory.Resource{Props: r.Outputs}
		p, _ := other.Int("priority")
		if field(r.Outputs, "cenId") == cen && field(r.Outputs, "cenRegionId") == region && field(r.Outputs, "transmitDirection") == dir && p == priority {
			c.fail("priority", "Forbidden.DuplicatedPriority", "route map %s of %s already has priority %d in %s (%s); route maps of one region and direction need distinct priorities",
				field(r.Outputs, "routeMapId"), cen, priority, region, dir)
		}
	}
}

func routeMapOutputs(b *builder) {
	b.keep("routeMapId", func() resource.PropertyValue { return str(b.id()) })
	b.set("status", str("Active"))
	b.def("transitRouterRouteTableId", str(""))
}

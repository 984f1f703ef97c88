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
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/hybridlink/hybridlink/internal/cidr"
	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/limits"
)

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
	// An Enterprise Edition CEN has one transit router per region.
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

// checkTR checks an attachment's transit router: one must be named, by
// transitRouterId or by cenId, and the two must agree.
func (c *checker) checkTR() *record {
	if !c.isSet("transitRouterId") && !c.isSet("cenId") {
		c.fail("transitRouterId", "MissingParameter", "give transitRouterId or cenId")
		return nil
	}
	tr := c.resolveTR()
	cen, cenOK := c.str("cenId")
	switch {
	case tr != nil && cenOK:
		if v, _ := readString(tr.Outputs, "cenId"); v != cen {
			c.fail("transitRouterId", "InvalidTransitRouterId.NotInCen", "transit router %s belongs to %s, not %s", tr.ID, v, cen)
		}
	case tr == nil && c.strict && !c.isSet("transitRouterId") && cenOK:
		c.fail("cenId", "InvalidCenId.NoTransitRouter", "%s has no transit router in %s", cen, c.region)
	}
	return tr
}

// attachedTo returns the live attachments of type t on a transit router,
// except this one.
func (c *checker) attachedTo(t tokens.Type, tr *record) []*record {
	trID, _ := readString(tr.Outputs, "transitRouterId")
	var out []*record
	for _, r := range c.others(t) {
		if v, _ := readString(r.Outputs, "transitRouterId"); v == trID {
			out = append(out, r)
		}
	}
	return out
}

func checkVPCAttachment(c *checker) {
	tr := c.checkTR()
	if n, ok := c.count("zoneMappings"); ok && (n < 1 || n > 10) {
		c.check("zoneMappings", fmt.Errorf("%d zones given; give 1–10, two or more for zone redundancy", n))
	}
	vpcID, vpcOK := c.str("vpcId")
	zones := map[string]bool{}
	for _, m := range c.elems("zoneMappings") {
		zone, zoneOK := c.zone(m + ".zoneId")
		if zoneOK && zones[zone] {
			c.fail(m+".zoneId", "InvalidZoneId.Duplicated", "zone %s is mapped twice", zone)
		}
		zones[zone] = true
		sw := c.ref(m + ".vswitchId")
		if sw == nil {
			continue
		}
		if v, _ := readString(sw.Outputs, "vpcId"); vpcOK && v != vpcID {
			c.fail(m+".vswitchId", "InvalidVSwitchId.NotInVpc", "vSwitch %s is in %s, not in %s", sw.ID, v, vpcID)
		}
		if z, _ := readString(sw.Outputs, "zoneId"); zoneOK && z != zone {
			c.fail(m+".zoneId", "InvalidZoneId.Mismatch", "vSwitch %s is in zone %s, not %s", sw.ID, z, zone)
		}
	}
	if tr != nil && vpcOK {
		for _, r := range inVPC(c.attachedTo(inventory.TRVPCAttachment, tr), resource.ID(vpcID)) {
			c.fail("vpcId", "Duplicated.VpcId", "%s is already attached to transit router %s by %s", vpcID, tr.ID, r.ID)
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

func checkVBRAttachment(c *checker) {
	tr := c.checkTR()
	vbr, ok := c.str("vbrId")
	if tr == nil || !ok {
		return
	}
	for _, r := range c.attachedTo(inventory.TRVBRAttachment, tr) {
		if v, _ := readString(r.Outputs, "vbrId"); v == vbr {
			c.fail("vbrId", "Duplicated.VbrId", "%s is already attached to transit router %s by %s", vbr, tr.ID, r.ID)
		}
	}
}

func vbrAttachmentOutputs(b *builder) {
	attachmentOutputs(b)
	b.def("resourceType", str("VBR"))
	b.def("vbrOwnerId", str(b.st.Account.ID))
}

// checkTable checks that an association's or propagation's route table
// belongs to the attachment's transit router, and returns the attachment.
func checkTable(c *checker) *record {
	att, table := c.ref("transitRouterAttachmentId"), c.ref("transitRouterRouteTableId")
	if att != nil && table != nil {
		a, _ := readString(att.Outputs, "transitRouterId")
		t, _ := readString(table.Outputs, "transitRouterId")
		if a != t {
			c.fail("transitRouterRouteTableId", "InvalidTransitRouterRouteTableId.NotInTransitRouter",
				"route table %s belongs to transit router %s; attachment %s is on %s", table.ID, t, att.ID, a)
		}
	}
	return att
}

func checkAssociation(c *checker) {
	att := checkTable(c)
	if att == nil {
		return
	}
	// An attachment is associated with one route table.
	attID, _ := c.str("transitRouterAttachmentId")
	tableID, _ := c.str("transitRouterRouteTableId")
	for _, r := range c.others(inventory.TRAssociation) {
		a, _ := readString(r.Outputs, "transitRouterAttachmentId")
		t, _ := readString(r.Outputs, "transitRouterRouteTableId")
		if a == attID && t != tableID {
			c.fail("transitRouterAttachmentId", "Forbidden.AttachmentAssociated", "%s is already associated with route table %s (%s)", attID, t, r.ID)
		}
	}
}

func checkPropagation(c *checker) { checkTable(c) }

func checkCENRouteEntry(c *checker) {
	block, blockOK := c.block("cidrBlock", nil)
	vpc := c.ref("routeTableId")
	// What a route can be published from is decided at Create: at Check the
	// routes and attachments it needs may be created in the same update.
	if !c.strict || vpc == nil || !blockOK {
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

func checkVBRHealthCheck(c *checker) {
	c.between("healthCheckInterval", "health check interval (s)", limits.HealthCheckIntervalMin, limits.HealthCheckIntervalMax)
	c.between("healthyThreshold", "healthy threshold", limits.HealthyThresholdMin, limits.HealthyThresholdMax)
	c.addr("healthCheckTargetIp")
	c.addr("healthCheckSourceIp")
	vbr := c.ref("vbrInstanceId")
	if region, ok := c.str("vbrInstanceRegionId"); ok {
		c.check("vbrInstanceRegionId", limits.CheckRegion(region))
		if vbr != nil && vbr.Region != region {
			c.fail("vbrInstanceRegionId", "InvalidVbrInstanceRegionId.Mismatch", "VBR %s is in %s, not %s", vbr.ID, vbr.Region, region)
		}
	}
	// The VBR must be attached to the CEN before it can be health-checked;
	// the attachment may come in the same update, so this waits for Create.
	cenID, ok := c.str("cenId")
	if !c.strict || vbr == nil || !ok {
		return
	}
	for _, att := range c.st.ofType(inventory.TRVBRAttachment) {
		if field(att.Outputs, "vbrId") == string(vbr.ID) && field(att.Outputs, "cenId") == cenID {
			return
		}
	}
	c.fail("vbrInstanceId", "OperationUnsupported.VbrNotAttached", "VBR %s is not attached to %s; attach it before checking its health", vbr.ID, cenID)
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

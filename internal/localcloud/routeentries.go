package localcloud

import (
	"fmt"
	"hash/crc32"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/hybridlink/hybridlink/internal/inventory"
)

// routeEntries answers getTransitRouterRouteEntries from the routing of the
// stack that owns the route table, under the faults in force. The data
// source passes transitRouterRouteEntryStatus to ListTransitRouterRouteEntries,
// which lists only Active entries unless asked for another status; so it
// lists the route selected for each destination — the VBR's BGP route
// while the circuit is up, the route the transit VPC advertises once it is
// down — and never one standing by.
func (st *state) routeEntries(args inventory.Resource) (resource.PropertyMap, error) {
	tableID, _ := args.String("transitRouterRouteTableId")
	var table *record
	for _, r := range st.ofType(trRouteTable) {
		if field(r.Outputs, "transitRouterRouteTableId") == tableID {
			table = r
		}
	}
	if table == nil {
		return nil, fmt.Errorf("InvalidTransitRouterRouteTableId.NotFound: the specified route table %s does not exist", tableID)
	}
	stack := string(table.URN.Stack())
	n, faults := st.routing(stack, st.OnPrem[stack])

	nameRE, err := nameRegex(args)
	if err != nil {
		return nil, err
	}
	wantStatus, _ := args.String("transitRouterRouteEntryStatus")
	if wantStatus == "" {
		wantStatus = "Active"
	}
	wantIDs := append(args.Strings("ids"), args.Strings("transitRouterRouteEntryIds")...)
	wantNames := args.Strings("transitRouterRouteEntryNames")
	clientStatus, _ := args.String("status")

	var found listing
	for _, r := range n.Tables(faults).TransitRouter {
		if !r.Active {
			continue
		}
		const status = "Active"
		next := r.Attachment()
		id := fmt.Sprintf("rte-%08x", crc32.ChecksumIEEE([]byte(tableID+r.Dest.String()+next)))
		name := "" // propagated routes have no name
		if status != wantStatus || (clientStatus != "" && status != clientStatus) ||
			(len(wantIDs) > 0 && !slices.Contains(wantIDs, id)) || (len(wantNames) > 0 && !slices.Contains(wantNames, name)) ||
			(nameRE != nil && !nameRE.MatchString(name)) {
			continue
		}
		found.add(id, name, resource.PropertyMap{
			"id": str(id), "transitRouterRouteEntryId": str(id), "status": str(status),
			"transitRouterRouteEntryDestinationCidrBlock": str(r.Dest.String()),
			"transitRouterRouteEntryNextHopId":            str(next),
			"transitRouterRouteEntryNextHopType":          str("Attachment"),
			"transitRouterRouteEntryType":                 str("Propagated"),
			"transitRouterRouteEntryName":                 str(name),
			"transitRouterRouteEntryDescription":          str(r.Source),
		})
	}
	return found.result(args, "entries"), nil
}

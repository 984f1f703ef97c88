package localcloud

// The Alibaba Cloud documentation pages that state the rules the local
// cloud applies beyond the provider's schema. Every such rule cites one of
// them beside it; docs/sandbox-fidelity.md lists each rule with its page.
// A rule no page states is not applied. (The API reference pages' parameter
// tables are the text of the API's own metadata: the same descriptions the
// generated alibabacloud-go SDKs carry, e.g.
// github.com/alibabacloud-go/vpc-20160428/v6, where they were read.)
const (
	vpcAPI = "https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-"
	cenAPI = "https://www.alibabacloud.com/help/en/cen/developer-reference/api-cbn-2017-09-12-"
	cmsAPI = "https://www.alibabacloud.com/help/en/cms/developer-reference/api-cms-2019-01-01-"

	docCreateVpc                 = vpcAPI + "createvpc"
	docModifyVpcAttribute        = vpcAPI + "modifyvpcattribute"
	docCreateVSwitch             = vpcAPI + "createvswitch"
	docCreateVirtualBorderRouter = vpcAPI + "createvirtualborderrouter"
	docModifyVirtualBorderRouter = vpcAPI + "modifyvirtualborderrouterattribute"
	docCreateBgpGroup            = vpcAPI + "createbgpgroup"
	docCreateBgpPeer             = vpcAPI + "createbgppeer"
	docCreateVpnGateway          = vpcAPI + "createvpngateway"
	docCreateCustomerGateway     = vpcAPI + "createcustomergateway"
	docCreateVpnConnection       = vpcAPI + "createvpnconnection"
	docCreateVpnRouteEntry       = vpcAPI + "createvpnrouteentry"
	docCreateFailoverTestJob     = vpcAPI + "createfailovertestjob"
	docStartFailoverTestJob      = vpcAPI + "startfailovertestjob"
	docDeleteFailoverTestJob     = vpcAPI + "deletefailovertestjob"
	docCreateCen                 = cenAPI + "createcen"
	docCreateTransitRouter       = cenAPI + "createtransitrouter"
	docCreateTRVpcAttachment     = cenAPI + "createtransitroutervpcattachment"
	docCreateTRVbrAttachment     = cenAPI + "createtransitroutervbrattachment"
	docAssociateTRRouteTable     = cenAPI + "associatetransitrouterattachmentwithroutetable"
	docPublishRouteEntries       = cenAPI + "publishrouteentries"
	docEnableCenVbrHealthCheck   = cenAPI + "enablecenvbrhealthcheck"
	docCreateCenRouteMap         = cenAPI + "createcenroutemap"
	docPutResourceMetricRule     = cmsAPI + "putresourcemetricrule"
	docPutEventRule              = cmsAPI + "puteventrule"
	docPutEventRuleTargets       = cmsAPI + "puteventruletargets"

	// User guides.
	docRouteLearning      = "https://www.alibabacloud.com/help/en/cen/user-guide/route-learning"
	docDestinationRoutes  = "https://www.alibabacloud.com/help/en/vpn/sub-product-ipsec-vpn/user-guide/manage-destination-based-routes"
	docActiveStandbyVPNEC = "https://www.alibabacloud.com/help/en/vpn/sub-product-ipsec-vpn/use-cases/configure-active-or-standby-connections-by-using-ipsec-vpn-and-an-express-connect-circuit"
	// Use cases.
	docRouteMapsSameRegionVBRs = "https://help.aliyun.com/en/cen/use-cases/configure-active-and-standby-static-routes-for-vbrs-in-the-same-region-by-using-route-maps"
)

// apiDocs are the pages above, for the test that the docs page lists them.
var apiDocs = []string{docCreateVpc, docModifyVpcAttribute, docCreateVSwitch, docCreateVirtualBorderRouter,
	docModifyVirtualBorderRouter, docCreateBgpGroup, docCreateBgpPeer, docCreateVpnGateway, docCreateCustomerGateway,
	docCreateVpnConnection, docCreateVpnRouteEntry, docCreateFailoverTestJob, docStartFailoverTestJob,
	docDeleteFailoverTestJob, docCreateCen, docCreateTransitRouter, docCreateTRVpcAttachment, docCreateTRVbrAttachment,
	docAssociateTRRouteTable, docPublishRouteEntries, docEnableCenVbrHealthCheck, docCreateCenRouteMap,
	docPutResourceMetricRule, docPutEventRule, docPutEventRuleTargets, docRouteLearning, docDestinationRoutes,
	docActiveStandbyVPNEC, docRouteMapsSameRegionVBRs}

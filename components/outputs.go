package components

// Output names of a HybridConnection. hybridlink's program exports the same
// values under the same names as stack outputs, and its CLI reads them back
// by these constants.
const (
	OutputVPNInternetIP                 = "vpnInternetIp"
	OutputVPNDisasterRecoveryInternetIP = "vpnDisasterRecoveryInternetIp"
	OutputVPNGatewayID                  = "vpnGatewayId"
	OutputVPNConnectionID               = "vpnConnectionId"
	OutputCustomerGatewayID             = "customerGatewayId"
	OutputVPNPreSharedKey               = "vpnPreSharedKey"
	OutputVBRID                         = "vbrId"
	OutputVBRRouteTableID               = "vbrRouteTableId"
	OutputCENID                         = "cenId"
	OutputTransitRouterID               = "transitRouterId"
	OutputTransitRouterRouteTableID     = "transitRouterRouteTableId"
	OutputVPCAttachmentIDs              = "vpcAttachmentIds"
	OutputVBRAttachmentID               = "vbrAttachmentId"
	// The second circuit's, with one.
	OutputSecondVBRID           = "secondVbrId"
	OutputSecondVBRRouteTableID = "secondVbrRouteTableId"
	OutputSecondVBRAttachmentID = "secondVbrAttachmentId"
)

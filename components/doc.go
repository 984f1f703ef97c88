// Package components holds hybridlink's Pulumi component resources for an
// active/standby hybrid connection between an on-premises data center (IDC)
// and Alibaba Cloud:
//
//   - ExpressConnectLeg: the primary path — a VBR on an existing Express
//     Connect circuit with a BGP group and peer toward the on-premises gateway;
//   - VPNStandbyLeg: the standby path — an IPsec-VPN gateway in a transit VPC,
//     a customer gateway, the IPsec connection and one weight-100 destination
//     route per IDC prefix, advertised into the VPC;
//   - CENHub: a CEN transit router joining the VPCs and the VBR, with each
//     attachment associated with and propagating to the system route table,
//     and the VPN routes advertised from the transit VPC to CEN;
//   - HybridConnection: the three composed for the common case.
//
// Every Args value is validated before anything is registered; a
// constructor returns every problem at once as ArgErrors.
package components

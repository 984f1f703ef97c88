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
//   - StandbyMonitoring: CloudMonitor alarms on the CEN health check of the
//     VBR and an event rule on the IPsec connection, so that the standby, which
//     carries no traffic, cannot fail unnoticed;
//   - HybridConnection: the legs and the hub composed for the common case,
//     with StandbyMonitoring when Monitoring is set. Its ExpressConnect and
//     VPN fields take the legs' own Args.
//
// Each constructor New<Component>(ctx, name, args, opts...) takes an
// <Component>Args. Fields documented "Required." must be set; a zero value
// there is an error, never a default. Every number is a *int
// (pulumi.IntRef(100)): nil is unset — its default, or an error where it is
// required — and a value given, 0 included, is the value the rules judge,
// never replaced by a default. The name is the stem of every child's
// Pulumi name and Alibaba Cloud name: 2–64 characters, a letter first, then
// letters, digits, '.', '_' and '-'.
//
// Every Args value and the name are validated before anything is
// registered, against the rules Alibaba Cloud's APIs apply (ranges, tags,
// list lengths) and those of real networks (no special-purpose addresses);
// an ID given as a plain pulumi.String must have the form the API gives
// IDs (vpc-…, vsw-…), while an output is left to the cloud. A constructor that fails returns a nil component; for invalid
// arguments its error holds ArgErrors, every problem at once, which
// errors.As finds as a whole (var errs ArgErrors) or one at a time (var e
// *ArgError). Each names the field path, the value (never a secret), the
// rule and the fix; a bad name is reported against the field "name".
//
// The Pulumi type tokens (hybridlink:index:ExpressConnectLeg,
// …:VpnStandbyLeg, …:CenHub, …:StandbyMonitoring, …:HybridConnection) are
// part of the resources' URNs and stay as they are. Each component carries
// an alias to its token before v0.1.0 (hybridlink:components:<Name>), so a
// stack deployed with those is updated in place, not replaced.
package components

// Package lab runs a stack's rendered on-premises configuration (linux-frr:
// frr.conf, swanctl.conf and the updown script) on real FRR and strongSwan,
// against an emulation of Alibaba Cloud's side (the VBR, the VPN gateway,
// the transit router and one host per workload VPC), each in a Linux network
// namespace the lab creates and always removes. Sequence-numbered UDP probes
// run both ways between every IDC host and workload VPC host while the lab
// cuts the circuit, restores it, fails the VPN and takes the circuit's link
// down; each packet is attributed to the link that carried it by a DSCP mark
// set where it leaves that link. Per step the observed paths are compared
// with internal/routemodel's, and failover and failback outages are
// measured.
//
// What is real: the on-premises configuration as rendered (changed only by
// the named transforms the report lists), FRR's zebra, bgpd, bfdd and
// staticd, strongSwan's IKE and ESP, the kernel's forwarding and the
// packets. What is emulated: Alibaba Cloud's side — FRR as the VBR and the
// transit router, strongSwan as the VPN gateway — built from the stack and
// the route model.
//
// The lab needs root, iproute2, nftables, FRR and strongSwan (Debian: frr,
// strongswan-charon, strongswan-swanctl, libcharon-extra-plugins,
// libstrongswan-extra-plugins, nftables).
package lab

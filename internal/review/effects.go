package review

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/hybridlink/hybridlink/internal/inventory"
)

// Effect is what replacing or deleting a resource does to the hybrid
// connection: a replacement deletes the old resource and creates the new
// one, so its effect lasts until the new one works; a deletion's lasts.
type Effect string

// The effects a review names.
const (
	PrimaryDown  Effect = "primary path down"
	StandbyDown  Effect = "standby path down"
	VPCDetached  Effect = "VPC detached from the hub"
	VPNIPsChange Effect = "VPN gateway's public IPs change"
	Workloads    Effect = "workloads' network recreated"
	Monitoring   Effect = "monitoring gap"
	Unclassified Effect = "effect not classified"
)

// Break is a replacement or deletion and what it does.
type Break struct {
	Change  Change
	Effects []Effect
	// Why says how, in one sentence.
	Why string
	// Allowed: --allow-replace names the protected resource.
	Allowed bool
}

// Base is the base's deployment, as far as classifying a change needs it.
type Base struct {
	// Resources are the base's deployed resources (pulumi stack export).
	Resources []apitype.ResourceV3
	// VPCNames maps each VPC's ID to its name in the stack config.
	VPCNames map[string]string
}

// kinds name each resource type hybridlink deploys in the network's terms,
// and say what replacing or deleting one does.
var kinds = map[tokens.Type]struct {
	name   string
	effect func(r apitype.ResourceV3, b *baseIndex) ([]Effect, string)
}{
	inventory.VBR:               {"VBR", fixed("the circuit's BGP session ends with the VBR: traffic moves to the VPN until the new VBR's session is up", PrimaryDown)},
	inventory.BGPGroup:          {"BGP group", fixed("the BGP session with the on-premises gateway is torn down and set up again", PrimaryDown)},
	inventory.BGPPeer:           {"BGP peer", fixed("the BGP session with the on-premises gateway is torn down and set up again", PrimaryDown)},
	inventory.TRVBRAttachment:   {"VBR attachment", fixed("the VBR is cut off the transit router: no route over the circuit", PrimaryDown)},
	inventory.VPNGateway:        {"VPN gateway", fixed("a new VPN gateway gets new public IPs: both tunnels are down until the on-premises gateway is pointed at them", StandbyDown, VPNIPsChange)},
	inventory.CustomerGateway:   {"customer gateway", fixed("the IPsec connection on it goes with it", StandbyDown)},
	inventory.VPNConnection:     {"IPsec connection", fixed("the tunnels renegotiate from scratch", StandbyDown)},
	inventory.VPNRouteEntry:     {"VPN destination route", fixed("the transit VPC loses its route to the IDC through the tunnel", StandbyDown)},
	inventory.CENRouteEntry:     {"VPN route advertisement", fixed("the transit router no longer learns the VPN's route to the IDC: the standby path silently does not exist", StandbyDown)},
	inventory.VBRHealthCheck:    {"VBR health check", fixed("CEN stops probing the circuit: a dead circuit is withdrawn only when BGP's timers expire", Monitoring)},
	inventory.Alarm:             {"alarm", fixed("the link is not watched", Monitoring)},
	inventory.EventRule:         {"event rule", fixed("the link's events raise no alert", Monitoring)},
	inventory.AlarmContactGroup: {"alarm contact group", fixed("the alarms notify no one", Monitoring)},
	inventory.FailoverTestJob:   {"failover test job", fixed("it carries no traffic")},
	inventory.CEN:               {"CEN instance", hub},
	inventory.TransitRouter:     {"transit router", hub},
	inventory.TRVPCAttachment:   {"VPC attachment", vpcAttachment},
	inventory.TRAssociation:     {"route table association", attachmentRoute},
	inventory.TRPropagation:     {"route table propagation", attachmentRoute},
	inventory.VPC:               {"VPC", vpc},
	inventory.VSwitch:           {"vSwitch", vswitch},
}

// kindOf names a resource type in the network's terms.
func kindOf(t string) string {
	if k, ok := kinds[tokens.Type(t)]; ok {
		return k.name
	}
	return tokens.Type(t).Name().String()
}

func fixed(why string, effects ...Effect) func(apitype.ResourceV3, *baseIndex) ([]Effect, string) {
	return func(apitype.ResourceV3, *baseIndex) ([]Effect, string) { return effects, why }
}

// hub: the CEN instance and transit router carry every attachment.
func hub(_ apitype.ResourceV3, b *baseIndex) ([]Effect, string) {
	return []Effect{PrimaryDown, StandbyDown, VPCDetached},
		fmt.Sprintf("every attachment goes with the hub: both paths are down and every workload VPC (%s) is detached", strings.Join(b.workloadVPCs(), ", "))
}

func vpcAttachment(r apitype.ResourceV3, b *baseIndex) ([]Effect, string) {
	id, _ := r.Inputs["vpcId"].(string)
	if b.isTransit(id) {
		return []Effect{StandbyDown}, "the transit VPC, where the VPN gateway is, is cut off the transit router"
	}
	return []Effect{VPCDetached}, fmt.Sprintf("VPC %s is cut off the transit router: it reaches the IDC over neither link", b.vpcName(id))
}

// attachmentRoute: an association or propagation matters as much as its
// attachment: without it the transit router does not route for it, or does
// not learn its routes.
func attachmentRoute(r apitype.ResourceV3, b *baseIndex) ([]Effect, string) {
	id, _ := r.Inputs["transitRouterAttachmentId"].(string)
	att, ok := b.attachments[id]
	switch {
	case !ok:
		return []Effect{Unclassified}, "its attachment is not in the base's state"
	case att.Type == inventory.TRVBRAttachment:
		return []Effect{PrimaryDown}, "the transit router stops routing for the VBR, or learning the IDC's routes from it"
	}
	effects, why := vpcAttachment(att, b)
	return effects, "its attachment's routing stops: " + why
}

func vpc(r apitype.ResourceV3, b *baseIndex) ([]Effect, string) {
	if b.isTransit(r.ID.String()) {
		return []Effect{StandbyDown}, "the VPN gateway's VPC goes with everything in it"
	}
	return []Effect{VPCDetached, Workloads}, fmt.Sprintf("VPC %s goes with everything in it", b.vpcName(r.ID.String()))
}

func vswitch(r apitype.ResourceV3, b *baseIndex) ([]Effect, string) {
	id, _ := r.Inputs["vpcId"].(string)
	if b.isTransit(id) {
		return []Effect{StandbyDown}, "the VPN gateway and the transit VPC's attachment use the transit VPC's vSwitches"
	}
	return []Effect{Workloads}, fmt.Sprintf("instances in it (VPC %s) must be recreated, and the VPC's attachment uses it", b.vpcName(id))
}

// baseIndex finds the base's resources by URN, and attachments by their
// attachment ID (the provider's resource ID is "<cen>:<attachment>").
type baseIndex struct {
	byURN       map[resource.URN]apitype.ResourceV3
	attachments map[string]apitype.ResourceV3
	vpcNames    map[string]string
	transitID   string
}

func indexBase(b Base) *baseIndex {
	x := &baseIndex{byURN: map[resource.URN]apitype.ResourceV3{}, attachments: map[string]apitype.ResourceV3{}, vpcNames: b.VPCNames}
	for _, r := range b.Resources {
		x.byURN[r.URN] = r
		if id, ok := r.Outputs["transitRouterAttachmentId"].(string); ok && (r.Type == inventory.TRVBRAttachment || r.Type == inventory.TRVPCAttachment) {
			x.attachments[id] = r
		}
		// The design puts the VPN gateway in the transit VPC.
		if r.Type == inventory.VPNGateway {
			x.transitID, _ = r.Inputs["vpcId"].(string)
		}
	}
	return x
}

func (b *baseIndex) isTransit(vpcID string) bool { return vpcID != "" && vpcID == b.transitID }

func (b *baseIndex) vpcName(id string) string {
	if n, ok := b.vpcNames[id]; ok {
		return n
	}
	if id == "" {
		return "(unknown)"
	}
	return id
}

func (b *baseIndex) workloadVPCs() []string {
	var out []string
	for id, name := range b.vpcNames {
		if !b.isTransit(id) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// breaksOf classifies every replacement and deletion; allow names the
// protected resources the author means to replace (by name or URN).
func breaksOf(changes []Change, b *baseIndex, allow []string) []Break {
	var out []Break
	for _, c := range changes {
		if c.Op != Replace && c.Op != Delete {
			continue
		}
		br := Break{Change: c, Allowed: c.Protected && allows(allow, c.URN)}
		old, ok := b.byURN[c.URN]
		k, known := kinds[tokens.Type(c.Type)]
		switch {
		case !known:
			br.Effects, br.Why = []Effect{Unclassified}, "review it by hand: hybridlink does not deploy this type"
		case !ok:
			br.Effects, br.Why = []Effect{Unclassified}, "it is not in the base's state"
		default:
			br.Effects, br.Why = k.effect(old, b)
		}
		out = append(out, br)
	}
	return out
}

// allows reports whether --allow-replace names a resource: its name or
// URN, or a shell pattern matching its name ("hybridlink-expressconnect-*").
func allows(allow []string, urn resource.URN) bool {
	for _, a := range allow {
		if ok, _ := path.Match(a, urn.Name()); ok || a == string(urn) {
			return true
		}
	}
	return false
}

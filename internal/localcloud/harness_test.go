package localcloud

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/hybridlink/hybridlink/internal/inventory"
)

// harness drives a local cloud over gRPC, as the engine does.
type harness struct {
	t      testing.TB
	dir    string
	cloud  *Cloud
	client pulumirpc.ResourceProviderClient
}

// newHarness serves a fresh sandbox configured for cn-hangzhou.
func newHarness(t testing.TB) *harness { return serveDir(t, t.TempDir()) }

// serveDir serves the sandbox in dir.
func serveDir(t testing.TB, dir string) *harness {
	t.Helper()
	c, err := Open(dir)
	require.NoError(t, err)
	port, stop, err := c.Serve(context.Background())
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, stop()) })
	conn, err := grpc.NewClient(fmt.Sprintf("127.0.0.1:%d", port), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	h := &harness{t: t, dir: dir, cloud: c, client: pulumirpc.NewResourceProviderClient(conn)}
	_, err = h.client.Configure(context.Background(), &pulumirpc.ConfigureRequest{
		Args: h.marshal(props{"region": "cn-hangzhou"}), AcceptSecrets: true, AcceptResources: true,
	})
	require.NoError(t, err)
	return h
}

// props builds a property map from plain Go values; PropertyValues (secrets,
// unknowns) are kept as they are.
type props map[string]any

func (p props) pm() resource.PropertyMap {
	m := resource.PropertyMap{}
	for k, v := range p {
		m[resource.PropertyKey(k)] = value(v)
	}
	return m
}

func value(v any) resource.PropertyValue {
	switch v := v.(type) {
	case resource.PropertyValue:
		return v
	case props:
		return resource.NewObjectProperty(v.pm())
	case []any:
		a := make([]resource.PropertyValue, len(v))
		for i, e := range v {
			a[i] = value(e)
		}
		return resource.NewArrayProperty(a)
	case []string:
		a := make([]resource.PropertyValue, len(v))
		for i, e := range v {
			a[i] = resource.NewStringProperty(e)
		}
		return resource.NewArrayProperty(a)
	}
	return resource.NewPropertyValue(v)
}

var unknown = resource.MakeComputed(resource.NewStringProperty(""))

var wireOpts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true}

func (h *harness) marshal(p props) *structpb.Struct {
	s, err := plugin.MarshalProperties(p.pm(), wireOpts)
	require.NoError(h.t, err)
	return s
}

func (h *harness) unmarshal(s *structpb.Struct) resource.PropertyMap {
	m, err := plugin.UnmarshalProperties(s, wireOpts)
	require.NoError(h.t, err)
	return m
}

func urnOf(t tokens.Type, name string) string {
	return string(resource.NewURN("dev", "hybridlink", "", t, name))
}

func (h *harness) check(t tokens.Type, name string, in props) []*pulumirpc.CheckFailure {
	h.t.Helper()
	resp, err := h.client.Check(context.Background(), &pulumirpc.CheckRequest{Urn: urnOf(t, name), News: h.marshal(in)})
	require.NoError(h.t, err)
	return resp.Failures
}

// created is a resource the harness created: the program's inputs, the
// inputs Check returned (with the bridge's defaults), and the outputs.
type created struct {
	t       tokens.Type
	id      string
	inputs  props
	checked resource.PropertyMap
	out     resource.PropertyMap
}

func (c created) str(path string) string { return field(c.out, path) }

// create checks and creates a resource, failing the test on a failure.
func (h *harness) create(t tokens.Type, name string, in props) created {
	h.t.Helper()
	require.Empty(h.t, h.check(t, name, in), "Check %s", name)
	c, err := h.tryCreate(t, name, in)
	require.NoError(h.t, err, "Create %s", name)
	return c
}

// tryCreate creates a resource from the inputs Check returns for in, as
// the engine does, whatever Check's failures.
func (h *harness) tryCreate(t tokens.Type, name string, in props) (created, error) {
	checked, err := h.tryCheck(t, name, nil, in)
	if err != nil {
		return created{}, err
	}
	resp, err := h.client.Create(context.Background(), &pulumirpc.CreateRequest{Urn: urnOf(t, name), Properties: h.marshalMap(checked)})
	if err != nil {
		return created{}, err
	}
	return created{t: t, id: resp.Id, inputs: in, checked: checked, out: h.unmarshal(resp.Properties)}, nil
}

// checked is what Check returns for new inputs given the old ones (nil for
// a new resource).
func (h *harness) checked(t tokens.Type, name string, olds resource.PropertyMap, news props) resource.PropertyMap {
	h.t.Helper()
	in, err := h.tryCheck(t, name, olds, news)
	require.NoError(h.t, err)
	return in
}

func (h *harness) tryCheck(t tokens.Type, name string, olds resource.PropertyMap, news props) (resource.PropertyMap, error) {
	req := &pulumirpc.CheckRequest{Urn: urnOf(t, name), News: h.marshal(news)}
	if olds != nil {
		req.Olds = h.marshalMap(olds)
	}
	resp, err := h.client.Check(context.Background(), req)
	if err != nil {
		return nil, err
	}
	return h.unmarshal(resp.Inputs), nil
}

// diff diffs the checked new inputs with the resource's outputs, as the
// engine does.
func (h *harness) diff(c created, news props) *pulumirpc.DiffResponse {
	h.t.Helper()
	checked := h.checked(c.t, "r", c.checked, news)
	resp, err := h.client.Diff(context.Background(), &pulumirpc.DiffRequest{
		Id: c.id, Urn: urnOf(c.t, "r"), Olds: h.marshalMap(c.out), News: h.marshalMap(checked), OldInputs: h.marshalMap(c.checked),
	})
	require.NoError(h.t, err)
	return resp
}

func (h *harness) marshalMap(m resource.PropertyMap) *structpb.Struct {
	s, err := plugin.MarshalProperties(m, wireOpts)
	require.NoError(h.t, err)
	return s
}

func (h *harness) update(c created, news props) (created, error) {
	checked, err := h.tryCheck(c.t, "r", c.checked, news)
	if err != nil {
		return created{}, err
	}
	resp, err := h.client.Update(context.Background(), &pulumirpc.UpdateRequest{
		Id: c.id, Urn: urnOf(c.t, "r"), Olds: h.marshalMap(c.out), News: h.marshalMap(checked), OldInputs: h.marshalMap(c.checked),
	})
	if err != nil {
		return created{}, err
	}
	return created{t: c.t, id: c.id, inputs: news, checked: checked, out: h.unmarshal(resp.Properties)}, nil
}

func (h *harness) delete(c created) error {
	_, err := h.client.Delete(context.Background(), &pulumirpc.DeleteRequest{Id: c.id, Urn: urnOf(c.t, "r"), Properties: h.marshalMap(c.out)})
	return err
}

func (h *harness) read(c created) (string, resource.PropertyMap) {
	h.t.Helper()
	resp, err := h.client.Read(context.Background(), &pulumirpc.ReadRequest{Id: c.id, Urn: urnOf(c.t, "r"), Properties: h.marshalMap(c.out)})
	require.NoError(h.t, err)
	if resp.Properties == nil {
		return resp.Id, nil
	}
	return resp.Id, h.unmarshal(resp.Properties)
}

func (h *harness) invoke(args props) (*pulumirpc.InvokeResponse, error) {
	return h.client.Invoke(context.Background(), &pulumirpc.InvokeRequest{Tok: inventory.GetTRRouteTables, Args: h.marshal(args)})
}

// world is the reference design (README.md), created resource by resource
// in the order the engine creates it: every one of the 17 types.
type world struct {
	vpc1, vpc2, sw1h, sw1i, sw2h, sw2i            created
	vbr, bgpGroup, bgpPeer                        created
	gw, cgw, conn, route                          created
	cen, tr                                       created
	systemTable                                   string
	att1, att2, vbrAtt                            created
	assoc1, assoc2, assocVbr, prop1, prop2, prop3 created
	cenRoute, health, routeMap                    created
}

func newWorld(h *harness) *world {
	h.t.Helper()
	w := &world{}
	w.vpc1 = h.create(inventory.VPC, "vpc1", props{"vpcName": "VPC1", "cidrBlock": "192.168.0.0/16"})
	w.vpc2 = h.create(inventory.VPC, "vpc2", props{"vpcName": "VPC2", "cidrBlock": "10.0.0.0/16"})
	sw := func(name string, vpc created, block, zone string) created {
		return h.create(inventory.VSwitch, name, props{"vpcId": vpc.id, "cidrBlock": block, "zoneId": zone})
	}
	w.sw1h = sw("sw1h", w.vpc1, "192.168.20.0/24", "cn-hangzhou-h")
	w.sw1i = sw("sw1i", w.vpc1, "192.168.21.0/24", "cn-hangzhou-i")
	w.sw2h = sw("sw2h", w.vpc2, "10.0.1.0/24", "cn-hangzhou-h")
	w.sw2i = sw("sw2i", w.vpc2, "10.0.2.0/24", "cn-hangzhou-i")

	w.vbr = h.create(inventory.VBR, "vbr", vbrProps())
	w.bgpGroup = h.create(inventory.BGPGroup, "bgp-group", props{"routerId": w.vbr.id, "peerAsn": 65530, "authKey": resource.MakeSecret(resource.NewStringProperty("md5-key"))})
	w.bgpPeer = h.create(inventory.BGPPeer, "bgp-peer", props{"bgpGroupId": w.bgpGroup.id, "peerIpAddress": "10.1.0.2"})

	w.gw = h.create(inventory.VPNGateway, "gw", props{"vpcId": w.vpc2.id, "bandwidth": 10, "vswitchId": w.sw2h.id,
		"disasterRecoveryVswitchId": w.sw2i.id, "enableIpsec": true, "enableSsl": false})
	w.cgw = h.create(inventory.CustomerGateway, "cgw", props{"ipAddress": "203.0.113.68"})
	w.conn = h.create(inventory.VPNConnection, "conn", dualTunnel(w.gw.id, w.cgw.id))
	w.route = h.create(inventory.VPNRouteEntry, "route", props{"vpnGatewayId": w.gw.id, "nextHop": w.conn.id,
		"routeDest": "172.16.0.0/16", "weight": 100, "publishVpc": true})

	w.cen = h.create(inventory.CEN, "cen", props{"cenInstanceName": "hub"})
	w.tr = h.create(inventory.TransitRouter, "tr", props{"cenId": w.cen.id})
	resp, err := h.invoke(props{"transitRouterId": w.tr.str("transitRouterId"), "transitRouterRouteTableType": "System"})
	require.NoError(h.t, err)
	w.systemTable = field(h.unmarshal(resp.Return), "tables[0].transitRouterRouteTableId")

	att := func(name string, vpc, a, b created) created {
		return h.create(inventory.TRVPCAttachment, name, props{"vpcId": vpc.id, "cenId": w.cen.id,
			"transitRouterId": w.tr.str("transitRouterId"), "autoPublishRouteEnabled": true, "zoneMappings": []any{
				props{"zoneId": "cn-hangzhou-h", "vswitchId": a.id}, props{"zoneId": "cn-hangzhou-i", "vswitchId": b.id}}})
	}
	w.att1 = att("att1", w.vpc1, w.sw1h, w.sw1i)
	w.att2 = att("att2", w.vpc2, w.sw2h, w.sw2i)
	w.vbrAtt = h.create(inventory.TRVBRAttachment, "vbr-att", props{"vbrId": w.vbr.id, "cenId": w.cen.id,
		"transitRouterId": w.tr.str("transitRouterId"), "autoPublishRouteEnabled": true})
	tableProps := func(a created) props {
		return props{"transitRouterAttachmentId": a.str("transitRouterAttachmentId"), "transitRouterRouteTableId": w.systemTable}
	}
	w.assoc1 = h.create(inventory.TRAssociation, "assoc1", tableProps(w.att1))
	w.assoc2 = h.create(inventory.TRAssociation, "assoc2", tableProps(w.att2))
	w.assocVbr = h.create(inventory.TRAssociation, "assoc-vbr", tableProps(w.vbrAtt))
	w.prop1 = h.create(inventory.TRPropagation, "prop1", tableProps(w.att1))
	w.prop2 = h.create(inventory.TRPropagation, "prop2", tableProps(w.att2))
	w.prop3 = h.create(inventory.TRPropagation, "prop-vbr", tableProps(w.vbrAtt))
	w.cenRoute = h.create(inventory.CENRouteEntry, "advertise", props{"instanceId": w.cen.id,
		"routeTableId": w.vpc2.str("routeTableId"), "cidrBlock": "172.16.0.0/16"})
	w.health = h.create(inventory.VBRHealthCheck, "health", props{"cenId": w.cen.id, "healthCheckTargetIp": "10.1.0.2",
		"vbrInstanceId": w.vbr.id, "vbrInstanceRegionId": "cn-hangzhou"})
	w.routeMap = h.create(inventory.RouteMap, "rank-vbr", routeMapProps(w, 10))
	return w
}

// routeMapProps is a route map ranking the world's VBR routes in the
// system route table, as the components write one.
func routeMapProps(w *world, priority int) props {
	return props{"cenId": w.cen.id, "cenRegionId": "cn-hangzhou", "transitRouterRouteTableId": w.systemTable,
		"transmitDirection": "RegionIn", "mapResult": "Permit", "priority": priority, "preference": 10,
		"sourceInstanceIds": []string{w.vbr.id}}
}

func vbrProps() props {
	return props{"physicalConnectionId": "pc-bp1abcdefghij", "vlanId": 0, "localGatewayIp": "10.1.0.1",
		"peerGatewayIp": "10.1.0.2", "peeringSubnetMask": "255.255.255.252", "virtualBorderRouterName": "VBR"}
}

// dualTunnel is a dual-tunnel connection with every tunnel setting given,
// as the components give them: the provider's tunnel settings are not
// Computed, so one left unset would differ from what the API reports.
func dualTunnel(gw, cgw string) props {
	tunnel := func(role string) props {
		return props{"role": role, "customerGatewayId": cgw, "enableDpd": true, "enableNatTraversal": true,
			"tunnelIkeConfig": props{"ikeVersion": "ikev2", "ikeMode": "main", "ikeEncAlg": "aes256", "ikeAuthAlg": "sha256",
				"ikePfs": "group14", "ikeLifetime": 86400, "psk": resource.MakeSecret(resource.NewStringProperty("tunnel-key-1"))},
			"tunnelIpsecConfig": props{"ipsecEncAlg": "aes256", "ipsecAuthAlg": "sha256", "ipsecPfs": "group14", "ipsecLifetime": 3600}}
	}
	return props{"vpnGatewayId": gw, "localSubnets": []string{"0.0.0.0/0"}, "remoteSubnets": []string{"0.0.0.0/0"},
		"tunnelOptionsSpecifications": []any{tunnel("master"), tunnel("slave")}}
}

// all lists the world's resources.
func (w *world) all() []created {
	return []created{w.vpc1, w.vpc2, w.sw1h, w.sw1i, w.sw2h, w.sw2i, w.vbr, w.bgpGroup, w.bgpPeer,
		w.gw, w.cgw, w.conn, w.route, w.cen, w.tr, w.att1, w.att2, w.vbrAtt,
		w.assoc1, w.assoc2, w.assocVbr, w.prop1, w.prop2, w.prop3, w.cenRoute, w.health, w.routeMap}
}

// requireFailure asserts one failure on the property whose reason starts
// with the code and contains every fragment.
func requireFailure(t testing.TB, fails []*pulumirpc.CheckFailure, prop, code string, fragments ...string) {
	t.Helper()
	for _, f := range fails {
		if f.Property == prop && strings.HasPrefix(f.Reason, code+": ") {
			for _, s := range fragments {
				require.Contains(t, f.Reason, s)
			}
			return
		}
	}
	require.Failf(t, "no such failure", "want %s on %s; got %v", code, prop, fails)
}

// requireAPIError asserts that Create or Update failed with one failure:
// the API's code (any code when code is "") on the property, with every
// fragment in its message.
func requireAPIError(t testing.TB, err error, prop, code string, fragments ...string) {
	t.Helper()
	require.Error(t, err)
	msg := err.Error()
	require.Contains(t, msg, code+": ")
	require.Contains(t, msg, "(property "+prop+")")
	for _, s := range fragments {
		require.Contains(t, msg, s)
	}
	assert.Equal(t, 1, strings.Count(msg, "(property "), "only the broken property fails: %s", msg)
}

// requireProviderFailure asserts a failure of the provider's own Check
// with this reason.
func requireProviderFailure(t testing.TB, fails []*pulumirpc.CheckFailure, reason string) {
	t.Helper()
	var reasons []string
	for _, f := range fails {
		reasons = append(reasons, f.Reason)
	}
	require.Contains(t, reasons, reason)
}

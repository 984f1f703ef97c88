package stacks

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-alicloud/sdk/v3/go/alicloud/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/hybridlink/hybridlink/components"
	"github.com/hybridlink/hybridlink/internal/onprem"
)

// Stack outputs of the program beyond the HybridConnection's own, which it
// exports under their names (components.OutputVPNInternetIP, …).
const (
	OutputBGP = "bgp"
	// OutputSecondBGP is the second circuit's, and OutputCircuitMode how the
	// two share the traffic; both only with two circuits.
	OutputSecondBGP        = "secondBgp"
	OutputCircuitMode      = "circuitMode"
	OutputVPCIDs           = "vpcIds"
	OutputVPCRouteTableIDs = "vpcRouteTableIds"
	OutputIDCPrefixes      = "idcPrefixes"
	OutputOnPremConfig     = "onPremConfig"
	// OutputAlarmIDs are the alarm rules' IDs, when the alarms are on; the
	// drill's failover test reads their state at each step.
	OutputAlarmIDs = "alarmIds"
)

// ComponentName is the name of the stack's HybridConnection; its children
// are named <ComponentName>-<role>.
const ComponentName = "hybridlink"

// Program deploys the environment of the current stack: it validates the
// whole configuration, creates the VPCs the configuration does not name by
// ID, composes the hybrid connection and exports what operators need.
// main.go runs it with pulumi.Run; tools run it inline.
func Program(ctx *pulumi.Context) error {
	env, err := Load(ctx.Stack(), contextSource{ctx})
	if err != nil {
		return err
	}
	return env.Deploy(ctx)
}

// Deploy registers the environment's resources.
func (env *Environment) Deploy(ctx *pulumi.Context) error {
	args := env.Args
	for i := range args.WorkloadVPCs {
		if err := createVPC(ctx, &args.WorkloadVPCs[i], args.Tags); err != nil {
			return err
		}
	}
	if err := createVPC(ctx, &args.TransitVPC, args.Tags); err != nil {
		return err
	}
	if env.Config.VPNPSK.Set && env.Config.VPNPSK.Value != "" {
		args.VPN.PSK = config.GetSecret(ctx, keyOf("VPNPSK"))
	}
	if env.Config.BGPAuthKey.Set && env.Config.BGPAuthKey.Value != "" {
		args.ExpressConnect.AuthKey = config.GetSecret(ctx, keyOf("BGPAuthKey"))
		if b := args.SecondExpressConnect; b != nil {
			second := *b
			second.AuthKey = args.ExpressConnect.AuthKey
			args.SecondExpressConnect = &second
		}
	}
	if args.Monitoring != nil && env.Config.AlarmWebhook.Set && env.Config.AlarmWebhook.Value != "" {
		monitoring := *args.Monitoring
		monitoring.Webhook = config.GetSecret(ctx, keyOf("AlarmWebhook"))
		args.Monitoring = &monitoring
	}
	hc, err := components.NewHybridConnection(ctx, ComponentName, &args)
	if err != nil {
		return err
	}
	env.export(ctx, &args, hc)
	return nil
}

// createVPC creates a VPC and its vSwitches unless the VPC is an existing
// one, and fills in their IDs and the VPC's system route table.
func createVPC(ctx *pulumi.Context, v *components.VPC, tags map[string]string) error {
	if v.VPCID != nil {
		return nil
	}
	network, err := vpc.NewNetwork(ctx, v.Name, &vpc.NetworkArgs{
		VpcName:   pulumi.String(v.Name),
		CidrBlock: pulumi.String(v.CIDR.String()),
		Tags:      pulumi.ToStringMap(tags),
	})
	if err != nil {
		return err
	}
	v.VPCID, v.RouteTableID = network.ID(), network.RouteTableId
	for i := range v.VSwitches {
		sw := &v.VSwitches[i]
		name := fmt.Sprintf("%s-%s", v.Name, sw.ZoneID)
		// A zone repeated anywhere earlier in the list, not only just
		// before, would give two vSwitches one URN.
		if slices.ContainsFunc(v.VSwitches[:i], func(prev components.VSwitch) bool { return prev.ZoneID == sw.ZoneID }) {
			name = fmt.Sprintf("%s-%d", name, i)
		}
		created, err := vpc.NewSwitch(ctx, name, &vpc.SwitchArgs{
			VpcId:       network.ID(),
			ZoneId:      pulumi.String(sw.ZoneID),
			CidrBlock:   pulumi.String(sw.CIDR.String()),
			VswitchName: pulumi.String(name),
			Tags:        pulumi.ToStringMap(tags),
		})
		if err != nil {
			return err
		}
		sw.VSwitchID = created.ID()
	}
	return nil
}

// export publishes what operators need to configure the on-premises side
// and to find the deployment.
func (env *Environment) export(ctx *pulumi.Context, args *components.HybridConnectionArgs, hc *components.HybridConnection) {
	ec := args.ExpressConnect
	for name, v := range hc.Outputs() {
		if name == components.OutputVPNDisasterRecoveryInternetIP && !args.VPN.DualTunnel {
			continue
		}
		ctx.Export(name, v)
	}
	ctx.Export(OutputBGP, bgpOutput(ec, hc.ExpressConnect))
	if b := args.SecondExpressConnect; b != nil {
		ctx.Export(OutputSecondBGP, bgpOutput(*b, hc.SecondExpressConnect))
		ctx.Export(OutputCircuitMode, pulumi.String(args.CircuitMode.OrDefault()))
	}
	vpcIDs, routeTables := pulumi.StringMap{}, pulumi.StringMap{}
	for _, v := range append(append([]components.VPC{}, args.WorkloadVPCs...), args.TransitVPC) {
		vpcIDs[v.Name] = v.VPCID
		routeTables[v.Name] = v.RouteTableID
	}
	ctx.Export(OutputVPCIDs, vpcIDs)
	ctx.Export(OutputVPCRouteTableIDs, routeTables)
	ctx.Export(OutputIDCPrefixes, pulumi.ToStringArray(env.Config.IDCPrefixes))
	ctx.Export("vpnPreSharedKey", hc.VPN.PreSharedKey)
	ctx.Export(OutputOnPremConfig, env.onPremConfig(args, hc))
	if m := hc.Monitoring; m != nil {
		alarms := pulumi.StringArray{m.CircuitLossAlarmID, m.CircuitLatencyAlarmID}
		if args.SecondExpressConnect != nil {
			alarms = append(alarms, m.SecondCircuitLossAlarmID, m.SecondCircuitLatencyAlarmID)
		}
		ctx.Export(OutputAlarmIDs, alarms)
	}
}

// bgpOutput is what the on-premises side needs of one circuit's BGP.
func bgpOutput(ec components.ExpressConnectLegArgs, leg *components.ExpressConnectLeg) pulumi.Map {
	return pulumi.Map{
		"vlanId":           pulumi.Int(*ec.VLANID),
		"alibabaPeeringIp": pulumi.String(ec.LocalGatewayIP.String()),
		"onPremPeeringIp":  pulumi.String(ec.PeerGatewayIP.String()),
		"peeringSubnet":    pulumi.String(ec.PeeringSubnet().String()),
		"alibabaAsn":       pulumi.Int(ec.AlibabaASN()),
		"onPremAsn":        pulumi.Int(*ec.PeerASN),
		"bgpGroupId":       leg.BGPGroupID,
		"bgpPeerId":        leg.BGPPeerID,
	}
}

// onPremConfig renders the on-premises gateway's configuration for every
// vendor once the VPN gateway's IPs and the pre-shared key are known:
// vendor → file → content. It carries the secrets, so it is secret.
func (env *Environment) onPremConfig(args *components.HybridConnectionArgs, hc *components.HybridConnection) pulumi.Output {
	return pulumi.ToSecret(pulumi.All(hc.VPNInternetIP, hc.VPNDisasterRecoveryInternetIP, hc.VPNPreSharedKey).ApplyT(
		func(v []any) (map[string]any, error) {
			peers, err := onprem.ParseVPNPeers(v[0].(string), v[1].(string), args.VPN.DualTunnel)
			if err != nil {
				return nil, err
			}
			psk := v[2].(string)
			if psk == "" { // not reported by the provider (it always is by Alibaba Cloud)
				psk = onprem.PSKPlaceholder
			}
			site := env.OnPremSite(peers, psk, true)
			out := map[string]any{}
			for _, vendor := range onprem.Vendors {
				files, err := onprem.Render(vendor, site)
				if err != nil {
					return nil, err
				}
				rendered := map[string]any{}
				for name, content := range files {
					rendered[name] = content
				}
				out[vendor] = rendered
			}
			return out, nil
		}))
}

import * as pulumi from "@pulumi/pulumi";
import * as alicloud from "@pulumi/alicloud";
import * as hybridlink from "@hybridlink/hybridlink";

type VpcArgs = hybridlink.types.input.VpcArgs;
type ExpressConnectArgs = hybridlink.types.input.ExpressConnectLegSpecArgs;
type VpnArgs = hybridlink.types.input.VpnStandbyLegSpecArgs;
type MonitoringArgs = hybridlink.types.input.StandbyMonitoringSpecArgs;

interface VpcConfig {
    name: string;
    cidr: string;
    id?: string;
    routeTableId?: string;
    vSwitches: { zoneId: string; cidr: string; id?: string }[];
}

// A stack's hybridlink configuration (the keys of hybridlink's Pulumi.yaml)
// deployed as hybridlink's Go program deploys it: the VPCs it does not name
// by ID, then the hybrid connection, validated before anything is created.
export async function program() {
    const config = new pulumi.Config("hybridlink");
    const tags = {
        "managed-by": "hybridlink",
        environment: pulumi.getStack(),
        ...config.getObject<Record<string, string>>("tags"),
    };

    const vpc = (v: VpcConfig): VpcArgs => {
        if (v.id) {
            return {
                name: v.name, cidr: v.cidr, vpcId: v.id, routeTableId: v.routeTableId,
                vSwitches: v.vSwitches.map((s) => ({ zoneId: s.zoneId, cidr: s.cidr, vSwitchId: s.id! })),
            };
        }
        const network = new alicloud.vpc.Network(v.name, { vpcName: v.name, cidrBlock: v.cidr, tags });
        const vSwitches = v.vSwitches.map((s, i) => {
            const repeated = v.vSwitches.slice(0, i).some((p) => p.zoneId === s.zoneId);
            const name = repeated ? `${v.name}-${s.zoneId}-${i}` : `${v.name}-${s.zoneId}`;
            const sw = new alicloud.vpc.Switch(name, {
                vpcId: network.id, zoneId: s.zoneId, cidrBlock: s.cidr, vswitchName: name, tags,
            });
            return { zoneId: s.zoneId, cidr: s.cidr, vSwitchId: sw.id };
        });
        return { name: v.name, cidr: v.cidr, vpcId: network.id, routeTableId: network.routeTableId, vSwitches };
    };
    const workloadVpcs = config.requireObject<VpcConfig[]>("workloadVpcs").map(vpc);
    const transitVpc = vpc(config.requireObject<VpcConfig>("transitVpc"));
    const vpnConfig = config.requireObject<VpnArgs>("vpn");
    // One circuit (a map) or two (a list, circuit A first), as the Go program takes them.
    const circuits = ([] as ExpressConnectArgs[]).concat(config.requireObject<ExpressConnectArgs | ExpressConnectArgs[]>("expressConnect"))
        .map((c) => ({ ...c, authKey: config.getSecret("bgpAuthKey") }));
    const { enabled: alarms, ...monitoring } = config.getObject<MonitoringArgs & { enabled?: boolean }>("alarms") ?? {};

    const hc = new hybridlink.HybridConnection("hybridlink", {
        region: new pulumi.Config("alicloud").require("region"),
        workloadVpcs,
        transitVpc,
        idcPrefixes: config.requireObject<string[]>("idcPrefixes"),
        expressConnect: circuits[0],
        secondExpressConnect: circuits[1],
        circuitMode: config.get("circuitMode") || undefined,
        vpn: { ...vpnConfig, psk: config.getSecret("vpnPsk") },
        cenId: config.get("cenId"),
        vbrHealthCheck: config.getBoolean("vbrHealthCheck"),
        monitoring: alarms ? { ...(monitoring as MonitoringArgs), webhook: config.getSecret("alarmWebhook") } : undefined,
        protect: config.getBoolean("protect"),
        tags,
    });

    const vpcs = [...workloadVpcs, transitVpc];
    return {
        vpnInternetIp: hc.vpnInternetIp,
        ...(vpnConfig.dualTunnel ? { vpnDisasterRecoveryInternetIp: hc.vpnDisasterRecoveryInternetIp } : {}),
        vpnGatewayId: hc.vpnGatewayId,
        vpnConnectionId: hc.vpnConnectionId,
        customerGatewayId: hc.customerGatewayId,
        vpnPreSharedKey: hc.vpnPreSharedKey,
        vbrId: hc.vbrId,
        vbrRouteTableId: hc.vbrRouteTableId,
        cenId: hc.cenId,
        transitRouterId: hc.transitRouterId,
        transitRouterRouteTableId: hc.transitRouterRouteTableId,
        vpcAttachmentIds: hc.vpcAttachmentIds,
        vbrAttachmentId: hc.vbrAttachmentId,
        ...(circuits[1] ? {
            secondVbrId: hc.secondVbrId,
            secondVbrRouteTableId: hc.secondVbrRouteTableId,
            secondVbrAttachmentId: hc.secondVbrAttachmentId,
        } : {}),
        vpcIds: Object.fromEntries(vpcs.map((v) => [v.name, v.vpcId])),
        vpcRouteTableIds: Object.fromEntries(vpcs.map((v) => [v.name, v.routeTableId])),
        idcPrefixes: config.requireObject<string[]>("idcPrefixes"),
    };
}

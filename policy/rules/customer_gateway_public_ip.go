package rules

import (
	"fmt"
	"net/netip"

	"github.com/hybridlink/hybridlink/internal/inventory"
	"github.com/hybridlink/hybridlink/internal/limits"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

var customerGatewayPublicIP = Rule{
	Name:        "customer-gateway-public-ip",
	Description: "A customer gateway's IP address is a public unicast IPv4 address.",
	Level:       apitype.Mandatory,
	Severity:    apitype.PolicySeverityHigh,
	Remediation: "Set ipAddress to the public IP of the on-premises VPN device (the address the IPsec " +
		"tunnel reaches over the Internet), not a private, shared or reserved address.",
	Types:         []tokens.Type{inventory.CustomerGateway},
	resourceCheck: checkCustomerGatewayIP,
}

func checkCustomerGatewayIP(r inventory.Resource, _ input) []finding {
	ip, ok := r.String("ipAddress")
	if !ok {
		return nil
	}
	addr, err := netip.ParseAddr(ip)
	if err == nil {
		err = limits.CheckPublicUnicast(addr)
	} else {
		err = fmt.Errorf("%q is not an IP address", ip)
	}
	if err == nil {
		return nil
	}
	return []finding{{r.URN, fmt.Sprintf("%s: ipAddress: %v; the IPsec tunnel runs over the Internet, so set "+
		"the on-premises gateway's public IP", label(r), err)}}
}

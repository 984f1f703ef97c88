package limits

import "fmt"

// MaxConfigBytes bounds a stack's configuration: the stack file, and the
// sum of its values as the program receives them. A real `pulumi up` hands
// the whole configuration to the Go program in one environment variable,
// PULUMI_CONFIG, and Linux refuses to start a program with one longer than
// 128 KiB (MAX_ARG_STRLEN); half of that leaves room for the encoding. The
// committed stacks take 2–4 KiB.
const MaxConfigBytes = 64 << 10

// List lengths. A transit-router VPC attachment takes vSwitches in at most
// 10 zones, and hybridlink attaches every vSwitch of a VPC. The number of
// VPCs and IDC prefixes is hybridlink's own bound, well below Alibaba's
// quotas (each VPC is an attachment with its association and propagation,
// each IDC prefix a VPN route and a route advertised to CEN): a plan that
// needs more should summarise its prefixes or split into environments.
const (
	MaxVSwitchesPerVPC = 10
	MaxWorkloadVPCs    = 10
	MaxIDCPrefixes     = 50
)

// CheckCount checks the length of a list; what names its elements.
func CheckCount(what string, n, max int) error {
	if n > max {
		return fmt.Errorf("%d %s; at most %d are accepted", n, what, max)
	}
	return nil
}

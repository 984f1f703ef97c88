package limits

import (
	"fmt"
	"regexp"
	"strings"
)

// IDKind is a kind of Alibaba Cloud object whose existing ID a stack or a
// component may be given.
type IDKind struct {
	// Prefix is what the API puts before the '-' of every ID it generates.
	Prefix string
	// What names the object in messages.
	What string
}

// The IDs hybridlink accepts for existing objects.
var (
	VPCID                = IDKind{"vpc", "VPC"}
	VSwitchID            = IDKind{"vsw", "vSwitch"}
	RouteTableID         = IDKind{"vtb", "route table"}
	CENID                = IDKind{"cen", "CEN instance"}
	PhysicalConnectionID = IDKind{"pc", "Express Connect circuit"}
)

// An ID is the kind's prefix, '-', and lowercase letters and digits, as
// Alibaba documents resource IDs. It documents no single length: current
// IDs carry 18–22 characters after the prefix (vpc-bp15zckdt37pq72zvw3l,
// cen-7qthudw0ll6jmc…), older ones 12 (vpc-25cdvfeq58pl). The bounds accept
// both and refuse what cannot be an ID.
const (
	IDBodyMin = 8
	IDBodyMax = 32
)

var idBody = regexp.MustCompile(fmt.Sprintf(`^[a-z0-9]{%d,%d}$`, IDBodyMin, IDBodyMax))

// CheckID checks that id has the form of an ID of kind k.
func CheckID(k IDKind, id string) error {
	body, ok := strings.CutPrefix(id, k.Prefix+"-")
	if !ok || !idBody.MatchString(body) {
		return fmt.Errorf("%q does not have the form Alibaba Cloud gives every %s ID: %s- and %d–%d lowercase letters or digits", shortQuote(id), k.What, k.Prefix, IDBodyMin, IDBodyMax)
	}
	return nil
}

// shortQuote keeps an error readable when the offending value is huge.
func shortQuote(s string) string {
	const max = 64
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}

package main

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hybridlink/hybridlink/internal/drill"
)

// On a real account the failover test shuts the circuit: it runs only once
// the operator types the stack's name.
func TestConfirmAsksForTheStackName(t *testing.T) {
	o := drill.FailoverTestOptions{Stack: "prod", Circuit: "pc-1", Region: "cn-hangzhou", Minutes: 30,
		IDCPrefixes: []netip.Prefix{netip.MustParsePrefix("172.16.0.0/16")}}
	var out bytes.Buffer
	assert.NoError(t, confirm(strings.NewReader("prod\n"), &out, o))
	for _, want := range []string{"circuit pc-1 (cn-hangzhou)", "really shut", "traffic to 172.16.0.0/16 moves to the IPsec-VPN", "after 30 minutes", "prod-failover-test", "Type the stack name (prod)"} {
		assert.Contains(t, out.String(), want)
	}
	for _, answer := range []string{"y\n", "", "dev\n"} {
		err := confirm(strings.NewReader(answer), &out, o)
		assert.ErrorContains(t, err, "not confirmed: nothing was changed", "answer %q", answer)
	}
}

package lab

import (
	"context"
	"fmt"
)

// datapath is how ESP is done: by the kernel (XFRM, with XFRM interfaces,
// as the rendered configuration expects) or by strongSwan's user-space
// libipsec over a TUN device where the kernel cannot.
type datapath int

const (
	kernelXFRM datapath = iota
	libipsec
)

func (d datapath) String() string {
	if d == libipsec {
		return "strongSwan kernel-libipsec (ESP in user space over the TUN device ipsec0, UDP-encapsulated)"
	}
	return "kernel XFRM (ESP in the kernel, XFRM interfaces)"
}

// detectDatapath tries, inside a lab namespace, what the rendered
// configuration needs from the kernel: an XFRM interface and an ESP state
// with the AES-CBC/HMAC-SHA-256 transforms. Either missing means libipsec.
func detectDatapath(ctx context.Context, n ns) (datapath, string) {
	if err := n.ip(ctx, "link", "add", "hlprobe", "type", "xfrm", "if_id", "99"); err != nil {
		return libipsec, fmt.Sprintf("no XFRM interfaces (%v)", err)
	}
	_ = n.ip(ctx, "link", "del", "hlprobe")
	key := "0x" + fmt.Sprintf("%064x", 1)
	err := n.ip(ctx, "xfrm", "state", "add", "src", "192.0.2.1", "dst", "192.0.2.2", "proto", "esp", "spi", "0x100",
		"mode", "tunnel", "enc", "cbc(aes)", key, "auth-trunc", "hmac(sha256)", key, "128")
	if err != nil {
		return libipsec, fmt.Sprintf("no kernel ESP (%v)", err)
	}
	_ = n.ip(ctx, "xfrm", "state", "flush")
	return kernelXFRM, "XFRM interfaces and kernel ESP available"
}

package lab

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/hybridlink/hybridlink/internal/routemodel"
)

// probePort is the UDP port every prober listens on.
const probePort = 40000

// DSCP code points the lab's nftables rules set on a packet where it leaves
// a link (markLinks), so the receiver knows which link carried it
// (topology.linkOf): CS1 and CS3 for circuits A and B, CS2 for the tunnel.
const dscpTunnel = 16

var circuitDSCP = []int{8, 24}

// dscpName is a code point's nftables name.
func dscpName(dscp int) string { return fmt.Sprintf("cs%d", dscp/8) }

// stream is one direction between an IDC host address and a VPC host.
type stream struct {
	ID        int
	Direction routemodel.Direction
	IDC       netip.Prefix
	VPC       string
	VPCCIDR   netip.Prefix
	From, To  netip.Addr
	// src are the sockets it sends from, in turn.
	src []*net.UDPConn
}

// rx is one received probe.
type rx struct {
	Seq        int64
	Sent, Recv time.Time
	Link       routemodel.Link
}

// prober sends sequence-numbered UDP probes on every stream every interval
// and records what arrives, over which link.
type prober struct {
	interval time.Duration
	streams  []*stream
	conns    []*net.UDPConn
	linkOf   func(dscp int) routemodel.Link
	// flows sends each stream's probes from this many source ports in turn,
	// so that routers balancing per flow (ECMP) spread them; 1 sends from
	// the probe port.
	flows int

	mu  sync.Mutex
	got map[int][]rx
	// sentAt is when each sequence number went out on every stream: loss
	// is a probe sent and never received, whatever the sender's or the
	// receivers' scheduling delays.
	sentAt []time.Time
	start  time.Time
}

// rcvBuf holds a receiver's probes while the machine keeps it from
// reading: ample for seconds of probes.
const rcvBuf = 1 << 20

const probeMagic = 0x686c7072 // "hlpr"

// newProber opens a socket per host address inside its namespace and
// creates both directions between every IDC host address and VPC host;
// with flows > 1, that many sockets per address to send from.
func newProber(t *topology, interval time.Duration, flows int) (*prober, error) {
	p := &prober{interval: interval, got: map[int][]rx{}, linkOf: t.linkOf, flows: max(flows, 1)}
	open := func(n ns, a netip.Addr, port uint16) (*net.UDPConn, error) {
		var c *net.UDPConn
		err := n.in(func() error {
			var err error
			c, err = net.ListenUDP("udp4", net.UDPAddrFromAddrPort(netip.AddrPortFrom(a, port)))
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("probe socket %s in %s: %w", a, n, err)
		}
		err = c.SetReadBuffer(rcvBuf)
		raw, rerr := c.SyscallConn()
		err = errors.Join(err, rerr)
		if err == nil {
			cerr := raw.Control(func(fd uintptr) { err = unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_RECVTOS, 1) })
			err = errors.Join(err, cerr)
		}
		if err != nil {
			c.Close()
			return nil, err
		}
		p.conns = append(p.conns, c)
		return c, nil
	}
	// senders opens an address's receiving socket and, with several flows,
	// a socket per flow to send from.
	senders := func(n ns, a netip.Addr) ([]*net.UDPConn, error) {
		c, err := open(n, a, probePort)
		if err != nil || p.flows == 1 {
			return []*net.UDPConn{c}, err
		}
		var out []*net.UDPConn
		for i := range p.flows {
			s, err := open(n, a, probePort+1+uint16(i))
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	idc := map[netip.Addr][]*net.UDPConn{}
	for _, h := range t.IDCHosts {
		c, err := senders(t.IDC, h.Addr)
		if err != nil {
			p.close()
			return nil, err
		}
		idc[h.Addr] = c
	}
	for _, v := range t.VPCs {
		c, err := senders(v.NS, v.Addr)
		if err != nil {
			p.close()
			return nil, err
		}
		for _, h := range t.IDCHosts {
			p.streams = append(p.streams,
				&stream{ID: len(p.streams), Direction: routemodel.Forward, IDC: h.Prefix, VPC: v.Name, VPCCIDR: v.CIDR, From: h.Addr, To: v.Addr, src: idc[h.Addr]},
				&stream{ID: len(p.streams) + 1, Direction: routemodel.Return, IDC: h.Prefix, VPC: v.Name, VPCCIDR: v.CIDR, From: v.Addr, To: h.Addr, src: c})
		}
	}
	return p, nil
}

func (p *prober) close() {
	for _, c := range p.conns {
		c.Close()
	}
}

// run sends and receives until ctx ends.
func (p *prober) run(ctx context.Context) {
	p.start = time.Now()
	var wg sync.WaitGroup
	for _, c := range p.conns {
		wg.Add(1)
		go func() { defer wg.Done(); p.receive(c) }()
	}
	tick := time.NewTicker(p.interval)
	defer tick.Stop()
	buf := make([]byte, 24)
	for seq := int64(0); ; seq++ {
		now := time.Now()
		for _, s := range p.streams {
			binary.BigEndian.PutUint32(buf[0:], probeMagic)
			binary.BigEndian.PutUint32(buf[4:], uint32(s.ID))
			binary.BigEndian.PutUint64(buf[8:], uint64(seq))
			binary.BigEndian.PutUint64(buf[16:], uint64(now.UnixNano()))
			// Losses are what the lab measures: a send error is one.
			_, _ = s.src[int(seq)%len(s.src)].WriteToUDPAddrPort(buf, netip.AddrPortFrom(s.To, probePort))
		}
		p.mu.Lock()
		p.sentAt = append(p.sentAt, now)
		p.mu.Unlock()
		select {
		case <-ctx.Done():
			p.close()
			wg.Wait()
			return
		case <-tick.C:
		}
	}
}

func (p *prober) receive(c *net.UDPConn) {
	buf := make([]byte, 64)
	oob := make([]byte, 64)
	for {
		n, oobn, _, _, err := c.ReadMsgUDPAddrPort(buf, oob)
		if err != nil {
			return
		}
		recv := time.Now()
		if n < 24 || binary.BigEndian.Uint32(buf) != probeMagic {
			continue
		}
		id := int(binary.BigEndian.Uint32(buf[4:]))
		r := rx{
			Seq:  int64(binary.BigEndian.Uint64(buf[8:])),
			Sent: time.Unix(0, int64(binary.BigEndian.Uint64(buf[16:]))),
			Recv: recv,
			Link: p.linkOf(tos(oob[:oobn]) >> 2),
		}
		p.mu.Lock()
		p.got[id] = append(p.got[id], r)
		p.mu.Unlock()
	}
}

// tos extracts the IP TOS byte from a received packet's control messages.
func tos(oob []byte) int {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return 0
	}
	for _, m := range msgs {
		if m.Header.Level == unix.IPPROTO_IP && m.Header.Type == unix.IP_TOS && len(m.Data) > 0 {
			return int(m.Data[0])
		}
	}
	return 0
}

// received returns a copy of what a stream received, in arrival order.
func (p *prober) received(id int) []rx {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]rx(nil), p.got[id]...)
}

// sentBetween counts the probes sent on each stream after seq and no later
// than end, and returns when the last of them went out.
func (p *prober) sentBetween(seq int64, end time.Time) (int, time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n, last := 0, time.Time{}
	for s := seq + 1; s < int64(len(p.sentAt)) && !p.sentAt[s].After(end); s++ {
		n, last = n+1, p.sentAt[s]
	}
	return n, last
}

// caughtUp reports whether a stream has received a probe sent after t: its
// receiver has read everything that arrived before.
func (p *prober) caughtUp(id int, t time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	got := p.got[id]
	return len(got) > 0 && got[len(got)-1].Sent.After(t)
}

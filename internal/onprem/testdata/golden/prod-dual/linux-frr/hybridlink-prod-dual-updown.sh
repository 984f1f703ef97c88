#!/bin/sh
# hybridlink prod-dual: strongSwan updown script for the route-based tunnels.
# Creates a tunnel's XFRM interface when its CHILD_SA comes up and deletes it when the SA
# goes down, so FRR's static routes through the interface are active only while the tunnel is.
case "$PLUTO_IF_ID_OUT" in
1) link=xfrm1 ;;
2) link=xfrm2 ;;
*) exit 0 ;;
esac
case "$PLUTO_VERB" in
up-client)
    ip link show "$link" >/dev/null 2>&1 ||
        ip link add "$link" type xfrm dev eth0 if_id "$PLUTO_IF_ID_OUT"
    ip link set "$link" up
    ;;
down-client)
    ip link del "$link" 2>/dev/null
    ;;
esac
exit 0

"""Which side of a packet is the client: conversations as (client, server, transport, port).

A TCP SYN names the client; a SYN-ACK names the server. Without either (a connection that
began before the capture, UDP), a side already known to serve the port wins, then a known
service port (an industrial protocol's registered port, or one below 1024), then the lower
port, as the flow engine decides (``plantwarden.net.flows``).
"""

from __future__ import annotations

from functools import lru_cache
from ipaddress import ip_address, ip_network

from plantwarden.net.detect import ProtocolIndex
from plantwarden.net.packet import IPPROTO_TCP, IPPROTO_UDP, TCP_ACK, TCP_SYN, Packet

ConvKey = tuple[str, str, str, int]  # client, server, transport, server port
MAX_REMEMBERED = 200_000


@lru_cache(maxsize=1 << 16)
def is_unicast(address: str) -> bool:
    """An address that names one host (not broadcast, multicast, unspecified, loopback-any).

    Memoised: the inventory rule and the learner ask it for every answered packet's source,
    and parsing the address was 7 % of a pass over traffic the baseline does not know."""
    if ":" in address and len(address) == 17 and address.count(":") == 5:  # a MAC
        return not int(address[:2], 16) & 1
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    if ip.is_multicast or ip.is_unspecified:
        return False
    return not (ip.version == 4 and (address.endswith(".255") or address == "255.255.255.255"))


#: Link-local multicast: routing and discovery on one link (OSPF, VRRP, mDNS, NDP), no asset's service.
LINK_LOCAL_MULTICAST = (ip_network("224.0.0.0/24"), ip_network("ff02::/16"))


@lru_cache(maxsize=1 << 16)
def is_asset_end(address: str) -> bool:
    """An address that can be one end of a conversation between assets: not loopback (a host
    talking to itself, captured on that host) and not link-local multicast."""
    try:
        ip = ip_address(address)
    except ValueError:
        return True
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (ip.is_loopback or any(ip in net for net in LINK_LOCAL_MULTICAST))


@lru_cache(maxsize=1 << 16)
def is_link_local(address: str) -> bool:
    """A link-local IP (fe80::/10, 169.254.0.0/16): not routed, so it names the host behind
    its MAC, as the MAC does."""
    try:
        return ip_address(address).is_link_local
    except ValueError:
        return False


class Orienter:
    """Remembers each connection's orientation so every packet maps to the same key."""

    def __init__(self, index: ProtocolIndex, known: set[ConvKey] | None = None) -> None:
        self.index = index
        self.known = known if known is not None else set()
        self.flows: dict[tuple[str, int, str, int, str], ConvKey] = {}

    def key(self, pkt: Packet) -> ConvKey | None:
        if pkt.ip_src is None or pkt.ip_dst is None or pkt.sport is None or pkt.dport is None:
            return None
        if pkt.ip_proto not in (IPPROTO_TCP, IPPROTO_UDP):
            return None
        transport = "tcp" if pkt.ip_proto == IPPROTO_TCP else "udp"
        return self.key_of(pkt.ip_src, pkt.ip_dst, pkt.sport, pkt.dport, transport, pkt.tcp_flags)

    def key_of(self, src: str, dst: str, sport: int, dport: int, transport: str, flags: int) -> ConvKey:
        """:meth:`key` of a TCP or UDP packet given by its fields."""
        forward = src < dst or (src == dst and sport <= dport)  # (src, sport) <= (dst, dport)
        fkey = (src, sport, dst, dport, transport) if forward else (dst, dport, src, sport, transport)
        syn = flags & (TCP_SYN | TCP_ACK) if transport == "tcp" else 0
        if syn == TCP_SYN:
            conv = (src, dst, transport, dport)
        elif syn == TCP_SYN | TCP_ACK:
            conv = (dst, src, transport, sport)
        else:
            found = self.flows.get(fkey)
            if found is not None:
                return found
            conv = self._guess(src, sport, dst, dport, transport)
        if len(self.flows) >= MAX_REMEMBERED:
            self.flows.clear()
        self.flows[fkey] = conv
        return conv

    def _guess(self, src: str, sport: int, dst: str, dport: int, transport: str) -> ConvKey:
        forward, backward = (src, dst, transport, dport), (dst, src, transport, sport)
        if forward in self.known:
            return forward
        if backward in self.known:
            return backward
        s_known, d_known = self._service(transport, sport), self._service(transport, dport)
        if s_known != d_known:
            return forward if d_known else backward
        return forward if dport <= sport else backward

    def _service(self, transport: str, port: int) -> bool:
        return port < 1024 or self.index.is_service_port(transport, port)

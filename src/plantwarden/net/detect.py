"""Which protocol a flow speaks: the server's port first, then the payload.

The server side is the SYN's destination (or, without a SYN, the side whose port a
protocol registers; else the lower port). When the port's protocol rejects the first
payload and another protocol's probe accepts it, the payload wins; when no probe accepts
it, the port's protocol is kept (tshark's behaviour on registered ports). Payloads on
well-known IT service ports (below 1024, or in ``IT_SERVICE_PORTS``) are not probed.
"""

from __future__ import annotations

from collections.abc import Sequence

from plantwarden.protocols.base import ProtocolSpec

# Registered IT services above 1023 whose payloads must not be taken for an industrial
# protocol by a probe (e.g. an mDNS header with id 0 and flags 0 looks like an MBAP header).
IT_SERVICE_PORTS = frozenset({1433, 1900, 3306, 3389, 5353, 5355, 5432, 5900, 5938, 6568, 7070, 8080, 8443})


class ProtocolIndex:
    def __init__(self, specs: Sequence[ProtocolSpec]) -> None:
        self.specs = list(specs)
        self.tcp: dict[int, ProtocolSpec] = {}
        self.udp: dict[int, ProtocolSpec] = {}
        self.ether: dict[int, ProtocolSpec] = {}
        for spec in self.specs:
            for port in spec.tcp_ports:
                self.tcp.setdefault(port, spec)
            for port in spec.udp_ports:
                self.udp.setdefault(port, spec)
            for etype in spec.ethertypes:
                self.ether.setdefault(etype, spec)

    def ports(self, transport: str) -> dict[int, ProtocolSpec]:
        return self.tcp if transport == "tcp" else self.udp

    def is_service_port(self, transport: str, port: int) -> bool:
        return port in self.ports(transport)

    def choose(self, transport: str, server_port: int, payload: bytes) -> ProtocolSpec | None:
        by_port = self.ports(transport).get(server_port)
        if by_port is not None and _probe(by_port, payload, transport):
            return by_port
        if by_port is None and (server_port < 1024 or server_port in IT_SERVICE_PORTS):
            return None  # a well-known service port: no guessing from the payload
        for spec in self.specs:
            if spec is not by_port and _has_transport(spec, transport) and _probe(spec, payload, transport):
                return spec
        return by_port


def _has_transport(spec: ProtocolSpec, transport: str) -> bool:
    return bool(spec.tcp_ports if transport == "tcp" else spec.udp_ports)


def _probe(spec: ProtocolSpec, payload: bytes, transport: str) -> bool:
    try:
        return bool(spec.probe(payload, transport))
    except Exception:  # a probe must never stop the engine
        return False

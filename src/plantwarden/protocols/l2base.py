"""Shared shape of link-layer protocols (no ports, no TCP framing): one frame, one PDU."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from plantwarden.protocols.base import Emitter, PduContext, Session


@dataclass(frozen=True)
class L2Spec:
    """A :class:`~plantwarden.protocols.base.ProtocolSpec` for an ethertype protocol."""

    name: str
    ethertypes: frozenset[int]
    decode: Callable[[bytes, PduContext, Emitter], None]
    tcp_ports: frozenset[int] = frozenset()
    udp_ports: frozenset[int] = frozenset()

    def probe(self, payload: bytes, transport: str) -> bool:
        return transport == "eth"

    def pdu_length(self, buf: bytes) -> int:
        return len(buf)

    def new_session(self) -> Session:
        return _Stateless(self.decode)


class _Stateless:
    def __init__(self, decode: Callable[[bytes, PduContext, Emitter], None]) -> None:
        self._decode = decode

    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        self._decode(pdu, ctx, out)

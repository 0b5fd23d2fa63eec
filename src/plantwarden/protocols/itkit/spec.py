"""A generic :class:`~plantwarden.protocols.base.ProtocolSpec` for the IT decoders.

IT protocols are decoded for the identity they reveal (host names, OS strings, server
software, certificates), not for every message: a session stops decoding once the
identity-bearing messages have passed, and its framer then hands the rest of the stream
over in one piece, which the session ignores (bounded per-flow work).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from plantwarden.protocols.base import Emitter, OpClass, Operation, PduContext, Session


def _whole(buf: bytes) -> int:
    return len(buf)


def _always(payload: bytes, transport: str) -> bool:
    return True


@dataclass(frozen=True)
class ItSpec:
    """Ports, probe, framer and session factory of one IT protocol."""

    name: str
    factory: Callable[[], Session]
    tcp_ports: frozenset[int] = frozenset()
    udp_ports: frozenset[int] = frozenset()
    ethertypes: frozenset[int] = frozenset()
    probe_fn: Callable[[bytes, str], bool] = _always
    framer: Callable[[bytes], int] = _whole

    def probe(self, payload: bytes, transport: str) -> bool:
        return self.probe_fn(payload, transport)

    def pdu_length(self, buf: bytes) -> int:
        return self.framer(buf)

    def new_session(self) -> Session:
        return self.factory()


def emit_op(
    out: Emitter,
    ctx: PduContext,
    proto: str,
    code: str,
    name: str,
    op_class: OpClass,
    request: bool | None,
    details: dict[str, object] | None = None,
) -> None:
    """Emit one :class:`Operation` (a shorthand for the decoders' common case)."""
    out.operation(Operation(proto, code, name, op_class, ctx, request, details or {}))


def text(raw: bytes) -> str:
    """Printable text of a protocol string: NULs stripped, undecodable bytes replaced."""
    return raw.split(b"\x00", 1)[0].decode("utf-8", "replace").strip()

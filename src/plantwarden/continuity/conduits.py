"""Does a conduit allow an observed flow? (IEC 62443-3-2, 4.4: conduits between zones.)

A flow from a client in zone A to a server in zone B is allowed by a conduit ``from: A, to: B``
(either direction setting), or by a ``bidirectional`` conduit ``from: B, to: A``, that has an
``allow`` entry matching it: same transport (when the entry names one), same server port (when
the entry names one), and, when the entry is an application protocol and the flow's protocol
was identified, the same protocol (a Modbus flow on an allowed HTTPS port is not allowed).
"""

from __future__ import annotations

from dataclasses import dataclass

from plantwarden.continuity.observed_edges import Edge
from plantwarden.site.model import Allowed, Conduit, ConduitDirection
from plantwarden.site.ports import KNOWN_PROTOCOLS

# protocol names a conduit may allow -> names the analysis gives the same traffic
FAMILIES: dict[str, frozenset[str]] = {
    "enip": frozenset({"enip", "cip"}),
    "cip": frozenset({"enip", "cip"}),
    "enip_io": frozenset({"enip", "cip"}),
    "bacnet": frozenset({"bacnet", "bvlc", "bacapp"}),
    "s7comm": frozenset({"s7comm", "s7comm-plus"}),
}
GENERIC = frozenset({"tcp", "udp"})


def entry_allows(entry: Allowed, edge: Edge) -> bool:
    if entry.transport is not None and entry.transport != edge.transport:
        return False
    if entry.port is not None and entry.port != edge.port:
        return False
    if entry.protocol in GENERIC or not edge.proto:
        return True
    return edge.proto in FAMILIES.get(entry.protocol, frozenset({entry.protocol}))


def allow_text(edge: Edge) -> str:
    """What an ``allow`` list would need: ``modbus``, ``modbus/5020`` or ``tcp/5020``."""
    known = KNOWN_PROTOCOLS.get(edge.proto)
    if known is not None and known == (edge.transport, edge.port):
        return edge.proto
    if known is not None:
        return f"{edge.proto}/{edge.port}"
    return f"{edge.transport}/{edge.port}"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The conduit that allows a flow, or why none does and what would have to allow it."""

    allowed_by: str | None
    reason: str
    conduit: str | None  # the existing conduit that would have to allow it, if any
    allow: str


def _candidates(conduits: tuple[Conduit, ...], a: str, b: str) -> list[Conduit]:
    forward = [c for c in conduits if c.from_zone == a and c.to_zone == b]
    both = ConduitDirection.BIDIRECTIONAL
    return forward + [c for c in conduits if c.from_zone == b and c.to_zone == a and c.direction == both]


def judge(conduits: tuple[Conduit, ...], edge: Edge, client_zone: str, server_zone: str) -> Verdict:
    """Whether the conduits between two different zones allow ``edge``."""
    need = allow_text(edge)
    candidates = _candidates(conduits, client_zone, server_zone)
    for c in candidates:
        if any(entry_allows(e, edge) for e in c.allow):
            return Verdict(c.name, "", c.name, need)
    if candidates:
        names = ", ".join(c.name for c in candidates)
        return Verdict(None, f"conduit {names} does not allow {need}", candidates[0].name, need)
    reverse = [c for c in conduits if c.from_zone == server_zone and c.to_zone == client_zone]
    if reverse:
        text = f"conduit {reverse[0].name} only lets {server_zone} open connections to {client_zone}"
        return Verdict(None, text, None, need)
    return Verdict(None, f"no conduit from {client_zone} to {server_zone}", None, need)

"""The communication map: who talks to whom, over what, doing what, between assets.

One edge per (client asset, server asset, protocol, transport, server port), summed over
captures, with the operation classes of the conversations it carried.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeGuard

from plantwarden.inventory.inventory import Inventory
from plantwarden.inventory.opclasses import conversation_classes

FAMILY = {
    "cip": "enip",
    "cipio": "enip",
    "cotp": "s7comm",
    "s7comm-plus": "s7comm",
    "bvlc": "bacnet",
    "bacapp": "bacnet",
}
PORT_SERVICES = {
    88: "kerberos",
    389: "ldap",
    445: "smb",
    139: "smb",
    9100: "jetdirect",
    515: "lpd",
    631: "ipp",
    3389: "rdp",
    5900: "vnc",
    5901: "vnc",
    22: "ssh",
    5938: "teamviewer",
    7070: "anydesk",
    1433: "tds",
    5450: "pi",
    80: "http",
    443: "tls",
    53: "dns",
    123: "ntp",
    161: "snmp",
    514: "syslog",
    21: "ftp",
    69: "tftp",
}  # IT services by registered port, until a decoder names them; an industrial protocol counts only decoded

Key = tuple[str, str, str, str, int]


@dataclass
class MapEdge:
    client: str
    server: str
    proto: str
    transport: str
    port: int
    flows: int = 0
    packets: int = 0
    bytes: int = 0
    first_ts: float | None = None
    last_ts: float | None = None
    op_classes: dict[str, int] = field(default_factory=dict)
    captures: set[str] = field(default_factory=set)

    def span(self, first: float | None, last: float | None) -> None:
        if first is not None:
            self.first_ts = first if self.first_ts is None else min(self.first_ts, first)
        if last is not None:
            self.last_ts = last if self.last_ts is None else max(self.last_ts, last)

    def as_dict(self) -> dict[str, Any]:
        return {
            "client": self.client,
            "server": self.server,
            "proto": self.proto,
            "transport": self.transport,
            "port": self.port,
            "op_classes": dict(sorted(self.op_classes.items())),
            "flows": self.flows,
            "packets": self.packets,
            "bytes": self.bytes,
            "first_ts": self.first_ts,
            "last_ts": self.last_ts,
            "captures": sorted(self.captures),
        }


def service(proto: str, transport: str, port: int) -> str:
    """An edge's protocol: the decoder's name, else the registered port's, else tcp/PORT."""
    if proto:
        return proto
    return PORT_SERVICES.get(port, f"{transport}/{port}" if port else transport)


class _Edges(dict[Key, MapEdge]):
    """Edges by key, and the first key of each (unordered asset pair, protocol)."""

    def __init__(self) -> None:
        super().__init__()
        self.pairs: dict[tuple[str, str, str], Key] = {}

    def get_or_add(self, key: Key) -> MapEdge:
        edge = self.get(key)
        if edge is None:
            edge = self[key] = MapEdge(*key)
            pair = (min(key[0], key[1]), max(key[0], key[1]), key[2])
            self.pairs[pair] = min(key, self.pairs.get(pair, key))
        return edge


def communication_map(inv: Inventory) -> list[MapEdge]:
    edges = _Edges()
    ids = _AssetIds(inv)
    for doc in inv.documents:
        name = str(doc.get("name"))
        for e in doc.get("edges") or []:
            _add_edge(ids, edges, name, e)
        _add_conversations(ids, edges, name, doc)
    return [edges[k] for k in sorted(edges)]


class _AssetIds:
    """The asset id an address stood for at a time (the address itself if no asset), kept
    for addresses whose asset does not depend on the time (all but IPs two MACs held)."""

    def __init__(self, inv: Inventory) -> None:
        self.inv = inv
        self.timeless: dict[str, str] = {}

    def __call__(self, address: str, ts: float | None) -> str:
        found = self.timeless.get(address)
        if found is not None:
            return found
        asset = self.inv.at(address, ts)
        out = address if asset is None else asset.id
        if self.inv.skeleton.timeless(address):
            self.timeless[address] = out
        return out


def _add_edge(ids: _AssetIds, edges: _Edges, capture: str, e: dict[str, Any]) -> None:
    transport, port = str(e.get("transport", "")), int(e.get("port") or 0)
    client, server = ids(e["client"], e.get("first_ts")), ids(e["server"], e.get("first_ts"))
    key = (client, server, service(str(e.get("proto") or ""), transport, port), transport, port)
    edge = edges.get_or_add(key)
    edge.flows += int(e.get("flows", 0))
    edge.packets += int(e.get("packets", 0))
    edge.bytes += int(e.get("bytes", 0))
    edge.span(e.get("first_ts"), e.get("last_ts"))
    edge.captures.add(capture)


def _plain_counts(classes: object) -> TypeGuard[dict[str, int]]:
    """{str: int}, as the engine writes ``op_classes``: usable as it is."""
    return isinstance(classes, dict) and all(type(k) is str and type(n) is int for k, n in classes.items())


def _add_conversations(ids: _AssetIds, edges: _Edges, capture: str, doc: dict[str, Any]) -> None:
    """The operation classes of the conversations on the edges of their asset pairs (an edge
    of either direction with the same protocol family, else a new one). One loop, inlined:
    a long capture has a hundred thousand conversations."""
    pairs = edges.pairs
    for conv in doc.get("conversations") or []:
        classes = conv.get("op_classes")
        if not _plain_counts(classes):  # absent, or to be normalised
            classes = conversation_classes(doc, conv)
        if not classes:
            continue
        first, last = conv.get("first_ts"), conv.get("last_ts")
        src, dst = ids(conv["src"], first), ids(conv["dst"], first)
        proto = FAMILY.get(conv["proto"], conv["proto"])
        key = pairs.get((src, dst, proto) if src <= dst else (dst, src, proto)) or (src, dst, proto, "", 0)
        edge = edges.get_or_add(key)
        op_classes = edge.op_classes
        for cls, n in classes.items():
            op_classes[cls] = op_classes.get(cls, 0) + n
        edge.span(first, last)
        edge.captures.add(capture)


def filter_map(
    edges: list[MapEdge],
    asset_ids: set[str] | None = None,
    protocols: set[str] | None = None,
    zone_of: dict[str, str | None] | None = None,
    zones: set[str] | None = None,
) -> list[MapEdge]:
    """Edges touching one of ``asset_ids``, of one of ``protocols``, with an end in ``zones``."""
    out = []
    for e in edges:
        if asset_ids is not None and not {e.client, e.server} & asset_ids:
            continue
        if protocols is not None and e.proto not in protocols:
            continue
        if zones is not None and not {(zone_of or {}).get(e.client), (zone_of or {}).get(e.server)} & zones:
            continue
        out.append(e)
    return out

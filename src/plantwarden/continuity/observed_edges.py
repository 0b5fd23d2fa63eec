"""Observed traffic from analysis documents (docs/analyze-json.md), merged across captures.

An ``edges`` row is one (client, server, transport, server port, protocol) with its flows,
packets, bytes and first/last time. Rows of several captures with the same key are added up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from ipaddress import IPv4Address, IPv6Address, ip_address
from pathlib import Path
from typing import Any

from plantwarden.errors import InputError

IP = IPv4Address | IPv6Address


@dataclass(frozen=True, slots=True)
class Edge:
    """Traffic from one client to one server port, with one protocol (``""``: not identified)."""

    client: str
    server: str
    transport: str
    port: int
    proto: str
    flows: int
    packets: int
    bytes: int
    first_ts: float | None
    last_ts: float | None

    @property
    def key(self) -> tuple[str, str, str, int, str]:
        return (self.client, self.server, self.transport, self.port, self.proto)

    @property
    def service(self) -> str:
        """``modbus`` when identified, else ``tcp/5020``."""
        return self.proto or f"{self.transport}/{self.port}"

    def evidence(self) -> dict[str, Any]:
        return {
            "client": self.client,
            "server": self.server,
            "transport": self.transport,
            "port": self.port,
            "proto": self.proto,
            "flows": self.flows,
            "packets": self.packets,
            "bytes": self.bytes,
            "first_ts": self.first_ts,
            "last_ts": self.last_ts,
        }


def _min(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else min(a, b)


def _max(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)


def merge(a: Edge, b: Edge) -> Edge:
    return replace(
        a,
        flows=a.flows + b.flows,
        packets=a.packets + b.packets,
        bytes=a.bytes + b.bytes,
        first_ts=_min(a.first_ts, b.first_ts),
        last_ts=_max(a.last_ts, b.last_ts),
    )


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def edge_from_row(row: dict[str, Any]) -> Edge | None:
    """One ``edges`` row, or None when it lacks the fields (older or foreign documents)."""
    try:
        return Edge(
            client=str(row["client"]),
            server=str(row["server"]),
            transport=str(row.get("transport") or ""),
            port=int(row.get("port") or 0),
            proto=str(row.get("proto") or ""),
            flows=int(row.get("flows") or 0),
            packets=int(row.get("packets") or 0),
            bytes=int(row.get("bytes") or 0),
            first_ts=_num(row.get("first_ts")),
            last_ts=_num(row.get("last_ts")),
        )
    except (KeyError, TypeError, ValueError):
        return None


def edges_of(docs: Iterable[dict[str, Any]]) -> list[Edge]:
    """Every edge of the documents, rows with the same key added up, in a stable order."""
    merged: dict[tuple[str, str, str, int, str], Edge] = {}
    for doc in docs:
        for row in doc.get("edges") or []:
            edge = edge_from_row(row) if isinstance(row, dict) else None
            if edge is not None:
                merged[edge.key] = merge(merged[edge.key], edge) if edge.key in merged else edge
    return sorted(merged.values(), key=lambda e: e.key)


def hosts_of(docs: Iterable[dict[str, Any]]) -> set[str]:
    """Every IP address seen as a source or destination."""
    seen: set[str] = set()
    for doc in docs:
        hosts = doc.get("hosts") or {}
        for family in ("ipv4", "ipv6"):
            seen.update(str(h) for h in (hosts.get(family) or []) if isinstance(hosts, dict))
        for row in doc.get("edges") or []:
            if isinstance(row, dict):
                seen.update(str(row.get(k)) for k in ("client", "server") if row.get(k))
    return seen


def coverage(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Name and time span of each capture analysed."""
    return [{"name": d.get("name"), "first_ts": d.get("first_ts"), "last_ts": d.get("last_ts")} for d in docs]


def as_ip(text: str) -> IP | None:
    """The address, or None for a MAC or anything else that is not an IP address."""
    try:
        return ip_address(text)
    except ValueError:
        return None


def analyse(paths: list[Path]) -> list[dict[str, Any]]:
    """Analyse capture files passively and return their documents."""
    from plantwarden.analyze.pipeline import analyze_capture

    if not paths:
        raise InputError("no capture given (expected one or more pcap/pcapng files)")
    return [analyze_capture(p).doc for p in paths]

"""What a CIP service means on the object its path names, and what a request leaves pending.

Object-specific service codes overlap (Vol 1, 4-4: codes 0x4B-0x63 are defined per class),
so the service is looked up in the table of the object family its request path selects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plantwarden.protocols.base import OpClass
from plantwarden.protocols.cip import codes
from plantwarden.protocols.cip.wire import Path

CM = "connection_manager"
LOGIX = "logix"
FILE = "file"
COMMON = "common"
UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Meaning:
    name: str
    op_class: OpClass
    family: str


@dataclass(slots=True)
class Pending:
    """A request waiting for its reply, with what its reply needs to be understood."""

    service: int
    meaning: Meaning
    path: Path | None
    elements: int = 1
    offset: int = 0
    children: list[Pending | None] = field(default_factory=list)  # Multiple Service Packet
    embedded: Pending | None = None  # Unconnected Send


def unknown_meaning(service: int) -> Meaning:
    """A service whose meaning the object it went to does not tell (kept by number)."""
    return Meaning(f"unknown-0x{service:02x}", OpClass.OTHER, UNKNOWN)


def _from(table: dict[int, tuple[str, OpClass]], service: int, family: str) -> Meaning:
    name, op_class = table[service]
    return Meaning(name, op_class, family)


def _is_logix_target(path: Path | None) -> bool:
    return path is None or path.tag is not None or path.class_id in codes.LOGIX_CLASSES


def meaning(service: int, path: Path | None) -> Meaning:
    """The meaning of ``service`` sent to ``path`` (``None``: path unknown, e.g. unpaired reply)."""
    class_id = path.class_id if path is not None else None
    if class_id == codes.CLASS_CONNECTION_MANAGER and service in codes.CONNECTION_MANAGER:
        return _from(codes.CONNECTION_MANAGER, service, CM)
    if class_id == codes.CLASS_FILE and service in codes.FILE_OBJECT:
        return _from(codes.FILE_OBJECT, service, FILE)
    if service in codes.LOGIX and _is_logix_target(path):
        return _from(codes.LOGIX, service, LOGIX)
    if service in codes.COMMON:
        found = _from(codes.COMMON, service, COMMON)
        if class_id == codes.CLASS_IDENTITY and found.op_class is OpClass.READ:
            return Meaning(found.name, OpClass.DIAGNOSTICS, COMMON)
        return found
    if path is None and service in codes.CONNECTION_MANAGER:
        return _from(codes.CONNECTION_MANAGER, service, CM)
    return unknown_meaning(service)


def path_details(path: Path) -> dict[str, object]:
    """The request path as operation details (only the parts present)."""
    details: dict[str, object] = {}
    if path.class_id is not None:
        details["class"] = path.class_id
        details["class_name"] = codes.class_name(path.class_id)
    for key in ("instance", "attribute", "connection_point", "tag"):
        value = getattr(path, key)
        if value is not None:
            details[key] = value
    if path.ports:
        details["route"] = "/".join(f"{port}/{link}" for port, link in path.ports)
    return details


def tag_points(tag: str, count: int, start_offset: int = 0) -> list[str]:
    """Point names for ``count`` elements read or written from ``tag`` (``A[2]`` -> A[2], A[3])."""
    if count == 1 and start_offset == 0:
        return [tag]
    base, start = tag, 0
    if tag.endswith("]") and "[" in tag:
        cut = tag.rindex("[")
        index = tag[cut + 1 : -1]
        if index.isdigit():
            base, start = tag[:cut], int(index)
    return [f"{base}[{start + start_offset + k}]" for k in range(count)]

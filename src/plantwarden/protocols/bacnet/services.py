"""BACnet service bodies (ANSI/ASHRAE 135 clauses 13-17) -> details, identity, values.

Each decoder reads the tagged service data of one APDU and fills a :class:`Decoded`.
Only the services plantwarden reasons about are decoded; others keep their header only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from plantwarden.protocols.bacnet.codes import (
    DCC_MODE,
    ERROR_CLASS,
    IDENTITY_PROPERTY,
    REINIT_STATE,
    SEGMENTATION,
    name,
)
from plantwarden.protocols.bacnet.tables import ERROR_CODE, PROPERTY_ID, VENDOR
from plantwarden.protocols.bacnet.tags import (
    CLOSE,
    OPEN,
    Tag,
    Value,
    app_value,
    object_id,
    object_name,
    read_tag,
    skip_to_close,
    unsigned,
    values_until_close,
)
from plantwarden.protocols.bacnet.wire import WireError

MAX_LISTED = 32  # property results kept in details per APDU


@dataclass(slots=True)
class Decoded:
    details: dict[str, object] = field(default_factory=dict)
    identity: dict[str, str] = field(default_factory=dict)
    points: list[tuple[str, Value]] = field(default_factory=list)  # ("analog-value/1/present-value", v)


@dataclass(slots=True)
class PropertyResult:
    """One BACnetPropertyValue / ReadAccessResult element."""

    prop: int
    index: int | None = None
    values: list[Value] = field(default_factory=list)
    error: bool = False


def _expect(buf: bytes, pos: int, number: int, kind: int = 0) -> Tag:
    tag = read_tag(buf, pos)
    if not tag.context or tag.number != number or tag.kind != kind:
        raise WireError("malformed_tag", f"context tag [{number}] expected")
    return tag


def _optional(buf: bytes, pos: int, number: int) -> Tag | None:
    """The context data tag ``number`` at ``pos`` if there is one."""
    if pos >= len(buf):
        return None
    tag = read_tag(buf, pos)
    return tag if tag.context and tag.number == number and tag.kind == 0 else None


def property_list(buf: bytes, pos: int, close: int | None, base: int) -> tuple[list[PropertyResult], int]:
    """Clause 21 BACnetPropertyValue list ([base] id, [base+1] index, [base+2] value,
    [base+3] priority or error) up to the closing tag ``close`` (None: end of data)."""
    results: list[PropertyResult] = []
    while pos < len(buf):
        tag = read_tag(buf, pos)
        pos = tag.end
        if tag.kind == CLOSE and tag.context:
            if tag.number == close:
                return results, pos
            raise WireError("malformed_tag", f"unexpected closing tag {tag.number}")
        if tag.kind == OPEN:
            if tag.number == base + 2 and results:
                results[-1].values, pos = values_until_close(buf, pos, tag.number)
            else:
                pos = skip_to_close(buf, pos, tag.number)
                if tag.number == base + 3 and results:
                    results[-1].error = True
        elif tag.context and tag.number == base:
            results.append(PropertyResult(unsigned(buf, tag)))
        elif tag.context and tag.number == base + 1 and results:
            results[-1].index = unsigned(buf, tag)
    if close is not None:
        raise WireError("malformed_tag", f"closing tag [{close}] missing")
    return results, pos


def record(out: Decoded, obj: tuple[int, int], results: list[PropertyResult], listed: list[object]) -> None:
    """Add property results of ``obj`` to details, identity (device object) and points."""
    oname = object_name(obj)
    for r in results:
        pname = name(PROPERTY_ID, r.prop)
        value: Value = r.values[0] if len(r.values) == 1 else None
        if len(listed) < MAX_LISTED:
            entry: dict[str, object] = {"object": oname, "property": pname}
            if r.index is not None:
                entry["index"] = r.index
            entry["value" if not r.error else "error"] = value if not r.error else True
            listed.append(entry)
        if r.error or value is None:
            continue
        if obj[0] == 8 and r.prop in IDENTITY_PROPERTY:
            out.identity[IDENTITY_PROPERTY[r.prop]] = str(value)
            out.identity.setdefault("device_instance", str(obj[1]))
        if r.prop == 85 and r.index is None:
            out.points.append((f"{oname}/{pname}", value))


def _object_property(buf: bytes, pos: int, out: Decoded) -> tuple[tuple[int, int], PropertyResult, int]:
    """[0] objectIdentifier, [1] propertyIdentifier, [2] propertyArrayIndex OPTIONAL."""
    t = _expect(buf, pos, 0)
    obj = object_id(buf, t)
    t = _expect(buf, t.end, 1)
    result, pos = PropertyResult(unsigned(buf, t)), t.end
    idx = _optional(buf, pos, 2)
    if idx is not None:
        result.index, pos = unsigned(buf, idx), idx.end
    out.details["object"] = object_name(obj)
    out.details["property"] = name(PROPERTY_ID, result.prop)
    if result.index is not None:
        out.details["index"] = result.index
    return obj, result, pos


def read_property(buf: bytes, pos: int, out: Decoded) -> None:
    """15.5.1.1 ReadProperty-Request."""
    _object_property(buf, pos, out)


def read_property_ack(buf: bytes, pos: int, out: Decoded) -> None:
    """15.5.1.3 ReadProperty-ACK: object, property, [index], [3] propertyValue."""
    obj, result, pos = _object_property(buf, pos, out)
    result.values, _ = values_until_close(buf, _expect(buf, pos, 3, OPEN).end, 3)
    listed: list[object] = []
    record(out, obj, [result], listed)
    out.details["value"] = listed[0].get("value") if isinstance(listed[0], dict) else None


def write_property(buf: bytes, pos: int, out: Decoded) -> None:
    """15.9.1.1 WriteProperty-Request: object, property, [index], [3] value, [4] priority."""
    obj, result, pos = _object_property(buf, pos, out)
    result.values, pos = values_until_close(buf, _expect(buf, pos, 3, OPEN).end, 3)
    prio = _optional(buf, pos, 4)
    if prio is not None:
        out.details["priority"] = unsigned(buf, prio)
    listed: list[object] = []
    record(out, obj, [result], listed)
    out.details["value"] = listed[0].get("value") if isinstance(listed[0], dict) else None


def access_list(buf: bytes, pos: int, out: Decoded, base: int) -> None:
    """15.7 / 15.10 lists: ([0] object, [1] opening, property list, [1] closing)*;
    base 0 for ReadAccessSpecification / WriteAccessSpecification, 2 for ReadAccessResult."""
    listed: list[object] = []
    while pos < len(buf):
        t = _expect(buf, pos, 0)
        obj = object_id(buf, t)
        results, pos = property_list(buf, _expect(buf, t.end, 1, OPEN).end, 1, base)
        record(out, obj, results, listed)
    out.details["properties"] = listed


def subscribe_cov(buf: bytes, pos: int, out: Decoded) -> None:
    """13.14.1 SubscribeCOV-Request: [0] process id, [1] monitored object, [2] confirmed, [3] lifetime."""
    t = _expect(buf, pos, 0)
    out.details["process_id"] = unsigned(buf, t)
    t = _expect(buf, t.end, 1)
    out.details["object"] = object_name(object_id(buf, t))
    pos = t.end
    confirmed = _optional(buf, pos, 2)
    if confirmed is not None:
        out.details["confirmed"], pos = bool(unsigned(buf, confirmed)), confirmed.end
    life = _optional(buf, pos, 3)
    if life is not None:
        out.details["lifetime"] = unsigned(buf, life)


def cov_notification(buf: bytes, pos: int, out: Decoded) -> None:
    """13.6 / 13.7 COV notification: [0] process id, [1] device, [2] object, [3] time remaining,
    [4] list of values."""
    t = _expect(buf, pos, 0)
    t = _expect(buf, t.end, 1)
    out.details["device"] = object_name(object_id(buf, t))
    t = _expect(buf, t.end, 2)
    obj = object_id(buf, t)
    t = _expect(buf, t.end, 3)
    results, _ = property_list(buf, _expect(buf, t.end, 4, OPEN).end, 4, 0)
    listed: list[object] = []
    record(out, obj, results, listed)
    out.details["object"], out.details["properties"] = object_name(obj), listed


def i_am(buf: bytes, pos: int, out: Decoded) -> None:
    """16.10.3 I-Am: device identifier, max APDU length, segmentation, vendor identifier."""
    vals: list[Value] = []
    for _ in range(4):
        t = read_tag(buf, pos)
        vals.append(app_value(buf, t))
        pos = t.end
    out.details.update(device=vals[0], max_apdu=vals[1], vendor_id=vals[3])
    out.details["segmentation"] = name(SEGMENTATION, vals[2]) if isinstance(vals[2], int) else vals[2]
    inst = str(vals[0]).rsplit("/", 1)[-1]
    out.identity.update(device_instance=inst, vendor_id=str(vals[3]), max_apdu=str(vals[1]))
    if isinstance(vals[3], int) and vals[3] in VENDOR:
        out.identity["vendor"] = VENDOR[vals[3]]


def who_is(buf: bytes, pos: int, out: Decoded) -> None:
    """16.10.1 Who-Is: [0] low limit, [1] high limit, both optional."""
    low = _optional(buf, pos, 0)
    high = _optional(buf, low.end, 1) if low is not None else None
    if low is not None and high is not None:
        out.details.update(low_limit=unsigned(buf, low), high_limit=unsigned(buf, high))


def app_values(buf: bytes, pos: int, out: Decoded, keys: tuple[str, ...]) -> None:
    """Application-tagged values in order (I-Have, TimeSynchronization, AtomicRead/WriteFile)."""
    for key in keys:
        t = read_tag(buf, pos)
        if t.context:
            return
        out.details[key], pos = app_value(buf, t), t.end


def enumerated_field(
    buf: bytes, pos: int, out: Decoded, number: int, key: str, table: dict[int, str]
) -> None:
    """The context-tagged enumerated field ``number``, skipping optional fields before it."""
    t = _optional(buf, pos, number)
    while t is None and pos < len(buf):  # skip earlier optional fields
        skip = read_tag(buf, pos)
        pos = skip_to_close(buf, skip.end, skip.number) if skip.kind == OPEN else skip.end
        t = _optional(buf, pos, number)
    if t is not None:
        out.details[key] = name(table, unsigned(buf, t))


def error(buf: bytes, pos: int, out: Decoded) -> None:
    """Clause 18 / 21 Error: error class and error code (enumerated), possibly inside [0]."""
    vals: list[int] = []
    while pos < len(buf) and len(vals) < 2:
        t = read_tag(buf, pos)
        pos = t.end
        if not t.context and t.number == 9:
            vals.append(unsigned(buf, t))
    if len(vals) == 2:
        out.details.update(error_class=name(ERROR_CLASS, vals[0]), error_code=name(ERROR_CODE, vals[1]))


Handler = Callable[[bytes, int, Decoded], None]
HANDLERS: dict[tuple[int, int], Handler] = {
    (0, 12): read_property, (3, 12): read_property_ack, (0, 15): write_property,
    (0, 14): lambda b, p, o: access_list(b, p, o, 0), (3, 14): lambda b, p, o: access_list(b, p, o, 2),
    (0, 16): lambda b, p, o: access_list(b, p, o, 0), (0, 5): subscribe_cov,
    (0, 1): cov_notification, (1, 2): cov_notification, (1, 0): i_am, (1, 8): who_is,
    (1, 1): lambda b, p, o: app_values(b, p, o, ("device", "object", "object_name")),
    (1, 6): lambda b, p, o: app_values(b, p, o, ("date", "time")),
    (1, 9): lambda b, p, o: app_values(b, p, o, ("date", "time")),
    (0, 6): lambda b, p, o: app_values(b, p, o, ("file",)),
    (0, 7): lambda b, p, o: app_values(b, p, o, ("file",)),
    (0, 20): lambda b, p, o: enumerated_field(b, p, o, 0, "state", REINIT_STATE),
    (0, 17): lambda b, p, o: enumerated_field(b, p, o, 1, "enable_disable", DCC_MODE),
}


def decode(pdu_type: int, service: int, buf: bytes, pos: int) -> Decoded:
    """Decode the service data at ``pos``; raises WireError on malformed tags."""
    out = Decoded()
    handler = error if pdu_type == 5 else HANDLERS.get((pdu_type, service))
    if handler is not None and pos < len(buf):
        handler(buf, pos, out)
    return out

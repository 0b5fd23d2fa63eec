"""S7comm Userdata (ROSCTR 7): function group and subfunction, SZL reads and identity.

Parameter: head 00 01 12, length, method, type (4 request, 8 response, 0 push) and
function group in one octet, subfunction, sequence number, and in responses data unit
reference, last-data-unit flag and error code. Data: return code, transport size,
length, payload. A Read SZL answer longer than one PDU comes in several data units
(last-data-unit = 1 until the final one); they are joined before the SZL is parsed.
"""

from __future__ import annotations

from plantwarden.protocols.base import Anomaly, Direction, Emitter, Identity, Operation, PduContext
from plantwarden.protocols.s7comm import codes, szl, wire

PROTO = "s7comm"
_MAX_SZL = 1 << 16
_IDENTITY_SZL = {0x0011: (28, "module"), 0x0111: (28, "module"), 0x001C: (34, "component"),
                 0x011C: (34, "component")}


def on_userdata(requests: dict[int, tuple[int, int]], szl_bufs: dict[Direction, bytearray],
                head: wire.S7Header, ctx: PduContext, out: Emitter) -> None:
    ud = wire.parse_userdata(head.param)
    details: dict[str, object] = {"pdu_ref": head.pdu_ref}
    if ud is None:
        out.anomaly(Anomaly("s7comm.invalid_length", ctx, "Userdata parameter shorter than 8 octets"))
        out.operation(Operation(PROTO, "7", "Userdata", codes.userdata_class(-1, -1), ctx, None, details))
        return
    key = (ud.group, ud.sub)
    if key not in codes.SUBFUNCTIONS and ud.group != 0:
        detail = f"Userdata group {ud.group} subfunction {ud.sub}"
        out.anomaly(Anomaly("s7comm.unknown_function", ctx, detail))
    request = True if ud.kind == 4 else False if ud.kind == 8 else None
    details.update(group=codes.FUNCTION_GROUPS.get(ud.group) or codes.unknown(ud.group), seq=ud.seq)
    if ud.error:
        details["error"] = f"0x{ud.error:04x}"
    rc, payload = wire.userdata_payload(head.data)
    if request:
        requests[head.pdu_ref] = key
        _request_details(key, payload, details)
    elif request is False:
        if requests.pop(head.pdu_ref, None) is None:
            out.anomaly(Anomaly("s7comm.response_without_request", ctx, f"PDU reference {head.pdu_ref}"))
        if key == (4, 1) and rc == 0xFF:
            _szl_answer(szl_bufs, ud.more, payload, details, ctx, out)
    if ud.group == 0:
        details["mode"] = ud.sub
    name = codes.userdata_name(ud.group, ud.sub)
    out.operation(Operation(PROTO, f"7:{ud.group}/{ud.sub}", name, codes.userdata_class(ud.group, ud.sub),
                            ctx, request, details))


def _request_details(key: tuple[int, int], payload: bytes, details: dict[str, object]) -> None:
    if key == (4, 1) and len(payload) >= 4:
        szl_id = wire.unpack_u16(payload, 0)
        details.update(szl_id=f"0x{szl_id:04x}", szl_index=f"0x{wire.unpack_u16(payload, 2):04x}",
                       szl_name=codes.SZL_NAMES.get(szl_id) or codes.unknown(szl_id))
    elif key in ((3, 2), (3, 3)) and len(payload) >= 2:
        kind = codes.BLOCK_TYPES.get(payload[:2].decode("latin-1").upper())
        number = payload[2:7].decode("latin-1")
        digits = number.isascii() and number.isdigit()
        details["block"] = f"{kind or payload[:2].hex()}{int(number) if digits else ''}"
    elif key == (5, 1):
        details["password"] = "set"
    elif key == (5, 2):
        details["password"] = "cleared"
    elif key in ((7, 2), (7, 4)) and len(payload) >= 10:
        details["time"] = _bcd_time(payload[:10])


def _bcd_time(ts: bytes) -> str:
    """S7 timestamp, BCD: reserved, century (unreliable), year, month, day, hour, minute,
    second, milliseconds; years below 90 are 20xx as in Siemens' DATE_AND_TIME."""
    d = [((b >> 4) * 10 + (b & 0x0F)) for b in ts]
    year = d[2] + (2000 if d[2] < 90 else 1900)
    return f"{year:04d}-{d[3]:02d}-{d[4]:02d}T{d[5]:02d}:{d[6]:02d}:{d[7]:02d}"


def _szl_answer(szl_bufs: dict[Direction, bytearray], more: bool, payload: bytes,
                details: dict[str, object], ctx: PduContext, out: Emitter) -> None:
    buf = szl_bufs.get(ctx.direction)
    if buf is not None and len(buf) + len(payload) <= _MAX_SZL:
        buf += payload
        payload = bytes(buf)
    if more:
        szl_bufs[ctx.direction] = bytearray(payload)
        details["fragment"] = True
        return
    szl_bufs.pop(ctx.direction, None)
    if len(payload) < 4:
        return
    szl_id = wire.unpack_u16(payload, 0)
    details.update(szl_id=f"0x{szl_id:04x}", szl_name=codes.SZL_NAMES.get(szl_id) or codes.unknown(szl_id))
    kind = _IDENTITY_SZL.get(szl_id)
    if kind is not None:
        _, _, recs = szl.records(payload, kind[0])
        parse = szl.module_identification if kind[1] == "module" else szl.component_identification
        fields = parse(recs)
        if fields:
            fields["vendor"] = "Siemens"
            out.identity(Identity(PROTO, ctx, ctx.src, fields))
    elif szl_id == 0x0424:
        mode = szl.cpu_mode(szl.records(payload, 20)[2])
        if mode:
            details["cpu_mode"] = mode

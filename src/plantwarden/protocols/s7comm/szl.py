"""System status lists (SZL) a CPU returns to Read SZL: identity and CPU mode.

Layouts from Siemens, System Software for S7-300/400 System and Standard Functions,
chapter "System Status Lists": a partial list header (SZL-ID, index, record length
LENTHDR, record count N_DR) then N_DR records.
- SZL 0x0011 module identification: index, MLFB (20 chars), BGTyp, Ausbg, Ausbe
  (index 1 module, 6 basic hardware, 7 basic firmware with Ausbg = 'V' major, Ausbe).
- SZL 0x001C component identification: index, 32 characters (1 automation system name,
  2 module name, 3 plant designation, 4 copyright, 5 serial number, 7 module type...).
- SZL 0x0424 current mode: record with ereig, ae, bzu-id (low nibble: mode).
"""

from __future__ import annotations

from plantwarden.protocols.s7comm import codes
from plantwarden.protocols.s7comm.wire import unpack_u16

MODES: dict[int, str] = {
    0x01: "STOP", 0x02: "STOP", 0x03: "STOP", 0x04: "STOP", 0x05: "STARTUP", 0x06: "STARTUP",
    0x07: "STARTUP", 0x08: "RUN", 0x09: "RUN", 0x0A: "HOLD", 0x0D: "DEFECT",
}
# Position order of 0x001C records when a server leaves their index at zero.
_COMPONENT_ORDER = (1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12)


def records(payload: bytes, default_size: int) -> tuple[int, int, list[bytes]]:
    """SZL id, index and the records of a Read SZL response payload."""
    if len(payload) < 8:
        return -1, 0, []
    szl_id, index = unpack_u16(payload, 0), unpack_u16(payload, 2)
    size, count = unpack_u16(payload, 4), unpack_u16(payload, 6)
    size = size or default_size
    body = payload[8:]
    count = count or len(body) // size
    return szl_id, index, [body[i * size : (i + 1) * size] for i in range(min(count, len(body) // size))]


def _text(raw: bytes) -> str:
    return raw.split(b"\x00", 1)[0].decode("latin-1").strip()


def module_identification(recs: list[bytes]) -> dict[str, str]:
    """Order number, hardware and firmware versions from SZL 0x0011 records."""
    out: dict[str, str] = {}
    for rec in recs:
        if len(rec) < 26:
            continue
        index, mlfb = unpack_u16(rec, 0), _text(rec[2:22])
        version = _version(rec)
        if index == 1 and mlfb:
            out["order_number"] = mlfb
        if index == 1 and version and len(rec) == 26:
            out["firmware"] = version
        elif index in (1, 6) and len(rec) >= 28 and not version:
            out.setdefault("hardware", str(unpack_u16(rec, 26)))
        elif index == 7 and version:
            out["firmware"] = version
    return out


def _version(rec: bytes) -> str:
    if len(rec) >= 28 and rec[24] == 0x56:  # 'V'
        return f"V{rec[25]}.{rec[26]}.{rec[27]}"
    if len(rec) == 26:
        return f"V{rec[23]}.{rec[24]}.{rec[25]}"
    return ""


def component_identification(recs: list[bytes]) -> dict[str, str]:
    """Station/PLC name, module name, plant id, copyright, serial from SZL 0x001C."""
    out: dict[str, str] = {}
    for pos, rec in enumerate(recs):
        if len(rec) < 4:
            continue
        index = unpack_u16(rec, 0)
        if index == 0 and pos < len(_COMPONENT_ORDER):
            index = _COMPONENT_ORDER[pos]
        name = codes.COMPONENT_FIELDS.get(index)
        value = _text(rec[2:])
        if name and value and value.isprintable():
            out[name] = value
    if "module_type" in out:
        out.setdefault("model", out["module_type"])
    return out


def cpu_mode(recs: list[bytes]) -> str:
    """Current CPU mode from SZL 0x0424 (bzu-id low nibble)."""
    if not recs or len(recs[0]) < 4:
        return ""
    value = recs[0][3] & 0x0F
    return MODES.get(value) or codes.unknown(value)

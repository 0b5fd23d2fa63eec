"""Operation classes of a conversation row (docs/analyze-json.md).

The engine reports operation classes per protocol, not yet per conversation; until it adds
``op_classes`` ({class: count}) to each conversation row, this falls back on the few codes
whose class does not depend on the PDU's details (function codes whose class the decoders
never change). Sources: Modbus Application Protocol V1.1b3 section 6; S7comm job functions
(Wireshark's s7comm dissector names); CIP Vol. 1 Appendix A (services 0x05-0x07, 0x0e, 0x10,
0x4c, 0x4d); DNP3 IEEE 1815-2012 table 4-1; BACnet ASHRAE 135 clause 21 (service choices).
"""

from __future__ import annotations

from typing import Any

READ, WRITE = "read", "write"
DOWNLOAD, UPLOAD, MODE, RESTART = "program_download", "program_upload", "mode_change", "restart"

FALLBACK: dict[str, dict[str, str]] = {
    "modbus": {
        "1": READ,
        "2": READ,
        "3": READ,
        "4": READ,
        "20": READ,
        "24": READ,
        "5": WRITE,
        "6": WRITE,
        "15": WRITE,
        "16": WRITE,
        "21": WRITE,
        "22": WRITE,
        "23": WRITE,
    },
    "s7comm": {
        f"{r}:{c}": cls
        for r in (1, 3)
        for c, cls in (
            ("0x04", READ),
            ("0x05", WRITE),
            ("0x1a", DOWNLOAD),
            ("0x1b", DOWNLOAD),
            ("0x1c", DOWNLOAD),
            ("0x1d", UPLOAD),
            ("0x1e", UPLOAD),
            ("0x1f", UPLOAD),
            ("0x29", MODE),
        )
    },
    "cip": {
        "0x05:req": RESTART,
        "0x06:req": MODE,
        "0x07:req": MODE,
        "0x0e:req": READ,
        "0x10:req": WRITE,
        "0x4c:req": READ,
        "0x4d:req": WRITE,
    },
    "dnp3": {
        "1": READ,
        "2": WRITE,
        "3": WRITE,
        "4": WRITE,
        "5": WRITE,
        "6": WRITE,
        "13": RESTART,
        "14": RESTART,
        "31": DOWNLOAD,
    },
    "bacapp": {"0:12": READ, "0:14": READ, "0:15": WRITE, "0:16": WRITE, "0:17": MODE, "0:20": RESTART},
}


def conversation_classes(doc: dict[str, Any], conv: dict[str, Any]) -> dict[str, int]:
    """{op class: count} of one conversation row of ``doc``."""
    classes = conv.get("op_classes")
    if isinstance(classes, dict):
        return {str(k): int(v) for k, v in classes.items()}
    one = conv.get("op_class")
    if one is None:
        info = ((doc.get("protocols") or {}).get(conv["proto"]) or {}).get("codes", {}).get(conv["code"], {})
        one = info.get("op_class") if isinstance(info, dict) else None
    if one is None:
        one = FALLBACK.get(conv["proto"], {}).get(conv["code"])
    return {} if one is None else {str(one): int(conv.get("count", 1))}

"""IPP messages carried in HTTP bodies (RFC 8010 section 3.1).

version-number(2) operation-id or status-code(2) request-id(4), then attribute groups:
a delimiter tag (0x00-0x0F; 0x03 ends the attributes) followed by attributes, each
value-tag(1) name-length(2) name value-length(2) value (3.1.4-3.1.5).
"""

from __future__ import annotations

from struct import unpack_from

OPERATIONS: dict[int, str] = {
    0x0002: "Print-Job",
    0x0004: "Validate-Job",
    0x0005: "Create-Job",
    0x0006: "Send-Document",
    0x0008: "Cancel-Job",
    0x0009: "Get-Job-Attributes",
    0x000A: "Get-Jobs",
    0x000B: "Get-Printer-Attributes",
    0x4002: "CUPS-Get-Printers",
}
WANTED = {
    "printer-make-and-model": "printer_model",
    "printer-info": "printer_info",
    "printer-name": "printer_name",
    "printer-firmware-string-version": "firmware",
    "printer-device-id": "device_id",
}
MAX_ATTRIBUTES = 512


def header(body: bytes) -> tuple[str, int, int] | None:
    """Version, operation-id/status-code and request-id."""
    if len(body) < 8:
        return None
    major, minor, code, req = unpack_from("!BBHI", body, 0)
    return f"{major}.{minor}", code, req


def printer_fields(body: bytes) -> dict[str, str]:
    """The first value of each wanted printer attribute (RFC 8011 5.4)."""
    fields: dict[str, str] = {}
    i = 8
    for _ in range(MAX_ATTRIBUTES):
        if i >= len(body) or body[i] == 0x03:
            break
        if body[i] < 0x10:
            i += 1
            continue
        if i + 3 > len(body):
            break
        nlen = unpack_from("!H", body, i + 1)[0]
        name = body[i + 3 : i + 3 + nlen].decode("latin-1")
        if i + 5 + nlen > len(body):
            break
        vlen = unpack_from("!H", body, i + 3 + nlen)[0]
        value = body[i + 5 + nlen : i + 5 + nlen + vlen]
        if name in WANTED and WANTED[name] not in fields:
            fields[WANTED[name]] = value.decode("utf-8", "replace")
        i += 5 + nlen + vlen
    return fields

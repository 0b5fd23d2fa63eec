"""Syslog message headers: RFC 5424 section 6 and the BSD format of RFC 3164 section 4.

Both start with ``<PRI>`` (PRI = facility * 8 + severity, 1-3 digits). RFC 5424 then has
``VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP ...`` (``-`` = nil);
RFC 3164 has ``Mmm dd hh:mm:ss SP HOSTNAME SP TAG[pid]: CONTENT``. Senders that omit the
timestamp and host name (e.g. Python's SysLogHandler) give only ``TAG: CONTENT``.
"""

from __future__ import annotations

from dataclasses import dataclass

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class Header:
    facility: int
    severity: int
    format: str  # "rfc5424", "rfc3164" or "bare"
    hostname: str
    app: str


def _tag(text: str) -> str:
    word = text.split(" ", 1)[0]
    if not word.endswith(":") and "[" not in word:
        return ""
    return word.rstrip(":").split("[", 1)[0]


def parse(msg: bytes) -> Header | None:
    if not msg.startswith(b"<"):
        return None
    end = msg.find(b">", 1, 5)
    if end < 0 or not msg[1:end].isdigit():
        return None
    pri = int(msg[1:end])
    if pri > 191:
        return None
    text = msg[end + 1 : end + 1 + 512].decode("utf-8", "replace")
    fac, sev = pri >> 3, pri & 7
    if text[:2] == "1 ":
        parts = text.split(" ", 5)
        host = parts[2] if len(parts) > 2 and parts[2] != "-" else ""
        app = parts[3] if len(parts) > 3 and parts[3] != "-" else ""
        return Header(fac, sev, "rfc5424", host, app)
    if text[:3] in MONTHS and len(text) > 16 and text[6] == " " and text[9] == ":":
        rest = text[16:].split(" ", 1)
        return Header(fac, sev, "rfc3164", rest[0], _tag(rest[1]) if len(rest) > 1 else "")
    return Header(fac, sev, "bare", "", _tag(text))

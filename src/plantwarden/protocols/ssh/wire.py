"""SSH protocol version exchange (RFC 4253 section 4.2).

Each side sends ``SSH-protoversion-softwareversion SP comments CR LF`` (at most 255
bytes); a server may send other lines before it. Everything after the identification
string is the binary packet protocol, encrypted once keys are exchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_LINE = 255


@dataclass(frozen=True, slots=True)
class Banner:
    proto_version: str
    software: str
    comments: str
    line: str


def line_length(buf: bytes) -> int:
    """Framer: the identification line (or a pre-banner line); anything else whole."""
    if not buf.startswith(b"SSH-"):
        return len(buf)
    end = buf.find(b"\n", 0, MAX_LINE + 1)
    if end < 0:
        return 0 if len(buf) <= MAX_LINE else len(buf)
    return end + 1


def banner(line: bytes) -> Banner | None:
    if not line.startswith(b"SSH-"):
        return None
    text = line.rstrip(b"\r\n").decode("utf-8", "replace")
    ident, _, comments = text.partition(" ")
    parts = ident.split("-", 2)
    if len(parts) < 3:
        return None
    return Banner(parts[1], parts[2], comments, text)

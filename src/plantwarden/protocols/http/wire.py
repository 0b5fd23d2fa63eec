"""HTTP/1.x message framing and header parsing (RFC 9112).

A message is a start line (request-line: method SP request-target SP HTTP-version,
section 3; status-line: HTTP-version SP status-code SP reason, section 4), header
fields (section 5) ending in an empty line, and a body whose length is Content-Length
(6.3). Bodies of unknown length (chunked, close-delimited) and large bodies are not
framed: the framer hands them over as opaque data that the session skips.
"""

from __future__ import annotations

from dataclasses import dataclass

METHODS = (
    b"GET ",
    b"POST ",
    b"PUT ",
    b"HEAD ",
    b"DELETE ",
    b"OPTIONS ",
    b"PATCH ",
    b"CONNECT ",
    b"TRACE ",
    b"PROPFIND ",
    b"SUBSCRIBE ",
    b"NOTIFY ",
    b"M-SEARCH ",
)
MAX_HEADER = 16384
MAX_BODY = 65536  # bodies kept for decoding (IPP); larger ones are skipped as opaque data


@dataclass(frozen=True, slots=True)
class Message:
    request: bool
    method: str  # requests
    target: str  # requests
    status: int  # responses
    headers: dict[str, str]  # lower-case names; a repeated field keeps its first value
    body: bytes


def starts_message(buf: bytes) -> bool:
    return buf.startswith(b"HTTP/1.") or buf.startswith(METHODS)


def _content_length(head: bytes) -> int:
    at = head.lower().find(b"\r\ncontent-length:")
    if at < 0:
        return 0
    end = head.find(b"\r\n", at + 2)
    value = head[at + 17 : end if end >= 0 else len(head)].strip()
    return int(value) if value.isdigit() else 0


def message_length(buf: bytes) -> int:
    """Framer: a whole message, its head only (large/unknown body), or opaque data."""
    if not starts_message(buf):
        return len(buf)
    end = buf.find(b"\r\n\r\n", 0, MAX_HEADER)
    if end < 0:
        return len(buf) if len(buf) >= MAX_HEADER else 0
    head = end + 4
    body = _content_length(buf[:end])
    return head + body if body <= MAX_BODY else head


def parse(pdu: bytes) -> Message | None:
    """The message in ``pdu``, or None when it is opaque data (a skipped body)."""
    if not starts_message(pdu):
        return None
    end = pdu.find(b"\r\n\r\n")
    head = pdu[: end if end >= 0 else len(pdu)].decode("latin-1")
    lines = head.split("\r\n")
    parts = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers.setdefault(name.strip().lower(), value.strip())
    body = pdu[end + 4 :] if end >= 0 else b""
    if parts[0].startswith("HTTP/"):
        code = parts[1] if len(parts) > 1 else ""
        return Message(False, "", "", int(code) if code.isdigit() else 0, headers, body)
    return Message(True, parts[0], parts[1] if len(parts) > 1 else "", 0, headers, body)

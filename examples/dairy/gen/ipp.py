"""The print server prt-srv-01: IPP/1.1 over HTTP on port 631 (RFC 8010), spooling each
Print-Job's document raw to the label printer's JetDirect port 9100.

CUPS' ippeveprinter cannot start here (it insists on DNS-SD), so the server side is this
stdlib handler; the client side is CUPS' real ``ipptool``.
"""

from __future__ import annotations

import itertools
import socket
import struct
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

END_OF_ATTRIBUTES = 0x03
SUCCESSFUL_OK = 0x0000
SERVER_ERROR_DEVICE_ERROR = 0x0504  # RFC 8011 section 4.1.6.5 ... server-error-* range 0x0500-0x05ff
JOB_COMPLETED, JOB_ABORTED = 9, 8
_job_ids = itertools.count(101)


def split_request(body: bytes) -> tuple[int, int, bytes]:
    """(operation-id, request-id, document data) of an IPP request (RFC 8010 section 3.1.1:
    version-number 2 bytes, operation-id 2, request-id 4, attribute groups, end-of-attributes-tag,
    data). An attribute is value-tag 1, name-length 2, name, value-length 2, value (section 3.1.4)."""
    op, request_id = struct.unpack_from(">HI", body, 2)
    pos = 8
    while pos < len(body) and body[pos] != END_OF_ATTRIBUTES:
        if body[pos] < 0x10:  # begin-attribute-group-tag (delimiter tags are 0x00-0x0f)
            pos += 1
            continue
        name_len = struct.unpack_from(">H", body, pos + 1)[0]
        value_len = struct.unpack_from(">H", body, pos + 3 + name_len)[0]
        pos += 5 + name_len + value_len
    return op, request_id, body[pos + 1:]


def _attr(tag: int, name: str, value: bytes) -> bytes:
    raw = name.encode()
    return struct.pack(">BH", tag, len(raw)) + raw + struct.pack(">H", len(value)) + value


def response(status: int, request_id: int, uri: str, job_id: int, state: int) -> bytes:
    """Operation group (charset 0x47, natural-language 0x48) and job group (job-id 0x21 integer,
    job-uri 0x45 uri, job-state 0x23 enum), RFC 8010 sections 3.5.2 and 3.1.1."""
    return (struct.pack(">BBHI", 1, 1, status, request_id) + b"\x01"
            + _attr(0x47, "attributes-charset", b"utf-8") + _attr(0x48, "attributes-natural-language", b"en")
            + b"\x02" + _attr(0x21, "job-id", struct.pack(">i", job_id))
            + _attr(0x45, "job-uri", f"{uri}/{job_id}".encode())
            + _attr(0x23, "job-state", struct.pack(">i", state))
            + bytes([END_OF_ATTRIBUTES]))


def _spool(printer: str, data: bytes) -> bool:
    try:
        with socket.create_connection((printer, 9100), timeout=3) as conn:
            conn.sendall(data)
        return True
    except OSError:
        return False


def serve(ip: str, printer: str) -> None:
    """Accept Print-Job requests on ``ip``:631 and forward their documents to ``printer``:9100."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "CUPS/2.4 IPP/2.0"

        def do_POST(self) -> None:  # http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            _op, request_id, data = split_request(body)
            ok = _spool(printer, data)
            status, state = (SUCCESSFUL_OK, JOB_COMPLETED) if ok else (SERVER_ERROR_DEVICE_ERROR, JOB_ABORTED)
            reply = response(status, request_id, f"ipp://{ip}:631/ipp/print", next(_job_ids), state)
            self.send_response(200)
            self.send_header("Content-Type", "application/ipp")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: object) -> None:
            return

    ThreadingHTTPServer((ip, 631), Handler).serve_forever()

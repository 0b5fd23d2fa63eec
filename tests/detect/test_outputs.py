"""Alerts to a real syslog receiver (UDP and TCP), a real HTTP server, and a JSON lines file."""

from __future__ import annotations

import json
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from plantwarden.detect import outputs
from plantwarden.detect.model import Alert
from plantwarden.errors import InputError, UsageError

from .helpers import MODBUS_SCENARIO, detect

RFC5424 = re.compile(
    r"^<(\d+)>1 \S+Z \S+ plantwarden - ALERT - CEF:0\|plantwarden\|plantwarden\|[^|]+\|([^|]+)\|"
)


@pytest.fixture(scope="module")
def alerts() -> list[Alert]:
    return detect(MODBUS_SCENARIO, 8.0)


def test_syslog_udp(alerts: list[Alert]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server:
        server.bind(("127.0.0.1", 0))
        server.settimeout(5)
        outputs.send_syslog(alerts, f"127.0.0.1:{server.getsockname()[1]}", "test")
        got = [server.recv(65535).decode() for _ in alerts]
    rules = {m.group(2) for m in map(RFC5424.match, got) if m}
    assert rules == {a.rule for a in alerts}
    write = next(g for g in got if "|write-from-new-host|" in g)
    assert write.startswith("<35>1 ")  # facility 4 * 8 + severity 3 (high)
    assert "src=127.0.7.3 dst=127.0.7.1" in write and "cs1=T0855,T0836" in write


def test_syslog_tcp_octet_counting(alerts: list[Alert]) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        received = bytearray()

        def accept() -> None:
            conn, _ = server.accept()
            with conn:
                while chunk := conn.recv(65536):
                    received.extend(chunk)

        thread = threading.Thread(target=accept)
        thread.start()
        outputs.send_syslog(alerts, f"tcp://127.0.0.1:{server.getsockname()[1]}", "test")
        thread.join(5)
    messages, data = [], bytes(received)
    while data:
        length, _, rest = data.partition(b" ")
        messages.append(rest[: int(length)].decode())
        data = rest[int(length) :]
    assert len(messages) == len(alerts) and all(RFC5424.match(m) for m in messages)


def test_webhook_posts_the_alerts_document(alerts: list[Alert]) -> None:
    bodies: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return None

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    status = outputs.post_webhook(alerts, f"http://127.0.0.1:{server.server_port}/hook")
    thread.join(5)
    server.server_close()
    assert status == 204
    assert bodies[0]["schema"] == "plantwarden.alerts/1"
    assert [a["id"] for a in bodies[0]["alerts"]] == [a.id for a in alerts]


def test_jsonl_appends_one_alert_per_line(alerts: list[Alert], tmp_path: Path) -> None:
    path = tmp_path / "alerts.jsonl"
    outputs.write_jsonl(alerts, str(path))
    outputs.write_jsonl(alerts[:1], str(path))
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    assert len(lines) == len(alerts) + 1
    keys = {"schema", "id", "rule", "title", "severity", "techniques", "src", "dst", "assets"}
    assert keys | {"first_ts", "last_ts", "count", "evidence", "response"} <= set(lines[0])
    assert lines[0]["schema"] == "plantwarden.alert/1"
    assert lines[0]["evidence"][0]["capture"] == "detect-modbus.pcap"


def test_bad_targets_are_clear_errors(alerts: list[Alert]) -> None:
    with pytest.raises(UsageError, match="HOST:PORT"):
        outputs.send_syslog(alerts, "nohost", "test")
    with pytest.raises(UsageError, match="http"):
        outputs.post_webhook(alerts, "ftp://x")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(InputError, match="cannot"):
        outputs.send_syslog(alerts, f"tcp://127.0.0.1:{port}", "test")

"""Sending alerts out: JSON lines, syslog (RFC 5424 with a CEF payload), a webhook.

These carry plantwarden's own alerts to the operator's SIEM or ticketing system; they are
never sent into the monitored network. Formats: docs/detection.md.

* JSON lines: one alert JSON object per line (``schema`` ``plantwarden.alert/1``).
* Syslog: RFC 5424 (section 6) ``<PRI>1 TIMESTAMP HOST plantwarden - ALERT - CEF:0|...``; over
  UDP one message per datagram (RFC 5426), over TCP with octet counting (RFC 6587, 3.4.1).
* Webhook: HTTP POST of ``{"schema": "plantwarden.alerts/1", "alerts": [...]}``.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from plantwarden import jsonout
from plantwarden.detect.model import Alert, Severity
from plantwarden.errors import InputError, UsageError

FACILITY = 4  # RFC 5424 6.2.1: security/authorization messages
SYSLOG_SEVERITY = {  # RFC 5424 6.2.1 table 2
    Severity.INFO: 6,
    Severity.LOW: 5,
    Severity.MEDIUM: 4,
    Severity.HIGH: 3,
    Severity.CRITICAL: 2,
}
CEF_SEVERITY = {
    Severity.INFO: 1,
    Severity.LOW: 3,
    Severity.MEDIUM: 5,
    Severity.HIGH: 8,
    Severity.CRITICAL: 10,
}
TIMEOUT_S = 10.0


def alert_line(alert: Alert) -> str:
    return json.dumps(jsonout.document("alert", 1, alert.to_json()), ensure_ascii=False, default=str)


def write_jsonl(alerts: list[Alert], path: str) -> None:
    """Append one JSON line per alert (an alert log a SIEM agent can tail)."""
    try:
        with Path(path).open("a", encoding="utf-8") as f:
            for alert in alerts:
                f.write(alert_line(alert) + "\n")
    except OSError as exc:
        raise InputError(f"{path}: cannot write alerts: {exc.strerror}") from exc


def _cef_escape(text: str, header: bool) -> str:
    text = text.replace("\\", "\\\\")
    if header:
        return text.replace("|", "\\|")
    return text.replace("=", "\\=").replace("\n", " ").replace("\r", " ")


def cef(alert: Alert, version: str) -> str:
    """ArcSight CEF: ``CEF:0|Vendor|Product|Version|SignatureID|Name|Severity|Extension``."""
    head = ["plantwarden", "plantwarden", version, alert.rule, alert.title, str(CEF_SEVERITY[alert.severity])]
    ext = {
        "externalId": alert.id,
        "src": alert.src,
        "dst": alert.dst,
        "cnt": str(alert.count),
        "start": str(int(alert.first_ts * 1000)),
        "end": str(int(alert.last_ts * 1000)),
        "cs1Label": "techniques",
        "cs1": ",".join(t["id"] for t in alert.techniques),
        "cs2Label": "evidence",
        "cs2": ";".join(f"{e.capture}:{','.join(map(str, e.frames[:20]))}" for e in alert.evidence),
        "msg": alert.response,
    }
    extension = " ".join(f"{k}={_cef_escape(v, False)}" for k, v in ext.items() if v)
    return "CEF:0|" + "|".join(_cef_escape(h, True) for h in head) + "|" + extension


def syslog_message(alert: Alert, version: str, hostname: str | None = None) -> str:
    """One RFC 5424 message (6.1): no structured data, the CEF text as MSG."""
    pri = FACILITY * 8 + SYSLOG_SEVERITY[alert.severity]
    stamp = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    host = (hostname or socket.gethostname() or "-").replace(" ", "_")[:255]
    return f"<{pri}>1 {stamp} {host} plantwarden - ALERT - {cef(alert, version)}"


def parse_target(target: str) -> tuple[str, str, int]:
    """``HOST:PORT``, ``udp://HOST:PORT`` or ``tcp://HOST:PORT`` -> (transport, host, port)."""
    transport, _, rest = target.rpartition("://")
    transport = transport or "udp"
    host, _, port = rest.rpartition(":")
    if transport not in ("udp", "tcp") or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(f"--syslog {target!r}: expected HOST:PORT, udp://HOST:PORT or tcp://HOST:PORT")
    return transport, host.strip("[]"), int(port)


def send_syslog(alerts: list[Alert], target: str, version: str) -> None:
    transport, host, port = parse_target(target)
    messages = [syslog_message(a, version).encode("utf-8") for a in alerts]
    try:
        if transport == "udp":
            with socket.socket(_family(host), socket.SOCK_DGRAM) as s:
                for m in messages:
                    s.sendto(m, (host, port))
            return
        with socket.create_connection((host, port), timeout=TIMEOUT_S) as s:
            s.sendall(b"".join(str(len(m)).encode() + b" " + m for m in messages))
    except OSError as exc:
        raise InputError(f"syslog {target}: cannot send alerts: {exc.strerror or exc}") from exc


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def post_webhook(alerts: list[Alert], url: str) -> int:
    """POST the alerts as one JSON document; returns the HTTP status."""
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"--webhook {url!r}: expected an http:// or https:// URL")
    body = json.dumps(
        jsonout.document("alerts", 1, {"alerts": [a.to_json() for a in alerts]}), default=str
    ).encode("utf-8")
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        raise InputError(f"webhook {url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InputError(f"webhook {url}: cannot post alerts: {reason}") from exc

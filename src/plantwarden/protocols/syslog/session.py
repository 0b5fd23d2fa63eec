"""Syslog over UDP 514 (RFC 5426): one operation per message, sender host and app.

Code: the severity name (``info``, ``err``...; RFC 5424 6.2.1 table 2); details carry
the facility name (table 1) and the header format. Identity of the sender: ``hostname``
(when the header has one) and ``syslog_app`` (APP-NAME or TAG).
"""

from __future__ import annotations

from plantwarden.protocols.base import Anomaly, Emitter, Identity, OpClass, PduContext
from plantwarden.protocols.itkit import ItSpec, emit_op
from plantwarden.protocols.syslog import wire

SEVERITIES = ("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug")
FACILITIES = (
    "kern",
    "user",
    "mail",
    "daemon",
    "auth",
    "syslog",
    "lpr",
    "news",
    "uucp",
    "cron",
    "authpriv",
    "ftp",
    "ntp",
    "security",
    "console",
    "solaris-cron",
    "local0",
    "local1",
    "local2",
    "local3",
    "local4",
    "local5",
    "local6",
    "local7",
)


def probe(payload: bytes, transport: str) -> bool:
    return transport == "udp" and wire.parse(payload) is not None


class SyslogSession:
    def __init__(self) -> None:
        self.seen: set[tuple[str, str, str]] = set()

    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        hdr = wire.parse(pdu)
        if hdr is None:
            out.anomaly(Anomaly("syslog.malformed", ctx, "no <PRI> header"))
            return
        sev = SEVERITIES[hdr.severity]
        details: dict[str, object] = {"facility": FACILITIES[hdr.facility], "format": hdr.format}
        if hdr.app:
            details["app"] = hdr.app
        emit_op(out, ctx, "syslog", sev, sev, OpClass.DIAGNOSTICS, None, details)
        key = (ctx.src, hdr.hostname, hdr.app)
        if (hdr.hostname or hdr.app) and key not in self.seen and len(self.seen) < 32:
            self.seen.add(key)
            fields = {"hostname": hdr.hostname, "syslog_app": hdr.app}
            out.identity(Identity("syslog", ctx, ctx.src, {k: v for k, v in fields.items() if v}))


SPEC = ItSpec("syslog", SyslogSession, udp_ports=frozenset({514}), probe_fn=probe)

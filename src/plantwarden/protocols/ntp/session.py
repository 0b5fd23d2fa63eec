"""NTP (UDP 123), RFC 5905 section 7.3 packet header.

LI(2 bits) VN(3) Mode(3), Stratum(1), Poll(1), Precision(1), Root Delay(4), Root
Dispersion(4), Reference ID(4), Reference/Origin/Receive/Transmit Timestamps (8 each).
Code: the mode in decimal (``3`` client, ``4`` server, ``6`` control = ntpq, ``7``
private = ntpdc, e.g. monlist). Servers (modes 4, 5 and 2) are marked ``role=ntp_server``
with ``ntp_stratum`` and ``ntp_refid`` (a 4-letter source such as GPS for stratum 1,
else the upstream server's address); clients get ``ntp_version``.
"""

from __future__ import annotations

from plantwarden.protocols.base import Anomaly, Emitter, Identity, OpClass, PduContext
from plantwarden.protocols.itkit import ItSpec, emit_op

MODES = {
    0: "reserved",
    1: "symmetric active",
    2: "symmetric passive",
    3: "client",
    4: "server",
    5: "broadcast",
    6: "control",
    7: "private",
}
HEADER = 48


def probe(payload: bytes, transport: str) -> bool:
    """A 48-byte header (plus 4-byte aligned extensions/MAC), version 1-4, mode 1-5."""
    n = len(payload)
    if transport != "udp" or n < HEADER or n > 1024 or n % 4:
        return False
    return 1 <= (payload[0] >> 3) & 7 <= 4 and 1 <= payload[0] & 7 <= 5 and payload[1] <= 16


def refid(stratum: int, raw: bytes) -> str:
    if stratum <= 1:
        return raw.rstrip(b"\x00").decode("ascii", "replace")
    return ".".join(str(b) for b in raw)


class NtpSession:
    def __init__(self) -> None:
        self.seen: set[tuple[str, str]] = set()

    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        if not pdu:
            return
        version, mode = (pdu[0] >> 3) & 7, pdu[0] & 7
        if mode < 6 and len(pdu) < HEADER:
            out.anomaly(Anomaly("ntp.invalid_length", ctx, f"{len(pdu)} bytes, header needs {HEADER}"))
            return
        details: dict[str, object] = {"version": version}
        if mode < 6:
            details["stratum"] = pdu[1]
        request = mode in (1, 3, 6, 7) and not (mode >= 6 and pdu[1:2] and pdu[1] & 0x80)
        op_class = OpClass.TIME_SYNC if mode < 6 else OpClass.DIAGNOSTICS
        emit_op(out, ctx, "ntp", str(mode), MODES[mode], op_class, request, details)
        fields = self._fields(pdu, version, mode)
        key = (ctx.src, repr(sorted(fields.items())))
        if fields and key not in self.seen and len(self.seen) < 16:
            self.seen.add(key)
            out.identity(Identity("ntp", ctx, ctx.src, fields))

    @staticmethod
    def _fields(pdu: bytes, version: int, mode: int) -> dict[str, str]:
        if mode in (2, 4, 5):
            stratum = pdu[1]
            return {
                "role": "ntp_server",
                "ntp_stratum": str(stratum),
                "ntp_refid": refid(stratum, pdu[12:16]),
            }
        if mode == 3:
            return {"ntp_version": str(version)}
        return {}


SPEC = ItSpec("ntp", NtpSession, udp_ports=frozenset({123}), probe_fn=probe)

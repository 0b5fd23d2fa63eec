"""LPD (TCP 515) and raw/JetDirect printing (TCP 9100): print jobs and printer models.

LPD (proto ``lpd``): code ``<command>`` for the first line (``2`` receive a printer job)
and ``sub:<subcommand>`` for the job's parts (``sub:2`` control file, ``sub:3`` data
file); the control file names the client's ``hostname`` (H line) and ``user`` (P).
JetDirect (proto ``jetdirect``): ``job`` once per flow when the client sends print data,
``pjl:<command>`` for PJL lines (``pjl:INFO ID``), ``pjl:answer`` for a printer's PJL
answer; the ``@PJL INFO ID`` answer is the printer's ``printer_model``. Only the first
PDUs of a flow are searched (bounded work).
"""

from __future__ import annotations

from plantwarden.protocols.base import Emitter, Identity, OpClass, PduContext
from plantwarden.protocols.itkit import ItSpec, emit_op
from plantwarden.protocols.printing import wire

MAX_PDUS = 8
LPD_COMMANDS = {
    1: "print waiting jobs",
    2: "receive job",
    3: "short queue state",
    4: "long queue state",
    5: "remove jobs",
}
LPD_SUBCOMMANDS = {1: "abort job", 2: "receive control file", 3: "receive data file"}


def lpd_probe(payload: bytes, transport: str) -> bool:
    return transport == "tcp" and len(payload) > 1 and 1 <= payload[0] <= 5 and payload.endswith(b"\n")


def jetdirect_probe(payload: bytes, transport: str) -> bool:
    return transport == "tcp" and (payload.startswith(wire.UEL) or payload[:4].upper() == b"@PJL")


class LpdSession:
    def __init__(self) -> None:
        self.pdus = 0
        self.in_job = False
        self.expect_control = False

    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        self.pdus += 1
        if self.pdus > MAX_PDUS or ctx.direction != "to_server" or not pdu:
            return
        if self.expect_control:
            self.expect_control = False
            fields = wire.control_file(pdu)
            if "hostname" in fields:
                out.identity(
                    Identity("lpd", ctx, ctx.src, {k: v for k, v in fields.items() if k != "job_name"})
                )
        code = pdu[0]
        line = pdu[1:].split(b"\n", 1)[0].decode("latin-1")
        if not self.in_job and code in LPD_COMMANDS and pdu.find(b"\n") > 0:
            self.in_job = code == 2
            emit_op(
                out,
                ctx,
                "lpd",
                str(code),
                LPD_COMMANDS[code],
                OpClass.FILE_TRANSFER if code == 2 else OpClass.DIAGNOSTICS,
                True,
                {"queue": line},
            )
        elif self.in_job and code in LPD_SUBCOMMANDS and pdu.find(b"\n") > 0:
            self.expect_control = code == 2
            emit_op(
                out,
                ctx,
                "lpd",
                f"sub:{code}",
                LPD_SUBCOMMANDS[code],
                OpClass.FILE_TRANSFER,
                True,
                {"argument": line[:128]},
            )


class JetDirectSession:
    def __init__(self) -> None:
        self.pdus = 0
        self.job = False

    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        self.pdus += 1
        if self.pdus > MAX_PDUS:
            return
        if ctx.direction != "to_server":
            model = wire.info_id_answer(pdu)
            emit_op(out, ctx, "jetdirect", "pjl:answer", "PJL answer", OpClass.DIAGNOSTICS, False, {})
            if model:
                out.identity(Identity("jetdirect", ctx, ctx.src, {"printer_model": model}))
            return
        commands = wire.pjl_commands(pdu)
        for cmd in commands:
            emit_op(out, ctx, "jetdirect", f"pjl:{cmd}", f"PJL {cmd}", OpClass.DIAGNOSTICS, True, {})
        if not self.job and (not commands or b"@PJL ENTER" in pdu.upper()):
            self.job = True
            emit_op(out, ctx, "jetdirect", "job", "print job", OpClass.FILE_TRANSFER, True, {})


LPD_SPEC = ItSpec("lpd", LpdSession, tcp_ports=frozenset({515}), probe_fn=lpd_probe)
JETDIRECT_SPEC = ItSpec("jetdirect", JetDirectSession, tcp_ports=frozenset({9100}), probe_fn=jetdirect_probe)

"""Writes and commands: a new writer, program transfers, mode changes, firmware, restarts.

Program, mode, firmware and restart operations alert unless the baseline learned that
operation class on that very channel (e.g. a nightly program backup by a known server).
A firmware image written by file transfer (FTP, TFTP) to an OT host is a firmware update too:
devices without a firmware service in their industrial protocol are updated that way.
"""

from __future__ import annotations

from plantwarden.detect.model import RuleInfo, Severity
from plantwarden.detect.ops import COMMANDS, channel, code_hint, firmware_push, is_request
from plantwarden.detect.rules.base import Bursts, Rule, Shared
from plantwarden.protocols.base import Operation

OWNER = "Verify with the process owner and the controls engineer whether this change was planned; "
KEEP = (
    "do not stop or reimage the controller: contain the source host at the conduit, "
    "keep safety systems connected."
)

NEW_WRITER = RuleInfo(
    "write-from-new-host",
    "Write or command from a host never seen writing",
    Severity.HIGH,
    ("T0855", "T0836"),
    OWNER + "compare the written values with the process state; " + KEEP,
    needs_baseline=True,
)
PROGRAM_DOWNLOAD = RuleInfo(
    "program-download",
    "Program download to a controller",
    Severity.HIGH,
    ("T0843", "T0821"),
    OWNER + "compare the controller's program with the approved version (upload and diff from the "
    "engineering station); " + KEEP,
)
PROGRAM_UPLOAD = RuleInfo(
    "program-upload",
    "Program upload from a controller",
    Severity.MEDIUM,
    ("T0845",),
    "Confirm the upload was a planned backup by an engineering station; if not, block the source at "
    "the conduit and treat the program as disclosed.",
)
MODE_CHANGE = RuleInfo(
    "mode-change",
    "Controller operating mode change",
    Severity.CRITICAL,
    ("T0858",),
    OWNER + "check the controller's mode and the process with operations at once; " + KEEP,
)
FIRMWARE = RuleInfo(
    "firmware-update",
    "Firmware update of a device",
    Severity.CRITICAL,
    ("T0857",),
    OWNER + "verify the firmware version and its signature against the vendor's release; " + KEEP,
)
RESTART = RuleInfo(
    "device-restart",
    "Device restart or shutdown command",
    Severity.HIGH,
    ("T0816",),
    OWNER + "confirm with operations that the device came back and the process is in view; " + KEEP,
)

BY_CLASS = {
    "program_download": PROGRAM_DOWNLOAD,
    "program_upload": PROGRAM_UPLOAD,
    "mode_change": MODE_CHANGE,
    "firmware_update": FIRMWARE,
    "restart": RESTART,
}


class CommandRules(Rule):
    infos = (NEW_WRITER, *BY_CLASS.values())

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self.bursts = Bursts(gap_s=60.0)

    def on_operation(self, op: Operation) -> None:
        klass = op.op_class.value
        client, server, proto = channel(op)
        if firmware_push(op) and self.shared.is_ot(server):
            klass = "firmware_update"
        if klass not in COMMANDS and klass != "program_upload":
            return
        known = self.shared.known
        learned = known.op_classes.get((client, server, proto), set()) if known is not None else set()
        info = BY_CLASS.get(klass)
        ctx = op.ctx
        if (
            info is not None
            and klass not in learned
            and self.bursts.fresh((info.name, client, server), ctx.ts_ns)
        ):
            self.fire(
                info,
                client,
                server,
                ctx.frame,
                ctx.ts_ns,
                f"{proto} {op.name} ({op.code})",
                learn=code_hint(op),
            )
        if known is None or not is_request(op) or client in known.writers:
            return
        if self.bursts.fresh((NEW_WRITER.name, client, server), ctx.ts_ns):
            detail = f"{proto} {op.name} ({op.code})"
            self.fire(NEW_WRITER, client, server, ctx.frame, ctx.ts_ns, detail, learn=code_hint(op))

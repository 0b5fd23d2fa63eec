"""Remote-access sessions and SMB toward operational-technology hosts.

An OT host is one seen speaking an industrial protocol (either end), or declared as a
controller/HMI/SCADA/safety asset or in an operations/control/safety zone by the site model.
"""

from __future__ import annotations

from plantwarden.detect.model import RuleInfo, Severity
from plantwarden.detect.ops import channel
from plantwarden.detect.rules.base import REMOTE_ACCESS, Bursts, Rule, Shared
from plantwarden.detect.sitectx import is_public
from plantwarden.net.packet import Packet
from plantwarden.protocols.base import Operation

#: Registered ports of remote-access tools (IANA; TeamViewer 5938, AnyDesk 7070/6568).
REMOTE_PORTS = {
    22: "ssh",
    23: "telnet",
    3389: "rdp",
    5900: "vnc",
    5938: "teamviewer",
    7070: "anydesk",
    6568: "anydesk",
}
SMB_PORTS = frozenset({139, 445})

SESSION = "Confirm with the process owner who is connected and why (vendor support must use the "
CONTAIN = "approved remote-access gateway); if nobody owns the session, end it at the conduit firewall, "
KEEP = "keep the target running, and review what was changed during the session."

REMOTE = RuleInfo(
    "remote-access-to-ot",
    "Remote-access session into operations or control",
    Severity.HIGH,
    ("T0886",),
    SESSION + CONTAIN + KEEP,
)
EXTERNAL = RuleInfo(
    "external-remote-access",
    "Remote-access session from a public address",
    Severity.CRITICAL,
    ("T0822", "T0883"),
    SESSION + CONTAIN + KEEP,
)
SMB_TO_OT = RuleInfo(
    "smb-to-ot",
    "SMB toward an OT host",
    Severity.MEDIUM,
    ("T0886", "T0867"),
    "File sharing into OT hosts carries malware across zones: confirm the transfer with the host's "
    "owner, block SMB at the conduit if it is not required, and scan the transferred files offline.",
)
SMB1_TO_OT = RuleInfo(
    "smb1-to-ot",
    "Legacy SMB1 toward an OT host (exploitable)",
    Severity.HIGH,
    ("T0866", "T0886"),
    "SMB1 is what WannaCry/NotPetya spread through: block it at the conduit, check the host's "
    "patch level with its owner, and keep the host connected to the process while you investigate.",
)


class RemoteRules(Rule):
    infos = (REMOTE, EXTERNAL, SMB_TO_OT, SMB1_TO_OT)

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self.bursts = Bursts(gap_s=300.0)

    def on_packet(self, pkt: Packet) -> None:
        conv = self.shared.conv
        if conv is None or not self.shared.answered or conv[3] not in REMOTE_PORTS:
            return
        self._session(conv[0], conv[1], REMOTE_PORTS[conv[3]], pkt.frame, pkt.ts_ns, f"port {conv[3]}")

    def on_operation(self, op: Operation) -> None:
        client, server, proto = channel(op)
        if op.details.get("remote_access") is True or proto in REMOTE_ACCESS:
            self._session(client, server, proto, op.ctx.frame, op.ctx.ts_ns, op.name)
        elif proto == "smb" and self.shared.is_ot(server):
            info = SMB1_TO_OT if op.code.startswith("1:") else SMB_TO_OT
            if self.bursts.fresh((info.name, client, server), op.ctx.ts_ns):
                self.fire(info, client, server, op.ctx.frame, op.ctx.ts_ns, f"{op.name} ({op.code})")

    def _session(self, client: str, server: str, tool: str, frame: int, ts: int, what: str) -> None:
        known = self.shared.known
        learned = known is not None and any(
            (client, server, t, p) in known.conversations for p in REMOTE_PORTS for t in ("tcp", "udp")
        )
        if is_public(client) and not learned:
            info = EXTERNAL
        elif self.shared.is_ot(server) and not learned:
            info = REMOTE
        else:
            return
        if self.bursts.fresh((client, server, tool), ts):  # RDP then VNC: both in the alert
            self.fire(info, client, server, frame, ts, f"{tool} session: {what}", learn=self._hint())

    def _hint(self) -> dict[str, object] | None:
        conv = self.shared.conv
        if conv is None:
            return None
        return {"conversation": {"client": conv[0], "server": conv[1], "transport": conv[2], "port": conv[3]}}

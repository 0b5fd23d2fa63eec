"""New things on the network: assets, MAC addresses, conversations, protocols on a channel.

One new host is one ``new-asset`` alert. A host is named by its routable IP address when it
has one: a new MAC (an ARP, a frame without IP) or a link-local address of it is held until
the capture ends, and dropped when the same MAC sends from an IP address (a new one fires
with the MAC in its detail; a known one is not new, ``address-moved`` speaks for a new MAC).
Loopback and link-local multicast are no conversation between assets.
"""

from __future__ import annotations

from plantwarden.detect.convkey import is_asset_end, is_link_local, is_unicast
from plantwarden.detect.model import Finding, RuleInfo, Severity
from plantwarden.detect.ops import channel, code_hint
from plantwarden.detect.rules.base import NS, Bursts, Rule, Shared
from plantwarden.net.packet import Packet
from plantwarden.protocols.base import Operation

VERIFY = "Identify the device and its owner with the process owner before acting; "

NEW_ASSET = RuleInfo(
    "new-asset",
    "New asset on the network",
    Severity.LOW,
    ("T0846",),
    VERIFY + "if it is not expected, contain it at the switch port or conduit firewall (block, do not "
    "power off plant equipment) and add it to the baseline once it is approved.",
    needs_baseline=True,
)
NEW_MAC = RuleInfo(
    "address-moved",
    "Known address sent from a new MAC address",
    Severity.MEDIUM,
    ("T0830",),
    "Check the switch's MAC table and ARP caches of the HMI and controllers for spoofing; replace a "
    "rogue entry with a static one at the conduit; keep the controller running and in view.",
    needs_baseline=True,
)
NEW_CONVERSATION = RuleInfo(
    "new-conversation",
    "Conversation not in the baseline",
    Severity.MEDIUM,
    ("T0886", "T0869"),
    VERIFY + "if nobody expects it, block the connection at the conduit firewall and keep watching "
    "both hosts; learn it into the baseline if it is legitimate.",
    needs_baseline=True,
)
NEW_PROTOCOL = RuleInfo(
    "new-protocol",
    "New protocol on a known channel",
    Severity.MEDIUM,
    ("T0869",),
    "Ask the owner of the client why it speaks this protocol to the server now (new software, "
    "engineering work?); block it at the conduit if unexplained.",
    needs_baseline=True,
)


class InventoryRules(Rule):
    infos = (NEW_ASSET, NEW_MAC, NEW_CONVERSATION, NEW_PROTOCOL)

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self.seen_assets: set[str] = set()
        self.seen_macs: set[tuple[str, str]] = set()
        self.bursts = Bursts()
        self.protos_seen: set[tuple[str, str, str]] = set()
        self.held: dict[str, Finding] = {}  # MAC -> the new-asset of a host not yet seen with an IP

    def on_packet(self, pkt: Packet) -> None:
        known = self.shared.known
        if known is None:
            return
        src = pkt.src
        if src is not None and self.shared.answered and is_unicast(src):
            self._asset(pkt, src)
        conv = self.shared.conv
        if conv is None or not self.shared.answered or conv in known.conversations:
            return
        client, server, transport, port = conv
        if not (is_asset_end(client) and is_asset_end(server)):
            return
        if self.bursts.fresh(conv, pkt.ts_ns):
            self.fire(
                NEW_CONVERSATION,
                client,
                server,
                pkt.frame,
                pkt.ts_ns,
                f"{client} -> {server} {transport}/{port}",
                learn={
                    "conversation": {"client": client, "server": server, "transport": transport, "port": port}
                },
            )

    def _asset(self, pkt: Packet, src: str) -> None:
        known = self.shared.known
        assert known is not None
        # the MAC behind a routable IP source: a host held by that MAC is this one
        routed = pkt.eth_src if pkt.ip_src is not None and not is_link_local(src) else None
        if routed is not None and self.held:
            self.held.pop(routed, None)
        if src not in known.talkers:
            if src not in self.seen_assets and src not in known.all_macs:
                self.seen_assets.add(src)
                self._new_asset(pkt, src, routed)
            return
        eth = pkt.eth_src
        macs = known.macs.get(src)
        if eth is None or pkt.ip_src is None or not macs or eth in macs or (src, eth) in self.seen_macs:
            return
        self.seen_macs.add((src, eth))
        detail = f"{src} sent from {eth}; baseline: {', '.join(sorted(macs))}"
        self.fire(NEW_MAC, src, pkt.dst or "", pkt.frame, pkt.ts_ns, detail, learn=_talker(src, pkt))

    def _new_asset(self, pkt: Packet, src: str, routed: str | None) -> None:
        """Fire for a routable IP; hold a MAC or link-local address (see the module's docstring)."""
        known = self.shared.known
        assert known is not None
        eth = pkt.eth_src
        mac = f" (MAC {eth})" if eth and pkt.ip_src else ""
        s = self.shared
        finding = Finding(
            NEW_ASSET, src, pkt.dst or "", s.capture, pkt.frame, pkt.ts_ns / NS,
            f"{src}{mac} first sent a packet", None, _talker(src, pkt),
        )  # fmt: skip
        if routed is not None:
            self.seen_assets.add(routed)  # its MAC is this host, already reported
            s.report(finding)
            return
        host = src if pkt.ip_src is None else eth  # a MAC, or the MAC behind a link-local address
        if host is None:
            s.report(finding)
        elif host != src and (host in self.seen_assets or host in known.all_macs):
            return  # a link-local address of a host already reported, or known by its MAC
        elif host not in self.held:
            self.seen_assets.add(host)
            self.held[host] = finding

    def finish(self) -> None:
        """The hosts seen only by their MAC or a link-local address: one alert each."""
        held, self.held = self.held, {}
        for finding in held.values():
            self.shared.report(finding)

    def on_operation(self, op: Operation) -> None:
        known = self.shared.known
        if known is None:
            return
        client, server, proto = channel(op)
        protos = known.protos.get((client, server))
        if protos is None or proto in protos or (client, server, proto) in self.protos_seen:
            return
        self.protos_seen.add((client, server, proto))
        detail = f"{proto} from {client} to {server}; baseline: {', '.join(sorted(protos))}"
        self.fire(NEW_PROTOCOL, client, server, op.ctx.frame, op.ctx.ts_ns, detail, learn=code_hint(op))


def _talker(src: str, pkt: Packet) -> dict[str, object]:
    macs = [pkt.eth_src] if pkt.eth_src and pkt.ip_src else []
    return {"talker": {"address": src, "macs": macs}}

"""Zones and conduits of the site model (IEC 62443-3-2, 4.4): flows outside the conduits,
hosts bridging zones, public addresses talking to operations or control.

A conduit ``from: A, to: B`` lets A open connections to B (a ``bidirectional`` one also B to
A) on its ``allow`` entries' transport and port. A host bridges zones when one MAC address
originates packets (an initial TTL of 64, 128 or 255: not routed) with source addresses in
two zones; declared routers and firewalls are exempt.
"""

from __future__ import annotations

from plantwarden.detect.convkey import ConvKey
from plantwarden.detect.model import RuleInfo, Severity
from plantwarden.detect.rules.base import Bursts, Rule, Shared
from plantwarden.detect.sitectx import is_public
from plantwarden.net.packet import Packet
from plantwarden.site.model import AssetRole, ConduitDirection, SiteModel

ORIGIN_TTLS = frozenset({64, 128, 255})
FORWARDERS = frozenset({AssetRole.ROUTER, AssetRole.FIREWALL})

CONDUIT = RuleInfo(
    "outside-conduit",
    "Traffic between zones outside the declared conduits",
    Severity.HIGH,
    ("T0886",),
    "Check the conduit firewall's rules and logs with the network owner; if the flow is not "
    "required, deny it at the conduit; if it is, declare it in the site model's conduit.",
)
BRIDGE = RuleInfo(
    "dual-homed-host",
    "Host bridging two zones",
    Severity.HIGH,
    ("T0886",),
    "A dual-homed host bypasses the conduit: confirm with its owner, disable the second interface "
    "or route it through the conduit firewall; do not disconnect it if it runs the process.",
)
PUBLIC = RuleInfo(
    "public-to-ot",
    "Public address talking to operations or control",
    Severity.CRITICAL,
    ("T0883", "T0822"),
    "Find the path to the Internet (firewall rule, cellular modem, VPN) with the network owner "
    "and close it at the boundary; keep the device running and watch it for changes.",
)


def allowed(site: SiteModel, client_zone: str, server_zone: str, transport: str, port: int) -> bool:
    both = ConduitDirection.BIDIRECTIONAL
    for c in site.conduits:
        forward = c.from_zone == client_zone and c.to_zone == server_zone
        backward = c.from_zone == server_zone and c.to_zone == client_zone and c.direction == both
        if not (forward or backward):
            continue
        for entry in c.allow:
            if (entry.transport in (None, transport)) and (entry.port in (None, port)):
                return True
    return False


class ZoneRules(Rule):
    infos = (CONDUIT, BRIDGE, PUBLIC)

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self.bursts = Bursts(gap_s=300.0)
        self.mac_zones: dict[str, dict[str, str]] = {}

    def on_packet(self, pkt: Packet) -> None:
        conv = self.shared.conv
        if conv is not None:
            self._public(conv, pkt)
            if self.shared.site.site is not None:
                self._conduit(conv, pkt)
        if self.shared.site.site is not None and pkt.eth_src and pkt.ip_src and pkt.ttl in ORIGIN_TTLS:
            self._bridge(pkt.eth_src, pkt.ip_src, pkt)

    def _public(self, conv: ConvKey, pkt: Packet) -> None:
        client, server = conv[0], conv[1]
        for outside, inside in ((client, server), (server, client)):
            if not (is_public(outside) and not is_public(inside) and self.shared.is_ot(inside)):
                continue
            if self.bursts.fresh((PUBLIC.name, outside, inside), pkt.ts_ns):
                detail = f"{client} -> {server} {conv[2]}/{conv[3]}"
                self.fire(PUBLIC, client, server, pkt.frame, pkt.ts_ns, detail)

    def _conduit(self, conv: ConvKey, pkt: Packet) -> None:
        site = self.shared.site
        cz, sz = site.zone(conv[0]), site.zone(conv[1])
        if cz is None or sz is None or cz.name == sz.name:
            return
        assert site.site is not None
        if allowed(site.site, cz.name, sz.name, conv[2], conv[3]):
            return
        if self.bursts.fresh((CONDUIT.name, conv), pkt.ts_ns):
            detail = (
                f"{conv[0]} ({cz.name}) -> {conv[1]} ({sz.name}) {conv[2]}/{conv[3]}: no conduit allows it"
            )
            self.fire(CONDUIT, conv[0], conv[1], pkt.frame, pkt.ts_ns, detail)

    def _bridge(self, mac: str, ip: str, pkt: Packet) -> None:
        site = self.shared.site
        zone = site.zone(ip)
        if zone is None:
            return
        zones = self.mac_zones.setdefault(mac, {})
        if zone.name in zones or len(zones) >= 8:
            return
        zones[zone.name] = ip
        if len(zones) < 2:
            return
        asset = site.asset(ip)
        if asset is not None and asset.role in FORWARDERS:
            return
        others = ", ".join(f"{a} ({z})" for z, a in zones.items() if z != zone.name)
        detail = f"MAC {mac} sends as {ip} ({zone.name}) and as {others}"
        self.fire(
            BRIDGE, ip, next(a for z, a in zones.items() if z != zone.name), pkt.frame, pkt.ts_ns, detail
        )

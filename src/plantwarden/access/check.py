"""Each session held against the grants: inside one (which), or what it broke.

Only sessions that need a grant are held against the grants (below). A grant is a
candidate for such a session when the session reaches one of its assets, or the vendor's
gateway (``vendors[].via``), or comes from that gateway. The candidate reported is
a grant of the session's very asset if there is one, else the one the session breaks least;
a session that breaks nothing is inside it. A session that needs a grant and has no
candidate is outside any grant. Needing a grant: a session to an OT asset or zone, to a
vendor's asset or gateway, from a vendor's gateway or a public address; an engineering
protocol only from outside the OT zones (an engineering workstation that is also a vendor's
gateway is the plant's own as well), and Modbus only with a write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from plantwarden.access import findings as F
from plantwarden.access.grants import VIEW_ONLY, Grant
from plantwarden.access.sessions import ENGINEERING, Keep, Session
from plantwarden.detect.model import Finding, RuleInfo
from plantwarden.detect.sitectx import SiteContext, is_public
from plantwarden.site.model import SiteModel


@dataclass(frozen=True, slots=True)
class Scope:
    """A grant's reach in addresses."""

    grant: Grant
    targets: frozenset[str]
    gateway: frozenset[str]


@dataclass(slots=True)
class Verdict:
    session: Session
    grant: str | None = None  # the grant the session is inside, or the one it broke
    findings: list[Finding] = field(default_factory=list)
    needs_grant: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.session.as_dict(),
            "grant": self.grant,
            "inside": self.grant is not None and not self.findings,
            "findings": sorted({f.rule.name for f in self.findings}),
        }


def _ips(model: SiteModel, names: tuple[str, ...] | list[str]) -> frozenset[str]:
    return frozenset(str(ip) for n in names if (a := model.asset(n)) is not None for ip in a.ips)


def scopes(grants: list[Grant], model: SiteModel) -> list[Scope]:
    via = {v.company: v.via for v in model.vendors if v.via is not None}
    out = []
    for g in grants:
        if not g.granted:
            continue
        gateway = _ips(model, [via[g.company]]) if g.company in via else frozenset()
        out.append(Scope(g, _ips(model, list(g.targets(model))), gateway))
    return out


def marks(grants: list[Grant]) -> list[float]:
    """The instants a session's first frame is noted at: every grant's start and end."""
    return [t.timestamp() for g in grants for t in (g.start, g.until)]


class Checker:
    def __init__(self, model: SiteModel, grants: list[Grant]) -> None:
        self.model = model
        self.site = SiteContext(model)
        self.scopes = scopes(grants, model)
        self.vendor_assets = _ips(model, [a for v in model.vendors for a in v.assets])
        self.gateways = _ips(model, [v.via for v in model.vendors if v.via is not None])

    def needs_grant(self, s: Session) -> bool:
        if s.proto == "modbus" and not s.changes:
            return False
        if s.engineering:
            return not self.site.is_ot_zone(s.client) or is_public(s.client)
        server_ot = self.site.is_ot_asset(s.server) or self.site.is_ot_zone(s.server)
        return (
            server_ot
            or s.server in self.vendor_assets
            or s.server in self.gateways
            or s.client in self.gateways
            or is_public(s.client)
        )

    def check(self, s: Session) -> Verdict:
        verdict = Verdict(s, needs_grant=self.needs_grant(s))
        if not verdict.needs_grant:  # the plant's own engineering traffic: no grant to hold it against
            return verdict
        candidates = [c for c in self.scopes if self._reaches(c, s)]
        if not candidates:
            verdict.findings.append(
                self._finding(F.NO_GRANT, s, s.first_frame, s.first_ts, "no grant covers it")
            )
            return verdict
        judged = [(self._broken(c, s), c) for c in candidates]
        # a grant of the very asset first, then the one broken least, then the nearest in time
        judged.sort(
            key=lambda x: (
                s.server not in x[1].targets,
                len(x[0]),
                abs(x[1].grant.start.timestamp() - s.first_ts),
            )
        )
        broken, best = judged[0]
        verdict.grant = best.grant.key
        brief = best.grant.brief()
        for f in broken:
            f.grant = brief
            verdict.findings.append(f)
        return verdict

    def _reaches(self, c: Scope, s: Session) -> bool:
        return s.server in c.targets or s.server in c.gateway or s.client in c.gateway

    def _finding(self, info: RuleInfo, s: Session, frame: int, ts: float, detail: str) -> Finding:
        hints = "; ".join(f"{k}={v}" for k, v in sorted(s.hints.items()))
        text = f"{s.proto} {s.client}:{s.client_port} -> {s.server}:{s.server_port}: {detail}"
        return Finding(
            info, s.client, s.server, s.capture, frame, ts, text + (f" ({hints})" if hints else "")
        )

    def _broken(self, c: Scope, s: Session) -> list[Finding]:
        g, out = c.grant, []
        at = self._at
        if s.proto not in g.protocols:
            out.append(
                self._finding(
                    F.OTHER_PROTOCOL,
                    s,
                    s.first_frame,
                    s.first_ts,
                    f"grant {g.key} allows {', '.join(g.protocols)}",
                )
            )
        if s.server not in c.targets and s.server not in c.gateway:
            out.append(
                self._finding(
                    F.OTHER_ASSET,
                    s,
                    s.first_frame,
                    s.first_ts,
                    f"grant {g.key} reaches {', '.join(g.targets(self.model))}",
                )
            )
        if c.gateway and s.client not in c.gateway and s.server not in c.gateway:
            out.append(
                self._finding(
                    F.BYPASS,
                    s,
                    s.first_frame,
                    s.first_ts,
                    f"{g.company} connects through {', '.join(sorted(c.gateway))}",
                )
            )
        start, until = g.start.timestamp(), g.until.timestamp()
        if s.first_ts < start:
            out.append(
                self._finding(F.BEFORE, s, s.first_frame, s.first_ts, f"grant {g.key} starts {at(g.start)}")
            )
        elif s.first_ts >= until:
            out.append(
                self._finding(F.AFTER, s, s.first_frame, s.first_ts, f"grant {g.key} ended {at(g.until)}")
            )
        elif s.last_ts >= until:
            frame = s.crossings.get(until, s.last_frame)
            out.append(
                self._finding(
                    F.STILL_OPEN,
                    s,
                    frame,
                    max(until, s.first_ts),
                    f"grant {g.key} ended {at(g.until)}, the session went on to {at(s.last_ts)}",
                )
            )
        if g.operations == VIEW_ONLY:
            for ch in s.changes:
                out.append(
                    self._finding(
                        F.CHANGE_UNDER_VIEW,
                        s,
                        ch.frame,
                        ch.ts,
                        f"{ch.proto} {ch.name} ({ch.op_class}) under view-only grant {g.key}",
                    )
                )
        return out

    def _at(self, when: datetime | float) -> str:
        at = when if isinstance(when, datetime) else datetime.fromtimestamp(when, UTC)
        return at.astimezone(self.model.tz).strftime("%Y-%m-%d %H:%M:%S %Z")


def check_sessions(model: SiteModel, grants: list[Grant], sessions: list[Session]) -> list[Verdict]:
    """The verdicts of the sessions that need a grant (the plant's own polling inside its OT
    zones is left out)."""
    checker = Checker(model, grants)
    verdicts = [checker.check(s) for s in sessions]
    return [v for v in verdicts if v.needs_grant]


def keeper(model: SiteModel) -> Keep:
    """What the tracker keeps: every remote-access session, and the engineering ones from
    outside the OT zones (the only ones :meth:`Checker.needs_grant` can want)."""
    site = SiteContext(model)

    def keep(client: str, proto: str) -> bool:
        return proto not in ENGINEERING or not site.is_ot_zone(client) or is_public(client)

    return keep

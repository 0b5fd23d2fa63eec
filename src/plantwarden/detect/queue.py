"""The alert queue as people work it: the filters of ``plantwarden alerts``, validated, and the
site's view of an alert (asset names, owner from the RACI, production at risk, timezone).

Filters name what the user typed when they are wrong, with the valid values: a typo in
``--state`` or ``--rule`` must not answer "no alerts". An asset is a declared name (all its
addresses) or an address; times are ISO 8601 (a time without an offset is in the site's
timezone) or a duration back from now (``24h``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from ipaddress import ip_address
from typing import TYPE_CHECKING, Any

from plantwarden.detect.alerts import STATES, at_risk
from plantwarden.detect.model import Alert, Severity
from plantwarden.detect.sitectx import SiteContext
from plantwarden.detect.store_alerts import AlertQuery
from plantwarden.durations import parse_seconds
from plantwarden.errors import UsageError

if TYPE_CHECKING:
    from plantwarden.continuity.raci import Resolver
    from plantwarden.detect.alerts import ImpactFn
    from plantwarden.site.model import SiteModel

_MAC = re.compile(r"^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$")
_DURATION = re.compile(r"^\s*\d+(\.\d+)?\s*(min|d|h|m|s)", re.IGNORECASE)


def _values(text: str | None) -> list[str]:
    return [v.strip() for v in (text or "").split(",") if v.strip()]


def _one_of(option: str, given: list[str], valid: list[str]) -> frozenset[str]:
    wrong = [v for v in given if v not in valid]
    if wrong:
        raise UsageError(f"{option} {', '.join(wrong)}: unknown; expected one of {', '.join(valid)}")
    return frozenset(given)


def rule_names() -> list[str]:
    from plantwarden.detect.rules import catalog

    return sorted(info.name for info in catalog())


def parse_severity(text: str, option: str = "--severity") -> Severity:
    try:
        return Severity.parse(text)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def parse_time(text: str, option: str, tz: tzinfo | None, now: datetime, *, end: bool = False) -> float:
    """``2026-12-07``, ``2026-12-07T08:30``, ``2026-12-07 08:30+01:00`` (no offset: the site's
    timezone, else UTC) or a duration back from ``now`` (``24h``, ``7d``). A date alone is the
    start of that day, or its end for ``--until`` (``end``)."""
    text = text.strip()
    if _DURATION.match(text) and not re.match(r"^\d{4}-", text):
        return (now - timedelta(seconds=parse_seconds(text, option=option))).timestamp()
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{option} {text!r}: expected a date or time (2026-12-07, 2026-12-07T08:30, with an "
            "optional offset) or a duration back from now (24h, 7d)"
        ) from None
    if len(text) == 10 and end:  # a date alone: its whole day
        at = datetime.combine(at.date() + timedelta(days=1), time()) - timedelta(microseconds=1)
    if at.tzinfo is None:
        at = at.replace(tzinfo=tz or UTC)
    return at.timestamp()


def _addresses(asset: str, site: SiteModel | None) -> frozenset[str]:
    """A declared asset's addresses (IPs and MACs), or the address given."""
    if site is not None:
        declared = site.asset(asset)
        if declared is not None:
            return frozenset([str(ip) for ip in declared.ips] + [m.lower() for m in declared.macs])
    try:
        return frozenset({str(ip_address(asset))})
    except ValueError:
        pass
    if _MAC.match(asset.lower()):
        return frozenset({asset.lower().replace("-", ":")})
    if site is None:
        raise UsageError(
            f"--asset {asset!r}: not an address, and no site model names assets (site load FILE)"
        )
    names = sorted(a.name for a in site.assets)
    shown = ", ".join(names[:30]) + (" ..." if len(names) > 30 else "")
    raise UsageError(
        f"--asset {asset!r}: no such asset in site {site.site.name!r} or address; assets: {shown}"
    )


def parse_query(
    *,
    state: str | None = None,
    rule: str | None = None,
    asset: str | None = None,
    since: str | None = None,
    until: str | None = None,
    severity: str | None = None,
    site: SiteModel | None = None,
    now: datetime | None = None,
) -> AlertQuery:
    """The filters as given on the command line (each may list values with commas)."""
    tz = site.tz if site is not None else None
    moment = now or datetime.now(UTC)
    addresses: frozenset[str] = frozenset()
    for name in _values(asset):
        addresses |= _addresses(name, site)
    start = parse_time(since, "--since", tz, moment) if since is not None else None
    stop = parse_time(until, "--until", tz, moment, end=True) if until is not None else None
    if start is not None and stop is not None and start > stop:
        raise UsageError(f"--since {since} is after --until {until}")
    return AlertQuery(
        states=_one_of("--state", _values(state), list(STATES)),
        rules=_one_of("--rule", _values(rule), rule_names()),
        addresses=addresses,
        since=start,
        until=stop,
        severity=parse_severity(severity) if severity is not None else Severity.INFO,
    )


@dataclass(frozen=True, slots=True)
class Owner:
    """Who answers for the asset an alert puts at risk (the RACI's ``incidents`` question)."""

    asset: str
    responsible: tuple[str, ...]
    accountable: tuple[str, ...]
    source: str

    def short(self) -> str:
        return ",".join(self.responsible)


class SiteView:
    """An alert seen through the site model (the stored current one): names, zones, owner,
    production at risk, local time. Without a site every answer is the raw one."""

    def __init__(self, site: SiteModel | None) -> None:
        self.site = site
        self.ctx = SiteContext(site)
        self.tz: tzinfo | None = site.tz if site is not None else None
        self._resolver: Resolver | None = None
        self._impact: ImpactFn | None = None
        self._impacts: dict[tuple[str, ...], dict[str, Any] | None] = {}

    def describe(self, alert: Alert, address: str) -> dict[str, Any]:
        """The alert's own entry for ``address`` (named at detection), else the site's now."""
        own = next((a for a in alert.assets if a.get("address") == address), None)
        if own is not None and "name" in own:
            return own
        return self.ctx.describe(address) if address and address != "*" else {"address": address}

    def name(self, alert: Alert, address: str) -> str:
        return str(self.describe(alert, address).get("name") or address)

    def named(self, alert: Alert) -> Alert:
        """The alert with its assets named by the site (when detection ran without it) and its
        impact priced (same reason); the stored alert is not changed."""
        if self.site is None:
            return alert
        addresses = [a for a in (alert.src, alert.dst) if a and a != "*"]
        alert.assets = [self.describe(alert, a) for a in addresses]
        if alert.impact is None:
            names = at_risk(alert)
            if names:
                alert.impact = self._priced(tuple(names))
        return alert

    def _priced(self, names: tuple[str, ...]) -> dict[str, Any] | None:
        if names not in self._impacts:
            if self._impact is None:
                from plantwarden.detect.impact import impact_fn

                assert self.site is not None
                self._impact = impact_fn(self.site)
            self._impacts[names] = self._impact(list(names))
        return self._impacts[names]

    def owner(self, alert: Alert) -> Owner | None:
        names = at_risk(alert)
        if self.site is None or not names:
            return None
        if self._resolver is None:
            from plantwarden.continuity.graph import build_graph
            from plantwarden.continuity.raci import Resolver

            self._resolver = Resolver(self.site, build_graph(self.site))
        row = self._resolver.resolve("asset", names[0], "incidents")
        if not row.roles["responsible"] and not row.roles["accountable"]:
            return None
        return Owner(names[0], row.roles["responsible"], row.roles["accountable"], row.source)

    def role_text(self, role_id: str) -> str:
        """A RACI role with who fills it and how to reach them."""
        role = next((r for r in self.site.roles if r.id == role_id), None) if self.site else None
        if role is None:
            return role_id
        who = ", ".join(x for x in (role.team, *role.people) if x)
        extra = "; ".join(x for x in (who, role.contact) if x)
        return f"{role_id} ({extra})" if extra else role_id


def at_risk_text(impact: dict[str, Any] | None, *, lines: bool = True) -> str:
    """``24,000 EUR/h: line-1, line-2`` when the target's failure stops lines (without the
    lines for a table cell); ``covered (1 spare)`` when a redundancy group still covers it,
    with what its next failure stops; empty otherwise."""
    if not impact:
        return ""
    names = [str(x["line"]) for x in impact.get("lines", [])]
    cost = float(impact.get("cost_per_hour") or 0.0)
    if impact.get("covered"):
        spare = min(int(c["spare"]) for c in impact["covered"])
        if not lines:
            return f"covered ({spare} spare)"
        groups = ", ".join(f"{c['group']} ({c['spare']} spare)" for c in impact["covered"])
        return f"covered by {groups}" + (f"; next failure stops {', '.join(names)}" if names else "")
    if cost > 0 or names:
        money = f"{cost:,.0f} {impact.get('currency') or ''}".rstrip() + "/h"
        return f"{money}: {', '.join(names)}" if lines and names else money
    return ""

"""The alert queue as a query: the filters of ``plantwarden alerts`` plus zone and line,
ordered worst first in SQL, for lists paged by keyset (the web console's alert list and page).

The order is :func:`plantwarden.detect.order.worst_first`'s: severity, production at risk per
hour, newest activity, rule, source, destination; then the row id, so that every alert has one
place. The first two are columns written with the alert's document (revision 0009), and one
index holds the whole order, so a page deep into 100,000 alerts reads a handful of index
entries more than the first page does.

:func:`pages` walks the same order page by page (one index range per key after the last
row of the page before, :mod:`plantwarden.store.keyset`), so ``plantwarden alerts --json``
streams 100,000 alerts holding one page at a time; :func:`count` says how many there are.

A zone is the addresses of the assets the site model declares in it; a line is the addresses
of the assets whose failure stops it (or would, after the spares of a redundancy group that
covers them): an alert from or to one of them is kept. Each filter narrows the others.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Row, Select, func, or_, select

from plantwarden.detect.queue import parse_query
from plantwarden.detect.store_alerts import AlertQuery
from plantwarden.errors import UsageError
from plantwarden.store.detect_models import DetectAlert
from plantwarden.store.engine import connected
from plantwarden.store.keyset import ranges_after

if TYPE_CHECKING:
    from plantwarden.site.model import SiteModel

A = DetectAlert
#: Worst first: (column, descending); the last is unique.
ORDER: tuple[tuple[Any, bool], ...] = (
    (A.severity_rank, True),
    (A.at_risk_per_hour, True),
    (A.last_ts, True),
    (A.rule, False),
    (A.src, False),
    (A.dst, False),
    (A.id, False),
)
COLUMNS = (A.id, A.alert_id, A.severity_rank, A.at_risk_per_hour, A.last_ts, A.rule, A.src, A.dst, A.document)


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """``plantwarden alerts``' filters, and address sets of which an alert must touch each one
    (a zone's assets, a line's); an empty set keeps nothing."""

    query: AlertQuery
    within: tuple[frozenset[str], ...] = ()


@dataclass(frozen=True, slots=True)
class Problem:
    """One filter refused: which (``state``) and why, in one line."""

    name: str
    message: str


def _addresses(site: SiteModel, names: list[str]) -> frozenset[str]:
    return frozenset(
        a
        for n in names
        if (x := site.asset(n)) is not None
        for a in [*map(str, x.ips), *(m.lower() for m in x.macs)]
    )


def zone_addresses(site: SiteModel | None, zone: str) -> frozenset[str]:
    if site is None or site.zone(zone) is None:
        known = ", ".join(z.name for z in site.zones) if site is not None else "none (no site model)"
        raise UsageError(f"no zone {zone!r}; zones: {known}")
    return _addresses(site, [a.name for a in site.assets if a.zone == zone])


def line_addresses(site: SiteModel | None, line: str) -> frozenset[str]:
    if site is None or site.line(line) is None:
        known = ", ".join(x.name for x in site.lines) if site is not None else "none (no site model)"
        raise UsageError(f"no line {line!r}; lines: {known}")
    from plantwarden.detect.impact import impact_fn

    price = impact_fn(site)
    names = []
    for asset in site.assets:
        found = price([asset.name]) or {}
        if any(x.get("line") == line for x in found.get("lines", [])):
            names.append(asset.name)
    return _addresses(site, names)


def parse_filter(
    values: dict[str, str | None], site: SiteModel | None, now: datetime | None = None
) -> tuple[QueueFilter | None, list[Problem]]:
    """The filter from ``values`` (state, severity, rule, asset, zone, line, since, until: as
    ``plantwarden alerts`` takes them, lists with commas), or every problem, each by name."""
    problems: list[Problem] = []
    simple = {k: v for k, v in values.items() if k not in ("zone", "line") and v is not None}
    for name, value in simple.items():  # each alone first, to name what is wrong
        try:
            parse_query(**{name: value}, site=site, now=now)
        except UsageError as exc:
            problems.append(Problem(name, str(exc).replace(f"--{name}", name)))
    within: list[frozenset[str]] = []
    for name, fn in (("zone", zone_addresses), ("line", line_addresses)):
        given = values.get(name)
        if given is None:
            continue
        try:
            within.append(frozenset().union(*(fn(site, v.strip()) for v in given.split(",") if v.strip())))
        except UsageError as exc:
            problems.append(Problem(name, str(exc)))
    if problems:
        return None, problems
    try:
        query = parse_query(**simple, site=site, now=now)
    except UsageError as exc:  # since after until
        return None, [Problem("since", str(exc).replace("--", ""))]
    return QueueFilter(query, tuple(within)), []


def _touches(addresses: frozenset[str]) -> ColumnElement[bool]:
    chosen = sorted(addresses)
    return or_(A.src.in_(chosen), A.dst.in_(chosen))


def queue_select(site_id: int, flt: QueueFilter) -> Select[Any]:
    """The site's alerts the filter keeps (unordered: the caller pages by :data:`ORDER`)."""
    q = flt.query
    query = select(*COLUMNS).where(A.site_id == site_id)
    if q.states:
        query = query.where(A.state.in_(sorted(q.states)))
    if q.rules:
        query = query.where(A.rule.in_(sorted(q.rules)))
    if int(q.severity) > 0:
        query = query.where(A.severity_rank >= int(q.severity))
    for group in ([q.addresses] if q.addresses else []) + list(flt.within):
        query = query.where(_touches(group))
    if q.since is not None:
        query = query.where(A.last_ts >= q.since)
    if q.until is not None:
        query = query.where(A.first_ts <= q.until)
    return query


#: Rows one query of :func:`pages` reads.
PAGE_ROWS = 500


def key_of(row: Row[Any]) -> tuple[Any, ...]:
    """A row's place in :data:`ORDER` (what a page goes on after)."""
    return (row.severity_rank, row.at_risk_per_hour, row.last_ts, row.rule, row.src, row.dst, row.id)


def pages(
    db_url: str, site_id: int, flt: QueueFilter, limit: int | None = None, size: int | None = None
) -> Iterator[list[Row[Any]]]:
    """The alerts the filter keeps, worst first, ``size`` rows at a time (default
    :data:`PAGE_ROWS`; at most ``limit`` in all, None: every one), each page read after the
    last row of the one before."""
    size = size or PAGE_ROWS
    base = queue_select(site_id, flt)
    left = limit
    after: tuple[Any, ...] | None = None
    with connected(db_url) as engine, engine.connect() as conn:
        while left is None or left > 0:
            n = size if left is None else min(size, left)
            rows = list(conn.execute(ranges_after(base, ORDER, after, n)))
            if rows:
                yield rows
            if len(rows) < n:
                return
            after = key_of(rows[-1])
            left = None if left is None else left - len(rows)


def count(db_url: str, site_id: int, flt: QueueFilter) -> int:
    """How many alerts the filter keeps."""
    query = select(func.count()).select_from(queue_select(site_id, flt).subquery())
    with connected(db_url) as engine, engine.connect() as conn:
        return int(conn.execute(query).scalar_one())

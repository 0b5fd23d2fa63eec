"""Maintenance windows as concrete intervals, and overlap checks between them.

Times are wall-clock times in the site's time zone. An occurrence whose start or end falls into
a daylight-saving gap is moved forward by the gap (02:30 on the spring-forward day is 03:30),
and one in the repeated autumn hour takes its first occurrence (``fold=0``, PEP 495).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from plantwarden.site.model_windows import MaintenanceWindow, Recurrence

OVERLAP_HORIZON_DAYS = 730
DEFAULT_HORIZON_START = date(2025, 1, 1)


@dataclass(frozen=True, slots=True)
class Interval:
    """One occurrence of a window, with aware datetimes in the site's time zone."""

    window: str
    start: datetime
    end: datetime
    lines: tuple[str, ...]

    @property
    def duration(self) -> timedelta:
        return self.end.astimezone(UTC) - self.start.astimezone(UTC)

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end


def local(day: date, at: time, tz: tzinfo) -> datetime:
    """The real instant of a wall-clock time; gap times move forward (normalised through UTC)."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC).astimezone(tz)


def _aware(value: datetime, tz: tzinfo) -> datetime:
    return value.replace(tzinfo=tz) if value.tzinfo is None else value


def expand_window(window: MaintenanceWindow, tz: tzinfo, start: datetime, end: datetime) -> list[Interval]:
    """Occurrences of ``window`` that overlap ``[start, end)`` (naive bounds are site-local)."""
    start, end = _aware(start, tz), _aware(end, tz)
    found = [iv for iv in _occurrences(window, tz, start.astimezone(tz).date(), end) if iv.end > start]
    return [iv for iv in found if iv.start < end]


def expand_windows(
    windows: tuple[MaintenanceWindow, ...], tz: tzinfo, start: datetime, end: datetime
) -> list[Interval]:
    """Every occurrence of every window overlapping ``[start, end)``, sorted by start."""
    found = [iv for w in windows for iv in expand_window(w, tz, start, end)]
    return sorted(found, key=lambda iv: (iv.start, iv.window))


def _occurrences(window: MaintenanceWindow, tz: tzinfo, first: date, end: datetime) -> Iterator[Interval]:
    if window.recurring is None:
        assert window.start is not None and window.end is not None  # checked by the model
        yield Interval(window.name, _real(window.start, tz), _real(window.end, tz), window.lines)
        return
    r = window.recurring
    last = end.astimezone(tz).date()
    for day in recurrence_days(r, first - timedelta(days=1), last):
        stop_day = day + timedelta(days=1) if r.end <= r.start else day
        yield Interval(window.name, local(day, r.start, tz), local(stop_day, r.end, tz), window.lines)


def _real(value: datetime, tz: tzinfo) -> datetime:
    return local(value.date(), value.time(), tz)


def recurrence_days(r: Recurrence, first: date, last: date) -> Iterator[date]:
    """Days in ``[first, last]`` on which the recurrence starts a window."""
    lo = max(first, r.starting) if r.starting else first
    hi = min(last, r.until) if r.until else last
    day = lo
    while day <= hi:
        if _matches(r, day):
            yield day
        day += timedelta(days=1)


def _matches(r: Recurrence, day: date) -> bool:
    if r.nth_weekday is not None:
        return day == nth_weekday(day.year, day.month, r.nth_weekday.weekday.number, r.nth_weekday.n)
    count, unit = r.period
    anchor = r.starting or day
    if unit == "day":
        return (day - anchor).days % count == 0
    monday = anchor - timedelta(days=anchor.weekday())
    in_week = ((day - monday).days // 7) % count == 0
    return in_week and day.weekday() in {w.number for w in r.on}


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date | None:
    """The ``n``-th ``weekday`` (Monday 0) of a month; ``n = -1`` the last; ``None`` if none."""
    last = calendar.monthrange(year, month)[1]
    days = [d for d in range(1, last + 1) if date(year, month, d).weekday() == weekday]
    if n == -1:
        return date(year, month, days[-1])
    return date(year, month, days[n - 1]) if n <= len(days) else None


def overlap_horizon(a: MaintenanceWindow, b: MaintenanceWindow) -> tuple[date, date]:
    """Days over which two windows are compared: an explicit window's own days, else two years."""
    for w in (a, b):
        if w.start is not None and w.end is not None:
            return w.start.date() - timedelta(days=1), w.end.date() + timedelta(days=1)
    starts = [w.recurring.starting for w in (a, b) if w.recurring and w.recurring.starting]
    first = max(starts) if starts else DEFAULT_HORIZON_START
    return first, first + timedelta(days=OVERLAP_HORIZON_DAYS)


def first_overlap(a: MaintenanceWindow, b: MaintenanceWindow, tz: tzinfo) -> tuple[Interval, Interval] | None:
    """The first pair of occurrences of ``a`` and ``b`` that overlap, if any."""
    first, last = overlap_horizon(a, b)
    lo = datetime.combine(first, time(), tzinfo=tz)
    hi = datetime.combine(last, time(), tzinfo=tz)
    xs, ys = expand_window(a, tz, lo, hi), expand_window(b, tz, lo, hi)
    i = j = 0
    while i < len(xs) and j < len(ys):  # both sorted, neither overlaps itself
        if xs[i].overlaps(ys[j]):
            return xs[i], ys[j]
        if xs[i].end <= ys[j].end:
            i += 1
        else:
            j += 1
    return None

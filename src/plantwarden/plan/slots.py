"""The plan's windows: every occurrence of the site's maintenance windows within the horizon."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from plantwarden.site.model import SiteModel
from plantwarden.site.windows import expand_windows


@dataclass(frozen=True, slots=True)
class Slot:
    id: str  # "<window>@<local start date>"
    window: str
    start: datetime
    end: datetime
    lines: tuple[str, ...]  # lines that may stop in it
    day: float  # days from the plan's start to the slot's start

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "window": self.window,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "hours": round(self.hours, 2),
            "lines": list(self.lines),
        }


def slots_of(model: SiteModel, today: date, horizon_days: int) -> list[Slot]:
    """Occurrences starting in ``[today, today + horizon)``, sorted by start."""
    tz = model.tz
    lo = datetime.combine(today, time(), tzinfo=tz)
    hi = lo + timedelta(days=horizon_days)
    found = [iv for iv in expand_windows(model.maintenance_windows, tz, lo, hi) if iv.start >= lo]
    return [
        Slot(
            f"{iv.window}@{iv.start.date().isoformat()}",
            iv.window,
            iv.start,
            iv.end,
            iv.lines,
            (iv.start - lo).total_seconds() / 86400,
        )
        for iv in found
    ]

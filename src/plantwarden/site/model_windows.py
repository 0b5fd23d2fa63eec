"""Maintenance windows: when lines may stop, as recurrences or explicit dates (site local time)."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator, model_validator
from pydantic_core.core_schema import ValidationInfo

from plantwarden.site.types import Frozen, Name, Text

EVERY_PATTERN = r"^\s*(?:(\d+)\s+)?(days?|weeks?)\s*$"
MAX_DAYS = 366


class Weekday(StrEnum):
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"

    @property
    def number(self) -> int:
        """Monday 0 ... Sunday 6, as :meth:`datetime.date.weekday`."""
        return list(Weekday).index(self)


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class NthWeekday(Frozen):
    """The ``n``-th ``weekday`` of every month (``n: -1`` is the last one)."""

    n: int = Field(ge=-1, le=5, description="1-5, or -1 for the last one of the month.")
    weekday: Weekday

    @field_validator("n")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("n = 0 is not an occurrence (expected 1-5, or -1 for the last)")
        return value


class Recurrence(Frozen):
    """``{every: 2 weeks, on: sunday, start: "06:00", end: "10:00", starting: 2025-01-05}``
    or ``{nth_weekday: {n: 1, weekday: saturday}, start: "22:00", end: "04:00"}``.

    An ``end`` at or before ``start`` ends on the next day.
    """

    every: Annotated[str, Field(pattern=EVERY_PATTERN, description="'N days' or 'N weeks'.")] | None = None
    on: Annotated[tuple[Weekday, ...], BeforeValidator(_one_or_many)] = Field(
        default=(), description="Weekday(s), for 'every: N weeks'."
    )
    nth_weekday: NthWeekday | None = None
    start: time
    end: time
    starting: date | None = Field(default=None, description="First day; the 'every' count starts there.")
    until: date | None = Field(default=None, description="Last day a window may start.")

    @property
    def period(self) -> tuple[int, str]:
        """``(count, "day" | "week")`` of ``every``."""
        match = re.match(EVERY_PATTERN, self.every or "1 week")
        assert match is not None  # the pattern was validated
        return int(match.group(1) or 1), match.group(2).rstrip("s")

    @model_validator(mode="after")
    def _consistent(self) -> Recurrence:
        problem = _recurrence_problem(self)
        if problem:
            raise ValueError(problem)
        return self


def _recurrence_problem(r: Recurrence) -> str | None:
    if (r.every is None) == (r.nth_weekday is None):
        return "a recurrence needs exactly one of 'every' and 'nth_weekday'"
    if r.start == r.end:
        return f"start and end are both {r.start} (expected a window of some length)"
    if r.until is not None and r.starting is not None and r.until < r.starting:
        return f"until {r.until} is before starting {r.starting}"
    if r.nth_weekday is not None:
        return "'on' goes with 'every: N weeks', not with 'nth_weekday'" if r.on else None
    return _every_problem(r)


def _every_problem(r: Recurrence) -> str | None:
    count, unit = r.period
    if count < 1 or count * (7 if unit == "week" else 1) > MAX_DAYS:
        return f"every: {r.every} is out of range (expected 1 to {MAX_DAYS} days or 52 weeks)"
    if unit == "week" and not r.on:
        return f"every: {r.every} needs 'on' (the weekday or weekdays)"
    if unit == "day" and r.on:
        return "'on' goes with 'every: N weeks', not with days"
    if count > 1 and r.starting is None:
        return f"every: {r.every} needs 'starting' (a date the count starts from)"
    return None


class MaintenanceWindow(Frozen):
    """A time the listed lines may stop: ``recurring``, or explicit local ``start`` and ``end``."""

    name: Name
    recurring: Recurrence | None = None
    start: datetime | None = Field(default=None, description="Local date-time in the site time zone.")
    end: datetime | None = None
    lines: tuple[Name, ...] = Field(default=(), description="Lines that may stop in the window.")
    description: Text | None = None

    @field_validator("start", "end")
    @classmethod
    def _local(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            raise ValueError(f"{value.isoformat()} has a UTC offset (expected the site's local time)")
        return value

    @field_validator("end")
    @classmethod
    def _after_start(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        start = info.data.get("start")
        if value is not None and isinstance(start, datetime) and value <= start:
            raise ValueError(f"end {value.isoformat()} is not after start {start.isoformat()}")
        return value

    @model_validator(mode="after")
    def _recurring_or_dates(self) -> MaintenanceWindow:
        explicit = self.start is not None or self.end is not None
        if self.recurring is not None and explicit:
            raise ValueError("a window is 'recurring' or has 'start'/'end', not both")
        if self.recurring is None and (self.start is None or self.end is None):
            raise ValueError("a window needs 'recurring', or both 'start' and 'end'")
        return self

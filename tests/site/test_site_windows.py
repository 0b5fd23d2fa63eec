"""Maintenance windows expanded into concrete intervals (site time zone, DST included)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from plantwarden.site.model import MaintenanceWindow
from plantwarden.site.windows import expand_window, expand_windows, first_overlap, nth_weekday

BERLIN = ZoneInfo("Europe/Berlin")


def window(**fields: Any) -> MaintenanceWindow:
    return MaintenanceWindow.model_validate({"name": "w", "lines": ["filling"], **fields})


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


BIWEEKLY = {"every": "2 weeks", "on": "sunday", "start": "06:00", "end": "10:00", "starting": "2025-01-05"}


def test_every_second_sunday_counts_weeks_from_starting() -> None:
    found = expand_window(window(recurring=BIWEEKLY), BERLIN, local(2025, 3, 1), local(2025, 4, 1))
    assert [iv.start.date() for iv in found] == [date(2025, 3, 2), date(2025, 3, 16), date(2025, 3, 30)]
    assert all(iv.start.hour == 6 and iv.end.hour == 10 for iv in found)


def test_dst_change_keeps_wall_clock_times_and_shifts_utc() -> None:
    found = expand_window(window(recurring=BIWEEKLY), BERLIN, local(2025, 3, 1), local(2025, 4, 1))
    # 30 March 2025: Europe/Berlin goes from CET (+01:00) to CEST (+02:00) at 02:00.
    assert [iv.start.utcoffset() for iv in found] == [timedelta(hours=1)] * 2 + [timedelta(hours=2)]
    assert [iv.start.astimezone(UTC).hour for iv in found] == [5, 5, 4]
    assert all(iv.duration == timedelta(hours=4) for iv in found)


def test_window_across_the_dst_change_lasts_one_hour_less_in_spring_and_more_in_autumn() -> None:
    last_sunday = {"nth_weekday": {"n": -1, "weekday": "sunday"}, "start": "01:00", "end": "05:00"}
    w = window(recurring=last_sunday)
    spring = expand_window(w, BERLIN, local(2025, 3, 1), local(2025, 4, 1))
    autumn = expand_window(w, BERLIN, local(2025, 10, 1), local(2025, 11, 1))
    assert [iv.start.date() for iv in spring + autumn] == [date(2025, 3, 30), date(2025, 10, 26)]
    assert spring[0].duration == timedelta(hours=3)
    assert autumn[0].duration == timedelta(hours=5)


def test_start_in_the_spring_gap_moves_forward() -> None:
    w = window(recurring={"nth_weekday": {"n": -1, "weekday": "sunday"}, "start": "02:30", "end": "04:00"})
    (iv,) = expand_window(w, BERLIN, local(2025, 3, 29), local(2025, 3, 31))
    assert (iv.start.hour, iv.start.minute, iv.start.utcoffset()) == (3, 30, timedelta(hours=2))
    assert iv.duration == timedelta(minutes=30)


def test_second_sunday_of_the_month() -> None:
    w = window(recurring={"nth_weekday": {"n": 2, "weekday": "sunday"}, "start": "06:00", "end": "10:00"})
    found = expand_window(w, BERLIN, local(2025, 1, 1), local(2025, 4, 1))
    assert [iv.start.date() for iv in found] == [date(2025, 1, 12), date(2025, 2, 9), date(2025, 3, 9)]


def test_fifth_weekday_is_skipped_in_months_without_one() -> None:
    w = window(recurring={"nth_weekday": {"n": 5, "weekday": "monday"}, "start": "06:00", "end": "07:00"})
    found = expand_window(w, BERLIN, local(2025, 1, 1), local(2025, 7, 1))
    assert [iv.start.date() for iv in found] == [date(2025, 3, 31), date(2025, 6, 30)]
    assert nth_weekday(2025, 2, 0, 5) is None


def test_window_ending_before_its_start_time_ends_the_next_day() -> None:
    w = window(recurring={"nth_weekday": {"n": 1, "weekday": "saturday"}, "start": "22:00", "end": "04:00"})
    (iv,) = expand_window(w, BERLIN, local(2025, 2, 1), local(2025, 2, 28))
    assert (iv.start, iv.end) == (local(2025, 2, 1, 22), local(2025, 2, 2, 4))


def test_interval_overlapping_the_range_start_is_included() -> None:
    w = window(recurring={"every": "1 day", "start": "22:00", "end": "04:00"})
    found = expand_window(w, BERLIN, local(2025, 5, 10, 2), local(2025, 5, 11))
    assert [(iv.start.day, iv.end.day) for iv in found] == [(9, 10), (10, 11)]


def test_every_n_days_with_starting_and_until() -> None:
    w = window(
        recurring={
            "every": "3 days",
            "start": "06:00",
            "end": "07:00",
            "starting": "2025-05-02",
            "until": "2025-05-12",
        }
    )
    found = expand_window(w, BERLIN, local(2025, 5, 1), local(2025, 6, 1))
    assert [iv.start.day for iv in found] == [2, 5, 8, 11]


def test_explicit_window_and_naive_bounds_are_site_local() -> None:
    w = window(start="2025-08-04T06:00", end="2025-08-08T18:00")
    (iv,) = expand_window(w, BERLIN, datetime(2025, 8, 8, 17), datetime(2025, 8, 9))
    assert iv.start == local(2025, 8, 4, 6) and iv.end == local(2025, 8, 8, 18)
    assert expand_window(w, BERLIN, datetime(2025, 8, 8, 18), datetime(2025, 8, 9)) == []


def test_expand_windows_sorts_occurrences_of_several_windows() -> None:
    a = window(recurring=BIWEEKLY)
    b = MaintenanceWindow(name="b", start=datetime(2025, 3, 10, 8), end=datetime(2025, 3, 10, 9))
    found = expand_windows((a, b), BERLIN, local(2025, 3, 1), local(2025, 3, 20))
    assert [(iv.window, iv.start.day) for iv in found] == [("w", 2), ("b", 10), ("w", 16)]
    assert found[1].lines == ()


def test_first_overlap_finds_the_clash_and_touching_windows_do_not_clash() -> None:
    biweekly = window(recurring=BIWEEKLY)
    clash = window(start="2025-03-16T09:59", end="2025-03-16T12:00")
    touching = window(start="2025-03-16T10:00", end="2025-03-16T12:00")
    other_sunday = window(start="2025-03-09T06:00", end="2025-03-09T10:00")
    found = first_overlap(biweekly, clash, BERLIN)
    assert found is not None and found[0].start == local(2025, 3, 16, 6)
    assert first_overlap(biweekly, touching, BERLIN) is None
    assert first_overlap(biweekly, other_sunday, BERLIN) is None


def test_two_recurrences_that_meet_months_later_overlap() -> None:
    biweekly = window(recurring=BIWEEKLY)  # Sundays of even weeks from 5 Jan 2025
    second_sunday = {"nth_weekday": {"n": 2, "weekday": "sunday"}, "start": "09:00", "end": "11:00"}
    monthly = window(recurring=second_sunday)
    found = first_overlap(biweekly, monthly, BERLIN)
    # second Sundays: 12 Jan, 9 Feb, 9 Mar (odd weeks), 13 Apr = 5 Jan + 14 weeks
    assert found is not None
    assert (found[0].start, found[1].start) == (local(2025, 4, 13, 6), local(2025, 4, 13, 9))


@pytest.mark.parametrize(
    ("recurring", "fragment"),
    [
        ({"every": "2 weeks", "on": "sunday", "start": "06:00", "end": "10:00"}, "needs 'starting'"),
        ({"every": "1 week", "start": "06:00", "end": "10:00"}, "needs 'on'"),
        ({"every": "1 day", "on": "sunday", "start": "06:00", "end": "10:00"}, "not with days"),
        ({"every": "fortnightly", "on": "sunday", "start": "06:00", "end": "10:00"}, "should match pattern"),
        ({"start": "06:00", "end": "10:00"}, "exactly one of 'every' and 'nth_weekday'"),
        ({"every": "1 day", "start": "06:00", "end": "06:00"}, "both 06:00:00"),
        ({"nth_weekday": {"n": 0, "weekday": "monday"}, "start": "06:00", "end": "07:00"}, "n = 0"),
    ],
)
def test_inconsistent_recurrences_are_rejected(recurring: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        window(recurring=recurring)
    assert fragment in str(info.value)

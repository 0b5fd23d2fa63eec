"""The skip report: counting by reason, first frame and detail kept."""

from __future__ import annotations

from plantwarden.capture.records import SkipReport


def test_add_keeps_the_first_frame_and_detail() -> None:
    report = SkipReport()
    report.add("truncated_record", 7, "first")
    report.add("truncated_record", 9, "second")
    report.add("unknown_linktype", 2, "linktype 147")
    assert report.total() == 3
    assert report.as_list() == [
        {"reason": "unknown_linktype", "count": 1, "first_frame": 2, "detail": "linktype 147"},
        {"reason": "truncated_record", "count": 2, "first_frame": 7, "detail": "first"},
    ]


def test_add_count_merges_tallies_and_ignores_zero() -> None:
    report = SkipReport()
    report.add_count("cut_by_snaplen", 0, 0)
    assert report.entries == {}
    report.add("cut_by_snaplen", 50, "later")
    report.add_count("cut_by_snaplen", 3, 10, "earlier")
    entry = report.entries["cut_by_snaplen"]
    assert (entry.count, entry.first_frame, entry.detail) == (11, 3, "earlier")

"""Merging findings into alerts: a group of findings merges as its findings one by one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from plantwarden.detect.alerts import AlertBook
from plantwarden.detect.model import MAX_EVIDENCE_FRAMES, FindingGroup
from plantwarden.detect.rules.polling import STOPPED
from plantwarden.detect.sitectx import SiteContext

PAIRS = [("10.0.0.1", "10.0.1.1"), ("10.0.0.2", "10.0.1.1"), ("10.0.0.1", "10.0.1.2")]
DETAILS = [f"3u1@{i}+10: nothing for 31 s; baseline every 0.200 s" for i in range(30)] + [""]

group_strategy = st.tuples(
    st.sampled_from(PAIRS),
    st.sampled_from(["a.pcap", "b.pcap"]),
    st.floats(min_value=0, max_value=5000, allow_nan=False),  # seconds after the previous group
    st.lists(st.tuples(st.integers(1, 60), st.sampled_from(DETAILS)), min_size=0, max_size=260),
)


def _groups(spec: list[tuple[tuple[str, str], str, float, list[tuple[int, str]]]]) -> list[FindingGroup]:
    out, ts = [], 1.7e9
    for (src, dst), capture, gap, items in spec:
        ts += gap
        said = [d for _, d in items]
        out.append(FindingGroup(STOPPED, src, dst, capture, ts, [f for f, _ in items], said.__getitem__))
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(group_strategy, max_size=12), st.booleans())
def test_a_group_merges_as_its_findings_one_by_one(
    spec: list[tuple[tuple[str, str], str, float, list[tuple[int, str]]]], mute: bool
) -> None:
    muted = (lambda r, s, d: s == "10.0.0.2") if mute else None
    one_by_one, grouped = AlertBook(SiteContext(None), muted), AlertBook(SiteContext(None), muted)
    for group in _groups(spec):
        for i in range(len(group.frames)):
            one_by_one.add(group.finding(i))
        grouped.add_group(group)
    assert [a.to_json() for a in grouped.alerts] == [a.to_json() for a in one_by_one.alerts]
    assert grouped.suppressed == one_by_one.suppressed


def test_a_long_group_keeps_twenty_details_and_bounded_frames() -> None:
    frames = list(range(1, 1000))
    details = [f"symbol {i}" for i in range(1000)]
    asked: list[int] = []

    def detail(i: int) -> str:
        asked.append(i)
        return details[i]

    book = AlertBook(SiteContext(None))
    book.add_group(FindingGroup(STOPPED, *PAIRS[0], "a.pcap", 1.7e9, frames, detail))
    (alert,) = book.alerts
    assert alert.count == 999 and alert.details == details[:20]
    assert alert.evidence[0].frames == frames[:MAX_EVIDENCE_FRAMES]
    assert max(asked) < 25  # no detail is made once twenty are kept

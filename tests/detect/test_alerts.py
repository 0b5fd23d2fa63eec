"""Merging findings into alerts: a series of findings merges as its findings one by one."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from plantwarden.detect.alerts import AlertBook
from plantwarden.detect.model import (
    BURST_GAP_S,
    MAX_BURST_FRAMES,
    MAX_EVIDENCE_FRAMES,
    Alert,
    Finding,
    FindingSeries,
)
from plantwarden.detect.rules.commands import NEW_WRITER
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


def _series(spec: list[tuple[tuple[str, str], str, float, list[tuple[int, str]]]]) -> list[FindingSeries]:
    """Each check's findings at its time, then as the polling rule reports them: per pair, one
    series for each run of checks in the same capture, in time order."""
    last: dict[tuple[str, str], tuple[str, list[float], list[int], list[str]]] = {}
    order: list[FindingSeries] = []
    ts = 1.7e9
    for (src, dst), capture, gap, items in spec:
        ts += gap
        if (src, dst) not in last or last[(src, dst)][0] != capture:
            last[(src, dst)] = (capture, [], [], [])
            _, times, frames, said = last[(src, dst)]
            order.append(FindingSeries(STOPPED, src, dst, capture, times, frames, said.__getitem__))
        _, times, frames, said = last[(src, dst)]
        times += [ts] * len(items)
        frames += [f for f, _ in items]
        said += [d for _, d in items]
    return order


@settings(max_examples=200, deadline=None)
@given(st.lists(group_strategy, max_size=12), st.booleans(), st.sampled_from([3600.0, 600.0, 1.0]))
def test_a_series_merges_as_its_findings_one_by_one(
    spec: list[tuple[tuple[str, str], str, float, list[tuple[int, str]]]], mute: bool, window: float
) -> None:
    """Whatever the gaps (some over the merge window, some under), the pairs and captures."""
    muted = (lambda r, s, d: s == "10.0.0.2") if mute else None
    one_by_one = AlertBook(SiteContext(None), muted, window_s=window)
    in_series = AlertBook(SiteContext(None), muted, window_s=window)
    series = _series(spec)
    by_time = sorted(((s.ts[i], n, i) for n, s in enumerate(series) for i in range(len(s.frames))))
    for _, n, i in by_time:  # the findings as the checks found them, one by one
        one_by_one.add(series[n].finding(i))
    for s in series:
        in_series.add_series(s)
    key = lambda a: (a.first_ts, a.rule, a.src, a.dst)  # noqa: E731 (the order Detector.finish gives)
    assert [a.to_json() for a in sorted(in_series.alerts, key=key)] == [
        a.to_json() for a in sorted(one_by_one.alerts, key=key)]
    assert in_series.suppressed == one_by_one.suppressed


def test_a_long_series_keeps_twenty_details_and_bounded_frames() -> None:
    frames = list(range(1, 1000))
    details = [f"symbol {i}" for i in range(1000)]
    asked: list[int] = []

    def detail(i: int) -> str:
        asked.append(i)
        return details[i]

    book = AlertBook(SiteContext(None))
    book.add_series(FindingSeries(STOPPED, *PAIRS[0], "a.pcap", [1.7e9] * len(frames), frames, detail))
    (alert,) = book.alerts
    assert alert.count == 999 and alert.details == details[:20]
    assert alert.evidence[0].frames == frames[:MAX_EVIDENCE_FRAMES]
    assert max(asked) < 25  # no detail is made once twenty are kept


def _burst_findings(bursts: int, first: int, later: int) -> list[Finding]:
    """A behaviour in ``bursts`` bursts 7 s apart (quiet gaps over BURST_GAP_S): ``first``
    findings 10 ms apart in the first, ``later`` in each later one."""
    found, frame, ts = [], 100, 1.7e9
    for b in range(bursts):
        for _ in range(first if b == 0 else later):
            found.append(Finding(NEW_WRITER, "10.0.0.9", "10.0.1.1", "a.pcap", frame, ts, "write 3"))
            frame, ts = frame + 2, ts + 0.01
        ts += 7.0
    return found


def test_evidence_cites_the_first_frame_of_every_later_burst() -> None:
    """38 times in five minutes, the first burst alone over the evidence cap: each later
    burst's first frame is still cited (before, only the first burst's frames were)."""
    findings = _burst_findings(38, MAX_EVIDENCE_FRAMES + 50, 20)
    book = AlertBook(SiteContext(None))
    for f in findings:
        book.add(f)
    (alert,) = book.alerts
    assert alert.last_ts - alert.first_ts < 300 and alert.count == len(findings)
    (ev,) = alert.evidence
    assert ev.frames == [f.frame for f in findings[:MAX_EVIDENCE_FRAMES]]
    starts = [f.frame for prev, f in pairwise(findings) if f.ts - prev.ts > BURST_GAP_S]
    assert len(starts) == 37 and ev.bursts == starts and ev.burst_count == 37
    doc = alert.to_json()["evidence"][0]
    assert doc["bursts"] == starts and doc["burst_count"] == 37
    assert Alert.from_json(alert.to_json()).to_json() == alert.to_json()


def test_burst_frames_are_capped_and_counted() -> None:
    findings = _burst_findings(MAX_BURST_FRAMES + 51, 1, 1)
    book = AlertBook(SiteContext(None), window_s=10 * 86_400)
    for f in findings:
        book.add(f)
    (ev,) = book.alerts[0].evidence
    assert ev.burst_count == MAX_BURST_FRAMES + 50 and len(ev.bursts) == MAX_BURST_FRAMES
    assert ev.bursts == [f.frame for f in findings[1 : MAX_BURST_FRAMES + 1]]

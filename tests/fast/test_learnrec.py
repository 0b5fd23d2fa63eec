"""Request records folded in numpy (fast.learnrec) against the pure-Python learner: the same
baseline document, field for field, on every shared and generated capture, one at a time and
all in one learning run (timing state carried from one capture to the next)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plantwarden.detect.learn import MAX_INTERVALS, Learner
from plantwarden.detect.stream import Runner
from plantwarden.fast.learnrec import Folded, RecordLearner, fold
from plantwarden.net.detect import ProtocolIndex
from plantwarden.protocols.registry import SPECS
from tests.fast.test_equivalence import CAPTURES


def _learn(learner: Learner, paths: list[Path]) -> dict[str, object]:
    runner = Runner(None, learner, None, None)
    for path in paths:
        runner.run(str(path))
    learned = runner.finish().learned
    assert learned is not None
    return learned.to_json()


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.name)
def test_records_learn_the_same_baseline(capture: Path) -> None:
    index = ProtocolIndex(SPECS)
    pure = _learn(Learner(index), [capture])
    assert _learn(RecordLearner(index), [capture]) == pure
    assert _learn(RecordLearner(index, batch=7), [capture]) == pure  # batches split anywhere


def test_records_learn_the_same_baseline_over_several_captures() -> None:
    index = ProtocolIndex(SPECS)
    pure = _learn(Learner(index), CAPTURES)
    assert pure["channels"], "the captures have requests: the comparison must cover channels"
    assert any(c["periods"] for c in pure["channels"])  # type: ignore[union-attr]
    assert any(c["transitions"] for c in pure["channels"])  # type: ignore[union-attr]
    assert _learn(RecordLearner(index), CAPTURES) == pure
    assert _learn(RecordLearner(index, batch=97), CAPTURES) == pure


def test_fold_finds_the_last_new_transition() -> None:
    # channel 0 alternates symbols 0 and 1, then symbol 2 appears at its 7th request;
    # channel 1 (interleaved) repeats symbol 3
    chans = np.array([0, 1, 0, 1, 0, 0, 0, 0, 1])
    syms = np.array([0, 3, 1, 3, 0, 1, 2, 0, 3])
    ts = np.arange(len(chans), dtype=np.int64) * 1_000_000_000
    f = fold(chans, syms, ts, 2)
    assert f.requests.tolist() == [6, 3]
    assert f.transitions[0] == {(0, 1), (1, 0), (1, 2), (2, 0)}
    assert f.transitions[1] == {(3, 3)}
    assert f.last_new.tolist() == [6, 2]
    assert f.intervals == {0: [4.0, 3.0], 1: [3.0], 3: [2.0, 5.0]}
    assert f.owner.tolist() == [0, 0, 0, 1]


def test_fold_keeps_the_first_intervals_only() -> None:
    n = MAX_INTERVALS + 5
    ts = np.cumsum(np.arange(1, n + 1, dtype=np.int64)) * 1_000_000  # intervals grow by 1 ms
    f = fold(np.zeros(n, np.int64), np.zeros(n, np.int64), ts, 1)
    assert len(f.intervals[0]) == MAX_INTERVALS
    assert f.intervals[0][0] == pytest.approx(0.002)
    assert f.intervals[0][-1] == pytest.approx((MAX_INTERVALS + 1) / 1000)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4), st.integers(0, 10**10)), max_size=60),
    st.lists(st.integers(1, 60), max_size=6),
)
def test_batches_fold_as_one(records: list[tuple[int, int, int]], cuts: list[int]) -> None:
    """Any split of the records into batches folds to what one batch gives; symbols are
    per channel (symbol id = channel * 5 + symbol), timestamps in capture order."""
    records = sorted(records, key=lambda r: r[2])
    chans = np.array([c for c, _, _ in records], np.int64)
    syms = np.array([c * 5 + s for c, s, _ in records], np.int64)
    ts = np.array([t for _, _, t in records], np.int64)
    whole = fold(chans, syms, ts, 4)
    parts = Folded()
    at = 0
    for cut in [*sorted(set(cuts)), len(records)]:
        parts.add(chans[at:cut], syms[at:cut], ts[at:cut], 4)
        at = max(at, min(cut, len(records)))
    for k in range(4):
        assert parts.transitions[k] == whole.transitions[k]
    assert parts.requests.tolist() == whole.requests.tolist()
    assert parts.last_new.tolist() == whole.last_new.tolist()
    assert parts.intervals == whole.intervals

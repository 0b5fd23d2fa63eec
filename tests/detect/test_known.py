"""Detection's tables read straight from a stored baseline (detect.known, store_baselines.load_tables)."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import pytest

from plantwarden.detect.baseline import Baseline
from plantwarden.detect.engine import Detector
from plantwarden.detect.known import Known
from plantwarden.detect.ops import COMMANDS
from plantwarden.detect.store_baselines import load_baseline, load_tables, store_baseline
from plantwarden.detect.stream import detect_captures, learn_captures
from plantwarden.errors import InputError

from .helpers import LEMAY, MODBUS_SCENARIO
from .lab import OPS, phases


@pytest.fixture(scope="module")
def learned() -> Baseline:
    return learn_captures([str(LEMAY), str(MODBUS_SCENARIO)])


def test_the_stored_document_gives_the_models_tables(learned: Baseline, tmp_path: Path) -> None:
    """Read back from the store without models, the tables hold what the validated models say."""
    db = f"sqlite:///{tmp_path / 'store.db'}"
    version = store_baseline(db, learned, "test")
    found = load_tables(db)
    assert found is not None
    (known, state), got_version = found
    model = load_baseline(db)
    assert model is not None and got_version == version == model.version
    assert model.channels and any(ch.periods for ch in model.channels)
    assert known.talkers == {t.address for t in model.talkers}
    assert known.macs == {t.address: set(t.macs) for t in model.talkers}
    assert known.conversations == {(c.client, c.server, c.transport, c.port) for c in model.conversations}
    assert set(known.channels) == {(ch.client, ch.server, ch.proto) for ch in model.channels}
    for ch in model.channels:
        key = (ch.client, ch.server, ch.proto)
        table = known.channels[key]
        assert [(c.code, c.name, c.op_class, c.units, c.ranges) for c in table.codes] == [
            (c.code, c.name, c.op_class, c.units, [tuple(r) for r in c.ranges]) for c in ch.codes
        ]
        classes = {c.code: {x.op_class for x in ch.codes if x.code == c.code} for c in ch.codes}
        assert known.codes[key] == classes
        assert (key in known.transitions) is ch.sequence_trained
        if ch.sequence_trained:
            assert known.transitions[key] == {tuple(t) for t in ch.transitions}
    writers = {ch.client for ch in model.channels if {c.op_class for c in ch.codes} & COMMANDS}
    assert known.writers == writers
    # the periods live in the polling state's arrays (OpState), built with the tables
    def optional(x: float) -> float | None:
        return None if math.isnan(x) else x

    periods = set()
    for p in range(state.count):
        median, mad, low, high = (float(v) for v in state.pf[p, :4])
        periods.add((*state.info(p)[:2], median, mad, optional(low), optional(high)))
    assert periods == {
        ((ch.client, ch.server, ch.proto), p.symbol, p.median_s, p.mad_s, p.low_s, p.high_s)
        for ch in model.channels for p in ch.periods
    }


def test_what_repeats_is_one_object(learned: Baseline) -> None:
    known = Known.of(learned)
    units = [code.units for ch in known.channels.values() for code in ch.codes if code.units]
    assert len(units) > len({tuple(u) for u in units})  # the captures repeat unit lists
    by_value: dict[tuple[int, ...], int] = {}
    for u in units:
        assert by_value.setdefault(tuple(u), id(u)) == id(u)


def test_detection_with_the_tables_equals_detection_with_the_model(tmp_path: Path) -> None:
    """The operations lab learned up to its benign phase, then the whole capture against it:
    the deviation and polling rules read every table (codes, units, ranges, periods, sequences)."""
    head = detect_captures([str(OPS)], Detector(), phases(OPS)["benign"].start_s).learned
    assert head is not None
    db = f"sqlite:///{tmp_path / 'store.db'}"
    store_baseline(db, head, "test")
    found = load_tables(db)
    assert found is not None
    with_tables = detect_captures([str(OPS)], Detector(found[0])).alerts
    with_model = detect_captures([str(OPS)], Detector(head)).alerts
    deviations = {"code-outside-baseline", "points-outside-baseline", "unit-outside-baseline"}
    assert {a.rule for a in with_model} >= deviations
    assert [a.to_json() for a in with_tables] == [a.to_json() for a in with_model]


def test_a_damaged_stored_baseline_is_named_not_a_traceback(learned: Baseline, tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    store_baseline(f"sqlite:///{path}", learned, "test")
    with sqlite3.connect(path) as con:
        con.execute("""UPDATE detect_baselines SET document = '{"channels": [{"client": "10.0.0.1"}]}'""")
    with pytest.raises(InputError, match=r"baseline default v1: not a baseline document"):
        load_tables(f"sqlite:///{path}")

"""Detection's tables of a stored baseline, cached between runs (detect.compiled)."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import numpy as np
import pytest

from plantwarden.detect import compiled
from plantwarden.detect.baseline import Baseline
from plantwarden.detect.engine import Detector
from plantwarden.detect.store_baselines import load_tables, store_baseline
from plantwarden.detect.stream import detect_captures

from .helpers import LEMAY, MODBUS_SCENARIO
from .lab import OPS, phases


@pytest.fixture(scope="module")
def head() -> Baseline:
    """The operations lab learned up to its benign phase (every table: codes, units, ranges,
    periods, sequences)."""
    learned = detect_captures([str(OPS)], Detector(), phases(OPS)["benign"].start_s).learned
    assert learned is not None
    return learned


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(compiled.ENV_CACHE, str(folder))
    return folder


def _store(head: Baseline, tmp_path: Path) -> str:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    store_baseline(db, head, "test")
    return db


def _same(a: compiled.Tables, b: compiled.Tables) -> None:
    assert a.known == b.known
    assert a.state.channels == b.state.channels and a.state.names == b.state.names
    assert a.state.texts == b.state.texts and a.state.count == b.state.count
    for name in ("prev", "trained", "tkeys", "pkeys", "pf", "pi", "psym", "clock", "limit"):
        np.testing.assert_array_equal(getattr(a.state, name), getattr(b.state, name))


def test_a_second_run_reads_the_tables_it_built_and_detects_the_same(
    head: Baseline, tmp_path: Path, cache: Path
) -> None:
    db = _store(head, tmp_path)
    first = load_tables(db)
    assert first is not None
    kept = list(cache.glob("*.pickle"))
    assert len(kept) == 1
    assert oct(os.stat(cache).st_mode & 0o777) == "0o700"
    second = load_tables(db)
    assert second is not None and second[1] == first[1] == 1
    assert second[0] is not first[0]
    _same(first[0], second[0])
    built = compiled.build(_document(db), "test")  # without the cache
    _same(built, second[0])
    alerts = [a.to_json() for a in detect_captures([str(OPS)], Detector(second[0])).alerts]
    model = [a.to_json() for a in detect_captures([str(OPS)], Detector(head)).alerts]
    assert alerts == model and {a["rule"] for a in alerts} >= {"code-outside-baseline", "polling-stopped"}


def _document(db: str) -> str:
    import sqlite3

    with sqlite3.connect(db.removeprefix("sqlite:///")) as con:
        text: str = con.execute("SELECT document FROM detect_baselines").fetchone()[0]
    return text


def test_the_key_follows_the_document(head: Baseline, tmp_path: Path, cache: Path) -> None:
    text = _document(_store(head, tmp_path))
    assert compiled.key(text) == compiled.key(text.encode())
    assert compiled.key(text) != compiled.key(text + " ")  # another document, even if it means the same


def test_a_damaged_or_foreign_file_is_built_anew(head: Baseline, tmp_path: Path, cache: Path) -> None:
    db = _store(head, tmp_path)
    assert load_tables(db) is not None
    (path,) = cache.glob("*.pickle")
    path.write_bytes(b"not a pickle")
    again = load_tables(db)
    assert again is not None and again[0].known.channels
    assert pickle.loads(path.read_bytes()).known == again[0].known  # rewritten whole
    path.write_bytes(pickle.dumps({"something": "else"}))
    assert load_tables(db) is not None


def test_a_file_others_may_write_is_never_read(head: Baseline, tmp_path: Path, cache: Path) -> None:
    """A pickle runs code when it is read: one that another user could have written is not."""
    db = _store(head, tmp_path)
    real = load_tables(db)
    assert real is not None
    (path,) = cache.glob("*.pickle")
    planted = compiled.Tables(type(real[0].known)(), real[0].state)  # an empty baseline
    path.write_bytes(pickle.dumps(planted))
    os.chmod(path, 0o666)
    found = load_tables(db)
    assert found is not None and found[0].known.channels  # built from the store, not the file
    os.chmod(path, 0o600)
    os.chmod(cache, 0o777)
    found = load_tables(db)
    assert found is not None and found[0].known.channels
    os.chmod(cache, 0o700)
    path.write_bytes(pickle.dumps(planted))
    os.chmod(path, 0o600)
    found = load_tables(db)
    assert found is not None and not found[0].known.channels  # private again: it is read


def test_off_keeps_nothing(head: Baseline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(compiled.ENV_CACHE, "off")
    assert compiled.cache_dir() is None
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    db = _store(head, tmp_path)
    assert load_tables(db) is not None
    assert not (tmp_path / "home").exists()


def test_a_cache_that_cannot_be_written_is_no_error(head: Baseline, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder would be")
    monkeypatch.setenv(compiled.ENV_CACHE, str(blocker / "cache"))
    db = _store(head, tmp_path)
    found = load_tables(db)
    assert found is not None and found[0].known.channels


def test_the_two_lab_baselines_do_not_share_a_file(tmp_path: Path, cache: Path) -> None:
    from plantwarden.detect.stream import learn_captures

    for i, capture in enumerate((LEMAY, MODBUS_SCENARIO)):
        db = f"sqlite:///{tmp_path / f'{i}.db'}"
        store_baseline(db, learn_captures([str(capture)]), "test")
        assert load_tables(db) is not None
    assert len(list(cache.glob("*.pickle"))) == 2


def test_the_cache_keeps_the_tables_used_last(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each new baseline version makes a file: the cache keeps the KEEP used last (a read
    counts as a use) and removes what a write that died left behind."""
    from plantwarden import jsonout

    monkeypatch.setattr(compiled, "KEEP", 3)
    versions = [Baseline(version=v, talkers=[{"address": f"10.0.0.{v}"}]) for v in range(1, 6)]
    docs = [jsonout.dumps(b.to_json()) for b in versions]
    paths = []
    for age, doc in enumerate(docs[:3]):
        compiled.tables(doc, f"version {age + 1}")
        paths.append(cache / f"{compiled.key(doc)}.pickle")
        os.utime(paths[-1], (1_000_000 + age, 1_000_000 + age))  # 1 oldest, then 2, then 3
    dead = cache / ".tables-died.tmp"
    dead.write_bytes(b"half a pickle")
    os.utime(dead, (1_000_000, 1_000_000))
    assert sorted(cache.iterdir()) == sorted([*paths, dead])
    compiled.tables(docs[0], "version 1")  # read again: now the one used last
    compiled.tables(docs[3], "version 4")  # a new file: the oldest used (version 2) goes
    left = set(cache.iterdir())
    assert left == {paths[0], paths[2], cache / f"{compiled.key(docs[3])}.pickle"}
    compiled.tables(docs[4], "version 5")
    assert paths[2] not in set(cache.iterdir()) and paths[0] in set(cache.iterdir())
    assert len(list(cache.iterdir())) == 3


def test_pruning_leaves_other_files_alone(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache folder named by $PLANTWARDEN_BASELINE_CACHE may hold other files: only the
    tables' own files are ever removed."""
    from plantwarden import jsonout

    monkeypatch.setattr(compiled, "KEEP", 1)
    cache.mkdir(mode=0o700)
    other = [cache / "notes.pickle", cache / "model.tmp", cache / ".tables"]
    for path in other:
        path.write_bytes(b"someone else's")
        os.utime(path, (1_000_000, 1_000_000))
    for v in (1, 2):
        compiled.tables(jsonout.dumps(Baseline(version=v).to_json()), f"version {v}")
    assert set(other) <= set(cache.iterdir()) and len(list(cache.glob("*.pickle"))) == 2

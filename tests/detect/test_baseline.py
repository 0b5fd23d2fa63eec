"""The baseline document: learned content, YAML/JSON round trip, clear errors on bad edits."""

from __future__ import annotations

from pathlib import Path

import pytest

from plantwarden.detect import edit
from plantwarden.detect.baseline import read_file, write_file
from plantwarden.detect.learn import robust
from plantwarden.detect.service import parse_duration
from plantwarden.detect.stream import learn_captures
from plantwarden.errors import InputError, UsageError

from .helpers import MODBUS_SCENARIO


def test_robust_statistics() -> None:
    median, mad = robust([1.0, 1.0, 1.1, 0.9, 50.0])
    assert median == 1.0
    assert mad == pytest.approx(0.1)


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_export_import_round_trip(tmp_path: Path, suffix: str) -> None:
    learned = learn_captures([str(MODBUS_SCENARIO)])
    path = tmp_path / f"b{suffix}"
    write_file(learned, str(path))
    assert read_file(path) == learned


def test_a_bad_edit_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    write_file(learn_captures([str(MODBUS_SCENARIO)]), str(path))
    path.write_text(path.read_text().replace("port: 502", "port: 70000", 1))
    with pytest.raises(InputError, match=r"conversations\.\d+\.port"):
        read_file(path)
    path.write_text("talkers: [\n")
    with pytest.raises(InputError, match=r"b\.yaml:\d+:\d+: not valid YAML"):
        read_file(path)


def test_learn_hints_extend_a_channel() -> None:
    b = learn_captures([str(MODBUS_SCENARIO)])
    hint = {"client": "127.0.7.2", "server": "127.0.7.1", "proto": "modbus", "code": "3", "unit": 2}
    after = edit.apply(b, [{"code": {**hint, "range": [100, 109]}}])
    ch = after.channel("127.0.7.2", "127.0.7.1", "modbus")
    assert ch is not None
    code = ch.code("3")
    assert code is not None and (100, 109) in code.ranges and 2 in code.units
    assert b.channel("127.0.7.2", "127.0.7.1", "modbus") != ch  # the original is unchanged


def test_durations() -> None:
    assert parse_duration("10m") == 600
    assert parse_duration("1h30m") == 5400
    assert parse_duration("90") == 90
    with pytest.raises(UsageError):
        parse_duration("ten minutes")

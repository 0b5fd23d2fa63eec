"""JSON output (orjson, written piece by piece): the same text the standard library writes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from plantwarden import jsonout
from plantwarden.errors import InputError


@dataclass(frozen=True)
class Point:
    x: int


def stdlib(doc: Any) -> str:
    """What plantwarden wrote before orjson: ``json.dumps(indent=2, default=str)``."""
    return json.dumps(doc, indent=2, default=str, ensure_ascii=False)


def rows(n: int) -> list[dict[str, Any]]:
    return [
        {"src": f"10.0.{i // 250}.{i % 250}", "count": i, "ts": 1700000000.0 + i / 7, "op": {"read": i}}
        for i in range(n)
    ]


def analysis_like() -> dict[str, Any]:
    """The shapes an analysis document has: long row lists at several depths, nested dicts,
    empty containers, non-ASCII text, and values that are not JSON."""
    capture = {
        "name": "zürich-línea-2.pcap",
        "conversations": rows(2 * jsonout.PIECE_ITEMS + 7),
        "points": rows(jsonout.PIECE_ITEMS),  # exactly at the limit: one piece
        "hosts": {"mac": [], "ipv4": ["10.0.0.1"], "bindings": rows(3)},
        "protocols": {"modbus": {"codes": {"3": {"count": 2, "name": "Read Holding Registers"}}}},
        "anomaly_counts": {},
        "deep": {"a": {"b": {"c": {"d": [1, 2, {"e": rows(jsonout.PIECE_ITEMS + 1)}]}}}},
        "non_str_keys": {7: "seven", 2.5: "two and a half", None: "none", True: "yes"},
        "not_json": [datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), Point(3), {"a"}],
        "wide": 2**70,
    }
    return jsonout.document("analyze", 1, {"captures": [capture, {"name": "empty"}], "assets": rows(600)})


def test_dumps_writes_exactly_what_the_standard_library_wrote() -> None:
    doc = analysis_like()
    assert jsonout.dumps(doc) == stdlib(doc)


@pytest.mark.parametrize("value", [[], {}, [[]], {"a": {}}, "x", 3, None, rows(jsonout.PIECE_ITEMS * 3)])
def test_small_and_edge_values(value: Any) -> None:
    assert jsonout.dumps(value) == stdlib(value)
    assert jsonout.dumps({"k": [value]}) == stdlib({"k": [value]})


def test_floats_read_back_equal() -> None:
    values = [1e16, 1e-5, 0.1, 123456789.123456, -0.0, 5e-324, 1.7976931348623157e308]
    assert json.loads(jsonout.dumps({"v": values})) == {"v": values}


def test_nan_and_infinity_are_null() -> None:
    assert json.loads(jsonout.dumps({"min": float("nan"), "max": float("inf")})) == {"min": None, "max": None}


def test_write_to_a_file_and_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = analysis_like()
    target = tmp_path / "out.json"
    jsonout.write(doc, target)
    assert target.read_text(encoding="utf-8") == stdlib(doc) + "\n"
    jsonout.write(doc, "-")
    assert capsys.readouterr().out == stdlib(doc) + "\n"


def test_an_unwritable_path_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^.+: cannot write JSON output: Is a directory$"):
        jsonout.write({}, tmp_path)


def test_canonical_bytes_ignore_key_order() -> None:
    a = {"b": 1, "a": {"y": [1, 2], "x": None}}
    b = {"a": {"x": None, "y": [1, 2]}, "b": 1}
    canonical = b'{"a":{"x":null,"y":[1,2]},"b":1}'
    assert jsonout.to_bytes(a, sort_keys=True) == jsonout.to_bytes(b, sort_keys=True) == canonical
    assert jsonout.to_bytes(a) != jsonout.to_bytes(b)
    assert json.loads(jsonout.to_bytes({"wide": 2**70, "t": Point(1)})) == {"wide": 2**70, "t": "Point(x=1)"}


def test_without_default_what_is_not_json_is_refused() -> None:
    with pytest.raises(TypeError):
        jsonout.to_bytes({"t": Point(1)}, default=None)
    with pytest.raises(TypeError):
        jsonout.to_bytes({"wide": 2**70, "t": Point(1)}, default=None)


def test_loads_reads_what_older_versions_wrote() -> None:
    assert jsonout.loads('{"a": [1, 2.5, "x"]}') == {"a": [1, 2.5, "x"]}
    old = jsonout.loads(b'{"min": NaN, "wide": 1180591620717411303424}')
    assert old["min"] != old["min"] and old["wide"] == 2**70

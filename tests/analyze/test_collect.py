"""The collector's bounds (analyze/collect.py): points beyond MAX_POINTS are counted, not kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from plantwarden.analyze import collect
from plantwarden.analyze.pipeline import analyze_capture

CAPTURES = Path(__file__).resolve().parents[1] / "data" / "captures"


@pytest.mark.parametrize("engine", ["python", "fast"])
def test_points_beyond_the_bound_are_counted_not_kept(engine: str, monkeypatch: pytest.MonkeyPatch) -> None:
    capture = CAPTURES / "modbus-pymodbus.pcap"
    full = analyze_capture(capture, engine=engine).doc
    assert full["points_not_kept"] == 0 and len(full["points"]) > 3
    monkeypatch.setattr(collect, "MAX_POINTS", 3)
    bounded = analyze_capture(capture, engine=engine).doc
    assert len(bounded["points"]) == 3
    by_key = {(p["proto"], p["device"], p["point"]): p for p in full["points"]}
    for row in bounded["points"]:  # a kept point has every value, as without the bound
        assert row == by_key[(row["proto"], row["device"], row["point"])]
    values = sum(p["reads"] + p["writes"] for p in full["points"])
    kept = sum(p["reads"] + p["writes"] for p in bounded["points"])
    assert bounded["points_not_kept"] == values - kept > 0
    # the rest of the document does not change
    for key in full:
        if key not in ("points", "points_not_kept"):
            assert bounded[key] == full[key], key


def test_the_summary_says_points_were_not_kept(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from plantwarden.cli.analyze_cmd import _summary

    result = analyze_capture(CAPTURES / "modbus-pymodbus.pcap", engine="python")
    _summary(result)
    assert "points" not in capsys.readouterr().out.replace("packets", "")
    monkeypatch.setattr(collect, "MAX_POINTS", 3)
    bounded = analyze_capture(CAPTURES / "modbus-pymodbus.pcap", engine="python")
    _summary(bounded)
    said = " ".join(capsys.readouterr().out.split())
    assert f"the first 3 distinct points kept; {bounded.doc['points_not_kept']:,} values" in said

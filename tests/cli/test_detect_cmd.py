"""The detect command's run summary: the worst alerts first (detect.order), a bounded table."""

from __future__ import annotations

import pytest

from plantwarden.cli import detect_cmd
from plantwarden.detect.engine import Detector
from plantwarden.detect.order import worst_first
from plantwarden.detect.stream import detect_captures
from tests.detect.helpers import MODBUS_SCENARIO


def test_the_run_table_shows_the_worst_and_how_many_more(capsys: pytest.CaptureFixture[str]) -> None:
    alerts = detect_captures([str(MODBUS_SCENARIO)], Detector(), 8.0).alerts
    assert len(alerts) > 2 and len({a.severity for a in alerts}) > 1
    detect_cmd._table(alerts, 2)
    out = capsys.readouterr().out
    worst = worst_first(alerts)[:2]
    shown = [a for a in alerts if a.id in out]  # ids are never cut
    assert len(out.strip().splitlines()) == 4  # header, two rows, the line that says how many more
    assert [a.id for a in sorted(shown, key=lambda a: out.index(a.id))] == [a.id for a in worst]
    more = f"the 2 most severe of {len(alerts)} alerts; all of them: plantwarden alerts"
    assert more in " ".join(out.split())
    detect_cmd._table(alerts)  # plantwarden alerts: every one
    out = capsys.readouterr().out
    assert all(a.id in out for a in alerts) and "most severe" not in out

"""Recording alerts (detect.store_alerts) on both backends: new rows in one INSERT, a later
alert of the same run merged into a row that run made, the same run again changing nothing."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sqlalchemy import create_engine, text

from plantwarden.detect.engine import Detector
from plantwarden.detect.store_alerts import list_alerts, record_alerts
from plantwarden.detect.stream import detect_captures

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "captures"
LEMAY = SHARED / "attack-lemay-moving_two_files_modbus_6RTU.pcap"


def test_record_merge_within_the_run_and_again(store_url: str) -> None:
    alerts = detect_captures([str(LEMAY)], Detector(), 10.5).alerts
    assert len(alerts) >= 2
    first = alerts[0]
    # the same rule and pair again a minute later, under its own id: merged into the row the
    # run made for ``first`` (not yet in the database when it merges)
    later = dataclasses.replace(
        first, id=first.id[:-4] + "zzzz", first_ts=first.last_ts + 60, last_ts=first.last_ts + 61, count=2,
        evidence=[dataclasses.replace(e, frames=list(e.frames)) for e in first.evidence],
        details=list(first.details), learn=list(first.learn),
    )
    out = record_alerts(store_url, [*alerts, later])
    assert out[-1].id == first.id and out[-1].count == first.count + 2
    assert out[-1].last_ts == first.last_ts + 61
    stored = {a.id: a for a in list_alerts(store_url)}
    assert len(stored) == len(alerts) and later.id not in stored
    assert stored[first.id].count == first.count + 2
    assert stored[first.id].last_ts == first.last_ts + 61
    for alert in alerts[1:]:
        assert stored[alert.id].to_json() == alert.to_json()

    engine = create_engine(store_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT state, created_at, updated_at FROM detect_alerts")).all()
    finally:
        engine.dispose()
    assert {r.state for r in rows} == {"new"} and all(r.created_at is not None for r in rows)
    assert all(r.updated_at == r.created_at for r in rows)

    again = record_alerts(store_url, alerts)  # a capture analysed twice: nothing changes
    assert [a.id for a in again] == [a.id for a in alerts]
    assert sum(a.count for a in list_alerts(store_url)) == sum(a.count for a in alerts) + 2

"""Air-gapped plants and the sensor commands, run as a user runs them: signed bundles carried
to the central (altered, foreign, out-of-order bundles refused with one line, exit 2), the
outbox kept until the operator says what the central acknowledged; register, status, list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plantwarden.people import audit
from plantwarden.sensors.bundle import export_bundle, import_bundle
from plantwarden.sensors.ingest import BatchRefused
from plantwarden.sensors.outbox import depth
from plantwarden.store.sites import choose_site
from sensors.conftest import SENSOR, SITE, cli, make_central
from sensors.content import site_content
from store.helpers import snapshot


def test_bundles_round_trip_exactly_once_and_in_order(
    tmp_path: Path, sensor_db: str, public_key: str
) -> None:
    central = f"sqlite:///{tmp_path / 'central.db'}"
    make_central(central, public_key)
    queued = depth(sensor_db)
    first = export_bundle(sensor_db, tmp_path / "one.bundle")
    assert (first.first_seq, first.last_seq) == (queued.oldest_seq, queued.newest_seq)
    assert depth(sensor_db) == queued  # nothing is forgotten: the sensor cannot know it arrived
    ack = import_bundle(central, tmp_path / "one.bundle", actor="ana")
    assert (ack.applied, ack.acknowledged) == (queued.items, queued.newest_seq)
    entry = audit.entries(central)[-1]
    assert (entry.actor, entry.action, entry.target) == (
        "ana",
        "sensor.bundle.import",
        "bundle one.bundle of sensor plant-a",
    )
    assert site_content(sensor_db, SITE) == site_content(central, SITE)
    before = snapshot(central)
    assert import_bundle(central, tmp_path / "one.bundle").duplicate  # twice: stored once
    assert snapshot(central) == before


def test_an_altered_or_foreign_bundle_is_refused(tmp_path: Path, sensor_db: str, public_key: str) -> None:
    central = f"sqlite:///{tmp_path / 'central.db'}"
    make_central(central, public_key)
    export_bundle(sensor_db, tmp_path / "b.bundle")
    doc = json.loads((tmp_path / "b.bundle").read_text())
    doc["batch"]["items"][0]["payload"]["source"] = "forged"
    (tmp_path / "altered.bundle").write_text(json.dumps(doc))
    with pytest.raises(BatchRefused, match="sha256 does not match"):
        import_bundle(central, tmp_path / "altered.bundle")
    doc = json.loads((tmp_path / "b.bundle").read_text())
    doc["batch"]["site"] = "beta"  # a bundle of another site: its signature no longer matches either
    (tmp_path / "other.bundle").write_text(json.dumps(doc))
    with pytest.raises(BatchRefused, match="may write site 'alpha' only"):
        import_bundle(central, tmp_path / "other.bundle")
    unsigned_central = f"sqlite:///{tmp_path / 'unsigned.db'}"
    make_central(unsigned_central, None)  # registered without a key: its bundles cannot be checked
    with pytest.raises(BatchRefused, match="has no public key"):
        import_bundle(unsigned_central, tmp_path / "b.bundle")
    assert site_content(central, SITE)["captures"] == []


def test_sensor_commands_end_to_end(tmp_path: Path, sensor_db: str, public_key: str) -> None:
    sensor = Path(sensor_db.removeprefix("sqlite:///"))
    central = tmp_path / "central.db"
    choose_site(f"sqlite:///{central}", SITE, create=True, add=True)
    done = cli("sensor", "register", SENSOR, "--site-name", SITE, "--public-key", public_key, db=central)
    assert done.stdout.strip().startswith("pw_") and "shown once" in done.stderr
    again = cli("sensor", "register", SENSOR, "--site-name", SITE, db=central, check=False)
    assert again.returncode == 2 and again.stderr.count("\n") == 1 and "registered already" in again.stderr
    status = json.loads(cli("sensor", "status", "--json", db=sensor).stdout)
    assert status["sensor"] == SENSOR and status["outbox_items"] >= 6 and status["last_ack_seq"] == 0
    newest = status["newest_seq"]

    cli("sensor", "export", "--out", str(tmp_path / "one.bundle"), db=sensor)
    imported = cli("sensor", "import", str(tmp_path / "one.bundle"), db=central)
    assert f"acknowledged up to {newest} (at the sensor: plantwarden sensor export --since {newest + 1})" in (
        imported.stdout
    )
    twice = cli("sensor", "import", str(tmp_path / "one.bundle"), "--json", db=central)
    assert json.loads(twice.stdout)["duplicate"] is True

    dropped = cli(
        "sensor", "export", "--since", str(newest + 1), "--out", str(tmp_path / "two"), db=sensor, check=False
    )
    assert dropped.returncode == 2 and "nothing queued for the central" in dropped.stderr
    assert json.loads(cli("sensor", "status", "--json", db=sensor).stdout)["outbox_items"] == 0
    assert site_content(f"sqlite:///{sensor}", SITE) == site_content(f"sqlite:///{central}", SITE)

    (tmp_path / "junk.bundle").write_text("{not json")
    junk = cli("sensor", "import", str(tmp_path / "junk.bundle"), db=central, check=False)
    assert (
        junk.returncode == 2
        and junk.stderr.count("\n") == 1
        and "junk.bundle: not a plantwarden bundle" in junk.stderr
    )
    listed = json.loads(cli("sensor", "list", "--json", db=central).stdout)["sensors"]
    assert [(s["name"], s["site"], s["signed"], s["last_seq"]) for s in listed] == [
        (SENSOR, SITE, True, newest)
    ]
    not_sensor = cli("sensor", "status", db=central, check=False)
    assert not_sensor.returncode == 2 and "not a sensor's store" in not_sensor.stderr


def test_sensor_run_without_a_reachable_central_queues_and_says_so(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    cli("sensor", "init", "plant-b", "--site-name", "beta", "--outbox-max", "50MiB", db=db)
    capture = str(Path(__file__).resolve().parents[1] / "data" / "captures" / "modbus-pymodbus.pcap")
    run = cli(
        "sensor", "--central", "http://127.0.0.1:1", "--token", "pw_x", "--retry-for", "1s", capture, db=db
    )
    assert "central unreachable" in run.stderr and "2 items" in run.stderr and "stay queued" in run.stderr
    bad = cli("sensor", "--central", "http://plant.example", "--token", "pw_x", capture, db=db, check=False)
    assert bad.returncode == 2 and "use https://" in bad.stderr and "Traceback" not in bad.stderr
    assert (
        json.loads(cli("sensor", "status", "--json", db=db).stdout)["outbox_items"] == 2
    )  # the capture, its alerts


def test_a_full_outbox_stops_the_analysis_in_one_line_and_stores_nothing(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    cli("sensor", "init", "plant-c", "--site-name", "gamma", "--outbox-max", "2000", db=db)
    capture = str(Path(__file__).resolve().parents[1] / "data" / "captures" / "modbus-pymodbus.pcap")
    full = cli("analyze", capture, db=db, check=False)  # the forked store import refuses
    assert full.returncode == 2 and "Traceback" not in full.stderr and "internal error" not in full.stderr
    assert "the sensor's outbox is full" in full.stderr and "nothing of it was stored" in full.stderr
    listed = cli("sites", "--json", db=db).stdout
    assert json.loads(listed)["sites"][0]["captures"] == 0
    assert json.loads(cli("sensor", "status", "--json", db=db).stdout)["outbox_items"] == 0

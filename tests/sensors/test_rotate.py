"""Re-registering a sensor: ``sensor rotate`` (a new token, the old one revoked at once or after
a grace period, optionally a new key), ``sensor rekey`` / ``sensor adopt`` at the plant; a
batch signed with the old key after the rotation is refused (``signature``) and stays queued."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import inspect

from plantwarden.errors import UsageError
from plantwarden.people.audit import entries
from plantwarden.sensors.batch import make_batch
from plantwarden.sensors.identity import load_identity
from plantwarden.sensors.ingest import BatchRefused, apply_batch
from plantwarden.sensors.outbox import depth, peek
from plantwarden.sensors.push import push
from plantwarden.sensors.registry import authenticate_sensor
from plantwarden.sensors.rotation import adopt, rekey, rotate_sensor
from plantwarden.store import migrate
from plantwarden.store.engine import downgrade, open_engine, upgrade
from plantwarden.store.types import utc_now
from sensors.conftest import SENSOR, SITE, cli, make_central
from sensors.content import site_content
from sensors.plant import add, plant
from web.serving import serving


def test_rotation_revokes_the_old_token_at_once_or_after_the_grace_period(store_url: str) -> None:
    first = make_central(store_url, None)
    second = rotate_sensor(store_url, SENSOR, actor="ana")
    assert second != first and authenticate_sensor(store_url, SENSOR, second) is not None
    assert authenticate_sensor(store_url, SENSOR, first) is None  # revoked at once
    third = rotate_sensor(store_url, SENSOR, grace=timedelta(hours=1), actor="ana")
    later = utc_now() + timedelta(minutes=59)
    assert authenticate_sensor(store_url, SENSOR, second, now=later) is not None  # in its grace period
    assert authenticate_sensor(store_url, SENSOR, third, now=later) is not None
    expired = utc_now() + timedelta(hours=1, seconds=1)
    assert authenticate_sensor(store_url, SENSOR, second, now=expired) is None
    assert authenticate_sensor(store_url, SENSOR, first, now=later) is None  # two rotations ago
    rotated = [e for e in entries(store_url) if e.action == "sensor.rotate"]
    assert [(e.actor, e.target, e.details["grace_s"]) for e in rotated] == [
        ("ana", f"sensor {SENSOR}", 0.0),
        ("ana", f"sensor {SENSOR}", 3600.0),
    ]
    with pytest.raises(UsageError, match="no sensor 'plant-z'"):
        rotate_sensor(store_url, "plant-z", actor="ana")
    with pytest.raises(UsageError, match="--grace"):
        rotate_sensor(store_url, SENSOR, grace=timedelta(seconds=-1), actor="ana")


def test_after_a_key_rotation_the_old_keys_batches_are_refused_and_stay_queued(tmp_path: Path) -> None:
    sensor_db = f"sqlite:///{tmp_path / 'sensor.db'}"
    old_key = plant(sensor_db, SENSOR, SITE, captures=3, n_alerts=4)
    central = f"sqlite:///{tmp_path / 'central.db'}"
    make_central(central, old_key)

    def send(batch: dict[str, object]) -> dict[str, object]:
        return apply_batch(central, SENSOR, batch).as_dict()

    push(sensor_db, send, max_items=1)  # signed with the first key: taken
    new_key = rekey(sensor_db, actor="ana")
    assert new_key != old_key and load_identity(sensor_db).public_key == old_key  # kept aside
    rotate_sensor(central, SENSOR, new_key, actor="ana")
    add(sensor_db, SITE, SENSOR, 10, 2, 3)  # more at the plant, signed with the current key until adopt
    me = load_identity(sensor_db)
    before = site_content(central, SITE)
    with pytest.raises(BatchRefused, match="not signed by sensor plant-a's key") as refused:
        apply_batch(central, SENSOR, make_batch(me.name, me.site, peek(sensor_db), me.private_key))
    assert refused.value.code == "signature" and site_content(central, SITE) == before
    assert depth(sensor_db).items == 3  # two captures and the alerts, still queued
    assert adopt(sensor_db, actor="ana") == new_key
    push(sensor_db, send)
    assert depth(sensor_db).items == 0 and site_content(central, SITE) == site_content(sensor_db, SITE)
    with pytest.raises(UsageError, match="no new key to adopt"):
        adopt(sensor_db, actor="ana")
    actions = [e.action for e in entries(sensor_db)]
    assert "sensor.rekey" in actions and "sensor.adopt" in actions


def test_rotate_rekey_adopt_commands_against_serve(tmp_path: Path) -> None:
    sensor = tmp_path / "sensor.db"
    plant(f"sqlite:///{sensor}", SENSOR, SITE, captures=2, n_alerts=2)
    central = tmp_path / "central.db"
    old_token = make_central(f"sqlite:///{central}", load_identity(f"sqlite:///{sensor}").public_key)
    new_key = cli("sensor", "rekey", db=sensor).stdout.strip()
    rotated = cli("sensor", "rotate", SENSOR, "--public-key", new_key, "--grace", "10m", db=central)
    new_token = rotated.stdout.strip()
    assert new_token.startswith("pw_") and "valid for 10m more" in rotated.stderr
    with serving(f"sqlite:///{central}") as served:
        url = served.base + f"/api/v1/sensors/{SENSOR}/batches"
        stale = cli("sensor", "push", "--central", served.base, "--token", old_token, db=sensor, check=False)
        assert stale.returncode == 2 and "HTTP 403" in stale.stderr and "not signed by" in stale.stderr
        assert "Traceback" not in stale.stderr and depth(f"sqlite:///{sensor}").items == 3
        adopted = cli("sensor", "adopt", "--central", served.base, "--token", new_token, db=sensor)
        assert "sent 3 items" in adopted.stdout and depth(f"sqlite:///{sensor}").items == 0
        gone = cli("sensor", "rotate", SENSOR, db=central)  # no grace: both earlier tokens revoked
        for token in (old_token, new_token):
            answer = httpx.post(url, headers={"Authorization": f"Bearer {token}"}, content=b"{}")
            assert answer.status_code == 401 and answer.json()["error"]["code"] == "unauthenticated"
        answer = httpx.post(url, headers={"Authorization": f"Bearer {gone.stdout.strip()}"}, content=b"{}")
        assert answer.status_code == 422 and answer.json()["error"]["code"] == "malformed"
    assert site_content(f"sqlite:///{central}", SITE) == site_content(f"sqlite:///{sensor}", SITE)


def columns(url: str, table: str) -> set[str]:
    engine = open_engine(url)
    try:
        with engine.connect() as conn:
            return {c["name"] for c in inspect(conn).get_columns(table)}
    finally:
        engine.dispose()


def test_revision_0017_adds_the_rotation_columns_and_downgrades(store_url: str) -> None:
    token = make_central(store_url, None)
    rotated = rotate_sensor(store_url, SENSOR, grace=timedelta(hours=1), actor="ana")
    assert downgrade(store_url, "0015") == "0015"
    assert "previous_token_sha256" not in columns(store_url, "sensors")
    assert "pending_private_key" not in columns(store_url, "sensor_identity")
    assert upgrade(store_url) == migrate.head_revision()  # the sensor kept, its grace gone
    assert {"previous_token_sha256", "previous_token_until"} <= columns(store_url, "sensors")
    assert authenticate_sensor(store_url, SENSOR, rotated) is not None
    assert authenticate_sensor(store_url, SENSOR, token) is None

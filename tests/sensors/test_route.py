"""The ingest route of ``plantwarden serve`` (a real process over TLS): the sensor's own httpx
transport pushes into it; bad tokens, user tokens, other sites, malformed and replayed batches
are refused in the one error shape, logged, and change nothing stored."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from plantwarden.people.audit import entries
from plantwarden.people.tokens import create_token
from plantwarden.people.users import add_user
from plantwarden.sensors.batch import make_batch
from plantwarden.sensors.identity import load_identity
from plantwarden.sensors.outbox import depth, peek
from plantwarden.sensors.push import push
from plantwarden.sensors.transport import CentralRefused, HttpTransport
from sensors.conftest import SENSOR, SITE, cli, make_central
from sensors.content import site_content
from sensors.plant import plant
from sensors.tlscentral import make_certificates
from web.serving import serving


def refusals(central: str) -> list[str]:
    return [e.details["code"] for e in entries(central) if e.action == "sensor.batch.refused"]


def test_the_sensors_transport_pushes_into_serve(tmp_path: Path) -> None:
    sensor_db = f"sqlite:///{tmp_path / 'sensor.db'}"
    public_key = plant(sensor_db, SENSOR, SITE, captures=6, n_alerts=12)
    central = f"sqlite:///{tmp_path / 'central.db'}"
    token = make_central(central, public_key)
    add_user(central, "ana", "a long enough password", is_admin=True, actor="test")
    _, user_token = create_token(
        central, "ana", site=None, role=None, expires=timedelta(days=1), name="t", actor="test"
    )
    ca, cert, key = make_certificates(tmp_path)
    before = site_content(central, SITE)
    with serving(central, "--cert", str(cert), "--key", str(key), scheme="https") as served:
        url = served.base + f"/api/v1/sensors/{SENSOR}/batches"
        for bearer in ("pw_wrong", user_token):  # a user's token, even an admin's, is not a sensor's
            with pytest.raises(CentralRefused, match=r"HTTP 401\): not the token of sensor 'plant-a'"):
                HttpTransport(served.base, SENSOR, bearer, ca_file=str(ca))(
                    make_batch(SENSOR, SITE, peek(sensor_db, 0, 1), load_identity(sensor_db).private_key)
                )
        # the sensor's token opens no user route
        answer = httpx.get(
            served.base + "/api/v1/sites", headers={"Authorization": f"Bearer {token}"}, verify=False
        )
        assert answer.status_code == 401 and answer.json()["error"]["code"] == "unauthenticated"
        send = HttpTransport(served.base, SENSOR, token, ca_file=str(ca))
        other = make_batch(SENSOR, "beta", peek(sensor_db, 0, 1), load_identity(sensor_db).private_key)
        with pytest.raises(
            CentralRefused, match=r"HTTP 403\): sensor plant-a may write site 'alpha' only"
        ) as no:
            send(other)
        assert no.value.code == "wrong_site"
        auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        bad = httpx.post(url, content=b"{not json", headers=auth, verify=False)
        assert bad.status_code == 422
        error = bad.json()["error"]
        assert error["code"] == "malformed" and error["status"] == 422 and "not JSON" in error["message"]
        assert site_content(central, SITE) == before
        key = load_identity(sensor_db).private_key
        sent = peek(sensor_db, 0, 25)
        report = push(sensor_db, send, max_items=25)
        assert report.items > 0 and report.gave_up is None and depth(sensor_db).items == 0
        assert site_content(central, SITE) == site_content(sensor_db, SITE)
        again = send(make_batch(SENSOR, SITE, sent, key))  # sent twice: stored once
        assert again["duplicate"] is True and again["applied"] == 0
        altered = [replace(sent[0], payload={**sent[0].payload, "name": "other.pcap"}), *sent[1:]]
        with pytest.raises(CentralRefused, match=r"HTTP 409\): batch 1\.\.\d+ of sensor plant-a was applied"):
            send(make_batch(SENSOR, SITE, altered, key))
        assert site_content(central, SITE) == site_content(sensor_db, SITE)
    assert refusals(central) == ["wrong_site", "malformed", "replay_differs"]
    assert not any(site_content(central, "beta").values())  # nothing reached the other site


def test_a_batch_over_the_servers_cap_is_413_in_the_error_shape(tmp_path: Path) -> None:
    central = f"sqlite:///{tmp_path / 'central.db'}"
    token = make_central(central, None)
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    big = b'{"pad": "' + b"x" * (1 << 20) + b'"}'  # just over 1 MiB
    with serving(central, "--max-batch", "1MiB", timeout_s=120) as served:
        url = served.base + f"/api/v1/sensors/{SENSOR}/batches"
        declared = httpx.post(url, content=big, headers=auth, timeout=60)
        streamed = httpx.post(url, content=iter([big[:4096], big[4096:]]), headers=auth, timeout=60)
        small = httpx.post(url, content=b"{}", headers=auth, timeout=60)
    for answer in (declared, streamed):
        error = answer.json()["error"]
        assert answer.status_code == 413 and error["code"] == "too_large" and error["status"] == 413
        assert "at most 1 MiB (serve --max-batch)" in error["message"]
    assert small.status_code == 422 and small.json()["error"]["code"] == "malformed"
    bad = cli("serve", "--max-batch", "lots", db=tmp_path / "central.db", check=False)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--max-batch 'lots'" in bad.stderr

"""The sensor's push loop: backoff while the central is unreachable, nothing forgotten before
the ack, a lost ack resent without a duplicate; the HTTPS transport against a real TLS server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from plantwarden.errors import UsageError
from plantwarden.sensors.batch import make_batch
from plantwarden.sensors.identity import load_identity
from plantwarden.sensors.ingest import apply_batch
from plantwarden.sensors.outbox import depth, peek
from plantwarden.sensors.push import Backoff, push
from plantwarden.sensors.transport import CentralRefused, CentralUnreachable, HttpTransport, batches_url
from sensors.conftest import SENSOR, SITE, make_central
from sensors.content import site_content
from sensors.tlscentral import Central


class Flaky:
    """The real ingest, behind a link that fails: ``down`` calls raise before reaching the central;
    ``lose_ack`` calls reach it (it commits) and the answer is lost on the way back."""

    def __init__(self, central: str, down: int = 0, lose_ack: int = 0) -> None:
        self.central, self.down, self.lose_ack, self.calls = central, down, lose_ack, 0

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        self.calls += 1
        if self.down:
            self.down -= 1
            raise CentralUnreachable("connection refused")
        ack = apply_batch(self.central, SENSOR, batch).as_dict()
        if self.lose_ack:
            self.lose_ack -= 1
            raise CentralUnreachable("connection reset before the answer")
        return ack


def test_backoff_is_exponential_with_full_jitter_and_capped() -> None:
    b = Backoff(base_s=0.5, cap_s=60)
    assert [b.delay(n, lambda lo, hi: hi) for n in (1, 2, 3, 4, 8, 9, 40)] == [0.5, 1, 2, 4, 60, 60, 60]
    assert all(b.delay(3, lambda lo, hi: lo) == 0.0 for _ in range(3))


def test_unreachable_then_back_delivers_everything_once(
    tmp_path: Path, sensor_db: str, public_key: str
) -> None:
    central = f"sqlite:///{tmp_path / 'central.db'}"
    make_central(central, public_key)
    link = Flaky(central, down=4, lose_ack=2)
    waits: list[float] = []
    report = push(sensor_db, link, max_items=2, sleep=waits.append, backoff=Backoff(0.5, 60))
    assert report.retries == 6 and len(waits) == 6 and depth(sensor_db).items == 0
    assert max(waits[:4]) <= 4.0  # attempts 1-4: at most 0.5, 1, 2, 4 s
    assert site_content(sensor_db, SITE) == site_content(central, SITE)


def test_retry_for_gives_up_and_keeps_the_queue(tmp_path: Path, sensor_db: str, public_key: str) -> None:
    central = f"sqlite:///{tmp_path / 'central.db'}"
    make_central(central, public_key)
    queued = depth(sensor_db)
    report = push(sensor_db, Flaky(central, down=10**6), retry_for=0.0, sleep=lambda s: None)
    assert report.gave_up == "connection refused" and depth(sensor_db) == queued


def test_https_transport_with_the_central_ca(tmp_path: Path, sensor_db: str, public_key: str) -> None:
    central = f"sqlite:///{tmp_path / 'central.db'}"
    token = make_central(central, public_key)
    with Central(central, tmp_path) as server:
        untrusted = HttpTransport(server.address, SENSOR, token)  # the system's CAs do not know it
        report = push(sensor_db, untrusted, retry_for=0.0)
        assert report.gave_up is not None and "CERTIFICATE_VERIFY_FAILED" in report.gave_up
        wrong = HttpTransport(server.address, SENSOR, "pw_wrong", ca_file=str(server.ca))
        with pytest.raises(CentralRefused, match=r"HTTP 401\): unknown sensor or token"):
            push(sensor_db, wrong)
        other = make_batch("plant-a", "beta", peek(sensor_db, 0, 1), load_identity(sensor_db).private_key)
        with pytest.raises(
            CentralRefused, match=r"HTTP 403\): sensor plant-a may write site 'alpha' only"
        ) as no:
            HttpTransport(server.address, SENSOR, token, ca_file=str(server.ca))(other)
        assert no.value.code == "wrong_site"
        report = push(sensor_db, HttpTransport(server.address, SENSOR, token, ca_file=str(server.ca)))
    assert report.items > 0 and report.gave_up is None and depth(sensor_db).items == 0
    assert site_content(sensor_db, SITE) == site_content(central, SITE)


def test_central_addresses() -> None:
    assert batches_url("https://central.example:8443/", "plant a") == (
        "https://central.example:8443/api/v1/sensors/plant%20a/batches"
    )
    assert batches_url("http://127.0.0.1:8000", "p").startswith("http://127.0.0.1:8000/")
    with pytest.raises(UsageError, match="use https://"):
        batches_url("http://central.example", "p")
    with pytest.raises(UsageError, match="expected https://HOST"):
        batches_url("central.example", "p")


def test_outbox_caps_as_given_on_the_command_line() -> None:
    from plantwarden.cli.sensor_cmd import parse_size

    assert [parse_size(t) for t in ("500MiB", "2GiB", "1GB", "800M", "4096", "64 kib")] == [
        500 << 20,
        2 << 30,
        10**9,
        800 * 10**6,
        4096,
        64 << 10,
    ]
    for bad in ("", "0", "1TB", "-5MiB", "lots"):
        with pytest.raises(UsageError, match="invalid size"):
            parse_size(bad)

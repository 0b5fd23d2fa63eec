"""A sensor's store made in-process, fast: the sensor's identity, analyses (the store tests'
capture document under many file names) and alerts, all queued in its outbox as
``plantwarden sensor`` queues them (the same store functions)."""

from __future__ import annotations

from datetime import UTC, datetime

from plantwarden.detect.model import Alert, Severity
from plantwarden.detect.store_alerts import record_alerts
from plantwarden.sensors.identity import init_sensor
from plantwarden.store.imports import record_capture
from plantwarden.store.sites import choose_site
from store.helpers import capture_doc


def alerts(tag: str, n: int, base: int = 0) -> list[Alert]:
    now = datetime.now(UTC).timestamp()
    return [
        Alert(id=f"A{tag}{base + i:011x}"[:13], rule="port-scan", title=f"scan {tag} {base + i}",
              severity=Severity(1 + i % 4), techniques=[], src=f"10.{len(tag)}.0.{i % 250}",
              dst=f"10.9.{(base + i) // 250 % 250}.{(base + i) % 250}", assets=[],
              first_ts=now, last_ts=now, count=1 + i,
              evidence=[], response="look", impact={"cost_per_hour": 0.0, "currency": "EUR", "lines": []})
        for i in range(n)
    ]  # fmt: skip


def plant(url: str, sensor: str, site: str, captures: int = 4, n_alerts: int = 6) -> str:
    """A sensor's store at ``url`` for ``site`` with its outbox full; returns its public key."""
    ref = choose_site(url, site, create=True, add=True)
    identity = init_sensor(url, sensor, ref, actor="test")
    add(url, site, sensor, 0, captures, n_alerts)
    return identity.public_key


def add(url: str, site: str, tag: str, start: int, captures: int, n_alerts: int) -> None:
    """More analyses and alerts at the plant (file names and alert ids from ``start`` on)."""
    site_id = choose_site(url, site).id
    for i in range(start, start + captures):
        record_capture(url, capture_doc(f"{tag}-{i}.pcap", packets=100 + i), site_id)
    if n_alerts:
        record_alerts(url, alerts(tag[-1], n_alerts, start * 1000), site=site_id)

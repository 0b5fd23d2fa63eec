"""The sensor's outbox on SQLite and PostgreSQL: queued in the same transaction as what is
stored, only on a sensor's store and for its site, bounded (warning at 80 %, refusal that
keeps what is queued), sequence numbers never reused; revision 0007 up and down."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from plantwarden.errors import UsageError
from plantwarden.sensors.identity import init_sensor, load_identity
from plantwarden.sensors.models import OutboxItem
from plantwarden.sensors.outbox import OutboxFull, depth, forget_through, peek
from plantwarden.store import migrate
from plantwarden.store.engine import connected, downgrade, open_engine, upgrade
from plantwarden.store.imports import list_captures, record_capture
from plantwarden.store.sites import choose_site
from store.helpers import capture_doc, snapshot


def sensor_store(url: str, cap: int = 1 << 30) -> int:
    site = choose_site(url, "alpha", create=True, add=True)
    init_sensor(url, "plant-a", site, cap, actor="test")
    assert site.id is not None
    return site.id


def kinds(url: str) -> list[tuple[int, str]]:
    return [(item.seq, item.kind) for item in peek(url, 0, 1000)]


def test_a_store_that_is_not_a_sensors_queues_nothing(store_url: str) -> None:
    site = choose_site(store_url, "alpha", create=True, add=True).id
    record_capture(store_url, capture_doc("a.pcap"), site)
    with connected(store_url) as engine, Session(engine) as session:
        assert session.scalars(select(OutboxItem)).all() == []
    with pytest.raises(UsageError, match="not a sensor's store"):
        load_identity(store_url)


def test_what_is_stored_for_the_sensors_site_is_queued_once(store_url: str) -> None:
    alpha = sensor_store(store_url)
    beta = choose_site(store_url, "beta", create=True, add=True).id
    doc = capture_doc("a.pcap")
    record_capture(store_url, doc, alpha)
    record_capture(store_url, doc, alpha)  # the same analysis again: nothing changed, nothing queued
    record_capture(store_url, capture_doc("b.pcap"), beta)  # another site: not this sensor's
    changed = capture_doc("a.pcap", packets=119)
    record_capture(store_url, changed, alpha)
    assert kinds(store_url) == [(1, "capture"), (2, "capture")]
    first, second = peek(store_url)
    assert first.payload == doc and second.payload["packets"] == 119


def test_the_template_queues_every_kind_in_order(sensor_db: str) -> None:
    found = [kind for _, kind in kinds(sensor_db)]
    assert found[0] == "baseline" and found.count("capture") == 3 and found[-2:] == ["alert", "alert"]
    last = peek(sensor_db, 0, 1000)[-1].payload
    assert [e["action"] for e in last["events"]] == ["ack"] and last["alerts"][0]["state"] == "acknowledged"


def test_a_full_outbox_refuses_the_new_analysis_and_keeps_what_is_queued(
    store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    size = len(__import__("orjson").dumps(capture_doc("a.pcap")))
    alpha = sensor_store(store_url, cap=int(size * 2.2))
    record_capture(store_url, capture_doc("a.pcap"), alpha)
    assert not caplog.records
    with caplog.at_level(logging.WARNING):
        record_capture(store_url, capture_doc("b.pcap"), alpha)  # 2 of 2.2: 91 %
    assert "outbox is 91 % full" in caplog.text and "push to the central soon" in caplog.text
    before = snapshot(store_url)
    with pytest.raises(OutboxFull, match=r"outbox is full .*nothing of it was stored; push to the central"):
        record_capture(store_url, capture_doc("c.pcap"), alpha)
    assert snapshot(store_url) == before  # neither the capture nor anything queued changed
    assert [c.name for c in list_captures(store_url, alpha)] == ["a.pcap", "b.pcap"]
    assert depth(store_url).items == 2


def test_sequence_numbers_are_never_reused(store_url: str) -> None:
    alpha = sensor_store(store_url)
    record_capture(store_url, capture_doc("a.pcap"), alpha)
    record_capture(store_url, capture_doc("b.pcap"), alpha)
    assert forget_through(store_url, 2) == 2 and depth(store_url).items == 0
    record_capture(store_url, capture_doc("c.pcap"), alpha)
    assert kinds(store_url) == [(3, "capture")]
    me = load_identity(store_url)
    assert (me.last_ack_seq, me.name, me.site) == (2, "plant-a", "alpha")


def test_one_store_is_one_sensor(store_url: str) -> None:
    sensor_store(store_url)
    key = load_identity(store_url).public_key
    sensor_store(store_url, cap=1 << 20)  # again: the same identity, its cap changed
    assert load_identity(store_url).public_key == key and load_identity(store_url).outbox_max_bytes == 1 << 20
    other = choose_site(store_url, "alpha")
    with pytest.raises(UsageError, match="already sensor 'plant-a'"):
        init_sensor(store_url, "plant-b", other, actor="test")


def tables(url: str) -> set[str]:
    engine = open_engine(url)
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    finally:
        engine.dispose()


SENSOR_TABLES = {"sensors", "received_batches", "sensor_identity", "outbox"}


def test_revision_0007_upgrades_from_0004_and_downgrades(store_url: str) -> None:
    engine = open_engine(store_url)
    try:
        with engine.begin() as conn:
            migrate.upgrade_connection(conn, "0004")
    finally:
        engine.dispose()
    assert not tables(store_url) & SENSOR_TABLES
    choose_site(store_url, "alpha", create=True)  # a store of the previous head, with a site
    assert upgrade(store_url) == migrate.head_revision() and tables(store_url) >= SENSOR_TABLES
    sensor_store(store_url)
    assert downgrade(store_url, "0004") == "0004"
    assert not tables(store_url) & SENSOR_TABLES and "sites" in tables(store_url)
    assert upgrade(store_url) == migrate.head_revision()

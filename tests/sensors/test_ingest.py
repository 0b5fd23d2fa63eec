"""The central's ingest on SQLite and PostgreSQL: a sensor's real analyses pushed through an
in-process transport arrive exactly once; bad batches are refused, audited, change nothing."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from plantwarden import jsonout
from plantwarden.people import audit
from plantwarden.sensors.batch import make_batch
from plantwarden.sensors.identity import load_identity
from plantwarden.sensors.ingest import BatchRefused, apply_batch
from plantwarden.sensors.outbox import depth, peek
from plantwarden.sensors.push import push
from plantwarden.sensors.registry import list_sensors
from sensors.conftest import SENSOR, SITE, make_central
from sensors.content import site_content
from store.helpers import snapshot


def wire(central: str, name: str = SENSOR) -> Any:
    """The real ingest behind a JSON round trip, as the HTTPS route will call it."""
    return lambda batch: jsonout.loads(
        jsonout.to_bytes(apply_batch(central, name, jsonout.loads(jsonout.to_bytes(batch))).as_dict())
    )


def first_batch(sensor_db: str, items: int = 3) -> dict[str, Any]:
    me = load_identity(sensor_db)
    return make_batch(me.name, me.site, peek(sensor_db, 0, items), me.private_key)


def test_push_carries_everything_the_sensor_stored(store_url: str, sensor_db: str, public_key: str) -> None:
    make_central(store_url, public_key)
    queued = depth(sensor_db)
    assert queued.items >= 6  # a baseline, three captures, the alerts, the ack
    report = push(sensor_db, wire(store_url), max_items=2)
    assert report.items == queued.items and report.batches == (queued.items + 1) // 2
    assert depth(sensor_db).items == 0 and load_identity(sensor_db).last_ack_seq == queued.newest_seq
    mine, theirs = site_content(sensor_db, SITE), site_content(store_url, SITE)
    assert mine == theirs
    assert (
        len(theirs["captures"]) == 3 and theirs["alerts"] and theirs["alert_events"] and theirs["baselines"]
    )
    assert any("'acknowledged'" in row for row in theirs["alerts"])
    assert site_content(store_url, "beta")["captures"] == []  # another site is untouched
    assert list_sensors(store_url)[0].last_seq == queued.newest_seq


def test_a_batch_sent_twice_is_stored_once(store_url: str, sensor_db: str, public_key: str) -> None:
    make_central(store_url, public_key)
    batch = first_batch(sensor_db)
    first = apply_batch(store_url, SENSOR, batch)
    after_first = snapshot(store_url)
    again = apply_batch(store_url, SENSOR, copy.deepcopy(batch))
    assert (first.applied, first.duplicate) == (3, False)
    assert (again.applied, again.duplicate, again.acknowledged) == (0, True, 3)
    assert snapshot(store_url) == after_first


def test_an_overlapping_batch_applies_only_what_is_new(
    store_url: str, sensor_db: str, public_key: str
) -> None:
    make_central(store_url, public_key)
    apply_batch(store_url, SENSOR, first_batch(sensor_db, 2))
    ack = apply_batch(store_url, SENSOR, first_batch(sensor_db, 4))  # the ack of 1..2 was lost; 3, 4 new
    assert (ack.applied, ack.acknowledged) == (2, 4)
    push(sensor_db, wire(store_url))
    assert site_content(sensor_db, SITE) == site_content(store_url, SITE)


def refused(url: str, name: str, batch: object, code: str, words: str) -> None:
    before = snapshot(url)
    with pytest.raises(BatchRefused) as caught:
        apply_batch(url, name, batch)
    assert caught.value.code == code and words in caught.value.message and "\n" not in caught.value.message
    after = snapshot(url)
    logged = after.pop("audit_log")
    assert logged[:-1] == before.pop("audit_log")  # one entry more, and nothing else changed
    assert after == before
    entry = audit.entries(url)[-1]
    assert (entry.action, entry.actor, entry.why) == (
        "sensor.batch.refused",
        f"sensor:{name}",
        caught.value.message,
    )
    assert audit.verify(url).broken_at is None


def test_malformed_batches_are_refused_audited_and_change_nothing(
    store_url: str, sensor_db: str, public_key: str
) -> None:
    make_central(store_url, public_key)
    good = first_batch(sensor_db)
    refused(store_url, SENSOR, ["not", "a", "batch"], "malformed", "must be a JSON object")
    missing = {k: v for k, v in good.items() if k != "last_seq"}
    refused(store_url, SENSOR, missing, "malformed", "last_seq: Field required")
    gap = copy.deepcopy(good)
    gap["items"][1]["seq"] = 7
    refused(store_url, SENSOR, gap, "malformed", "without a gap")
    altered = copy.deepcopy(good)
    altered["items"][0]["payload"]["source"] = "forged"
    refused(store_url, SENSOR, altered, "malformed", "sha256 does not match its items")
    me = load_identity(sensor_db)
    bad_doc = make_batch(me.name, me.site, peek(sensor_db, 0, 1), me.private_key)
    bad_doc["items"][0]["kind"] = "capture"  # a baseline's payload named a capture: fails its check
    from plantwarden.sensors import signing
    from plantwarden.sensors.batch import header, items_digest

    bad_doc["sha256"] = items_digest(bad_doc["items"])
    bad_doc["signature"] = signing.sign(me.private_key, header(bad_doc))
    refused(store_url, SENSOR, bad_doc, "malformed", "item 1 (capture)")


def test_unknown_sensor_other_site_and_forged_signature_are_refused(
    store_url: str, sensor_db: str, public_key: str
) -> None:
    make_central(store_url, public_key)
    good = first_batch(sensor_db)
    refused(store_url, "plant-x", good, "unknown_sensor", "unknown sensor 'plant-x'")
    refused(store_url, "plant-x", {**good, "sensor": "plant-x"}, "unknown_sensor", "unknown sensor")
    other = copy.deepcopy(good)
    other["site"] = "beta"
    refused(store_url, SENSOR, other, "wrong_site", "may write site 'alpha' only, not 'beta'")
    unsigned = {**good, "signature": None}
    refused(store_url, SENSOR, unsigned, "signature", "not signed by sensor plant-a's key")
    from plantwarden.sensors import signing
    from plantwarden.sensors.batch import header

    forged = {**good, "signature": signing.sign(signing.new_private_key(), header(good))}
    refused(store_url, SENSOR, forged, "signature", "not signed")


def test_a_replayed_batch_with_other_content_and_a_gap_are_refused(
    store_url: str, sensor_db: str, public_key: str
) -> None:
    make_central(store_url, public_key)
    me = load_identity(sensor_db)
    items = peek(sensor_db, 0, 6)
    apply_batch(store_url, SENSOR, make_batch(me.name, me.site, items[:3], me.private_key))
    changed = copy.deepcopy(items[:3])
    changed[0].payload["source"] = "rewritten"
    replay = make_batch(me.name, me.site, changed, me.private_key)
    refused(store_url, SENSOR, replay, "replay_differs", "applied before with other content")
    later = make_batch(me.name, me.site, items[4:], me.private_key)
    refused(store_url, SENSOR, later, "gap", "the central has everything up to 3; send 4 first")


def test_the_same_batch_applied_at_once_by_two_workers_is_stored_once(
    store_url: str, sensor_db: str, public_key: str
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    make_central(store_url, public_key)
    batch = first_batch(sensor_db, 4)
    with ThreadPoolExecutor(2) as pool:
        acks = list(pool.map(lambda b: apply_batch(store_url, SENSOR, b), [batch, copy.deepcopy(batch)]))
    assert sorted((a.applied, a.duplicate) for a in acks) == [(0, True), (4, False)]
    assert all(a.acknowledged == 4 for a in acks)
    push(sensor_db, wire(store_url))
    assert site_content(sensor_db, SITE) == site_content(store_url, SITE)

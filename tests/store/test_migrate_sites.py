"""Revision 0003 carries a store of the previous release over to sites, with nothing lost.

The store is tests/data/stores/release-0002.db, made by plantwarden at revision 0002 (see the
README beside it): a baseline learned before any site model, a capture, two versions of the
dairy's site model, a second capture, the site's baseline, detection's alerts, two acks, a
close and a mute. On SQLite a copy of that file is upgraded; on PostgreSQL a store is brought
to revision 0002 by the shipped migrations, the file's rows are copied into it, and it is
upgraded the same way. Every row must be there afterwards, unchanged, under the dairy's site.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, insert, select, text

from plantwarden.detect.store_alerts import alert_history, list_alerts, list_mutes
from plantwarden.detect.store_baselines import baseline_history, load_baseline
from plantwarden.store import migrate
from plantwarden.store.engine import current_revision, open_engine, upgrade
from plantwarden.store.imports import capture_documents
from plantwarden.store.sites import choose_site, current_site_document, site_history
from tests.conftest import DATA

FIXTURE = DATA / "stores" / "release-0002.db"
DAIRY = "Molkerei Talblick (dairy, example)"
#: The old tables in the order their foreign keys allow inserting them.
TABLES = (
    "site_versions",
    "captures",
    "hosts",
    "capture_hosts",
    "conversations",
    "anomalies",
    "detect_baselines",
    "detect_alerts",
    "detect_alert_events",
    "detect_mutes",
)
#: Columns the migration takes away (the site is a row of ``sites`` now) or adds.
SITE_COLUMNS = {"site_name", "site_id"}
#: Copied from the alert document by revision 0009 (tests/store/test_alert_order_columns.py).
DERIVED_COLUMNS = {"severity_rank", "at_risk_per_hour"}


def _value(v: Any) -> Any:
    if isinstance(v, datetime):  # naive UTC text on SQLite, timestamptz on PostgreSQL
        return v.replace(tzinfo=UTC) if v.tzinfo is None else v.astimezone(UTC)
    return v


def contents(url: str) -> dict[str, dict[tuple[Any, ...], dict[str, Any]]]:
    """Every row of the old tables by primary key, without the site columns, as SQLAlchemy
    reads the tables it reflects (JSON parsed, times UTC-aware)."""
    engine = open_engine(url)
    try:
        meta = MetaData()
        meta.reflect(engine, only=TABLES)
        out: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {}
        with engine.connect() as conn:
            for name in TABLES:
                table = meta.tables[name]
                keys = [c.name for c in table.primary_key.columns]
                out[name] = {
                    tuple(row[k] for k in keys): {
                        k: _value(v)
                        for k, v in row.items()
                        if k not in SITE_COLUMNS and k not in DERIVED_COLUMNS
                    }
                    for row in (r._asdict() for r in conn.execute(select(table)))
                }
        return out
    finally:
        engine.dispose()


def site_ids(url: str) -> dict[str, set[Any]]:
    engine = open_engine(url)
    try:
        with engine.connect() as conn:
            return {
                t: set(conn.execute(text(f"SELECT DISTINCT site_id FROM {t}")).scalars())
                for t in TABLES
                if t
                in ("site_versions", "captures", "hosts", "detect_baselines", "detect_alerts", "detect_mutes")
            }
    finally:
        engine.dispose()


def old_store(store_url: str, tmp_path: Path) -> str:
    """The release-0002 store at ``store_url``'s backend (revision 0002, not upgraded)."""
    if store_url.startswith("sqlite"):
        path = tmp_path / "old.db"
        shutil.copy(FIXTURE, path)
        return f"sqlite:///{path}"
    engine = open_engine(store_url)
    source = open_engine(f"sqlite:///{tmp_path / 'fixture.db'}")
    shutil.copy(FIXTURE, tmp_path / "fixture.db")
    try:
        with engine.begin() as conn:
            migrate.upgrade_connection(conn, "0002")
        meta = MetaData()
        meta.reflect(source, only=TABLES)
        with source.connect() as src, engine.begin() as dst:
            for name in TABLES:
                rows = [
                    {k: _value(v) for k, v in r._asdict().items()}
                    for r in src.execute(select(meta.tables[name]))
                ]
                if rows:
                    dst.execute(insert(meta.tables[name]), rows)
                if "id" in meta.tables[name].c:
                    newest = f"(SELECT max(id) FROM {name})"
                    dst.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), {newest})"))
    finally:
        engine.dispose()
        source.dispose()
    return store_url


def test_the_fixture_is_a_store_of_the_previous_release() -> None:
    assert current_revision(f"sqlite:///{FIXTURE}") == "0002"


def test_an_old_one_site_store_is_carried_over_with_nothing_lost(store_url: str, tmp_path: Path) -> None:
    url = old_store(store_url, tmp_path)
    assert current_revision(url) == "0002"
    before = contents(url)
    assert {t: len(rows) for t, rows in before.items()} == {
        "site_versions": 2,
        "captures": 2,
        "hosts": 7,
        "capture_hosts": 8,
        "conversations": 68,
        "anomalies": 3,
        "detect_baselines": 2,
        "detect_alerts": 43,
        "detect_alert_events": 4,
        "detect_mutes": 1,
    }
    assert upgrade(url) == migrate.head_revision()
    after = contents(url)
    # the baseline learned without a site joins the dairy's, numbered before the dairy's own
    old_baselines = before.pop("detect_baselines")
    new_baselines = after.pop("detect_baselines")
    assert after == before
    assert {k: (r["version"], r["source"]) for k, r in new_baselines.items()} == {
        (1,): (1, "learned from modbus-pymodbus.pcap"),
        (2,): (2, "learned from normal.pcap"),
    }
    for key, row in new_baselines.items():
        old = old_baselines[key]
        assert {k: v for k, v in row.items() if k not in ("version", "document")} == {
            k: v for k, v in old.items() if k not in ("version", "document")
        }
        assert row["document"] == {**old["document"], "version": row["version"]}
    # one site, the dairy's: every row belongs to it
    dairy = choose_site(url)
    assert dairy.name == DAIRY
    assert site_ids(url) == {t: {dairy.id} for t in site_ids(url)}


def test_the_upgraded_store_reads_as_before(store_url: str, tmp_path: Path) -> None:
    url = old_store(store_url, tmp_path)
    upgrade(url)
    site = choose_site(url)
    assert [(h.site_name, h.version, h.is_current) for h in site_history(url, site.id)] == [
        (DAIRY, 1, False),
        (DAIRY, 2, True),
    ]
    document = current_site_document(url, site.id)
    assert document is not None and document["site"]["name"] == DAIRY
    assert [d["name"] for d in capture_documents(url, site.id)] == [
        "modbus-pymodbus.pcap",
        "s7comm-snap7.pcap",
    ]
    alerts = list_alerts(url, site=site.id)
    assert len(alerts) == 43
    assert {a.id: a.state for a in alerts if a.state != "new"} == {
        "A9d0a164e038e": "closed",
        "A1acc5c6ffc67": "acknowledged",
        "A71a792a3ffc5": "closed",
    }
    assert [(h["action"], h["by"], h["why"]) for h in alert_history(url, "A9d0a164e038e", site.id)] == [
        ("ack", "jd", "looking"),
        ("close", "jd", "planned"),
    ]
    (mute,) = list_mutes(url, site.id)
    assert (mute.rule, mute.by, mute.why, mute.alert_id) == (
        "port-scan",
        "jd",
        "scanner test",
        "A71a792a3ffc5",
    )
    # detection still compares with the dairy's own baseline, now version 2
    assert [h.version for h in baseline_history(url, site.id)] == [1, 2]
    newest = load_baseline(url, site.id)
    assert newest is not None and newest.version == 2 and len(newest.talkers) == 46


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_store_without_any_site_model_goes_to_default(backend: str, tmp_path: Path) -> None:
    """Captures stored before any site model was loaded: the site ``default`` holds them."""
    from plantwarden.store.engine import downgrade
    from plantwarden.store.imports import list_captures, record_capture

    from .helpers import MODBUS_DOC

    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    downgrade(url, "0002")
    engine = open_engine(url)
    try:
        with engine.begin() as conn:  # a row as revision 0002 wrote it, with no site anywhere
            conn.execute(
                text(
                    "INSERT INTO captures (name, sha256, size, packets, bytes, skipped, protocols, document, "
                    "analysed_at, plantwarden_version, analysis_sha256) VALUES ('a.pcap', :h, 1, 1, 1, '[]', "
                    "'{}', '{}', '2026-12-01 10:00:00', '0.1.0', :h)"
                ),
                {"h": "a" * 64},
            )
    finally:
        engine.dispose()
    upgrade(url)
    only = choose_site(url)
    assert only.name == "default"
    assert [c.name for c in list_captures(url, only.id)] == ["a.pcap"]
    record_capture(url, MODBUS_DOC)  # and it takes new analyses
    assert len(list_captures(url)) == 2


def test_downgrade_is_refused_with_two_sites(store_url: str) -> None:
    from plantwarden.errors import StoreError
    from plantwarden.store.engine import downgrade
    from plantwarden.store.imports import record_capture

    from .helpers import MODBUS_DOC

    record_capture(store_url, MODBUS_DOC, choose_site(store_url, "a", add=True).id)
    record_capture(store_url, MODBUS_DOC, choose_site(store_url, "b", add=True).id)
    with pytest.raises(StoreError, match="holds 2 sites; revision 0002 holds one"):
        downgrade(store_url, "0002")
    assert current_revision(store_url) == migrate.head_revision()

"""The plan in the store, on SQLite and PostgreSQL: revision 0013 up from 0012 and down, a run
stored with its fingerprint and solver, pins audited and kept by the next run."""

from __future__ import annotations

from sqlalchemy import inspect

from plantwarden.people.audit import entries, verify
from plantwarden.plan import store
from plantwarden.plan.build import Pin, make_plan
from plantwarden.store import migrate
from plantwarden.store.engine import downgrade, open_engine, upgrade
from plantwarden.store.sites import choose_site
from tests.plan.helpers import TODAY, model, vuln


def tables(url: str) -> set[str]:
    engine = open_engine(url)
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def test_revision_0013_upgrades_from_0012_and_downgrades(store_url: str) -> None:
    engine = open_engine(store_url)
    try:
        with engine.begin() as conn:
            migrate.upgrade_connection(conn, "0012")
    finally:
        engine.dispose()
    assert "plan_runs" not in tables(store_url)
    choose_site(store_url, "alpha", create=True)
    assert upgrade(store_url) == migrate.head_revision()
    assert {"plan_runs", "plan_pins"} <= tables(store_url)
    assert downgrade(store_url, "0012") == "0012"
    assert not {"plan_runs", "plan_pins"} & tables(store_url) and "compliance_statements" in tables(store_url)
    assert upgrade(store_url) == migrate.head_revision()


def test_a_run_and_a_pin_are_stored_and_the_pin_audited(store_url: str) -> None:
    site = choose_site(store_url, "alpha", create=True)
    assert site.id is not None
    body = make_plan(model(), [vuln("plc-fill-a", "CVE-1"), vuln("plc-fill-b", "CVE-2")], TODAY)
    run = store.save_run(store_url, site.id, body)
    latest = store.latest_run(store_url, site.id)
    assert latest is not None and latest["run"] == run and latest["fingerprint"] == body["fingerprint"]
    assert latest["solver"].startswith("CBC") and latest["items"] == body["items"]
    pin = Pin("plc-fill-b", "pin", "w1@2027-01-10", "anna", "vendor engineer booked")
    store.add_pin(store_url, site.id, pin)
    assert store.pins(store_url, site.id) == [pin]
    (entry,) = [e for e in entries(store_url, site.id) if e.action == "plan.pin"]
    assert (entry.actor, entry.target, entry.why) == ("anna", "plc-fill-b", "vendor engineer booked")
    assert verify(store_url).broken_at is None
    again = make_plan(model(), [vuln("plc-fill-a", "CVE-1"), vuln("plc-fill-b", "CVE-2")], TODAY, pins=[pin])
    at = {i["id"]: i["window"] for i in again["items"]}
    assert at["plc-fill-b"] == "w1@2027-01-10" and at["plc-fill-a"] == "w2@2027-01-17"
    assert again["fingerprint"] != body["fingerprint"]

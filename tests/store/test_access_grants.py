"""Access grants on both backends: request, four-eyes approval by a RACI role, deny, revoke,
history and audit; bad requests refused with nothing stored; tampering with the grants'
audit entries found by ``audit verify``; the revision upgrades from 0004 and downgrades."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from plantwarden.access import service
from plantwarden.access.validate import GrantRequest
from plantwarden.errors import NotFoundError, UsageError
from plantwarden.people import audit
from plantwarden.people.roles import Principal
from plantwarden.site.use import read_site
from plantwarden.store.engine import current_revision, downgrade, open_engine, upgrade
from plantwarden.store.migrate import REVISIONS
from plantwarden.store.sites import choose_site, store_site_version
from plantwarden.store.types import utc_now

ROOT = Path(__file__).resolve().parents[2]
DAIRY = ROOT / "examples" / "dairy" / "site.yaml"
MODEL, SOURCE = read_site(DAIRY)


def sql(url: str, statement: str) -> list[tuple[object, ...]]:
    engine = open_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(statement))
            return [tuple(r) for r in result] if result.returns_rows else []
    finally:
        engine.dispose()


def site(url: str) -> int:
    store_site_version(url, MODEL, str(DAIRY), SOURCE)
    found = choose_site(url).id
    assert found is not None
    return found


def ask(**changes: object) -> GrantRequest:
    start = utc_now() + timedelta(days=2)
    base = GrantRequest(
        "Max Muster", "Siemens AG", ("plc-recv",), None, ("s7comm", "ssh"), "engineering", start,
        start + timedelta(hours=8), "firmware check", "T-1",
    )  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]


def counts(url: str) -> tuple[int, int, int]:
    row = sql(
        url,
        "SELECT (SELECT count(*) FROM access_grants), (SELECT count(*) FROM access_grant_events), "
        "(SELECT count(*) FROM audit_log)",
    )[0]
    return int(str(row[0])), int(str(row[1])), int(str(row[2]))


def test_request_approve_revoke_with_history_and_audit(store_url: str) -> None:
    sid = site(store_url)
    g = service.request(store_url, sid, MODEL, ask(), "Jonas Weber")
    assert (g.key, g.stored_state, g.state(utc_now())) == ("G1", "requested", "requested")
    g = service.approve(store_url, sid, MODEL, "g1", "Anna Keller", "planned stop")
    assert g.approved_by == "Anna Keller"
    assert g.state(utc_now()) == "approved"
    assert g.state(g.start + timedelta(minutes=1)) == "active" and g.state(g.end) == "expired"
    g = service.revoke(store_url, sid, "G1", "Anna Keller", "job moved")
    assert g.state(utc_now()) == "revoked" and g.until <= utc_now()
    _, history = service.show(store_url, sid, MODEL, "G1")
    assert [h["action"] for h in history] == ["request", "approve", "revoke"]
    assert [(h["actor"], h["why"]) for h in history][1] == ("Anna Keller", "planned stop")
    actions = [
        (e.action, e.target, e.actor) for e in audit.entries(store_url) if e.action.startswith("access.")
    ]
    assert actions == [
        ("access.request", "grant G1", "Jonas Weber"),
        ("access.approve", "grant G1", "Anna Keller"),
        ("access.revoke", "grant G1", "Anna Keller"),
    ]
    assert audit.verify(store_url).broken_at is None
    keys = [x.key for x in service.all_grants(store_url, sid, MODEL)]
    assert keys == ["siemens-ews-sunday", "G1"]  # the site model's standing grant, then the stored


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"company": "Nobody GmbH"}, "unknown vendor 'Nobody GmbH'"),
        ({"assets": ("plc-nope",)}, "unknown asset 'plc-nope'"),
        ({"assets": (), "zone": "nowhere"}, "unknown zone 'nowhere'"),
        ({"assets": ("plc-recv",), "zone": "control"}, "assets .* or a zone"),
        ({"protocols": ("ftp",)}, "unknown protocol 'ftp'"),
        ({"operations": "admin"}, "unknown operations 'admin'"),
        ({"end": None}, "without an end is refused"),
        ({"end": utc_now() + timedelta(days=1)}, "is not after start"),
        ({"end": utc_now() + timedelta(days=9)}, "longer than this site allows"),
        ({"start": utc_now() - timedelta(days=2), "end": utc_now() - timedelta(days=1)}, "already past"),
        ({"reason": " "}, "ticket or reason"),
    ],
)
def test_bad_requests_are_refused_with_nothing_stored(
    store_url: str, changes: dict[str, object], why: str
) -> None:
    sid = site(store_url)
    before = counts(store_url)
    with pytest.raises(UsageError, match=why):
        service.request(store_url, sid, MODEL, ask(**changes), "Jonas Weber")
    assert counts(store_url) == before


def test_an_overlapping_duplicate_is_refused_until_the_first_is_revoked(store_url: str) -> None:
    sid = site(store_url)
    first = service.request(store_url, sid, MODEL, ask(), "Jonas Weber")
    before = counts(store_url)
    with pytest.raises(UsageError, match="overlaps grant G1"):
        service.request(store_url, sid, MODEL, ask(start=first.start + timedelta(hours=2)), "Jonas Weber")
    with pytest.raises(UsageError, match="overlaps grant G1"):  # the zone holds plc-recv
        service.request(store_url, sid, MODEL, ask(assets=(), zone="control"), "Lea Hoffmann")
    assert counts(store_url) == before
    later = ask(start=first.end, end=first.end + timedelta(hours=2))  # back to back: no overlap
    assert service.request(store_url, sid, MODEL, later, "Jonas Weber").key == "G2"
    other = ask(grantee="Erika Muster")  # another person may hold the same window
    assert service.request(store_url, sid, MODEL, other, "Jonas Weber").key == "G3"
    service.revoke(store_url, sid, "G1", "Anna Keller", "replaced")
    again = ask(start=first.start, end=first.end)
    assert service.request(store_url, sid, MODEL, again, "Jonas Weber").key == "G4"


def test_four_eyes_and_the_raci_decide_who_approves(store_url: str) -> None:
    sid = site(store_url)
    service.request(store_url, sid, MODEL, ask(), "Anna Keller")
    before = counts(store_url)
    with pytest.raises(UsageError, match="cannot approve it too"):
        service.approve(store_url, sid, MODEL, "G1", "anna keller", "mine")
    with pytest.raises(UsageError, match="neither Responsible nor Accountable for 'plc-recv'"):
        service.approve(store_url, sid, MODEL, "G1", "Sofia Richter", "QA says yes")
    with pytest.raises(UsageError, match="may not approve"):
        viewer = Principal(user_id=9, name="viewer", is_admin=False, roles={sid: "engineer"})
        service.approve(store_url, sid, MODEL, "G1", "Jonas Weber", "ok", principal=viewer)
    with pytest.raises(UsageError, match="say why"):
        service.approve(store_url, sid, MODEL, "G1", "Jonas Weber", " ")
    with pytest.raises(NotFoundError, match="no stored grant 'G7'"):
        service.approve(store_url, sid, MODEL, "G7", "Jonas Weber", "ok")
    assert counts(store_url) == before
    approver = Principal(user_id=9, name="jonas", is_admin=False, roles={sid: "approver"})
    assert service.approve(
        store_url, sid, MODEL, "G1", "Jonas Weber", "R for plc-recv", principal=approver
    ).approved_by
    with pytest.raises(UsageError, match="is approved; only a requested grant can be denied"):
        service.deny(store_url, sid, "G1", "Lea Hoffmann", "too late")


def test_deny_closes_a_request(store_url: str) -> None:
    sid = site(store_url)
    service.request(store_url, sid, MODEL, ask(), "Jonas Weber")
    g = service.deny(store_url, sid, "G1", "Anna Keller", "no ticket in the CMMS")
    assert g.state(utc_now()) == "denied" and g.approved_by is None
    with pytest.raises(UsageError, match="is denied"):
        service.approve(store_url, sid, MODEL, "G1", "Anna Keller", "changed my mind")
    with pytest.raises(UsageError, match="is denied already"):
        service.revoke(store_url, sid, "G1", "Anna Keller", "x")


@pytest.mark.parametrize(
    ("tamper", "first_broken"),
    [
        ("UPDATE audit_log SET why = 'routine' WHERE seq = 2", 2),  # an edit
        ("DELETE FROM audit_log WHERE seq = 2", 2),  # a deletion (of the newest: see docs/people.md)
        ("SWAP", 2),  # two entries reordered
    ],
)
def test_tampering_with_the_grants_audit_trail_is_found(
    store_url: str, tamper: str, first_broken: int
) -> None:
    sid = site(store_url)
    service.request(store_url, sid, MODEL, ask(), "Jonas Weber")
    service.approve(store_url, sid, MODEL, "G1", "Anna Keller", "planned")
    service.revoke(store_url, sid, "G1", "Anna Keller", "done")
    seqs = [e.seq for e in audit.entries(store_url) if e.action.startswith("access.")]
    assert audit.verify(store_url).broken_at is None
    target = seqs[first_broken - 1]
    if tamper == "SWAP":
        a, b = seqs[first_broken - 1], seqs[first_broken]
        sql(store_url, f"UPDATE audit_log SET seq = -1 WHERE seq = {a}")
        sql(store_url, f"UPDATE audit_log SET seq = {a} WHERE seq = {b}")
        sql(store_url, f"UPDATE audit_log SET seq = {b} WHERE seq = -1")
    else:
        sql(store_url, tamper.replace(f"seq = {first_broken}", f"seq = {target}"))
    verdict = audit.verify(store_url)
    assert verdict.broken_at == target, verdict.problem


def test_the_revision_upgrades_from_0004_and_downgrades(store_url: str) -> None:
    upgrade(store_url)
    sid = site(store_url)
    downgrade(store_url, "0004")
    assert current_revision(store_url) == "0004"
    with pytest.raises(Exception, match="access_grants"):
        sql(store_url, "SELECT count(*) FROM access_grants")
    upgrade(store_url)
    assert current_revision(store_url) == REVISIONS[-1]
    assert service.request(store_url, sid, MODEL, ask(), "Jonas Weber").key == "G1"
    assert service.stored(store_url, sid)[0].grantee == "Max Muster"


def test_times_are_kept_to_the_microsecond_in_utc(store_url: str) -> None:
    sid = site(store_url)
    start = datetime(2030, 3, 1, 5, 30, 0, 123456, tzinfo=UTC)
    g = service.request(
        store_url, sid, MODEL, ask(start=start, end=start + timedelta(hours=1)), "Jonas Weber"
    )
    again = service.stored(store_url, sid)[0]
    assert again.start == g.start == start and again.end.utcoffset() == timedelta(0)

"""Compliance in the store, on SQLite and PostgreSQL: revision 0012 up from 0007 and down,
statements attached with who, when and why (audited in the same transaction, a file named by
its SHA-256), refused without an author, and the evidence state read from real records."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from plantwarden.analyze.pipeline import analyze_capture
from plantwarden.compliance.assess import assess
from plantwarden.compliance.evidence import Status
from plantwarden.compliance.models import ComplianceStatement
from plantwarden.compliance.state import from_store
from plantwarden.compliance.statements import attest, list_statements
from plantwarden.errors import InputError, UsageError
from plantwarden.people.audit import entries, verify
from plantwarden.site import load_site
from plantwarden.store import migrate
from plantwarden.store.engine import connected, downgrade, open_engine, upgrade
from plantwarden.store.imports import record_capture
from plantwarden.store.sites import choose_site, store_site_version

ROOT = Path(__file__).resolve().parents[2]
ZONES_SITE = ROOT / "tests" / "continuity" / "data" / "zones.yaml"
ZONES_CAPTURE = ROOT / "tests" / "data" / "captures" / "continuity-zones.pcap"


def tables(url: str) -> set[str]:
    engine = open_engine(url)
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def loaded(url: str) -> int:
    store_site_version(url, load_site(ZONES_SITE), str(ZONES_SITE), ZONES_SITE.read_text(encoding="utf-8"))
    site = choose_site(url)
    assert site.id is not None
    record_capture(url, analyze_capture(ZONES_CAPTURE).doc, site.id)
    return site.id


def count(url: str) -> int:
    with connected(url) as engine, Session(engine) as session:
        return session.scalar(select(func.count()).select_from(ComplianceStatement)) or 0


def test_revision_0012_upgrades_from_0010_and_downgrades(store_url: str) -> None:
    engine = open_engine(store_url)
    try:
        with engine.begin() as conn:
            migrate.upgrade_connection(conn, "0010")
    finally:
        engine.dispose()
    assert "compliance_statements" not in tables(store_url)
    choose_site(store_url, "alpha", create=True)
    assert upgrade(store_url) == migrate.head_revision() and "compliance_statements" in tables(store_url)
    assert downgrade(store_url, "0010") == "0010"
    assert "compliance_statements" not in tables(store_url) and "outbox" in tables(store_url)
    assert upgrade(store_url) == migrate.head_revision()


def test_a_statement_keeps_who_when_why_and_the_file_and_is_audited(store_url: str, tmp_path: Path) -> None:
    site = loaded(store_url)
    policy = tmp_path / "ad-policy.pdf"
    policy.write_bytes(b"%PDF-1.4 password policy")
    s = attest(store_url, site, "SR 1.1", " Anna Keller ", "AD enforces named accounts", policy)
    assert (s.requirement, s.by, s.file_name) == ("iec62443-3-3:SR 1.1", "Anna Keller", "ad-policy.pdf")
    assert s.file_sha256 == hashlib.sha256(b"%PDF-1.4 password policy").hexdigest()
    (stored,) = list_statements(store_url, site)
    assert stored == s
    (entry,) = [e for e in entries(store_url, site) if e.action == "compliance.attest"]
    assert (entry.actor, entry.target, entry.why) == (
        "Anna Keller",
        "iec62443-3-3:SR 1.1",
        "AD enforces named accounts",
    )
    assert verify(store_url).broken_at is None


@pytest.mark.parametrize(
    ("requirement", "by", "why", "message"),
    [
        ("SR 1.1", "", "text", "needs its author"),
        ("SR 1.1", "Ann", "  ", "needs its content"),
        ("SR 9.9", "Ann", "text", "no requirement 'SR 9.9'"),
        ("iso:A.5", "Ann", "text", "unknown framework 'iso'"),
    ],
)
def test_a_statement_without_author_text_or_known_requirement_is_refused(
    store_url: str, requirement: str, by: str, why: str, message: str
) -> None:
    site = loaded(store_url)
    with pytest.raises(UsageError, match=message):
        attest(store_url, site, requirement, by, why)
    assert count(store_url) == 0


def test_an_unreadable_file_is_refused_and_nothing_stored(store_url: str, tmp_path: Path) -> None:
    site = loaded(store_url)
    with pytest.raises(InputError, match="cannot read the evidence file"):
        attest(store_url, site, "2.F", "Ann", "firewall rules", tmp_path / "missing.pdf")
    assert count(store_url) == 0


def test_the_state_read_from_the_store_gives_the_rules_real_records(store_url: str) -> None:
    site = loaded(store_url)
    attest(store_url, site, "PR.IR-01", "Ann", "firewall reviewed")
    now = analyze_capture(ZONES_CAPTURE).doc["last_ts"] + 86400
    state = from_store(store_url, site, "loopback zones", now)
    assert state.site is not None and len(state.captures) == 1
    assert state.get("audit") is not None and state.get("audit").intact  # the statement's entry
    assert state.get("vulnerabilities") is None  # no such capability on this branch
    csf = assess(state, "nist-csf-2.0")
    pr_ir = next(r for r in csf.results if r.requirement.id == "PR.IR-01")
    assert pr_ir.status is Status.PARTLY and pr_ir.statements[0]["by"] == "Ann"

"""The vulnerability tables on both databases: revision 0006 up and down, matching the dairy
site's declared assets, and the (asset, CVE) status surviving re-matching and a revised
advisory, audited."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect

from plantwarden.errors import NotFoundError, UsageError
from plantwarden.people.audit import entries, verify
from plantwarden.site.loader import load_site
from plantwarden.store.engine import current_revision, downgrade, open_engine, upgrade
from plantwarden.store.migrate import REVISIONS
from plantwarden.store.sites import store_site_version
from plantwarden.vulns.service import match_site, set_status
from plantwarden.vulns.store import stored_matches
from plantwarden.vulns.update import update

ROOT = Path(__file__).resolve().parents[2]
DAIRY = ROOT / "examples" / "dairy" / "site.yaml"
CSAF = ROOT.parent / "shared" / "data" / "csaf-ics"


def _load_dairy(url: str) -> None:
    upgrade(url)
    text = DAIRY.read_text()
    store_site_version(url, load_site(DAIRY), str(DAIRY), text)


def _tables(url: str) -> set[str]:
    engine = open_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_revision_0006_upgrade_and_downgrade(store_url: str) -> None:
    upgrade(store_url)
    assert current_revision(store_url) == REVISIONS[-1]
    assert {"vuln_matches", "vuln_status"} <= _tables(store_url)
    downgrade(store_url, "0004")
    assert current_revision(store_url) == "0004"
    assert not {"vuln_matches", "vuln_status"} & _tables(store_url)
    upgrade(store_url)
    assert {"vuln_matches", "vuln_status"} <= _tables(store_url)


def test_match_site_status_survives_rematch_and_revision(store_url: str, tmp_path: Path) -> None:
    _load_dairy(store_url)
    summary = match_site(store_url, None, tmp_path / "content")
    assert summary["matches"] >= 2 and summary["bundle"].startswith("shipped-")
    found = {(m.asset, m.cve) for m in stored_matches(store_url, 1)}
    assert ("plc-fill-a", "CVE-2024-6207") in found
    until = datetime(2027, 3, 31, tzinfo=UTC)
    set_status(
        store_url,
        None,
        "plc-fill-a",
        "CVE-2024-6207",
        "accepted",
        "anna",
        "fill line isolated until the March shutdown",
        until,
    )
    again = match_site(store_url, None, tmp_path / "content")
    assert again["rows"]["added"] == 0 and again["rows"]["removed"] == 0
    # a revised advisory (revision 2) loaded: the match now cites it, the status stays
    doc = json.loads((CSAF / "icsa-24-284-20.json").read_bytes())
    doc["document"]["tracking"]["version"] = "2"
    doc["document"]["tracking"]["revision_history"].append(
        {"date": "2024-12-01T00:00:00.000000Z", "number": "2", "summary": "Update"}
    )
    doc["document"]["tracking"]["current_release_date"] = "2024-12-01T00:00:00.000000Z"
    src = tmp_path / "icsa-24-284-20.json"
    src.write_text(json.dumps(doc))
    update(src, tmp_path / "content")
    match_site(store_url, None, tmp_path / "content")
    row = next(m for m in stored_matches(store_url, 1) if (m.asset, m.cve) == ("plc-fill-a", "CVE-2024-6207"))
    assert row.advisory_version == "2" and row.bundle.startswith("csaf-2024-12-01")
    assert (row.status, row.status_who, row.status_until) == ("accepted", "anna", until)
    audit = [e for e in entries(store_url) if e.action == "vuln.status"]
    assert len(audit) == 1 and audit[0].target == "plc-fill-a CVE-2024-6207" and audit[0].actor == "anna"
    assert verify(store_url).broken_at is None


def test_status_refusals(store_url: str, tmp_path: Path) -> None:
    _load_dairy(store_url)
    match_site(store_url, None, tmp_path / "c")
    with pytest.raises(UsageError, match="--why and --until"):
        set_status(store_url, None, "plc-fill-a", "CVE-2024-6207", "accepted", "anna", "", None)
    with pytest.raises(UsageError, match="unknown status"):
        set_status(store_url, None, "plc-fill-a", "CVE-2024-6207", "ignored", "anna", "x", None)
    with pytest.raises(NotFoundError):
        set_status(store_url, None, "plc-fill-a", "CVE-1999-0001", "remediated", "anna", "x", None)

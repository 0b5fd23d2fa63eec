"""``vulns.handling`` on small constructed states (the zones site judged a day after its
capture), and its source on a real store: the dairy site model matched against the shipped
bundle (the Stratix 5800's two KEV CVEs, long past CISA's due date)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from plantwarden.cli.app import main
from plantwarden.compliance.evidence import Status
from plantwarden.compliance.rules import all_rules, run
from plantwarden.compliance.rules_vulns import VulnItem, VulnRecord, vuln_record
from plantwarden.compliance.sources import StoreRef
from plantwarden.compliance.state import State
from plantwarden.store.sites import choose_site
from plantwarden.vulns.service import set_status
from tests.compliance.helpers import captured_at, state

DAIRY = Path(__file__).resolve().parents[2] / "examples" / "dairy" / "site.yaml"


def judged(*items: VulnItem) -> tuple[Status, str, list[str]]:
    st = state(vulnerabilities=VulnRecord(items, captured_at() - 3600))
    (found,) = run(all_rules()["vulns.handling"], st)
    return found.status, found.summary, [str(i["problem"]) for i in found.items]


def _now() -> datetime:
    return datetime.fromtimestamp(captured_at(), UTC)


def test_kev_past_due_and_open_is_not_satisfied() -> None:
    past = _now().date() - timedelta(days=10)
    got, said, problems = judged(
        VulnItem("plc", "CVE-1", past, "not_remediated"), VulnItem("hmi", "CVE-2", None, "not_remediated")
    )
    assert got is Status.NOT_SATISFIED and "2 matched (1 known exploited)" in said
    assert problems == [f"known exploited, CISA due {past.isoformat()}, not handled"]
    # in progress is not handled either; remediated is
    assert judged(VulnItem("plc", "CVE-1", past, "in_progress", "eng", "ordered"))[0] is Status.NOT_SATISFIED
    assert judged(VulnItem("plc", "CVE-1", past, "remediated", "eng", "firmware 4.2"))[0] is Status.SATISFIED


def test_kev_open_but_not_yet_due_is_partly() -> None:
    soon = _now().date() + timedelta(days=5)
    got, said, problems = judged(VulnItem("plc", "CVE-1", soon, "not_remediated"))
    assert got is Status.PARTLY and problems == [] and "none past due" in said


def test_accepted_risk_needs_an_end_in_the_future_and_who_and_why() -> None:
    past = _now().date() - timedelta(days=10)
    later, before = _now() + timedelta(days=30), _now() - timedelta(days=1)
    assert (
        judged(VulnItem("plc", "CVE-1", past, "accepted", "anna", "port closed", later))[0]
        is Status.SATISFIED
    )
    got, _, problems = judged(VulnItem("plc", "CVE-1", past, "accepted", "anna", "port closed", before))
    assert got is Status.NOT_SATISFIED
    assert problems == [
        f"known exploited, CISA due {past.isoformat()}, not handled",
        f"risk acceptance ended {before.date().isoformat()}",
    ]
    assert judged(VulnItem("hmi", "CVE-2", None, "accepted", "anna", "x", None))[2] == [
        "risk accepted without an end date"
    ]
    assert judged(VulnItem("hmi", "CVE-2", None, "remediated", None, None))[2] == [
        "status set without who and why"
    ]


def test_without_records_it_says_so() -> None:
    (found,) = run(all_rules()["vulns.handling"], state())
    assert (found.status, found.summary) == (
        Status.NOT_ENOUGH,
        "not enough evidence: vulnerability records not recorded",
    )


def test_the_source_reads_the_store(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    for argv in (["site", "load", str(DAIRY), "--db", str(db)], ["vulns", "match", "--db", str(db)]):
        with pytest.raises(SystemExit) as done:
            main(argv)
        assert not done.value.code, argv
    url = f"sqlite:///{db}"
    site = choose_site(url, None)
    assert site.id is not None
    record = vuln_record(StoreRef(url, site.id))
    assert record is not None
    kev = sorted(i.cve for i in record.items if i.kev_due is not None)
    assert kev == ["CVE-2023-20198", "CVE-2023-20273"] and len(record.items) == 4
    st = State({"vulnerabilities": record}, datetime(2026, 12, 7, tzinfo=UTC).timestamp())
    (found,) = run(all_rules()["vulns.handling"], st)
    assert found.status is Status.NOT_SATISFIED and len(found.items) == 2
    until = datetime(2027, 1, 31, tzinfo=UTC)
    for cve in kev:
        set_status(url, None, "sw-ctrl-01", cve, "accepted", "anna", "Web UI disabled", until)
    record = vuln_record(StoreRef(url, site.id))
    assert record is not None
    (found,) = run(all_rules()["vulns.handling"], State({"vulnerabilities": record}, st.now))
    assert found.status is Status.SATISFIED, found.summary

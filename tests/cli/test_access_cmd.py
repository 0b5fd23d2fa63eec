"""``plantwarden access`` as a person uses it: request, approve (four eyes), list, show,
revoke; bad input in one line with exit 2 and nothing stored; ``access check`` on real
captures (exit 1 on a finding, JSON with the sessions and alerts) without creating a store."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.cli.test_alert_cmd import one_error_line, run

ROOT = Path(__file__).resolve().parents[2]
DAIRY = ROOT / "examples" / "dairy" / "site.yaml"
INCIDENTS = ROOT / "examples" / "dairy" / "captures" / "incidents.pcap"
LAB = ROOT / "tests" / "data" / "captures" / "access-sessions.pcap"
LAB_SITE = ROOT / "tests" / "data" / "captures" / "access-sessions.site.yaml"
REQUEST = [
    "access", "request", "--vendor", "Siemens AG", "--person", "Max Muster", "--asset", "plc-recv",
    "--protocol", "s7comm", "--operations", "engineering", "--start", "2030-06-01T06:00", "--for", "8h",
    "--reason", "firmware check", "--ticket", "T-1", "--by", "Jonas Weber",
]  # fmt: skip


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = str(tmp_path / "a.db")
    assert run(["site", "load", str(DAIRY), "--db", path], capsys)[0] == 0
    return path


def rows(db: str, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_request_approve_list_show_revoke(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([*REQUEST, "--db", db], capsys)
    assert code == 0 and "requested grant G1" in out and "2030-06-01 06:00:00 CEST" in out
    code, _, err = run(["access", "approve", "G1", "--by", "Jonas Weber", "--why", "ok", "--db", db], capsys)
    assert code == 2 and "cannot approve it too (four eyes)" in one_error_line(err)
    code, out, _ = run(
        ["access", "approve", "G1", "--by", "Anna Keller", "--why", "planned", "--db", db], capsys
    )
    assert code == 0 and "grant G1 approved" in out
    code, out, _ = run(["access", "list", "--json", "--db", db], capsys)
    doc = json.loads(out)
    assert doc["schema"] == "plantwarden.access-grants/1"
    assert [(g["grant"], g["state"]) for g in doc["grants"]] == [
        ("siemens-ews-sunday", "expired"),
        ("G1", "approved"),
    ]
    code, out, _ = run(["access", "list", "--csv", "--state", "approved", "--db", db], capsys)
    assert code == 0 and out.splitlines()[0].startswith("grant,state,person") and len(out.splitlines()) == 2
    code, out, _ = run(["access", "show", "G1", "--json", "--db", db], capsys)
    assert [h["action"] for h in json.loads(out)["history"]] == ["request", "approve"]
    code, out, _ = run(
        ["access", "revoke", "G1", "--by", "Anna Keller", "--why", "moved", "--db", db], capsys
    )
    assert code == 0 and "grant G1 revoked" in out
    code, out, _ = run(["audit", "verify", "--db", db], capsys)
    assert code == 0 and "audit log intact" in out


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (["--vendor", "Nobody"], "unknown vendor 'Nobody'"),
        (["--asset", "plc-nope"], "unknown asset 'plc-nope'"),
        (["--end", "2030-06-01T05:00"], "give --end or --for, not both"),
        (["--start", "2030-06-01 six"], "--start '2030-06-01 six': expected a date and time"),
        (["--for", "20d"], "longer than this site allows"),
        (["--protocol", "ftp"], "unknown protocol 'ftp'"),
    ],
)
def test_bad_requests_are_one_line_exit_2_nothing_stored(
    db: str, capsys: pytest.CaptureFixture[str], change: list[str], expected: str
) -> None:
    argv = [*REQUEST, *change, "--db", db]
    if change[0] in ("--vendor", "--asset", "--start"):  # replace the option's value
        i = REQUEST.index(change[0])
        argv = [*REQUEST[:i], *change, *REQUEST[i + 2 :], "--db", db]
    audit_before = rows(db, "audit_log")
    code, out, err = run(argv, capsys)
    assert code == 2 and expected in one_error_line(err) and out == ""
    assert rows(db, "access_grants") == 0 and rows(db, "audit_log") == audit_before


def test_a_grant_without_an_end_is_refused(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    i = REQUEST.index("--for")
    code, _, err = run([*REQUEST[:i], *REQUEST[i + 2 :], "--db", db], capsys)
    assert code == 2 and "without an end is refused" in one_error_line(err)
    assert rows(db, "access_grants") == 0


def test_check_reports_the_demo_vendor_session_and_creates_no_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none.db"
    argv = ["access", "check", str(INCIDENTS), "--site", str(DAIRY), "--json", "--db", str(missing)]
    code, out, _ = run(argv, capsys)
    doc = json.loads(out)
    assert code == 1 and doc["schema"] == "plantwarden.access-check/1" and not missing.exists()
    ssh = [s for s in doc["sessions"] if s["proto"] == "ssh"]
    assert [(s["client"], s["server"], s["grant"], s["findings"]) for s in ssh] == [
        ("10.10.20.30", "10.10.30.40", "siemens-ews-sunday", ["access-before-window"])
    ]
    assert ssh[0]["hints"]["ssh_banner_client"].startswith("SSH-2.0-OpenSSH")
    (alert,) = [a for a in doc["alerts"] if a["rule"] == "access-before-window"]
    assert alert["grant"]["grant"] == "siemens-ews-sunday" and alert["evidence"][0]["frames"] == [
        ssh[0]["first_frame"]
    ]
    assert alert["impact"] is not None


def test_check_on_screen_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "none.db")
    code, out, _ = run(["access", "check", str(LAB), "--site", str(LAB_SITE), "--db", db], capsys)
    assert code == 1 and "inside" in out and "access-gateway-bypassed" in out
    code, _, err = run(["access", "check", str(DAIRY), "--site", str(DAIRY), "--db", db], capsys)
    assert code == 2 and "site.yaml" in one_error_line(err)


def test_detect_stores_the_sessions_and_report_sums_them_per_vendor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "lab.db")
    assert run(["site", "load", str(LAB_SITE), "--db", db], capsys)[0] == 0
    for _ in range(2):  # the same capture twice: its sessions are stored once
        assert run(["detect", str(LAB), "--db", db], capsys)[0] == 0
    assert rows(db, "access_sessions") == 8
    code, out, _ = run(["access", "report", "--since", "2026-01-01", "--json", "--db", db], capsys)
    doc = json.loads(out)
    assert code == 0 and doc["schema"] == "plantwarden.access-report/1"
    (acme,) = doc["vendors"]
    assert acme["vendor"] == "Acme Automation" and acme["sessions"] == 8
    assert acme["assets"] == ["eng-pc-1", "eng-pc-2", "eng-pc-3", "eng-pc-4", "eng-pc-5", "hmi-1", "plc-1"]
    assert acme["operations"]["program_download"] >= 1 and 0 < acme["hours"] < 0.01
    assert acme["findings"] == {
        "access-after-expiry": 1, "access-before-window": 1, "access-change-under-view-only": 1,
        "access-gateway-bypassed": 1, "access-open-after-expiry": 1, "access-other-asset": 1,
    }  # fmt: skip
    assert sorted(acme["grants"]) == sorted(
        f"grant-{k}" for k in ("inside", "vnc", "before", "after", "open", "download")
    )
    code, out, _ = run(["access", "report", "--since", "2099-01-01", "--json", "--db", db], capsys)
    assert json.loads(out)["vendors"] == []  # no session since then
    page = tmp_path / "review.html"
    page.write_text("my notes")
    code, _, err = run(["access", "report", "--since", "2026-01-01", "--out", str(page), "--db", db], capsys)
    assert code == 2 and "refusing to overwrite" in one_error_line(err) and page.read_text() == "my notes"
    code, _, _ = run(
        ["access", "report", "--since", "2026-01-01", "--out", str(page), "--force", "--db", db], capsys
    )
    html = page.read_text()
    assert (
        code == 0 and "Acme Automation" in html and "access-gateway-bypassed" in html and "eng-pc-5" in html
    )
    code, _, _ = run(["access", "report", "--since", "2026-01-01", "--out", str(page), "--db", db], capsys)
    assert code == 0  # our own page is replaced without --force


def test_stored_grants_count_in_check_and_in_detect(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stored, approved grant for eng-pc-5 (written as approve would, for a past window the
    request checks refuse) makes the lab's "asset" session inside it, in both passes."""
    db = str(tmp_path / "lab.db")
    assert run(["site", "load", str(LAB_SITE), "--db", db], capsys)[0] == 0
    starts = json.loads((LAB.parent / "access-sessions.json").read_text())["starts"]
    begin = datetime.fromtimestamp(starts["asset"] - 60, UTC).replace(tzinfo=None).isoformat(sep=" ")
    end = datetime.fromtimestamp(starts["asset"] + 60, UTC).replace(tzinfo=None).isoformat(sep=" ")
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO access_grants (site_id, grantee, company, assets, zone, protocols, operations,"
            " starts_at, ends_at, ticket, reason, requested_by, requested_at, state, decided_by, decided_at)"
            " VALUES (1, 'Pat Vendor', 'Acme Automation', 'eng-pc-5', NULL, 'ssh', 'view', ?, ?, NULL,"
            " 'test', 'Jo Engineer', ?, 'approved', 'Alex Owner', ?)",
            (begin, end, begin, begin),
        )
    code, out, _ = run(["access", "check", str(LAB), "--json", "--db", db], capsys)
    doc = json.loads(out)
    assert code == 1  # the other scenarios' findings
    asset = next(s for s in doc["sessions"] if s["server"] == "10.24.2.45")
    assert (asset["grant"], asset["findings"], asset["inside"]) == ("G1", [], True)
    assert run(["detect", str(LAB), "--db", db], capsys)[0] == 0
    code, out, _ = run(["alerts", "--json", "--db", db], capsys)
    rules = {a["rule"] for a in json.loads(out)["alerts"]}
    assert "access-other-asset" not in rules and "access-gateway-bypassed" in rules

"""``plantwarden vulns``, ``vulns match``, ``vulns status`` and ``content update`` re-matching,
on a SQLite store holding the dairy site model (its declared assets: the Stratix 5800 switch
on the KEV list, the CompactLogix pair)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from plantwarden.cli.app import main
from plantwarden.settings import ENV_CONTENT

ROOT = Path(__file__).resolve().parents[2]
DAIRY = ROOT / "examples" / "dairy" / "site.yaml"
CSAF = ROOT.parent / "shared" / "data" / "csaf-ics"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    args = ["--db", str(tmp_path / "s.db")]
    assert run(["site", "load", str(DAIRY), *args], capsys)[0] == 0
    code, out, _ = run(["vulns", "match", "--json", *args], capsys)
    assert code == 0 and json.loads(out)["matches"] == 4
    return args


def test_listing_ranks_the_kev_switch_first_with_production_at_risk(
    db: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["vulns", "--json", *db], capsys)
    body = json.loads(out)
    first = body["items"][0]
    assert (first["asset"], first["kev"]) == ("sw-ctrl-01", True)
    assert first["cve"] in ("CVE-2023-20198", "CVE-2023-20273")
    assert first["production_at_risk"]["per_hour"] == 30000.0 and first["why"]
    assert first["evidence"]["condition"].startswith("running Cisco IOS XE")
    assert {g["line"] for g in body["by_line"]} == {"reception-processing", "filling", "packaging"}
    code, out, _ = run(["vulns", "--kev", "--csv", *db], capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and {r["asset"] for r in rows} == {"sw-ctrl-01"} and all(r["KEV"] == "yes" for r in rows)
    code, out, _ = run(["vulns", "--asset", "plc-fill-a", "--json", *db], capsys)
    assert [i["cve"] for i in json.loads(out)["items"]] == ["CVE-2024-6207"]
    code, out, _ = run(["vulns", "--line", "packaging", "--json", *db], capsys)
    assert {i["asset"] for i in json.loads(out)["items"]} == {"sw-ctrl-01"}


def test_status_set_shown_and_audited(db: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "vulns",
        "status",
        "sw-ctrl-01",
        "CVE-2023-20198",
        "--set",
        "accepted",
        "--why",
        "Web UI disabled",
        "--until",
        "2027-01-31",
        "--by",
        "anna",
        *db,
    ]
    code, out, _ = run(argv, capsys)
    assert code == 0 and "accepted until 2027-01-31" in out
    _, out, _ = run(["vulns", "--asset", "sw-ctrl-01", "--json", *db], capsys)
    item = next(i for i in json.loads(out)["items"] if i["cve"] == "CVE-2023-20198")
    assert (item["status"], item["status_who"], item["status_why"]) == ("accepted", "anna", "Web UI disabled")
    _, out, _ = run(["audit", "--json", *db], capsys)
    assert any(e["action"] == "vuln.status" and e["actor"] == "anna" for e in json.loads(out)["entries"])


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["vulns", "--line", "nope"], "no such production line"),
        (["vulns", "status", "sw-ctrl-01", "CVE-2023-20198", "--set", "ignored"], "--set ignored"),
        (["vulns", "status", "sw-ctrl-01", "CVE-2023-20198", "--set", "accepted"], "--why and --until"),
        (
            [
                "vulns",
                "status",
                "sw-ctrl-01",
                "CVE-2023-20198",
                "--set",
                "accepted",
                "--why",
                "x",
                "--until",
                "soon",
            ],
            "--until soon",
        ),
        (["vulns", "status", "plc-pack", "CVE-2023-20198", "--set", "remediated"], "no match"),
    ],
)
def test_bad_input_one_line_exit_2(
    db: list[str], capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    code, _, err = run([*argv, *db], capsys)
    assert code == 2 and words in err and err.count("\n") == 1


def test_content_update_rematches_the_site(
    db: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_CONTENT, str(tmp_path / "content"))
    doc = json.loads((CSAF / "icsa-23-297-01.json").read_bytes())
    doc["document"]["tracking"]["version"] = "2"
    doc["document"]["tracking"]["current_release_date"] = "2024-11-02T00:00:00.000000Z"
    doc["document"]["tracking"]["revision_history"].append(
        {"date": "2024-11-02T00:00:00.000000Z", "number": "2", "summary": "Update"}
    )
    src = tmp_path / "icsa-23-297-01.json"
    src.write_text(json.dumps(doc))
    code, out, _ = run(["content", "update", str(src), "--json", *db], capsys)
    body = json.loads(out)
    assert code == 0 and body["csaf"]["revised"] == ["icsa-23-297-01 -> revision 2"]
    # only the revised advisory is matched again; the other rows stay as the old bundle made them
    assert body["matched"] == {
        "site": "Molkerei Talblick (dairy, example)",
        "matches": 4,
        "advisories_matched": 1,
    }
    _, out, _ = run(["vulns", "--json", *db], capsys)
    items = {(i["asset"], i["cve"]): i for i in json.loads(out)["items"]}
    kev = [i for i in items.values() if i["kev"]]
    assert {i["advisory_version"] for i in kev} == {"2"} and {i["bundle"] for i in kev} == {
        body["csaf"]["bundle"]
    }
    assert items[("plc-fill-a", "CVE-2024-6207")]["bundle"] == body["csaf"]["previous"]
    code, out, _ = run(["vulns", "match", "--json", *db], capsys)  # a full match: every row on the new bundle
    assert json.loads(out)["advisories_matched"] == 39
    _, out, _ = run(["vulns", "--json", *db], capsys)
    assert {i["bundle"] for i in json.loads(out)["items"]} == {body["csaf"]["bundle"]}


def test_reading_never_creates_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "none.db"
    code, _, _ = run(["vulns", "--db", str(path)], capsys)
    assert code == 2 and not path.exists()

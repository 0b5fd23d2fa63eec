"""The alert queue from the command line: ``alerts`` (names, production at risk, owner, worst
first, filters, CSV), ``alert show`` by id prefix, ``reopen``, ``mute``/``mutes``/``unmute``,
``detect --fail-on``, detection with the stored site, and the baseline found after learning.

The store is made once by the real commands on the pymodbus scenario (a rogue host writes to
the PLC, scans and sweeps) with a site model that names the PLC and prices its line."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from plantwarden.cli.app import main
from plantwarden.detect.order import worst_first
from plantwarden.detect.store_alerts import list_alerts
from tests.detect.helpers import MODBUS_SCENARIO

SITE = Path(__file__).resolve().parent / "data" / "modbus_site.yaml"
LEARN = "8s"  # the polling before the rogue host (tests/detect/test_scenarios.py)
PLC, HMI, ROGUE = "127.0.7.1", "127.0.7.2", "127.0.7.3"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("plantwarden: error: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``site load`` then ``detect --learn-for`` (no --site: the stored site is used)."""
    db = tmp_path_factory.mktemp("queue") / "made.db"
    for argv in (
        ["site", "load", str(SITE), "--db", str(db)],
        ["detect", str(MODBUS_SCENARIO), "--learn-for", LEARN, "--db", str(db)],
    ):
        try:
            main(argv)
        except SystemExit as exc:
            assert not exc.code, argv
    return db


@pytest.fixture
def db(made: Path, tmp_path: Path) -> str:
    """A copy of the made store, for a test that changes it."""
    copy = tmp_path / "store.db"
    shutil.copy(made, copy)
    return str(copy)


def rows(out: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out)))


def test_alerts_name_assets_price_the_risk_and_name_the_owner_worst_first(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["alerts", "--csv", "--db", db], capsys)
    assert code == 0, err
    listed = rows(out)
    stored = list_alerts(f"sqlite:///{db}")
    assert [r["id"] for r in listed] == [a.id for a in worst_first(stored)]
    write = next(r for r in listed if r["rule"] == "write-from-new-host")
    assert (write["src"], write["src_name"], write["dst"], write["dst_name"]) == (ROGUE, ROGUE, PLC, "plc-1")
    assert float(write["at_risk_per_hour"]) == 4000.0 and write["currency"] == "EUR"
    assert write["at_risk"] == "4,000 EUR/h: mixing" and write["owner"] == "controls"
    # plc-1 is critical: the write from a new host is raised from high to critical
    assert write["severity"] == "critical" and listed[0]["severity"] == "critical"
    first = datetime.fromisoformat(write["first_seen"])
    alert = next(a for a in stored if a.id == write["id"])
    assert first.timestamp() == pytest.approx(alert.first_ts, abs=1e-6)
    assert first.utcoffset() == datetime.fromtimestamp(alert.first_ts, ZoneInfo("Europe/Berlin")).utcoffset()
    # the terminal table: names, money, owner, the date with the site's zone
    code, out, _ = run(["alerts", "--wide", "--db", db], capsys)
    line = next(x for x in out.splitlines() if write["id"] in x)
    local = datetime.fromtimestamp(alert.last_ts, ZoneInfo("Europe/Berlin"))
    assert line.split()[1:6] == ["critical", "new", "write-from-new-host", ROGUE, "plc-1"]
    assert "4,000 EUR/h" in line and "controls" in line and f"{local:%Y-%m-%d %H:%M:%S %Z}" in line


def test_severity_is_coloured_on_a_terminal(db: str) -> None:
    from plantwarden.cli.alert_cmd import SEVERITY_STYLE, alert_rows
    from plantwarden.cli.listing import Styled
    from plantwarden.detect.queue import SiteView

    alerts = list_alerts(f"sqlite:///{db}")
    cells = [row[1] for row in alert_rows(alerts, SiteView(None))]
    assert all(isinstance(c, Styled) for c in cells)
    assert {(c.text, c.style) for c in cells if isinstance(c, Styled)} == {
        (a.severity.label, SEVERITY_STYLE[a.severity.label]) for a in alerts
    }
    assert SEVERITY_STYLE["critical"] != SEVERITY_STYLE["low"]


def test_filters_narrow_the_list(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{db}"
    every = list_alerts(url)

    def ids(*args: str) -> set[str]:
        code, out, err = run(["alerts", "--csv", "--db", db, *args], capsys)
        assert code == 0, err
        return {r["id"] for r in rows(out)}

    assert ids() == {a.id for a in every}
    assert ids("--rule", "port-scan,host-sweep") == {
        a.id for a in every if a.rule in ("port-scan", "host-sweep")
    }
    assert ids("--severity", "high") == {a.id for a in every if a.severity.label in ("high", "critical")}
    by_name = ids("--asset", "plc-1")
    assert by_name == ids("--asset", PLC) == {a.id for a in every if PLC in (a.src, a.dst)}
    assert by_name and by_name != ids()
    assert ids("--state", "closed") == set()
    last = max(a.last_ts for a in every)
    berlin = ZoneInfo("Europe/Berlin")
    after = datetime.fromtimestamp(last + 1, berlin).replace(tzinfo=None).isoformat()
    assert ids("--since", after) == set()
    assert ids("--until", after) == ids()
    day = datetime.fromtimestamp(last, berlin).date().isoformat()
    assert ids("--since", day, "--until", day) == ids()  # a date alone is its whole day


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--state", "open"], "expected one of new, acknowledged, closed"),
        (["--rule", "port-scna"], "port-scan"),
        (["--severity", "urgent"], "expected one of info, low, medium, high, critical"),
        (["--asset", "plc-9"], "plc-1"),
        (["--since", "yesterday"], "2026-12-07"),
        (["--since", "2026-12-07", "--until", "2026-12-06"], "after --until"),
    ],
)
def test_a_bad_filter_is_an_error_that_lists_the_valid_values(
    made: Path, args: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["alerts", "--db", str(made), *args], capsys)
    assert code == 2 and out == ""
    assert says in one_error_line(err)


def test_show_by_prefix_tells_everything_and_the_history(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    write = next(a for a in list_alerts(f"sqlite:///{db}") if a.rule == "write-from-new-host")
    prefix = write.id[:6].lower()
    assert (
        run(["alert", "ack", prefix, "--by", "ana", "--why", "calling the vendor", "--db", db], capsys)[0]
        == 0
    )
    code, out, err = run(["alert", "show", prefix, "--db", db], capsys)
    assert code == 0, err
    text = " ".join(out.split())
    assert f"alert {write.id}" in text and "acknowledged" in text
    assert f"plc-1 {PLC} (zone control, role plc, criticality critical)" in text
    assert "4,000 EUR/h: mixing (if plc-1 fails)" in text
    assert "responsible controls (Controls team; +49 30 555 0100)" in text
    assert "accountable plant-manager (Ada Example)" in text
    assert "T0855" in text
    frames = ", ".join(map(str, write.evidence[0].frames))
    assert f"evidence {write.evidence[0].capture} frames {frames}" in text
    assert "ack by ana: calling the vendor -> acknowledged" in text
    code, out, _ = run(["alert", "show", write.id, "--json", "--db", db], capsys)
    shown = json.loads(out)
    assert shown["schema"] == "plantwarden.alert/1"
    assert shown["id"] == write.id and shown["owner"]["responsible"] == ["controls"]
    berlin = datetime.fromtimestamp(write.first_ts, ZoneInfo("Europe/Berlin"))
    assert shown["first_seen"] == berlin.isoformat() and shown["first_ts"] == write.first_ts
    assert [(h["action"], h["by"], h["why"]) for h in shown["history"]] == [
        ("ack", "ana", "calling the vendor")
    ]


def test_an_ambiguous_or_unknown_prefix_is_exit_2(made: Path, capsys: pytest.CaptureFixture[str]) -> None:
    every = list_alerts(f"sqlite:///{made}")
    assert len(every) > 1
    code, _, err = run(["alert", "show", "A", "--db", str(made)], capsys)
    line = one_error_line(err)
    assert code == 2 and "ambiguous" in line and every[0].id[:1] == "A"
    assert sum(a.id in line for a in every) == min(len(every), 10)
    code, _, err = run(["alert", "ack", "Azzzz", "--by", "a", "--why", "b", "--db", str(made)], capsys)
    assert code == 2 and "no alert 'Azzzz'" in one_error_line(err)


def test_reopen_makes_a_closed_alert_new_again(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    scan = next(a for a in list_alerts(f"sqlite:///{db}") if a.rule == "port-scan")
    code, _, err = run(["alert", "reopen", scan.id, "--by", "ana", "--why", "x", "--db", db], capsys)
    assert code == 2 and "not closed" in one_error_line(err)
    assert run(["alert", "close", scan.id, "--by", "ana", "--why", "pentest", "--db", db], capsys)[0] == 0
    code, out, _ = run(
        ["alert", "reopen", scan.id[:7], "--by", "bo", "--why", "no pentest today", "--db", db], capsys
    )
    assert code == 0 and f"alert {scan.id}: new" in out
    code, out, _ = run(["alert", "show", scan.id, "--json", "--db", db], capsys)
    history = json.loads(out)["history"]
    assert [(h["action"], h["state"]) for h in history] == [("close", "closed"), ("reopen", "new")]
    code, out, _ = run(["alerts", "--state", "new", "--rule", "port-scan", "--csv", "--db", db], capsys)
    assert scan.id in {r["id"] for r in rows(out)}


def test_mute_mutes_and_unmute(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    scan = next(a for a in list_alerts(f"sqlite:///{db}") if a.rule == "port-scan")
    code, _, err = run(["alert", "unmute", scan.id, "--by", "ana", "--why", "x", "--db", db], capsys)
    assert code == 2 and "not muted" in one_error_line(err)
    code, out, _ = run(["mutes", "--db", db], capsys)
    assert code == 0 and out.strip() == "no mutes"
    assert run(["alert", "mute", scan.id, "--by", "ana", "--why", "scanner", "--db", db], capsys)[0] == 0
    code, out, _ = run(["mutes", "--csv", "--db", db], capsys)
    assert [(r["rule"], r["from"], r["to"], r["by"], r["why"], r["alert"]) for r in rows(out)] == [
        ("port-scan", scan.src, "plc-1" if scan.dst == PLC else scan.dst, "ana", "scanner", scan.id)
    ]
    # detected again: the muted pair raises nothing (--jsonl: what a run sends)
    sent = Path(db).with_suffix(".jsonl")

    def sent_pairs() -> set[tuple[str, str]]:
        docs = [json.loads(x) for x in sent.read_text().splitlines()]
        sent.unlink()
        return {(d["src"], d["dst"]) for d in docs if d["rule"] == "port-scan"}

    assert run(["detect", str(MODBUS_SCENARIO), "--db", db, "--jsonl", str(sent)], capsys)[0] == 0
    assert (scan.src, scan.dst) not in sent_pairs()
    code, out, _ = run(
        ["alert", "unmute", scan.id, "--by", "bo", "--why", "scanner retired", "--db", db], capsys
    )
    assert code == 0 and "alerts again" in out
    assert json.loads(run(["mutes", "--json", "--db", db], capsys)[1])["mutes"] == []
    code, out, _ = run(["alert", "show", scan.id, "--json", "--db", db], capsys)
    doc = json.loads(out)
    assert doc["state"] == "closed"  # unmute lifts the mute, it does not reopen
    assert [h["action"] for h in doc["history"]] == ["mute", "unmute"]
    assert run(["detect", str(MODBUS_SCENARIO), "--db", db, "--jsonl", str(sent)], capsys)[0] == 0
    assert (scan.src, scan.dst) in sent_pairs()


def test_detect_fail_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "f.db")
    base = ["detect", str(MODBUS_SCENARIO), "--learn-for", LEARN, "--no-store"]
    code, out, err = run([*base, "--fail-on", "high"], capsys)
    assert code == 1, err
    assert "write-from-new-host" in out  # the run's table is printed before the exit
    # without a site the worst alert is high: nothing at or above critical
    assert run([*base, "--fail-on", "critical"], capsys)[0] == 0
    assert run([*base], capsys)[0] == 0
    code, out, err = run(["detect", str(MODBUS_SCENARIO), "--db", db, "--fail-on", "severe"], capsys)
    assert code == 2 and "--fail-on" in one_error_line(err) and "critical" in err
    assert not Path(db).exists()  # refused before any work


def test_detect_uses_the_stored_site_as_with_site(
    made: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same capture with ``--site FILE`` and with the same site stored by ``site load``
    (``made``): the same stored alerts, severities and impact."""
    db = str(tmp_path / "with-site.db")
    code, _, err = run(
        ["detect", str(MODBUS_SCENARIO), "--learn-for", LEARN, "--site", str(SITE), "--db", db], capsys
    )
    assert code == 0, err
    with_site = [a.to_json() for a in list_alerts(f"sqlite:///{db}")]
    stored_site = [a.to_json() for a in list_alerts(f"sqlite:///{made}")]
    assert with_site == stored_site
    assert any(a.get("impact") for a in stored_site)
    assert any(x.get("name") == "plc-1" for a in stored_site for x in a["assets"])


def test_baseline_show_right_after_learn(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The user's sequence: a site is stored, a baseline learned (no --site), then shown."""
    db = str(tmp_path / "b.db")
    assert run(["site", "load", str(SITE), "--db", db], capsys)[0] == 0
    code, out, _ = run(["baseline", "learn", str(MODBUS_SCENARIO), "--db", db], capsys)
    assert code == 0 and "baseline modbus lab version 1" in out
    code, out, err = run(["baseline", "show", "--db", db], capsys)
    assert code == 0, err
    assert "baseline modbus lab version 1" in out and f"{HMI}" in out
    code, out, _ = run(["baseline", "export", "-", "--db", db], capsys)
    assert code == 0 and json.loads(out)["site"] == "modbus lab"


def test_baseline_without_any_site_and_one_learned_before_the_site(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "n.db")
    code, out, _ = run(["baseline", "learn", str(MODBUS_SCENARIO), "--db", db], capsys)
    assert code == 0 and "baseline default version 1" in out
    assert "baseline default version 1" in run(["baseline", "show", "--db", db], capsys)[1]
    # the first site model stored later names that site: its commands find the same baseline
    assert run(["site", "load", str(SITE), "--db", db], capsys)[0] == 0
    code, out, err = run(["baseline", "show", "--db", db], capsys)
    assert code == 0 and "baseline modbus lab version 1" in out, err
    code, _, err = run(["baseline", "show", "--version", "3", "--db", db], capsys)
    assert code == 2 and "no baseline version 3 for site 'modbus lab'" in one_error_line(err)
    code, _, err = run(["baseline", "show", "--site-name", "elsewhere", "--db", db], capsys)
    assert code == 2
    assert one_error_line(err).endswith("no site 'elsewhere' in the store; its sites: 'modbus lab'")


def test_show_lists_where_each_later_burst_began() -> None:
    from plantwarden.cli.alert_cmd import _show_lines
    from plantwarden.detect.alerts import AlertBook
    from plantwarden.detect.model import Finding
    from plantwarden.detect.queue import SiteView
    from plantwarden.detect.rules.commands import NEW_WRITER
    from plantwarden.detect.sitectx import SiteContext

    book = AlertBook(SiteContext(None))
    for frame, ts in ((10, 0.0), (11, 0.5), (40, 30.0), (90, 60.0)):
        book.add(Finding(NEW_WRITER, ROGUE, PLC, "x.pcap", frame, 1.7e9 + ts, "write"))
    text = "\n".join(_show_lines(book.alerts[0], [], SiteView(None)))
    assert "seen       4 times" in text and "x.pcap frames 10, 11, 40, 90" in text
    assert "recurred 2 times, from frames 40, 90" in text


def test_learn_adds_to_the_stored_sites_baseline(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, before, _ = run(["baseline", "show", "--db", db], capsys)
    assert code == 0 and "baseline modbus lab version 1: 2 talkers" in before
    new = next(a for a in list_alerts(f"sqlite:///{db}") if a.rule == "new-asset")
    code, out, err = run(
        ["alert", "learn", new.id[:5], "--by", "ana", "--why", "new HMI", "--db", db], capsys
    )
    assert code == 0 and "closed; baseline version 2" in out, err
    code, after, _ = run(["baseline", "show", "--db", db], capsys)
    assert "baseline modbus lab version 2: 3 talkers" in after


def test_baseline_show_as_csv(made: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["baseline", "show", "--csv", "--db", str(made)], capsys)
    assert code == 0, err
    listed = rows(out)
    hmi = next(r for r in listed if (r["client"], r["server"], r["proto"]) == (HMI, PLC, "modbus"))
    assert int(hmi["requests"]) > 100 and "(trained)" in hmi["sequence"]
    assert {c.split()[0] for c in hmi["codes"].split(", ")} == {"1", "3", "4"}


def test_analyze_detect_uses_the_stored_site_as_with_site(
    made: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``analyze --detect`` without ``--site`` uses the stored site, as ``detect`` does: the
    same alerts, with names and impact, as with ``--site FILE``."""
    docs = []
    for extra in ([], ["--site", str(SITE)]):
        db = tmp_path / f"copy{len(extra)}.db"
        shutil.copy(made, db)
        with sqlite3.connect(db) as conn:  # the site and its baseline stay; the alerts go
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("DELETE FROM detect_alerts")
        code, out, err = run(
            ["analyze", str(MODBUS_SCENARIO), "--detect", "--json", "--db", str(db), *extra], capsys
        )
        assert code == 0, err
        docs.append(json.loads(out)["alerts"])
    without, with_site = docs
    assert without == with_site
    assert any(a.get("impact") for a in without)
    assert any(x.get("name") == "plc-1" for a in without for x in a["assets"])

"""Two sites side by side in one store (issue 20): each command sees its own site's rows only.

The dairy (examples/dairy) and the modbus lab (tests/cli/data) are loaded into one store, on a
SQLite file and on PostgreSQL, and worked through the real command line: captures analysed
into each (one capture file into both), baselines learned, detection run, an alert muted.
Then every listing for one site shows nothing of the other, and naming the other site's alert
or asset is "not found".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DATA, ROOT

DAIRY_DIR = ROOT / "examples" / "dairy"
DAIRY = "Molkerei Talblick (dairy, example)"
LAB = "modbus lab"
LAB_SITE = ROOT / "tests" / "cli" / "data" / "modbus_site.yaml"
MODBUS = DATA / "captures" / "modbus-pymodbus.pcap"  # stored into both sites
LAB_SCENARIO = DATA / "captures" / "detect-modbus.pcap"


def pw(
    *args: str, site: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    extra = ["--site-name", site] if site is not None else []
    base = {k: v for k, v in os.environ.items() if k not in ("PLANTWARDEN_DB", "PLANTWARDEN_SITE")}
    return subprocess.run(
        [sys.executable, "-m", "plantwarden", *args, *extra],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**base, **(env or {})},
        stdin=subprocess.DEVNULL,
    )


def ok(*args: str, site: str | None = None) -> str:
    r = pw(*args, site=site)
    assert r.returncode == 0, (args, r.stderr)
    return r.stdout


def doc(*args: str, site: str | None = None) -> Any:
    return json.loads(ok(*args, "--json", site=site))


def error(r: subprocess.CompletedProcess[str]) -> str:
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    return lines[0].removeprefix("plantwarden: error: ")


@pytest.fixture
def two_sites(store_url: str) -> str:
    db = ("--db", store_url)
    ok("site", "load", str(DAIRY_DIR / "site.yaml"), *db)
    ok("site", "load", str(LAB_SITE), *db)
    ok("analyze", str(DAIRY_DIR / "captures" / "normal.pcap"), str(MODBUS), *db, site=DAIRY)
    ok("analyze", str(MODBUS), *db, site=LAB)
    ok("baseline", "learn", str(DAIRY_DIR / "captures" / "normal.pcap"), *db, site=DAIRY)
    ok("baseline", "learn", str(MODBUS), *db, site=LAB)
    ok("detect", str(DAIRY_DIR / "captures" / "incidents.pcap"), *db, site=DAIRY)
    ok("detect", str(LAB_SCENARIO), *db, site=LAB)
    return store_url


def test_each_site_sees_only_its_own_rows(two_sites: str) -> None:
    db = ("--db", two_sites)
    sites = {s["name"]: s for s in doc("sites", *db)["sites"]}
    assert set(sites) == {DAIRY, LAB}
    assert (sites[DAIRY]["captures"], sites[LAB]["captures"]) == (2, 1)  # the modbus file: once per site
    assert sites[DAIRY]["model_version"] == sites[LAB]["model_version"] == 1
    assert sites[DAIRY]["open_alerts"] > 0 and sites[LAB]["open_alerts"] > 0

    status = {name: doc("db", "status", *db, site=name) for name in (DAIRY, LAB)}
    assert status[DAIRY]["site"] == status[DAIRY]["current_site"] == DAIRY
    assert (status[DAIRY]["captures"], status[LAB]["captures"]) == (2, 1)
    assert status[DAIRY]["sites"] == status[LAB]["sites"] == 2
    assert status[LAB]["hosts"] == sites[LAB]["hosts"] < status[DAIRY]["hosts"] == sites[DAIRY]["hosts"]

    alerts = {name: doc("alerts", *db, site=name)["alerts"] for name in (DAIRY, LAB)}
    assert len(alerts[DAIRY]) == sites[DAIRY]["open_alerts"] and len(alerts[LAB]) == sites[LAB]["open_alerts"]
    lab_addresses = {a for alert in alerts[LAB] for a in (alert["src"], alert["dst"])} - {"*"}
    assert lab_addresses and all(a.startswith("127.0.7.") for a in lab_addresses)
    assert not lab_addresses & {a for alert in alerts[DAIRY] for a in (alert["src"], alert["dst"])}

    assets = {name: doc("assets", *db, site=name) for name in (DAIRY, LAB)}
    lab_ips = {ip["address"] for a in assets[LAB]["assets"] for ip in a["ips"]}
    dairy_ips = {ip["address"] for a in assets[DAIRY]["assets"] for ip in a["ips"]}
    assert lab_ips and dairy_ips and not any(ip.startswith("10.10.") for ip in lab_ips)
    assert any(ip.startswith("10.10.") for ip in dairy_ips)

    baselines = {name: doc("baseline", "show", *db, site=name) for name in (DAIRY, LAB)}
    assert baselines[DAIRY]["site"] == DAIRY and baselines[LAB]["site"] == LAB
    assert baselines[DAIRY]["talkers"] != baselines[LAB]["talkers"]

    # another site's alert id and asset are not found from this one
    dairy_alert = alerts[DAIRY][0]["id"]
    assert doc("alert", "show", dairy_alert, *db, site=DAIRY)["id"] == dairy_alert
    assert error(pw("alert", "show", dairy_alert, *db, site=LAB)) == (
        f"no alert {dairy_alert!r} (see plantwarden alerts)"
    )
    r = pw("alert", "ack", dairy_alert, "--by", "ana", "--why", "x", *db, site=LAB)
    assert error(r) == f"no alert {dairy_alert!r} (see plantwarden alerts)"
    assert ok("asset", "plc-proc", *db, site=DAIRY)
    assert error(pw("asset", "plc-proc", *db, site=LAB)).startswith("no asset 'plc-proc' in the inventory")

    # a mute in one site is not in the other
    ok("alert", "mute", dairy_alert, "--by", "ana", "--why", "scanner", *db, site=DAIRY)
    assert [m["alert"] for m in doc("mutes", *db, site=DAIRY)["mutes"]] == [dairy_alert]
    assert doc("mutes", *db, site=LAB)["mutes"] == []

    # the report of one site names none of the other's assets
    page = ok("report", *db, site=LAB)
    assert "modbus lab" in page and DAIRY not in page and "plc-proc" not in page


def test_choosing_a_site_badly_is_a_clear_error(two_sites: str) -> None:
    db = ("--db", two_sites)
    listed = f"'{LAB}', '{DAIRY}'" if LAB < DAIRY else f"'{DAIRY}', '{LAB}'"
    for command in (["alerts"], ["assets"], ["mutes"], ["db", "status"], ["baseline", "show"], ["report"]):
        assert error(pw(*command, *db)) == (
            f"the store holds 2 sites: {listed}; choose one with --site-name NAME (or $PLANTWARDEN_SITE)"
        ), command
        assert error(pw(*command, *db, site="nope")) == f"no site 'nope' in the store; its sites: {listed}"
    # $PLANTWARDEN_SITE chooses as --site-name does
    r = pw("db", "status", "--json", *db, env={"PLANTWARDEN_SITE": LAB})
    assert r.returncode == 0 and json.loads(r.stdout)["site"] == LAB
    # a --site model of another site than the one chosen
    r = pw("assets", *db, "--site", str(LAB_SITE), site=DAIRY)
    assert error(r).startswith(f"--site names site '{LAB}', but the site chosen is '{DAIRY}'")
    # a writing command with several sites and none chosen analyses nothing
    r = pw("analyze", str(MODBUS), *db)
    assert error(r).startswith("the store holds 2 sites") and r.stdout == ""
    # nor does one with a mistyped site: sites are added by site load, not by a typo
    before = doc("sites", *db)
    for command in (["analyze", str(MODBUS)], ["baseline", "learn", str(MODBUS)], ["detect", str(MODBUS)]):
        r = pw(*command, *db, site="Molkerei Talblik")
        assert error(r) == f"no site 'Molkerei Talblik' in the store; its sites: {listed}", command
        assert r.stdout == ""
    assert doc("sites", *db) == before
    assert error(pw("alerts", *db, site=" ")) == "--site-name is empty"


def test_the_same_capture_is_stored_once_per_site(two_sites: str) -> None:
    from plantwarden.store.imports import list_captures
    from plantwarden.store.sites import choose_site

    dairy, lab = choose_site(two_sites, DAIRY), choose_site(two_sites, LAB)
    in_dairy = {c.sha256: c for c in list_captures(two_sites, dairy.id)}
    in_lab = {c.sha256: c for c in list_captures(two_sites, lab.id)}
    (shared,) = set(in_dairy) & set(in_lab)
    assert in_dairy[shared].id != in_lab[shared].id  # two rows: each site's own
    assert in_dairy[shared].conversations == in_lab[shared].conversations > 0
    # analysed again into the lab: still one capture there, nothing added to the dairy
    ok("analyze", str(MODBUS), "--db", two_sites, site=LAB)
    assert len(list_captures(two_sites, lab.id)) == 1 and len(list_captures(two_sites, dairy.id)) == 2


def test_sites_command_lists_as_csv_and_refuses_bad_input(two_sites: str, tmp_path: Path) -> None:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(ok("sites", "--csv", "--db", two_sites))))
    assert rows[0] == ["site", "model version", "captures", "hosts", "open alerts", "newest capture"]
    assert [(r[0], r[2]) for r in rows[1:]] == [(DAIRY, "2"), (LAB, "1")]
    assert error(pw("sites", "--json", "--csv", "--db", two_sites)) == "give --json or --csv, not both"
    missing = tmp_path / "missing.db"
    assert error(pw("sites", "--db", str(missing))).startswith(f"no plantwarden store at {missing}")
    assert not missing.exists()
    empty = tmp_path / "empty.db"
    ok("db", "upgrade", "--db", str(empty))
    assert ok("sites", "--db", str(empty)).startswith("no sites")
    assert doc("sites", "--db", str(empty))["sites"] == []


def test_the_demo_runs_beside_another_site(tmp_path: Path) -> None:
    """make demo in a store that holds another plant: the dairy is added beside it, untouched."""
    db = ("--db", str(tmp_path / "plants.db"))
    ok("site", "load", str(LAB_SITE), *db)
    ok("analyze", str(LAB_SCENARIO), *db, site=LAB)
    lab_before = {s["name"]: s for s in doc("sites", *db)["sites"]}[LAB]
    r = pw("demo", *db, "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert f"site '{DAIRY}'" in r.stdout
    fleet = r.stdout[r.stdout.index("All sites of the store") :].splitlines()[1:3]  # one line per site
    assert {line.split(":")[0] for line in fleet} == {DAIRY, LAB}
    sites = {s["name"]: s for s in doc("sites", *db)["sites"]}
    assert sites[LAB] == lab_before
    assert (sites[DAIRY]["captures"], sites[DAIRY]["model_version"]) == (2, 1)
    assert sites[DAIRY]["open_alerts"] > 0

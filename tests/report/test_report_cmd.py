"""``plantwarden report`` on a real store (the dairy demo run into a temporary database),
through the real CLI: the page, its guard, its bad input, and its inline sorting run by node."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from plantwarden.cli.outfile import GENERATOR_MARK
from plantwarden.detect.store_alerts import list_alerts
from plantwarden.report.html import SORT_JS
from plantwarden.report.run import DemoPaths, run_demo
from plantwarden.store.status import store_status
from tests.conftest import ROOT

DAIRY = ROOT / "examples" / "dairy"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "plantwarden", *args]
    return subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=120)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('report') / 'pw.db'}"
    run_demo(DemoPaths(DAIRY), url)
    return url


def one_line_error(r: subprocess.CompletedProcess[str], *words: str) -> None:
    assert r.returncode == 2, r.stdout + r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr, r.stderr
    for word in words:
        assert word in r.stderr


def test_the_report_of_a_store(store: str, tmp_path: Path) -> None:
    page = tmp_path / "plant.html"
    r = run("report", "--db", store, "--out", str(page))
    assert r.returncode == 0, r.stderr
    html = page.read_text(encoding="utf-8")
    head = html.split("</head>")[0]
    assert f'<meta name="generator" content="{GENERATOR_MARK}">' in head
    assert "Molkerei Talblick" in html and "plantwarden report" in html
    assert "does this keep production safe and running?" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="map"' in html
    assert 'class="chart"' in html
    table = html.split('class="alerts sortable"')[1].split("</table>")[0]
    open_alerts = [a for a in list_alerts(store) if a.state != "closed"]
    assert len(re.findall(r"<tr>", table)) - 1 == len(open_alerts) > 0
    assert "plantwarden alert show ID" in html and "lblprt-1 lblprt-2" not in html  # not the demo's steps
    # written again over its own page: allowed (it carries the mark)
    assert run("report", "--db", store, "--out", str(page)).returncode == 0
    # to stdout without --out
    r = run("report", "--db", store)
    assert r.returncode == 0 and r.stdout.startswith("<!DOCTYPE html>")


def test_site_option_is_read_not_stored(store: str, tmp_path: Path) -> None:
    before = store_status(store).site_versions
    draft = tmp_path / "draft.yaml"
    draft.write_text((DAIRY / "site.yaml").read_text().replace("currency: EUR", "currency: CHF", 1))
    r = run("report", "--db", store, "--site", str(draft), "--out", str(tmp_path / "d.html"))
    assert r.returncode == 0, r.stderr
    assert "CHF" in (tmp_path / "d.html").read_text()
    assert store_status(store).site_versions == before
    # a model of another site than the store's is refused: it would name another plant's assets
    other = tmp_path / "other.yaml"
    other.write_text((DAIRY / "site.yaml").read_text().replace("Molkerei Talblick", "Molkerei Entwurf", 1))
    r = run("report", "--db", store, "--site", str(other), "--out", str(tmp_path / "o.html"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip() == (
        "plantwarden: error: no site 'Molkerei Entwurf (dairy, example)' in the store; "
        "its sites: 'Molkerei Talblick (dairy, example)'"
    )
    assert not (tmp_path / "o.html").exists()


def test_refuses_to_overwrite_a_capture_or_a_foreign_file(store: str, tmp_path: Path) -> None:
    victim = tmp_path / "victim.pcap"
    shutil.copy(DAIRY / "captures" / "normal.pcap", victim)
    before = victim.read_bytes()
    one_line_error(run("report", "--db", store, "--out", str(victim)), "is a capture")
    assert victim.read_bytes() == before
    notes = tmp_path / "notes.html"
    notes.write_text("<p>my notes</p>")
    one_line_error(run("report", "--db", store, "--out", str(notes)), "not a plantwarden document", "--force")
    assert notes.read_text() == "<p>my notes</p>"
    assert run("report", "--db", store, "--out", str(notes), "--force").returncode == 0
    assert GENERATOR_MARK in notes.read_text()


def test_bad_input_exits_2_on_one_line(tmp_path: Path) -> None:
    typo = tmp_path / "plantwaden.db"
    one_line_error(run("report", "--db", str(typo)), "no plantwarden store at", "db upgrade")
    assert not typo.exists()  # a reading command never creates a store
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    assert run("db", "upgrade", "--db", empty).returncode == 0
    one_line_error(run("report", "--db", empty), "no site model")
    one_line_error(run("report", "--db", empty, "--site", str(tmp_path / "nope.yaml")), "nope.yaml")
    assert run("report", "--db", empty, "--bogus").returncode == 2  # Click's own usage message


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_inline_script_sorts_the_table_in_node() -> None:
    # a minimal DOM of one sortable table: the page's own script runs on it unchanged
    rows = [["1", "critical", "30000"], ["2", "high", "6500"], ["3", "critical", "9500"]]
    sort = [["1", "4", "30000"], ["2", "3", "6500"], ["3", "4", "9500"]]
    shim = """
const rows = ROWS, keys = KEYS;
function cell(t, k) { return { textContent: t, getAttribute: (n) => n === 'data-sort' ? k : null }; }
function el() { const a = {}; return { attrs: a, listeners: {},
  getAttribute(n) { return n in a ? a[n] : null; }, setAttribute(n, v) { a[n] = v; },
  removeAttribute(n) { delete a[n]; }, addEventListener(e, f) { this.listeners[e] = f; } }; }
const heads = [el(), el(), el()];
const body = { rows: rows.map((r, i) => ({ cells: r.map((t, j) => cell(t, keys[i][j])), id: r[0] })) };
body.appendChild = (r) => { body.rows = body.rows.filter((x) => x !== r).concat([r]); };
const table = { tHead: { rows: [{ cells: heads }] }, tBodies: [body] };
global.document = { querySelectorAll: () => [table] };
SCRIPT
const order = [];
for (const [col, times] of [[1, 1], [1, 1], [2, 1], [0, 1]]) {
  for (let i = 0; i < times; i += 1) heads[col].listeners.click();
  order.push(body.rows.map((r) => r.id).join(','));
}
console.log(JSON.stringify(order));
"""
    shim = shim.replace("ROWS", json.dumps(rows)).replace("KEYS", json.dumps(sort)).replace("SCRIPT", SORT_JS)
    r = subprocess.run(["node", "-e", shim], capture_output=True, text=True, check=True, timeout=30)
    # severity ascending (high first), then descending, then cost ascending, then # restores
    assert json.loads(r.stdout) == ["2,1,3", "1,3,2", "2,3,1", "1,2,3"]


def test_the_report_has_the_vulnerabilities_with_production_at_risk(store: str, tmp_path: Path) -> None:
    from plantwarden.vulns.service import site_vulns

    body = site_vulns(store, None)
    r = run("report", "--db", store)
    assert r.returncode == 0, r.stderr
    html = r.stdout
    top = html.split('<table class="vulns">')[1].split("</table>")[0]
    rows = top.split("<tr>")[2:]
    assert len(rows) == len(body["items"]) == 4
    first = body["items"][0]
    assert first["asset"] in rows[0] and first["cve"] in rows[0] and "known exploited" in rows[0]
    assert "30,000 EUR/h" in rows[0] and "filling after" in rows[0]
    assert "(4; 2 known exploited)" in html
    per_line = html.split('<table class="vulns-lines">')[1].split("</table>")[0]
    assert [g["line"] for g in body["by_line"]] == re.findall(r"<tr><td>([^<]+)</td>", per_line)
    assert "14,000 EUR/h" in per_line

"""``plantwarden alerts`` reads the store a page at a time through the API's listing service
(detect/listing.py): the same rows in the same order as the command gave when it read every
alert and sorted it in Python (computed here the old way: list_alerts, then worst_first over
the site's view), in the table, --json and --csv, with and without filters, across many
pages; the table stops at a first page and says how many more there are and how to see them.

The store is made by the real commands: the pymodbus scenario with its site model (a rogue
host writes to the PLC, scans and sweeps), then the scan capture of the segmentation tests,
the zones and the operations scenarios of detection (addresses the site does not declare),
and one alert acknowledged."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from plantwarden import jsonout
from plantwarden.cli.alert_cmd import _document, alert_rows
from plantwarden.cli.app import main
from plantwarden.cli.listing import csv_text
from plantwarden.continuity.source import stored_model
from plantwarden.detect import listing
from plantwarden.detect.model import Alert
from plantwarden.detect.order import worst_first
from plantwarden.detect.queue import SiteView, parse_query
from plantwarden.detect.store_alerts import list_alerts
from plantwarden.store.sites import choose_site
from tests.detect.helpers import CAPTURES, MODBUS_SCENARIO

SITE = Path(__file__).resolve().parent / "data" / "modbus_site.yaml"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    try:
        main(argv)
    except SystemExit as exc:
        assert not exc.code, (argv, capsys.readouterr().err)
    return capsys.readouterr().out


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("pages") / "pages.db"
    for argv in (
        ["site", "load", str(SITE)],
        ["detect", str(MODBUS_SCENARIO), "--learn-for", "8s"],
        ["detect", str(CAPTURES / "segmentation-scan.pcap")],
        ["detect", str(CAPTURES / "detect-zones.pcap")],
        ["detect", str(CAPTURES / "detect-ops.pcap")],
    ):
        try:
            main([*argv, "--db", str(path)])
        except SystemExit as exc:
            assert not exc.code, argv
    first = worst_first(list_alerts(f"sqlite:///{path}"))[1]
    try:
        main(["alert", "ack", first.id, "--by", "ana", "--why", "looking", "--db", str(path)])
    except SystemExit as exc:
        assert not exc.code
    return str(path)


def old_way(db: str, **filters: str) -> tuple[SiteView, list[Alert]]:
    """What ``alerts`` listed before: every alert read, named, sorted in Python."""
    url = f"sqlite:///{db}"
    site_id = choose_site(url).id
    view = SiteView(stored_model(url, site_id))
    query = parse_query(**filters, site=view.site)  # type: ignore[arg-type]
    return view, worst_first(view.named(a) for a in list_alerts(url, query=query, site=site_id))


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three rows a page, so that a listing crosses many page boundaries."""
    monkeypatch.setattr(listing, "PAGE_ROWS", 3)


def test_json_and_csv_are_the_old_rows_in_the_old_order(
    db: str, small_pages: None, capsys: pytest.CaptureFixture[str]
) -> None:
    view, old = old_way(db)
    assert len(old) > 7 and len({a.state for a in old}) == 2 and len({a.severity for a in old}) >= 3
    expected = jsonout.dumps(jsonout.document("alerts", 1, {"alerts": [_document(a, view) for a in old]}))
    assert run(["alerts", "--json", "--db", db], capsys) == expected + "\n"
    got = list(csv.reader(io.StringIO(run(["alerts", "--csv", "--db", db], capsys))))
    assert got[1:] == [[csv_text(c) for c in row] for row in alert_rows(old, view, as_csv=True)]


@pytest.mark.parametrize(
    "filters",
    [
        {"state": "new"},
        {"severity": "high"},
        {"asset": "plc-1"},
        {"rule": "port-scan,host-sweep,new-conversation"},
        {"state": "acknowledged,new", "severity": "low"},
    ],
)
def test_filters_keep_the_old_rows_in_the_old_order(
    db: str, filters: dict[str, str], small_pages: None, capsys: pytest.CaptureFixture[str]
) -> None:
    _, old = old_way(db, **filters)
    argv = [x for k, v in filters.items() for x in (f"--{k}", v)]
    listed = jsonout.loads(run(["alerts", "--json", "--db", db, *argv], capsys))["alerts"]
    assert [a["id"] for a in listed] == [a.id for a in old] and old


def ids_in(table: str, known: list[str]) -> list[str]:
    return [x.split()[0] for x in table.splitlines() if x.split() and x.split()[0] in known]


def test_the_table_shows_a_first_page_and_says_how_to_see_the_rest(
    db: str, small_pages: None, capsys: pytest.CaptureFixture[str]
) -> None:
    _, old = old_way(db)
    known = [a.id for a in old]
    out = run(["alerts", "--wide", "--limit", "4", "--db", db], capsys)
    assert ids_in(out, known) == known[:4]
    more = f"the 4 most severe of {len(old)} alerts ({len(old) - 4} more); all of them: plantwarden alerts"
    more += " --all (or --limit N)"
    assert more in out
    for every in (["--all"], ["--limit", "0"]):
        out = run(["alerts", "--wide", "--db", db, *every], capsys)
        assert ids_in(out, known) == known and "most severe" not in out
    assert len(known) > 50  # without --limit, the table shows the first 50
    out = run(["alerts", "--wide", "--db", db], capsys)
    assert ids_in(out, known) == known[:50]
    assert f"the 50 most severe of {len(old)} alerts ({len(old) - 50} more)" in out
    listed = jsonout.loads(run(["alerts", "--json", "--limit", "5", "--db", db], capsys))["alerts"]
    assert [a["id"] for a in listed] == known[:5]
    assert run(["alerts", "--state", "closed", "--db", db], capsys).strip() == "no alerts"


def test_pages_hold_at_most_a_page_and_walk_the_whole_order(db: str) -> None:
    url = f"sqlite:///{db}"
    site_id = choose_site(url).id
    assert site_id is not None
    flt = listing.QueueFilter(parse_query())
    whole = [r.alert_id for page in listing.pages(url, site_id, flt, size=1000) for r in page]
    sizes: list[int] = []
    walked: list[Any] = []
    for page in listing.pages(url, site_id, flt, size=2):
        sizes.append(len(page))
        walked += [r.alert_id for r in page]
    assert walked == whole == [a.id for a in old_way(db)[1]]
    assert max(sizes) == 2 and len(sizes) == (len(whole) + 1) // 2
    cut = [r.alert_id for page in listing.pages(url, site_id, flt, limit=5, size=2) for r in page]
    assert cut == whole[:5] and listing.count(url, site_id, flt) == len(whole)

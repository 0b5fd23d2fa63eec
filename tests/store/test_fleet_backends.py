"""The fleet views on both backends (a SQLite file, and the session's own PostgreSQL
database): two plants side by side, the dairy demo and the cheese plant, each with its real
captures analysed into its site; every answer checked against the per-site services."""

from __future__ import annotations

from plantwarden.fleet.alerts import all_sites
from plantwarden.fleet.firmware import FirmwareQuery, firmware_question
from plantwarden.fleet.kev import kev_exposed
from plantwarden.fleet.risk import production_at_risk
from plantwarden.report.run import DemoPaths, run_demo
from plantwarden.store.sites import choose_site
from tests.conftest import ROOT
from tests.fleet import expect
from tests.web.fleet_world import CHEESE, add_cheese
from tests.web.world import DAIRY


def test_the_fleet_views_on_both_backends(store_url: str) -> None:
    run_demo(DemoPaths(ROOT / "examples" / "dairy"), store_url)
    add_cheese(store_url)
    sites = all_sites(store_url)
    names = [s.name for s in sites]
    assert set(names) == {DAIRY, CHEESE}

    rows, skipped = production_at_risk(store_url, sites)
    assert not skipped and {r.site for r in rows} == {DAIRY, CHEESE}
    for row in rows:
        expect.check_site_risk(store_url, row)
    figures = [r.at_risk_per_hour for r in rows]
    assert figures == sorted(figures, reverse=True) and figures[-1] > 0
    only, _ = production_at_risk(store_url, [choose_site(store_url, CHEESE)])
    assert [r.site for r in only] == [CHEESE]

    observed = firmware_question(store_url, sites, FirmwareQuery("V3.3.0", vendor="Siemens"))
    expect.check_firmware(store_url, observed, names)
    assert {h.site for h in observed.items} == {DAIRY, CHEESE}  # seen in both plants' S7 traffic
    assert any(h.site == CHEESE and "s7comm" in h.source for h in observed.items)
    switches = firmware_question(store_url, sites, FirmwareQuery("IOS XE 17.9.3"))
    expect.check_firmware(store_url, switches, names)
    assert switches.items and switches.others  # a ring of two covers the cheese plant's vat cell
    assert all(h.covered_by and "covered by" in h.why for h in switches.others)

    kev = kev_exposed(store_url, sites)
    wanted = expect.kev_exposed(store_url, DAIRY) | expect.kev_exposed(store_url, CHEESE)
    assert expect.as_set([x.as_dict() for x in kev.items]) == wanted and wanted
    assert expect.kev_hidden(store_url, DAIRY)  # KEV, but no path reaches it: not in the answer

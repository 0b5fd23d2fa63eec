"""End of support: the OS table, legacy shares, IT/OT alignment (data/lifecycle.yaml)."""

from __future__ import annotations

from datetime import date

from plantwarden.continuity.eos_table import os_end_of_support
from plantwarden.continuity.lifecycle import report
from tests.continuity.helpers import site


def test_os_table_matches_common_spellings() -> None:
    assert os_end_of_support("Windows", "XP SP3") == ("Windows XP", date(2014, 4, 8))
    assert os_end_of_support("Windows Server", "2008 R2") == (
        "Windows Server 2008 / 2008 R2",
        date(2020, 1, 14),
    )
    assert os_end_of_support("Windows", "10 22H2") == ("Windows 10", date(2025, 10, 14))
    assert os_end_of_support("Windows", "8.1") == ("Windows 8.1", date(2023, 1, 10))
    assert os_end_of_support("Windows", "CE 7") == ("Windows Embedded Compact 7", date(2021, 4, 13))
    assert os_end_of_support("Windows Server", "2016") == ("Windows Server 2016", date(2027, 1, 12))
    assert os_end_of_support("Windows", "11") is None
    assert os_end_of_support(None, None) is None


def test_legacy_share_per_zone_and_line() -> None:
    model, graph = site("lifecycle")
    body = report(model, graph, date(2025, 1, 1))
    assert body["zones"]["z"] == {"assets": 3, "legacy": [], "unknown": [], "legacy_share": 0.0}
    assert body["zones"]["y"]["legacy"] == ["hist-a"] and body["zones"]["y"]["unknown"] == ["spare"]
    assert body["lines"]["L"]["assets"] == 4 and body["lines"]["L"]["legacy_share"] == 0.25
    hist = next(a for a in body["assets"] if a["asset"] == "hist-a")
    assert hist["source"] == "os: Windows Server 2012 / 2012 R2" and hist["legacy"] is True


def test_alignment_lists_it_ending_before_the_ot_that_needs_it() -> None:
    model, graph = site("lifecycle")
    found = [
        (g["kind"], g["ot"], g["it"], g["it_end"])
        for g in report(model, graph, date(2025, 1, 1))["alignment"]
    ]
    assert found == [
        ("own_os", "hmi-a", "hmi-a", "2020-01-14"),
        ("requires", "plc-a", "hist-a", "2023-10-10"),
        ("requires", "plc-a", "sw", "2030-01-01"),
    ]


def test_dairy_labeller_outlives_its_print_server() -> None:
    model, graph = site("dairy")
    body = report(model, graph, date(2025, 6, 1))
    pairs = {(g["ot"], g["it"]) for g in body["alignment"]}
    assert ("labeller-01", "prt-srv-01") in pairs
    assert "ews-02" in body["zones"]["operations"]["legacy"]

"""Version ranges in each form the advisories write them, and the names they are matched by."""

from __future__ import annotations

import pytest

from plantwarden.vulns.names import catalogue_family, order_key, product_name, vendor_keys
from plantwarden.vulns.ranges import InRange, Unparsed, inclusive_from_name, parse_range
from plantwarden.vulns.versions import parse_version

YES, NO, UNKNOWN = InRange.YES, InRange.NO, InRange.UNKNOWN


@pytest.mark.parametrize(
    ("text", "version", "want"),
    [
        ("vers:all/<V3.5.20", "V3.5.19", YES),
        ("vers:all/<V3.5.20", "V3.5.20", NO),
        ("vers:all/*", "anything 1", YES),
        ("vers:intdot/>=1.2.3|<2", "1.10", YES),
        ("vers:intdot/>=1.2.3|<2", "2.0", NO),
        ("vers:generic/1.0|2.0", "2", YES),
        ("vers:generic/!=1.5|>=1.0", "1.5", NO),
        (">= V7.80 < V9.30", "V8.0", YES),
        (">= V7.80 < V9.30", "V9.30", NO),
        (">= V7.80 < V9.30", "V7.79", NO),
        (">=1.220|<=1.281", "1.281", YES),
        (">=1.220|<=1.281", "1.290", NO),
        ("8.001|8.002|9.001", "8.002", YES),
        ("8.001|8.002|9.001", "8.003", NO),
        ("<V33.017_V34.014_V35.013_V36.011", "34.011", YES),
        ("<V33.017_V34.014_V35.013_V36.011", "34.014", NO),
        ("<V33.017_V34.014_V35.013_V36.011", "32.1", YES),
        ("<V33.017_V34.014_V35.013_V36.011", "37.0", NO),
        (">FW19_up_to_and_including_FW26", "FW20", YES),
        (">FW19_up_to_and_including_FW26", "FW19", NO),
        ("< 3.3 SP1 3.x", "3.2", YES),
        ("< 3.3 SP1 3.x", "2.9", NO),
        ("<=3.8.0_Feature_Pack_1", "3.8.0", YES),
        (">=2020|<2020_R2_SP1_P01", "2020 R2", YES),
        (">=2020|<2020_R2_SP1_P01", "2020_R2_SP1_P01", NO),
        (">= 3.5.11.0 | < 3.5.19.20", "3.5.19.2", YES),
        ("<=R322.1", "R321.3", YES),
        (">=1.00A|<1.05F", "1.05E", YES),
        (">=1.00A|<1.05F", "1.05F", NO),
        (">v33.011|<v33.015", "33.011", NO),
        ("<= 1.9-40", "1.9-39", YES),
        ("All versions < V15.1 Upd4", "V15.1 Upd3", YES),
        ("All versions < V15.1 Upd4", "V15.1 Upd4", NO),
        ("All versions with Fortinet NGFW", "7.0", YES),
        ("3.3 SP2 (part of SPR1 2023.0)", "3.3 SP2", YES),
        ("<v2.5.2", None, UNKNOWN),
    ],
)
def test_range_forms(text: str, version: str | None, want: InRange) -> None:
    assert parse_range(text).contains(parse_version(version) if version else None) == want


def test_unreadable_ranges_are_unknown_never_not_affected() -> None:
    for text in (">= 1.31 | <= 1.4", "Versions before the 2019 update", "vers:generic/"):
        spec = parse_range(text)
        assert isinstance(spec, Unparsed), text
        assert spec.contains(parse_version("1.0")) == UNKNOWN


def test_and_earlier_in_the_name_makes_the_bound_inclusive() -> None:
    spec = inclusive_from_name(
        parse_range("< 3.3 SP1 3.x"), "S+ Operations: 3.3 SP1 and earlier 3.x versions"
    )
    assert spec.contains(parse_version("3.3 SP1")) == YES


def test_versions_compare_as_numbers_with_prefixes_dropped() -> None:
    v = parse_version
    assert v("V3.5.20").key > v("3.5.3").key  # type: ignore[union-attr]
    assert v("1.0").key == v("1.0.0").key  # type: ignore[union-attr]
    assert v("MX-V4.7.2.18").key == v("4.7.2.18").key  # type: ignore[union-attr]
    assert parse_version("no digits") is None


def test_vendor_aliases() -> None:
    assert vendor_keys("Siemens AG") == {"siemens"}
    assert "schneider electric" in vendor_keys("Schneider Electric Software, LLC")
    assert "johnson controls" in vendor_keys("Exacq Technologies, Johnson Controls Inc.")
    assert vendor_keys("Allen-Bradley") == {"rockwell automation"}
    assert vendor_keys("Digi International, Inc. ") == {"digi"}


def test_product_names_order_numbers_and_conditions() -> None:
    p = product_name("SIMATIC CP 1243-8 IRC (6GK7243-8RX30-0XE0)", "Siemens")
    assert (p.name, p.models) == ("simatic cp 1243-8 irc", ("6GK7243-8RX30-0XE0",))
    p = product_name(
        "Stratix 5800 (running Cisco IOS XE Software with the Web UI feature enabled)", "Rockwell"
    )
    assert p.name == "stratix 5800" and p.condition is not None and p.condition.startswith("running Cisco")
    p = product_name("CS1H/G-CPU**H, CJ1G-CPU**P", "Omron")
    assert p.pattern is not None and p.pattern.match("cs1g-cpu45h") and not p.pattern.match("cs1g-cpu45p")
    assert order_key("6ES7 214-1AG40-0XB0") == "6ES7214-1AG40-0XB0"
    assert catalogue_family("1756-L83E/B") == "controllogix 5580"
    assert catalogue_family("1756-L83ES") == "guardlogix 5580"

"""How a firmware, vendor or model someone types is held against what an asset runs."""

from __future__ import annotations

import pytest

from plantwarden.fleet.firmware_text import firmware_matches, model_matches, parts, vendor_matches


@pytest.mark.parametrize(
    ("asked", "firmware"),
    [
        ("IOS XE 17.9.3", "IOS XE 17.9.3"),
        ("17.9.3", "IOS XE 17.9.3"),
        ("ios xe 17.9", "IOS XE 17.9.3"),  # a branch, case aside
        ("V3.3.0", "V3.3.0"),
        ("3.3.0", "V3.3.0"),
        ("V3.3", "3.3.0"),  # equal versions: trailing zeros do not count
        ("4.2.13", "04.02.13"),  # leading zeros do not count
        ("V10", "CPU OS V10"),
        ("FortiOS 7.2", "FortiOS 7.2.8"),
    ],
)
def test_matches(asked: str, firmware: str) -> None:
    assert firmware_matches(asked, firmware)


@pytest.mark.parametrize(
    ("asked", "firmware"),
    [
        ("3.0", "3.10"),
        ("17.9", "17.10.1"),
        ("17.9.3", "17.9"),  # more precise than what the asset says
        ("V4.4", "V3.3.0"),
        ("IOS 17.9.3", "IOS XE 17.9.3"),  # not a run of its parts
        ("12", "V1.2"),
    ],
)
def test_does_not_match(asked: str, firmware: str) -> None:
    assert not firmware_matches(asked, firmware)


def test_parts() -> None:
    assert parts("MX-V4.7.2.35-r1") == ("mx", 4, 7, 2, 35, 1)  # a V or R glued to a number goes
    assert parts("V7.5 SP2") == (7, 5, "sp", 2)


def test_vendor_and_model() -> None:
    assert vendor_matches("Siemens AG", ["Siemens"])
    assert vendor_matches("allen-bradley", ["Rockwell Automation"])
    assert vendor_matches("Rockwell", ["Rockwell Automation"]) and not vendor_matches("Siemens", ["HIMA"])
    assert model_matches("1783-mms10", ["1783-MMS10EA"])
    assert model_matches("6ES7315-2EH14", ["6ES7 315-2EH14-0AB0"])
    assert not model_matches("1756", ["1783-MMS10EA"])

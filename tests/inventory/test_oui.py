"""MAC vendor lookup against the real IEEE registries shipped with plantwarden."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

from plantwarden.errors import InputError
from plantwarden.inventory.oui import OuiRegistry, default_registry, lookup, mac_kind
from plantwarden.inventory.oui_bundle import DATA_DIR, main, read_ieee_dir
from tests.conftest import SHARED

IEEE = SHARED / "data" / "oui"


def test_ma_s_block_wins_over_the_ma_l_it_sits_in() -> None:
    block = lookup("70:b3:d5:f2:f0:42")  # MA-S 70B3D5F2F inside MA-L 70B3D5
    assert (block.vendor, block.registry, block.prefix) == ("TELEPLATFORMS", "MA-S", "70B3D5F2F")
    outside = lookup("70:b3:d5:f2:e0:42")  # same MA-L, another MA-S block
    assert outside.prefix != "70B3D5F2F"


def test_iab_wins_over_its_ma_l() -> None:
    info = lookup("00:50:c2:7d:50:01")
    assert (info.vendor, info.registry) == ("DEUTA-WERKE GmbH", "IAB")


def test_ma_m_wins_over_its_ma_l_and_unassigned_falls_back() -> None:
    rows = read_ieee_dir(IEEE)
    mal = {a: o for r, a, o in rows if r == "MA-L"}
    mam = next((a, o) for r, a, o in rows if r == "MA-M" and a[:6] in mal and mal[a[:6]] != o)
    digits = mam[0] + "00042"
    mac = ":".join(digits[i : i + 2] for i in range(0, 12, 2)).lower()
    assert (lookup(mac).vendor, lookup(mac).registry) == (mam[1], "MA-M")
    assigned_s = {a for r, a, _ in rows if r in ("MA-S", "IAB")}
    free = next(f"70B3D5{n:03X}" for n in range(4096) if f"70B3D5{n:03X}" not in assigned_s)
    mac = ":".join((free + "042")[i : i + 2] for i in range(0, 12, 2))
    assert (lookup(mac).vendor, lookup(mac).registry) == (mal["70B3D5"], "MA-L")


def test_plain_oui_and_flags() -> None:
    assert lookup("00:1b:1b:23:eb:3b").vendor == "Siemens AG,"
    assert lookup("00-0C-29-EE-B7-84").vendor == "VMware, Inc."
    assert lookup("02:00:00:03:00:11").kind == "local" and lookup("02:00:00:03:00:11").vendor is None
    assert lookup("01:00:5e:00:00:fb").group == "IPv4 multicast"
    assert lookup("ff:ff:ff:ff:ff:ff").kind == "broadcast"
    assert lookup("00:00:00:00:00:00").kind == "null"
    assert mac_kind("zz") == "invalid"


def test_shipped_bundle_holds_every_ieee_row() -> None:
    shipped = default_registry()
    for name, registry in (("oui36.csv", "MA-S"), ("iab.csv", "IAB")):
        with (IEEE / name).open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))[1:]
        for row in rows[:: max(1, len(rows) // 200)]:
            digits = row[1] + "0" * (12 - len(row[1]))
            mac = ":".join(digits[i : i + 2] for i in range(0, 12, 2))
            assert shipped.lookup(mac).registry == registry, row
    assert len(shipped) > 45_000
    assert (DATA_DIR / "registry.tsv.gz").stat().st_size < 1_000_000
    notice = (DATA_DIR / "NOTICE.md").read_text()
    assert "IEEE Registration Authority" in notice and "2022-08-27" in notice


def test_rebuilding_the_bundle_is_byte_identical(tmp_path: Path) -> None:
    assert main([str(IEEE), str(tmp_path)]) == 0
    assert (tmp_path / "registry.tsv.gz").read_bytes() == (DATA_DIR / "registry.tsv.gz").read_bytes()
    assert gzip.decompress((tmp_path / "registry.tsv.gz").read_bytes()).startswith(b"IAB\t")


def test_update_from_a_directory_and_bad_rows(tmp_path: Path) -> None:
    (tmp_path / "oui.csv").write_text(
        "Registry,Assignment,Organization Name,Organization Address\nMA-L,ACDE48,Example Org,Somewhere\n"
    )
    assert OuiRegistry.from_ieee_dir(tmp_path).lookup("ac:de:48:00:11:22").vendor == "Example Org"
    (tmp_path / "oui.csv").write_text("Registry,Assignment,Organization Name\nMA-L,XYZ,Bad\n")
    with pytest.raises(InputError, match=r"oui.csv:2: assignment 'XYZ'"):
        OuiRegistry.from_ieee_dir(tmp_path)
    with pytest.raises(InputError, match="none of"):
        OuiRegistry.from_ieee_dir(tmp_path / "missing")

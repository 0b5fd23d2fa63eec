"""``plantwarden site init``: a draft site file from real captures that validates as it is,
with the observed identities and '# DECIDE:' where the user must decide; guarded output."""

from __future__ import annotations

import shutil
import subprocess
import sys
from ipaddress import ip_address, ip_network
from pathlib import Path

import pytest

from plantwarden.cli.outfile import GENERATOR_MARK
from plantwarden.site.loader import load_site
from plantwarden.site.model import SiteModel

ROOT = Path(__file__).resolve().parents[2]
DAIRY = ROOT / "examples" / "dairy" / "captures"
PYMODBUS = ROOT / "tests" / "data" / "captures" / "modbus-pymodbus.pcap"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "plantwarden", "site", *args]
    return subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=180)


@pytest.fixture(scope="module")
def dairy_draft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("init") / "site.yaml"
    r = run("init", str(DAIRY / "normal.pcap"), str(DAIRY / "incidents.pcap"), "--out", str(out))
    assert r.returncode == 0, r.stderr
    return out


def test_the_draft_validates_as_it_is(dairy_draft: Path) -> None:
    text = dairy_draft.read_text()
    assert text.splitlines()[0].startswith(f"# {GENERATOR_MARK}")
    r = run("validate", str(dairy_draft))
    assert r.returncode == 0, r.stderr


def test_assets_carry_the_observed_identity(dairy_draft: Path) -> None:
    model: SiteModel = load_site(dairy_draft)
    plc_proc = model.asset_for_ip("10.10.40.12")  # plc-proc of the demo: its S7 SZL answers
    assert plc_proc is not None and plc_proc.role.value == "plc"
    assert (plc_proc.vendor, plc_proc.model, plc_proc.firmware) == (
        "Siemens",
        "6ES7 315-2EH14-0AB0",
        "V3.3.0",
    )
    assert plc_proc.macs == ("28:63:36:40:00:12",)
    plc_pack = model.asset_for_ip("10.10.40.31")  # Modbus device identification
    assert plc_pack is not None and (plc_pack.vendor, plc_pack.model, plc_pack.firmware) == (
        "Schneider Electric",
        "BMXP342020",
        "3.10",
    )
    rogue = model.asset_for_ip("10.10.40.99")  # the unmanaged Raspberry Pi is drafted too
    assert rogue is not None and rogue.zone == model.zone_for_ip("10.10.40.99").name  # type: ignore[union-attr]


def test_zones_from_subnets_and_roles(dairy_draft: Path) -> None:
    model = load_site(dairy_draft)
    control = model.zone_for_ip("10.10.40.11")
    assert (
        control is not None and control.level == "control" and control.cidrs == (ip_network("10.10.40.0/24"),)
    )
    building = model.zone_for_ip("10.10.60.10")
    assert building is not None and building.level == "building"
    # the plant's broadcast (BACnet Who-Is to 10.10.255.255) makes no zone and no asset
    assert model.zone_for_ip("10.10.255.255") is None
    assert not [a for a in model.assets if ip_address("10.10.255.255") in a.ips]


def test_decide_comments_where_the_user_must_decide(dairy_draft: Path) -> None:
    lines = dairy_draft.read_text().splitlines()
    decide = [x for x in lines if "# DECIDE:" in x]
    for what in ("the site's name", "timezone", "currency", "conduits", "production lines"):
        assert any(what in x for x in decide), what
    model = load_site(dairy_draft)
    assert sum("DECIDE: level and sl_t" in x for x in lines) == len(model.zones)
    # a role inferred with low confidence is flagged right above its asset
    at = lines.index('  - name: "hmi-10.10.40.51"')
    assert lines[at - 1].startswith("  # DECIDE: role (inferred ics_client, low:")


def test_an_identity_name_names_the_asset(tmp_path: Path) -> None:
    r = run("init", str(PYMODBUS))
    assert r.returncode == 0, r.stderr
    draft = tmp_path / "s.yaml"
    draft.write_text(r.stdout)
    asset = load_site(draft).asset_for_ip("127.0.1.1")  # modbus_pymodbus.py identity(): "line-2 pump skid"
    assert asset is not None and asset.name == "line-2-pump-skid"
    assert (asset.vendor, asset.model, asset.firmware) == ("Plantwarden Test Works", "PW-MB-100", "3.16.1")


def test_output_is_guarded(dairy_draft: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.yaml"
    shutil.copy(PYMODBUS, victim)
    r = run("init", str(PYMODBUS), "--out", str(victim))
    assert r.returncode == 2 and "is a capture" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert victim.read_bytes() == PYMODBUS.read_bytes()
    mine = tmp_path / "mine.yaml"
    mine.write_text("site: {name: mine, timezone: UTC, currency: EUR}\n")
    r = run("init", str(PYMODBUS), "--out", str(mine))
    assert r.returncode == 2 and "not a plantwarden document" in r.stderr and "--force" in r.stderr
    assert run("init", str(PYMODBUS), "--out", str(mine), "--force").returncode == 0
    # its own draft is replaced without --force
    assert run("init", str(PYMODBUS), "--out", str(mine)).returncode == 0


def test_a_missing_capture_exits_2_on_one_line(tmp_path: Path) -> None:
    r = run("init", str(tmp_path / "nope.pcap"), "--out", str(tmp_path / "s.yaml"))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert "nope.pcap" in r.stderr and not (tmp_path / "s.yaml").exists()

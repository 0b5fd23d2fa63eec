"""Observed versus declared, lifecycle, the map, the exports and the CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from typer.testing import CliRunner

from plantwarden.cli.app import app, main
from plantwarden.inventory import make_inventory
from plantwarden.inventory.commap import filter_map
from plantwarden.inventory.export import export
from plantwarden.inventory.lifecycle import windows_name
from plantwarden.site import load_site_text
from tests.conftest import SHARED_CAPTURES
from tests.inventory.helpers import GENERATED, doc_of, generated

AS_OF = date(2026, 11, 21)
LEMAY = SHARED_CAPTURES / "attack-lemay-moving_two_files_modbus_6RTU.pcap"
SITE = """
site: {name: test plant, timezone: Europe/Berlin, currency: EUR}
zones:
  - {name: control, level: control, sl_t: 2, cidrs: [192.168.1.0/24]}
assets:
  - {name: mtu, role: scada_server, zone: control, ips: [192.168.1.100], macs: ["00:0c:29:ee:b7:84"],
     os: Windows, os_version: XP}
  - {name: rtu-2, role: plc, zone: control, ips: [192.168.1.102], macs: ["00:0c:29:00:00:02"],
     vendor: Schneider Electric}
  - {name: rtu-6, role: hmi, zone: control, ips: [192.168.1.106]}
  - {name: spare-plc, role: plc, zone: control, ips: [192.168.1.150]}
"""


def test_observed_versus_declared() -> None:
    report = make_inventory([doc_of(LEMAY)], load_site_text(SITE, "site.yaml"), as_of=AS_OF)
    cmp = report.comparison
    assert cmp is not None
    assert cmp.silent == ["spare-plc"]
    by_id = {a.id: a for a in report.inventory.devices()}
    unmanaged_ips = {ip for aid in cmp.unmanaged for ip in by_id[aid].ips}
    assert {"192.168.1.101", "192.168.1.103", "192.168.1.104", "192.168.1.105"} <= unmanaged_ips
    assert "00:0c:29:ee:b7:84" not in cmp.unmanaged
    rows = {(m["declared"], m["field"]): m for m in cmp.mismatches}
    mac = rows[("rtu-2", "mac of 192.168.1.102")]
    assert mac["observed"] == ["00:0c:29:6e:ba:5e"] and mac["evidence"][0]["proto"] == "arp"
    assert rows[("rtu-6", "role")]["observed"] == ["plc"]
    (mtu,) = report.inventory.find("mtu")
    assert mtu.zone == "control" and mtu.name == "mtu"


def test_lifecycle_and_legacy_share() -> None:
    report = make_inventory([doc_of(LEMAY)], load_site_text(SITE, "site.yaml"), as_of=AS_OF)
    xp = {e.asset: e for e in report.lifecycle if e.item == "os"}
    assert xp["00:0c:29:ee:b7:84"].value == "Windows XP" and xp["00:0c:29:ee:b7:84"].status == "unsupported"
    assert report.legacy["control"]["unsupported"] == 2 and report.legacy["control"]["share"] == 1.0
    assert windows_name("Windows Server 2008 R2 Standard 7601 Service Pack 1") == "Windows Server 2008 R2"
    assert windows_name("Windows 10.0 build 17763 Server") == "Windows Server 2019"
    assert windows_name("Linux 5.10") is None


def test_map_edges_and_filters() -> None:
    report = make_inventory([doc_of(SHARED_CAPTURES / "s7comm-iti-downloading_block_db1.pcap")], as_of=AS_OF)
    (s7,) = filter_map(report.edges, protocols={"s7comm"})
    ips = {a.id: set(a.ips) for a in report.inventory.devices()}
    assert "192.168.1.10" in ips[s7.client] and "192.168.1.40" in ips[s7.server] and s7.port == 102
    assert "program_download" in s7.op_classes and s7.packets == 91
    assert filter_map(report.edges, asset_ids={"10.9.9.9"}) == []


def test_exports_csv_json_cyclonedx() -> None:
    report = make_inventory([generated("s7comm-snap7.pcap"), generated("modbus-pymodbus.pcap")], as_of=AS_OF)
    bom = export(report, "cyclonedx")
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(bom) is None
    doc = json.loads(bom)
    (plc,) = [c for c in doc["components"] if c["bom-ref"] == "127.0.2.1"]
    assert plc["type"] == "device" and plc["manufacturer"]["name"] == "Siemens"
    assert plc["components"][0]["type"] == "firmware" and plc["components"][0]["version"] == "V3.3.0"
    assert bom == export(report, "cyclonedx")  # deterministic
    rows = export(report, "csv").splitlines()
    assert rows[0].startswith("id,name,kind") and any(
        r.startswith("127.0.1.1,line-2 pump skid") for r in rows
    )
    assert json.loads(export(report, "json"))["schema"] == "plantwarden.inventory/1"


runner = CliRunner()


def _exit_code(args: list[str]) -> int:
    """Exit code through ``main`` (which turns PlantwardenError into its exit code)."""
    with pytest.raises(SystemExit) as exc:
        main(args)
    return int(exc.value.code or 0)


def test_cli(tmp_path: Path) -> None:
    cap = str(GENERATED / "s7comm-snap7.pcap")
    result = runner.invoke(app, ["assets", "--json", cap])
    assert result.exit_code == 0 and json.loads(result.stdout)["schema"] == "plantwarden.inventory/1"
    shown = runner.invoke(app, ["asset", "SNAP7-SERVER", cap])
    assert shown.exit_code == 0 and "order_number = 6ES7 315-2EH14-0AB0 [high]" in shown.stdout
    assert _exit_code(["asset", "no-such-thing", cap]) == 2
    dot = runner.invoke(app, ["map", "--dot", cap])
    assert dot.stdout.startswith("digraph") and '"127.0.0.1" -> "127.0.2.1"' in dot.stdout
    out = tmp_path / "bom.json"
    assert runner.invoke(app, ["export", "cyclonedx", "--out", str(out), cap]).exit_code == 0
    assert json.loads(out.read_text())["bomFormat"] == "CycloneDX"
    assert _exit_code(["export", "xml", cap]) == 2
    assert _exit_code(["assets", "--unmanaged", cap]) == 2


@pytest.mark.parametrize("args", [["assets", "--role", "plc"], ["map", "--json"]])
def test_cli_reads_the_store(tmp_path: Path, args: list[str]) -> None:
    db = f"sqlite:///{tmp_path / 'pw.db'}"
    assert runner.invoke(app, ["analyze", "--db", db, str(GENERATED / "enip-cpppo.pcap")]).exit_code == 0
    result = runner.invoke(app, [*args, "--db", db])
    assert result.exit_code == 0, result.output
    assert "127.0.3.1" in result.stdout


def test_documents_of_several_captures_with_a_site_serialise() -> None:
    # provenance without a frame (e.g. a declared value) must sort with framed sources
    from plantwarden.inventory.document import inventory_body

    docs = [doc_of(LEMAY), doc_of(SHARED_CAPTURES / "modbus-iti-modbus_test_data_part1.pcap")]
    body = inventory_body(make_inventory(docs, load_site_text(SITE, "site.yaml"), as_of=AS_OF))
    assert body["assets"] and json.dumps(body)


def test_assets_site_option_is_for_the_run_and_stores_nothing(tmp_path: Path) -> None:
    from plantwarden.settings import sqlite_url
    from plantwarden.store.sites import choose_site, current_site_document

    db = tmp_path / "pw.db"
    assert CliRunner().invoke(app, ["db", "upgrade", "--db", str(db)]).exit_code == 0
    cap = str(SHARED_CAPTURES / "modbus-iti-modbus_test_data_part1.pcap")
    site = tmp_path / "site.yaml"
    site.write_text(SITE)
    result = CliRunner().invoke(app, ["assets", "--json", "--site", str(site), "--db", str(db), cap])
    assert result.exit_code == 0, result.output
    assert "spare-plc" in json.loads(result.output)["declared"]["silent"]  # the run used the given site
    assert current_site_document(sqlite_url(db), None) is None  # issue 18: a --site run stores nothing
    assert choose_site(sqlite_url(db)).id is None  # nor a site

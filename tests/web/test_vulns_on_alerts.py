"""Alerts carry their target's known-exploited vulnerabilities (``alert show`` and its JSON),
on the dairy demo store: its alerts to plc-fill-a, whose CVE-2024-6207 is not in the shipped
KEV catalogue until a KEV update adds it."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from plantwarden.cli.app import main
from plantwarden.detect.store_alerts import list_alerts
from plantwarden.settings import ENV_CONTENT
from plantwarden.store.sites import choose_site
from plantwarden.vulns.on_alerts import known_exploited
from tests.web.world import DAIRY, World

SHIPPED_KEV = (
    Path(__file__).resolve().parents[2] / "src/plantwarden/data/kev/known_exploited_vulnerabilities.json.gz"
)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().out


def test_the_switch_has_two_kev_items_the_plc_none(world: World) -> None:
    site = choose_site(world.url, DAIRY).id
    found = known_exploited(world.url, site, ["sw-ctrl-01", "plc-fill-a"])
    assert [(k["asset"], k["cve"]) for k in found] == [
        ("sw-ctrl-01", "CVE-2023-20198"),
        ("sw-ctrl-01", "CVE-2023-20273"),
    ]
    assert all(k["kev_added"] and k["status"] == "not_remediated" for k in found)
    assert known_exploited(world.url, site, []) == []


def test_alert_show_names_the_targets_kev_items(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(ENV_CONTENT, str(tmp_path / "content"))
    site = choose_site(world.url, DAIRY)
    alert = next(a for a in list_alerts(world.url, site=site.id) if a.dst == "10.10.40.21")  # plc-fill-a
    args = ["alert", "show", alert.id, "--db", str(world.path), "--site-name", DAIRY]
    code, out = _run(args, capsys)
    assert code == 0 and "KEV " not in out
    code, out = _run([*args, "--json"], capsys)
    assert json.loads(out)["known_exploited"] == []
    catalogue = json.loads(gzip.decompress(SHIPPED_KEV.read_bytes()))
    catalogue["catalogVersion"] = "2099.01.01"
    catalogue["vulnerabilities"].append(
        {**catalogue["vulnerabilities"][0], "cveID": "CVE-2024-6207", "dateAdded": "2099-01-01"}
    )
    kev = tmp_path / "known_exploited_vulnerabilities.json"
    kev.write_text(json.dumps(catalogue))
    assert (
        _run(["content", "update", str(kev), "--db", str(world.path), "--site-name", DAIRY], capsys)[0] == 0
    )
    code, out = _run(args, capsys)
    assert code == 0
    line = next(x for x in out.splitlines() if x.startswith("  KEV"))
    assert "plc-fill-a: CVE-2024-6207" in line and "known exploited since 2099-01-01" in line
    code, out = _run([*args, "--json"], capsys)
    assert [k["cve"] for k in json.loads(out)["known_exploited"]] == ["CVE-2024-6207"]

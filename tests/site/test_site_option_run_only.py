"""``--site FILE`` is for one run (issue 18, item 4): a what-if changes nothing stored.

``impact --fail X --site draft.yaml`` used to make the draft the stored current site. Every
command that takes ``--site`` is run here with a draft against a store that holds the
dairy site; the store's site versions must be exactly as before, and the draft must still
be what the run used.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from plantwarden.store.sites import current_site_document, site_history
from tests.conftest import DATA

ROOT = Path(__file__).resolve().parents[2]
DAIRY = ROOT / "examples" / "dairy" / "site.yaml"
NORMAL = ROOT / "examples" / "dairy" / "captures" / "normal.pcap"
MODBUS = DATA / "captures" / "modbus-pymodbus.pcap"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PLANTWARDEN_DB", "PLANTWARDEN_DEBUG")}
    return subprocess.run(
        [sys.executable, "-m", "plantwarden", *args, "--db", "pw.db"],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=600,
    )


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    """A store holding the dairy site (version 1, current) and a draft of it beside."""
    folder = tmp_path
    r = run("site", "load", str(DAIRY), cwd=folder)
    assert r.returncode == 0, r.stderr
    text = DAIRY.read_text()
    assert "downtime_cost_per_hour: 6500" in text  # packaging
    # a draft of the same site (a store holds many sites: a --site model is the chosen site's)
    draft = text.replace("downtime_cost_per_hour: 6500", "downtime_cost_per_hour: 9999")
    (folder / "draft.yaml").write_text(draft)
    renamed = draft.replace("name: Molkerei Talblick (dairy, example)", "name: Talblick draft")
    (folder / "renamed.yaml").write_text(renamed)
    return folder


def versions(folder: Path) -> list[tuple[str, int, bool, str]]:
    url = f"sqlite:///{folder / 'pw.db'}"
    found = [(v.site_name, v.version, v.is_current, v.source_sha256) for v in site_history(url)]
    assert [v[:3] for v in found] == [("Molkerei Talblick (dairy, example)", 1, True)]
    return found


def test_impact_with_a_draft_uses_it_and_stores_nothing(stored: Path) -> None:
    before = versions(stored)
    r = run("impact", "--fail", "plc-pack", "--site", "draft.yaml", "--json", cwd=stored)
    assert r.returncode == 0, r.stderr
    assert "9999" in r.stdout and "6500" not in r.stdout  # the draft's cost was used
    assert versions(stored) == before
    r = run("impact", "--fail", "plc-pack", "--json", cwd=stored)  # the stored site, unchanged
    assert r.returncode == 0, r.stderr
    assert "6500" in r.stdout and "9999" not in r.stdout
    doc = current_site_document(f"sqlite:///{stored / 'pw.db'}", None)  # None: the only site
    assert doc is not None and doc["site"]["name"] == "Molkerei Talblick (dairy, example)"


@pytest.mark.parametrize(
    "command",
    [
        ["spof"],
        ["raci"],
        ["lifecycle"],
        ["segmentation", str(MODBUS)],
        ["dependencies", str(MODBUS)],
        ["assets", str(MODBUS)],
        ["detect", str(MODBUS), "--learn-for", "1s"],
        ["baseline", "learn", str(MODBUS)],
    ],
    ids=lambda c: " ".join(w for w in c[:2] if not w.endswith(".pcap")),
)
def test_other_commands_with_a_draft_store_nothing(command: list[str], stored: Path) -> None:
    before = versions(stored)
    r = run(*command, "--site", "draft.yaml", cwd=stored)
    assert r.returncode in (0, 1), r.stderr
    assert versions(stored) == before


@pytest.mark.parametrize(
    "command",
    [
        ["analyze", str(MODBUS)],
        ["detect", str(MODBUS)],
        ["baseline", "learn", str(MODBUS)],
        ["assets"],
        ["report"],
    ],
    ids=lambda c: c[0] if c[0] != "baseline" else "baseline learn",
)
def test_a_model_of_a_site_the_store_does_not_hold_is_refused(command: list[str], stored: Path) -> None:
    """A --site file naming another site: exit 2 before any work, the store as it was."""
    before = versions(stored)
    r = run(*command, "--site", "renamed.yaml", cwd=stored)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.strip() == (
        "plantwarden: error: no site 'Talblick draft' in the store; "
        "its sites: 'Molkerei Talblick (dairy, example)'"
    )
    assert versions(stored) == before


def test_analyze_uses_the_draft_for_its_run_and_stores_nothing(stored: Path) -> None:
    before = versions(stored)
    r = run("analyze", str(NORMAL), "--site", "draft.yaml", "--json", cwd=stored)
    assert r.returncode == 0, r.stderr
    assets = json.loads(r.stdout)["assets"]
    named = {a["name"]: a.get("zone") for a in assets if a.get("name")}
    assert named.get("plc-pack") is not None  # the draft's names and zones label the inventory
    assert versions(stored) == before

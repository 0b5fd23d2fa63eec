"""``plantwarden site validate | schema | load`` and the ``--site`` helper."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from plantwarden.errors import SiteModelError
from plantwarden.site.use import site_from_option, store_site
from plantwarden.store.sites import choose_site, current_site_document, site_history

ROOT = Path(__file__).resolve().parents[2]
DAIRY = ROOT / "examples" / "dairy" / "site.yaml"
MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal.yaml"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "plantwarden", *args], capture_output=True, text=True, check=False
    )


def test_validate_prints_a_summary() -> None:
    result = run_cli("site", "validate", str(DAIRY))
    assert result.returncode == 0, result.stderr
    assert "Molkerei Talblick" in result.stdout
    rows = {
        line.split("│")[1].strip(): line.split("│")[2].strip()
        for line in result.stdout.splitlines()
        if line.count("│") == 3
    }
    assert rows["zones"] == "7" and rows["lines"] == "3" and rows["maintenance windows"] == "4"


def test_validate_json_for_several_files() -> None:
    result = run_cli("site", "validate", "--json", str(DAIRY), str(MINIMAL))
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["schema"] == "plantwarden.site.summary/1"
    assert [s["site"] for s in doc["sites"]] == ["Molkerei Talblick (dairy, example)", "Test dairy"]
    assert doc["sites"][0]["counts"]["zones"] == 7
    assert doc["sites"][0]["downtime_cost_per_hour"]["filling"] == 14000


def test_load_stores_a_new_version_only_when_the_file_changes(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'pw.db'}"
    first = run_cli("site", "load", str(MINIMAL), "--db", db)
    assert first.returncode == 0, first.stderr
    assert "as version 1" in first.stdout
    changed = tmp_path / "site.yaml"
    text = MINIMAL.read_text()
    changed.write_text(text.replace("downtime_cost_per_hour: 12000", "downtime_cost_per_hour: 13000"))
    assert store_site(MINIMAL, db)[1] == 1  # same text again: no new version
    assert store_site(changed, db)[1] == 2
    assert [v.version for v in site_history(db)] == [1, 2]
    doc = current_site_document(db, choose_site(db).id)
    assert doc is not None and doc["lines"][0]["downtime_cost_per_hour"] == 13000


def test_load_of_an_invalid_file_stores_nothing(tmp_path: Path) -> None:
    bad = Path(__file__).resolve().parent / "fixtures" / "invalid" / "k_zero.yaml"
    with pytest.raises(SiteModelError):
        store_site(bad, str(tmp_path / "pw.db"))
    assert not (tmp_path / "pw.db").exists()


def test_site_from_option_validates_and_returns_the_model_without_storing_it(tmp_path: Path) -> None:
    """--site FILE is for one run: neither a store nor a site version is created (issue 18)."""
    db = str(tmp_path / "pw.db")  # a plain path is taken as SQLite
    assert site_from_option(None, db) is None
    model = site_from_option(MINIMAL, db)
    assert model is not None and model.site.name == "Test dairy"
    assert not (tmp_path / "pw.db").exists()
    store_site(DAIRY, db)
    model = site_from_option(MINIMAL, db)
    assert model is not None and model.site.name == "Test dairy"
    assert [(v.site_name, v.version, v.is_current) for v in site_history(f"sqlite:///{db}")] == [
        ("Molkerei Talblick (dairy, example)", 1, True)
    ]


def test_site_from_option_refuses_an_invalid_file(tmp_path: Path) -> None:
    bad = Path(__file__).resolve().parent / "fixtures" / "invalid" / "k_zero.yaml"
    with pytest.raises(SiteModelError):
        site_from_option(bad, str(tmp_path / "pw.db"))

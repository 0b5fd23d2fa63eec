"""The dairy demo plant run once into a template store (site model, two captures, baseline,
alerts); each test gets a copy of it, so tests never see each other's incidents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from plantwarden.report.run import DemoPaths, run_demo
from plantwarden.site.loader import load_site
from plantwarden.site.model import SiteModel
from tests.conftest import ROOT

DAIRY = ROOT / "examples" / "dairy"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("incidents-demo") / "template.db"
    run_demo(DemoPaths(DAIRY), f"sqlite:///{path}")
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> str:
    """A SQLite URL of a fresh copy of the demo store."""
    copy = tmp_path / "pw.db"
    shutil.copyfile(demo_template, copy)
    return f"sqlite:///{copy}"


@pytest.fixture(scope="session")
def dairy() -> SiteModel:
    return load_site(DAIRY / "site.yaml")

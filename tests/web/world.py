"""The store the web tests run against, built once per session and copied for each test.

Two sites side by side: the dairy demo plant (``run_demo``: site model, two captures, a
baseline, the incident alerts) and the small modbus lab (its site model and one capture).
People: an admin; ``ana`` analyst, ``vic`` viewer and ``eng`` engineer on the dairy;
``lab`` engineer on the lab only (the dairy does not exist for them); ``anna.keller`` and
``markus.braun`` approvers on the dairy (the RACI's plant manager and EHS officer). Each has an API token.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from plantwarden.analyze.pipeline import analyze_capture
from plantwarden.people import tokens, users
from plantwarden.report.run import DemoPaths, run_demo
from plantwarden.site.use import read_site
from plantwarden.store.imports import record_capture
from plantwarden.store.sites import choose_site, store_site_version
from tests.conftest import DATA, ROOT

DAIRY = "Molkerei Talblick (dairy, example)"
LAB = "modbus lab"
PASSWORD = "correct horse battery staple"
#: user -> (admin?, {site: role})
PEOPLE: dict[str, tuple[bool, dict[str, str]]] = {
    "admin": (True, {}),
    "ana": (False, {DAIRY: "analyst"}),
    "vic": (False, {DAIRY: "viewer"}),
    "eng": (False, {DAIRY: "engineer"}),
    "lab": (False, {LAB: "engineer"}),
    # approvers whose logins are people of the dairy's RACI (plant manager, EHS officer)
    "anna.keller": (False, {DAIRY: "approver"}),
    "markus.braun": (False, {DAIRY: "approver"}),
}


@dataclass(frozen=True)
class World:
    """A store file of its own (a copy of the template) and the people's tokens."""

    path: Path
    tokens: dict[str, str]

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def copy_to(self, folder: Path) -> World:
        target = folder / "store.db"
        shutil.copyfile(self.path, target)
        return World(target, self.tokens)


def build(folder: Path) -> World:
    path = folder / "template.db"
    url = f"sqlite:///{path}"
    run_demo(DemoPaths(ROOT / "examples" / "dairy"), url)
    model, text = read_site(ROOT / "tests" / "cli" / "data" / "modbus_site.yaml")
    store_site_version(url, model, "modbus_site.yaml", text)
    lab = choose_site(url, LAB)
    record_capture(url, analyze_capture(DATA / "captures" / "detect-modbus.pcap").doc, lab.id)
    made: dict[str, str] = {}
    for name, (admin, roles) in PEOPLE.items():
        users.add_user(url, name, PASSWORD, is_admin=admin, actor="setup")
        for site, role in roles.items():
            users.grant(url, name, choose_site(url, site), role, actor="setup")
        _, made[name] = tokens.create_token(
            url, name, site=None, role=None, expires=timedelta(days=1), name="tests", actor="setup"
        )
    return World(path, made)

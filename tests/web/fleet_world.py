"""A second plant beside the dairy, for the cross-site views (``plantwarden.fleet``).

The cheese plant of ``examples/cheese/site.yaml`` with its two real captures (pymodbus and
asyncua on loopback: ``continuity-zones.pcap``; python-snap7: ``s7comm-snap7.pcap``),
analysed into its site, detected on (no baseline: the baseline-free rules), its assets
matched against the shipped advisories. :func:`add_cheese_by_cli` does it with the commands a
user types; :func:`add_cheese` with the same services in-process (any backend).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from plantwarden.analyze.pipeline import analyze_capture
from plantwarden.detect.service import DetectOptions, run_detect
from plantwarden.people import tokens, users
from plantwarden.site.use import read_site
from plantwarden.store.imports import record_capture
from plantwarden.store.sites import choose_site, store_site_version
from plantwarden.vulns.service import match_site
from tests.conftest import DATA, ROOT
from tests.web.world import DAIRY, PASSWORD, World

CHEESE = "Kaeserei Bergblick (cheese, example)"
CHEESE_SITE = ROOT / "examples" / "cheese" / "site.yaml"
CHEESE_CAPTURES = [DATA / "captures" / "continuity-zones.pcap", DATA / "captures" / "s7comm-snap7.pcap"]
#: user -> {site: role}: a provider's analyst given two plants, a viewer of the cheese plant only
FLEET_PEOPLE = {"nora": {DAIRY: "analyst", CHEESE: "analyst"}, "kurt": {CHEESE: "viewer"}}


def cli(url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """``plantwarden ARGS --db URL`` as a process running this checkout's source."""
    env = {k: v for k, v in os.environ.items() if k not in ("PLANTWARDEN_DB", "PLANTWARDEN_SITE")}
    env["PYTHONPATH"] = str(ROOT / "src")
    run = [sys.executable, "-m", "plantwarden", *args, "--db", url]
    return subprocess.run(run, capture_output=True, text=True, env=env, check=check, timeout=600)


def add_cheese_by_cli(url: str) -> None:
    cli(url, "site", "load", str(CHEESE_SITE))
    named = ("--site-name", CHEESE)
    cli(url, "analyze", *map(str, CHEESE_CAPTURES), *named)
    cli(url, "detect", *map(str, CHEESE_CAPTURES), *named)
    cli(url, "vulns", "match", *named)


def add_cheese(url: str) -> None:
    model, text = read_site(CHEESE_SITE)
    store_site_version(url, model, CHEESE_SITE.name, text)
    site = choose_site(url, CHEESE)
    for capture in CHEESE_CAPTURES:
        record_capture(url, analyze_capture(capture).doc, site.id)
    captures = [str(c) for c in CHEESE_CAPTURES]
    run_detect(DetectOptions(captures, url, model, site_id=site.id, site_name=CHEESE))
    match_site(url, CHEESE)


def add_fleet_people(world: World) -> World:
    made = dict(world.tokens)
    for name, roles in FLEET_PEOPLE.items():
        users.add_user(world.url, name, PASSWORD, is_admin=False, actor="setup")
        for site, role in roles.items():
            users.grant(world.url, name, choose_site(world.url, site), role, actor="setup")
        _, made[name] = tokens.create_token(
            world.url, name, site=None, role=None, expires=timedelta(days=1), name="tests", actor="setup"
        )
    return World(world.path, made)


def build_fleet(world: World, folder: Path) -> World:
    """A copy of the web world (dairy and lab) with the cheese plant and its people."""
    copy = world.copy_to(folder)
    add_cheese_by_cli(copy.url)
    return add_fleet_people(copy)

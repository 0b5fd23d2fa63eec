"""The demo pipeline, without the terminal: site -> store, analyse, learn, detect, gather.

Idempotent: the site is stored again only when its text changed (store.sites), captures are deduplicated
by SHA-256 (store.imports), the baseline is stored only when it differs from the newest one
of the site, and alerts merge into stored open alerts by rule, source and destination.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plantwarden.analyze.pipeline import analyze_capture
from plantwarden.detect.baseline import Baseline
from plantwarden.detect.model import Alert
from plantwarden.detect.service import DetectOptions, run_detect
from plantwarden.detect.store_baselines import load_baseline, store_baseline
from plantwarden.detect.stream import learn_captures
from plantwarden.report.facts import DemoFacts, gather
from plantwarden.site.model import SiteModel
from plantwarden.site.use import read_site
from plantwarden.store.imports import record_capture
from plantwarden.store.sites import choose_site, store_site_version

Say = Callable[[str], None]


@dataclass(frozen=True)
class DemoPaths:
    """The demo plant's files (examples/dairy)."""

    root: Path

    @property
    def site(self) -> Path:
        return self.root / "site.yaml"

    @property
    def normal(self) -> Path:
        return self.root / "captures" / "normal.pcap"

    @property
    def incidents(self) -> Path:
        return self.root / "captures" / "incidents.pcap"

    @property
    def incident_list(self) -> Path:
        return self.root / "incidents.yaml"


@dataclass
class DemoRun:
    facts: DemoFacts
    alerts: list[Alert]
    docs: list[dict[str, Any]]
    baseline_version: int | None
    notes: list[str]
    vulns: dict[str, Any] = field(default_factory=dict)  # plantwarden.vulns.service.site_vulns


def _quiet(_: str) -> None:
    return None


def load_site(path: Path, db_url: str) -> SiteModel:
    """The site model, stored as the current version (unchanged text: the same version)."""
    model, text = read_site(path)
    store_site_version(db_url, model, str(path), text)
    return model


def _same(a: Baseline, b: Baseline) -> bool:
    return (
        a.model_copy(update={"version": None}).to_json() == b.model_copy(update={"version": None}).to_json()
    )


def learn(normal: Path, db_url: str, site: SiteModel, site_id: int) -> int:
    """Learn from the normal capture; store a new version only when it differs from the newest."""
    learned = learn_captures([str(normal)], site.site.name)
    stored = load_baseline(db_url, site_id)
    if stored is not None and stored.version is not None and _same(stored, learned):
        return stored.version
    return store_baseline(db_url, learned, f"learned from {normal.name} (plantwarden demo)", site_id)


def run_demo(paths: DemoPaths, db_url: str, say: Say = _quiet) -> DemoRun:
    """Everything `plantwarden demo` does before printing; ``say`` reports progress."""
    say(f"site model {paths.site}")
    site = load_site(paths.site, db_url)
    site_id = choose_site(db_url, site.site.name, create=True).id  # the demo plant's, beside any other
    assert site_id is not None
    docs = []
    for capture in (paths.normal, paths.incidents):
        say(f"analysing {capture.name}")
        doc = analyze_capture(capture).doc
        record_capture(db_url, doc, site_id)
        docs.append(doc)
    say(f"learning the baseline from {paths.normal.name}")
    version = learn(paths.normal, db_url, site, site_id)
    say(f"detecting on {paths.incidents.name}")
    opts = DetectOptions(
        captures=[str(paths.incidents)], db_url=db_url, site=site, site_id=site_id, site_name=site.site.name
    )
    report = run_detect(opts)
    facts = gather(site, docs, report.alerts)
    say("matching the assets against the shipped advisories (CISA CSAF, KEV)")
    from plantwarden.vulns.service import match_site, site_vulns

    match_site(db_url, site.site.name)
    vulns = site_vulns(db_url, site.site.name)
    facts.vulns = vulns
    return DemoRun(facts, report.alerts, docs, version, report.notes, vulns)

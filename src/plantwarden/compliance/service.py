"""The service functions the CLI (and later the API and page) call: assess a site of the
store, export OSCAL, attach a statement."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from plantwarden.compliance.assess import Assessment, assess
from plantwarden.compliance.catalog import FRAMEWORKS, load
from plantwarden.compliance.state import State, from_store
from plantwarden.compliance.statements import Statement, attest
from plantwarden.errors import InputError, UsageError
from plantwarden.settings import Settings

NO_SITE = "no site stored: load one with 'plantwarden site load FILE'"


def site_id(db: str | None, site_name: str | None) -> tuple[int, str]:
    """The chosen site's id and name; a store with no site is an input error."""
    from plantwarden.store.choice import site_ref

    ref = site_ref(db, site_name)
    if ref.id is None:
        raise InputError(NO_SITE)
    return ref.id, ref.name


@dataclass(frozen=True)
class Run:
    assessment: Assessment
    state: State


def store_url(db: str | None) -> str:
    """The store's URL; a SQLite file that does not exist is refused, never created."""
    url = Settings.load(db).db_url
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:" and not Path(path).exists():
            raise InputError(f"no plantwarden store at {path} (run `plantwarden db upgrade` or check --db)")
    return url


def assess_site(
    db: str | None, site_name: str | None, framework: str, zone: str | None = None, at: float | None = None
) -> Run:
    """Assess the chosen site of the store against ``framework`` at ``at`` (default now)."""
    if framework not in FRAMEWORKS:
        load(framework)  # the one-line error naming the known frameworks
    url = store_url(db)
    sid, name = site_id(db, site_name)
    return assess_stored(url, sid, name, framework, zone, at)


def assess_stored(
    url: str, sid: int, name: str, framework: str, zone: str | None = None, at: float | None = None
) -> Run:
    """Assess site ``sid`` of the store at ``url`` (what the CLI, the API and the page call)."""
    if framework not in FRAMEWORKS:
        load(framework)
    state = from_store(url, sid, name, time.time() if at is None else at, zone)
    if state.site is None:
        raise InputError(NO_SITE)
    zones = [z.name for z in state.site.model.zones]
    if zone is not None and zone not in zones:
        raise UsageError(f"--zone {zone!r}: no such zone (zones: {', '.join(zones)})")
    return Run(assess(state, framework), state)


def attest_site(
    db: str | None, site_name: str | None, requirement: str, by: str, why: str, file: Path | None
) -> Statement:
    url = store_url(db)
    return attest(url, site_id(db, site_name)[0], requirement, by, why, file)

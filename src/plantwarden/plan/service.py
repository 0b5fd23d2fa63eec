"""The plan's service functions, shared by the CLI, the API and the page (docs/plan.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from plantwarden.errors import NotFoundError, UsageError
from plantwarden.plan.build import DEFAULT_HORIZON_DAYS, Pin, make_plan

KINDS = ("pin", "move", "exclude")


def _today() -> date:
    return datetime.now(UTC).date()


def site_of(db_url: str, site: str | None) -> tuple[int, str, Any]:
    from plantwarden.continuity.source import stored_model
    from plantwarden.store.sites import choose_site

    ref = choose_site(db_url, site)
    if ref.id is None:
        raise NotFoundError("the store holds no site yet (plantwarden site load FILE)")
    model = stored_model(db_url, ref.id)
    if model is None:
        raise NotFoundError(f"site {ref.name!r} has no site model (plantwarden site load FILE)")
    return ref.id, ref.name, model


def run_plan(
    db_url: str,
    site: str | None,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    today: date | None = None,
    time_limit: float = 60.0,
    solver: str = "cbc",
) -> dict[str, Any]:
    """Plan the site's open vulnerabilities and end-of-support assets, keep the standing pins,
    store the run and say what changed since the previous one."""
    from plantwarden.plan import store
    from plantwarden.plan.build import check_solver
    from plantwarden.plan.evidence_spec import attach_checks
    from plantwarden.store.types import utc_now
    from plantwarden.vulns.service import site_vulns

    check_solver(solver)  # before any work: an unknown solver or a missing extra is one line
    site_id, _, model = site_of(db_url, site)
    vulns = site_vulns(db_url, site)["items"]
    previous = store.latest_run(db_url, site_id)
    body = make_plan(
        model, vulns, today or _today(), horizon_days, store.pins(db_url, site_id), time_limit, solver
    )
    body["changes"] = changes(previous, body)
    now = utc_now()
    attach_checks(db_url, site_id, model, body, previous, now)  # what each control is checked against
    body["run"] = store.save_run(db_url, site_id, body, now)
    body["created_at"] = now.isoformat()
    return body


def changes(previous: dict[str, Any] | None, body: dict[str, Any]) -> list[dict[str, Any]]:
    """Items whose window differs from the previous run's (new items, gone items too)."""
    if previous is None:
        return []
    before = {i["id"]: i["window"] for i in previous.get("items", [])}
    after = {i["id"]: i["window"] for i in body["items"]}
    out = []
    for item in sorted(before.keys() | after.keys()):
        was, now = before.get(item, "(no item)"), after.get(item, "(no item)")
        if was != now:
            out.append({"item": item, "before": was, "after": now})
    return out


def latest_plan(db_url: str, site_id: int | None) -> dict[str, Any] | None:
    """The latest stored plan run of a site (None: none yet, or the site is not stored)."""
    from plantwarden.plan import store

    return None if site_id is None else store.latest_run(db_url, site_id)


def show_plan(db_url: str, site: str | None) -> dict[str, Any]:
    from plantwarden.plan import store

    site_id, name, _ = site_of(db_url, site)
    found = store.latest_run(db_url, site_id)
    if found is None:
        raise NotFoundError(f"site {name!r} has no plan yet (plantwarden plan)")
    return found


def set_pin(
    db_url: str,
    site: str | None,
    kind: str,
    item: str,
    window: str | None,
    by: str,
    why: str,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    today: date | None = None,
) -> Pin:
    """Record a pin, move or exclude (audited); the next ``plan`` run keeps it."""
    from plantwarden.plan import store
    from plantwarden.plan.slots import slots_of

    if kind not in KINDS:
        raise UsageError(f"unknown kind {kind!r} (expected one of: {', '.join(KINDS)})")
    if not by.strip() or not why.strip():
        raise UsageError(f"plan {kind} {item}: give --by NAME and --why TEXT")
    site_id, _, model = site_of(db_url, site)
    if model.asset(item) is None:
        raise UsageError(f"plan {kind} {item}: no asset {item!r} in the site model")
    slot = None
    if kind != "exclude":
        if not window:
            raise UsageError(f"plan {kind} {item}: give --window W (a window name or NAME@DATE)")
        slots = slots_of(model, today or _today(), horizon_days)
        slot = next((s.id for s in slots if window in (s.id, s.window)), None)
        if slot is None:
            raise UsageError(f"plan {kind} {item}: no window {window!r} within {horizon_days} days")
    pin = Pin(item, kind, slot, by.strip(), why.strip())
    store.add_pin(db_url, site_id, pin)
    return pin

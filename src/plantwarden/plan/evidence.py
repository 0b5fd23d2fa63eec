"""Do the compensating controls of the latest plan hold? Each control's check (controls.py names
it) runs on what the store holds from captures analysed since the control started:

* tighten-conduit: no flow across the conduit outside the allow list fixed when the plan ran;
* remote-access-grant: every remote session to the asset stored since matched a grant
  (plantwarden.access: the session's findings are empty);
* alert-writes: no write or command to the asset outside a maintenance window (the captures'
  operations, and detection's write and command alerts);
* alert-new-peer: no peer of the asset outside the peers fixed when the plan ran.

A result is ``holds``, ``broken`` (with the flows, sessions or writes), ``no_data`` (nothing
analysed since the control started) or ``expired`` (the window that fixes the item has begun,
or the horizon has ended: re-plan). Results are stored (evidence_store). ``analyze`` and
``detect`` run the checks at their end when the site has a plan with controls.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from plantwarden.errors import NotFoundError
from plantwarden.plan import evidence_checks as checks
from plantwarden.plan.evidence_data import StoredCapture, captures, command_alerts, sessions_after
from plantwarden.plan.evidence_spec import asset_ips
from plantwarden.site.model import SiteModel
from plantwarden.store.types import utc_now

STATES = ("holds", "broken", "no_data", "expired")
LABELS = {"holds": "holds", "broken": "broken", "no_data": "no data yet", "expired": "expired"}
NEEDS_EDGES = {"tighten-conduit", "alert-new-peer"}  # the kinds that read the captures' flows


def check_controls(
    db_url: str, site: str | None, now: datetime | None = None, *, record: bool = True
) -> dict[str, Any]:
    """Check every control of the site's latest plan now and return the results; ``record``:
    store them too (the API's GET checks without writing)."""
    from plantwarden.plan.service import site_of
    from plantwarden.plan.store import latest_run

    site_id, name, model = site_of(db_url, site)
    run = latest_run(db_url, site_id)
    if run is None:
        raise NotFoundError(f"site {name!r} has no plan yet, so no compensating controls (plantwarden plan)")
    return run_checks(db_url, site_id, name, model, run, now or utc_now(), record=record)


def after_analysis(db_url: str, site_id: int, name: str) -> dict[str, Any] | None:
    """The checks at the end of ``analyze`` and ``detect``: None when the site has no plan with
    controls (one query), or no site model."""
    from plantwarden.continuity.source import stored_model
    from plantwarden.plan.store import latest_run

    run = latest_run(db_url, site_id)
    if run is None or not run.get("controls"):
        return None
    model = stored_model(db_url, site_id)
    if model is None:
        return None
    return run_checks(db_url, site_id, name, model, run, utc_now())


def run_checks(
    db_url: str,
    site_id: int,
    name: str,
    model: SiteModel,
    run: dict[str, Any],
    now: datetime,
    *,
    record: bool = True,
) -> dict[str, Any]:
    from plantwarden.plan import evidence_store

    controls = run.get("controls") or []
    starts = [datetime.fromisoformat(c["check"]["since"]) for c in controls if c.get("check")]
    kinds = {c["kind"] for c in controls}
    sections = tuple(
        s for s, need in (("edges", NEEDS_EDGES), ("conversations", {"alert-writes"})) if kinds & need
    )
    stored = captures(db_url, site_id, after=min(starts), sections=sections) if starts else []
    results = [check_one(db_url, site_id, model, c, stored, now) for c in controls]
    if results and record:
        evidence_store.record(db_url, site_id, int(run["run"]), results, now)
    counts = Counter(r["state"] for r in results)
    return {
        "site": name,
        "run": run["run"],
        "planned_at": run.get("created_at"),
        "checked_at": now.isoformat(),
        "counts": {s: counts.get(s, 0) for s in STATES},
        "controls": results,
    }


def check_one(
    db_url: str,
    site_id: int,
    model: SiteModel,
    control: dict[str, Any],
    stored: list[StoredCapture],
    now: datetime,
) -> dict[str, Any]:
    """One control's result: its state, a one-line summary, the evidence and the captures read."""
    spec = control.get("check")
    base = {k: control[k] for k in ("item", "kind", "action", "owner", "expires", "expires_with")}
    base["check"] = control["evidence"]
    if spec is None:
        said = "planned before controls were checked: run plantwarden plan again"
        return {
            **base,
            "state": "no_data",
            "summary": said,
            "since": now.isoformat(),
            "captures": [],
            "evidence": [],
        }
    since = datetime.fromisoformat(spec["since"])
    caps = [c for c in stored if c.analysed_at > since]
    result = {**base, "since": spec["since"], "captures": [c.ref() for c in caps], "evidence": []}
    expires = datetime.fromisoformat(control["expires"])
    if now >= expires:
        what = (
            "the horizon ended: review it"
            if control["expires_with"].startswith("horizon")
            else (f"its window {control['expires_with']} has begun")
        )
        return {
            **result,
            "state": "expired",
            "summary": f"expired {expires.isoformat()}: {what} (plantwarden plan)",
        }
    if control["kind"] != "tighten-conduit" and not asset_ips(model, control["item"]):
        said = f"{control['item']} has no address in the site model: nothing to match in the captures"
        return {**result, "state": "no_data", "summary": said}
    found, other, holds = _evidence(db_url, site_id, model, control, spec, caps)
    for name in sorted({x["capture"] for x in other if x.get("capture")} - {c.name for c in caps}):
        result["captures"].append({"id": None, "name": name, "analysed_at": None})
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        return {**result, "state": "broken", "summary": found[0]["text"] + more, "evidence": found}
    if not caps and not other:
        said = f"no data yet: no capture analysed since {since.isoformat(timespec='seconds')}"
        return {**result, "state": "no_data", "summary": said}
    return {**result, "state": "holds", "summary": f"{holds} ({len(result['captures'])} captures)"}


def _evidence(
    db_url: str,
    site_id: int,
    model: SiteModel,
    control: dict[str, Any],
    spec: dict[str, Any],
    caps: list[StoredCapture],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """(what broke the control, the other records read besides captures, what holds in words)."""
    item, kind = control["item"], control["kind"]
    ips = asset_ips(model, item)
    if kind == "tighten-conduit":
        conduit = spec.get("conduit")
        holds = f"{conduit}: no flow outside its {len(spec.get('allow', []))} allowed flows"
        return checks.conduit_flows(model, spec, caps), [], holds
    if kind == "remote-access-grant":
        sessions = sessions_after(db_url, site_id, int(spec.get("sessions_after", 0)), ips)
        other = [{"capture": s.capture} for s in sessions]
        holds = f"{len(sessions)} remote sessions to {item}, each inside a grant"
        return checks.sessions_outside(sessions), other, holds
    if kind == "alert-writes":
        alerts = command_alerts(db_url, site_id, datetime.fromisoformat(spec["since"]), ips)
        found = checks.writes_outside(model, ips, caps, alerts)
        other = [{"capture": e.get("capture")} for a in alerts for e in a.document.get("evidence") or []]
        return found, other, f"no write or command to {item} outside a maintenance window"
    found = checks.new_peers(spec, ips, caps)
    holds = f"no peer of {item} outside the {len(spec.get('peers', []))} of {spec.get('peers_from')}"
    return found, [], holds


def one_line(body: dict[str, Any]) -> str:
    """``plan controls: 2 hold, 1 broken (plc-01: ...), 3 no data yet``."""
    counts = body["counts"]
    parts = [f"{counts[s]} {LABELS[s]}" for s in STATES if counts[s]]
    broken = next((c for c in body["controls"] if c["state"] == "broken"), None)
    text = f"compensating controls of plan run {body['run']}: " + (", ".join(parts) or "none")
    if broken is not None:
        text += f"; {broken['item']} broken: {broken['summary']}"
    return text

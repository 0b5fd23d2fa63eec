"""Deciding a playbook option: the rules that guard it, and the record of it.

Checked in order before anything is stored (exit 2 on the CLI, nothing stored):

* the incident exists and is not closed; the option is one the playbook offers now (a rung
  withheld because it would isolate a safety system is refused with that reason, always);
* D1: while a required safety gate is undecided, any other decision needs an override;
* D2: the safety gate's decision belongs to the process-safety owner (the gate's deciders):
  anyone else needs an override;
* D3: an option marked ``cuts-safety`` needs an override;
* D4: an option marked ``stops-line`` needs an override unless the decider owns (is the RACI
  Accountable of) every running line it stops;
* an override must carry its reason; the phase's state follows only by a legal move.

``--by`` names a role (its id), its team, or one of its people (case does not matter).
The decision keeps the option, its predicted cost per hour, who, why and the override.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from plantwarden.errors import UsageError
from plantwarden.incidents.generate import for_incident
from plantwarden.incidents.models import IncidentDecision
from plantwarden.incidents.options import CUTS_SAFETY, Option
from plantwarden.incidents.playbook import PHASE_STATE, Playbook
from plantwarden.incidents.records import IncidentView, find_row, view
from plantwarden.incidents.service import entry, get_incident
from plantwarden.incidents.states import STATES, check_move, parse_ref
from plantwarden.people import audit
from plantwarden.people.persons import same_person
from plantwarden.site.model import SiteModel
from plantwarden.store.engine import connected
from plantwarden.store.sites import resolve
from plantwarden.store.types import utc_now


def acts_as(model: SiteModel, roles: tuple[str, ...], by: str) -> bool:
    """Whether ``by`` is one of the roles: its id, team or one of its people."""
    for role in model.roles:
        if role.id in roles:
            names = [role.id, role.team or "", *role.people]
            if any(same_person(by, n) for n in names if n):
                return True
    return False


def needs_override(
    pb: Playbook, incident: IncidentView, option: Option, model: SiteModel, by: str
) -> list[str]:
    """Why choosing ``option`` needs an explicit override (rules D1-D4); empty: it does not."""
    reasons: list[str] = []
    decided = any(d.step == "safety" for d in incident.decisions)
    deciders = "/".join(pb.gate.deciders) or "nobody: no ehs role"
    if option.step != "safety" and pb.gate.required and not decided:
        reasons.append(f"D1: the safety gate is not decided ({deciders} decides first)")
    if option.step == "safety" and not acts_as(model, pb.gate.deciders, by):
        reasons.append(f"D2: the safety gate is the process-safety owner's decision ({deciders}), not {by}'s")
    reasons += [f"D3: {m.text}" for m in option.marks if m.mark == CUTS_SAFETY]
    for stop in option.stops:
        if stop.running and not acts_as(model, stop.owners, by):
            owner = "/".join(stop.owners) or "nobody"
            reasons.append(f"D4: stops running line {stop.line} without its owner's decision ({owner})")
    return reasons


def _option(pb: Playbook, option_id: str) -> Option:
    found = pb.option(option_id)
    if found is not None:
        return found
    for withheld, why in pb.withheld:
        if withheld == option_id:
            raise UsageError(f"{option_id} is not offered: {why}")
    offered = ", ".join(o.id for s in pb.steps for o in s.options)
    raise UsageError(f"unknown option {option_id!r} for {pb.incident} (offered: {offered})")


def _next_state(label: str, state: str, option: Option) -> str:
    after = PHASE_STATE.get(option.step)
    if after is None or STATES.index(after) <= STATES.index(state):
        return state
    check_move(label, state, after)
    return after


def decide(
    db_url: str,
    site: int | None,
    ref: str,
    option_id: str,
    by: str,
    why: str,
    model: SiteModel | None,
    override: str | None = None,
    now: datetime | None = None,
    how: Mapping[str, Any] | None = None,
) -> IncidentView:
    """Record one decision (and the state it leads to); see the module's rules. ``how``: how
    it came, into the audit entry's details (``{"via": "cli"}``)."""
    if not by.strip() or not why.strip():
        raise UsageError("a decision needs --by NAME and --why TEXT")
    if override is not None and not override.strip():
        raise UsageError("--override needs its reason (why the marked option is chosen anyway)")
    incident = get_incident(db_url, site, ref)
    if incident.state == "closed":
        raise UsageError(f"incident {incident.label} is closed: no more decisions")
    at = now or utc_now()
    pb = for_incident(db_url, site, incident, model, at)
    assert model is not None  # for_incident refuses a missing model
    option = _option(pb, option_id.strip())
    reasons = needs_override(pb, incident, option, model, by)
    if reasons and override is None:
        more = f" (and {len(reasons) - 1} more)" if len(reasons) > 1 else ""
        raise UsageError(f"{option.id} needs --override REASON: {reasons[0]}{more}")
    after = _next_state(incident.label, incident.state, option)
    return _store(db_url, site, incident, pb, option, by, why, override, reasons, after, at, how)


def _store(
    db_url: str,
    site: int | None,
    incident: IncidentView,
    pb: Playbook,
    option: Option,
    by: str,
    why: str,
    override: str | None,
    reasons: list[str],
    after: str,
    at: datetime,
    how: Mapping[str, Any] | None = None,
) -> IncidentView:
    site_id = resolve(db_url, site)
    with connected(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        row = find_row(session, site_id, parse_ref(incident.label))
        if row.state != incident.state:
            raise UsageError(f"incident {incident.label} changed meanwhile (now {row.state}); decide again")
        marks = [m.as_dict() for m in option.marks]
        session.add(
            IncidentDecision(
                site_id=row.site_id, incident_id=row.id, at=at, by_name=by,
                step=option.step, option=option.id,
                title=option.title, predicted_cost_per_hour=option.cost_per_hour, currency=pb.currency,
                why=why.strip(), override=override.strip() if override else None, marks=marks,
            )
        )  # fmt: skip
        cost = f"{option.cost_per_hour:,.0f} {pb.currency}/h"
        details = {"option": option.id, "predicted_cost_per_hour": option.cost_per_hour,
                   "override": override, "override_for": reasons}  # fmt: skip
        entry(session, row, by, "decision", f"{option.id}: {option.title} ({cost})", why.strip(), row.state,
              details, at)  # fmt: skip
        if after != row.state:
            entry(session, row, by, "state", f"{row.state} -> {after}", option.id, after, now=at)
            row.state = after
        row.updated_at = at
        audit.append(session, by, "incident.decide", incident.label, site_id=row.site_id, why=why.strip(),
                     details={**details, "marks": marks, "state": after, **(how or {})})  # fmt: skip
        return view(session, row)

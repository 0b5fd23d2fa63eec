"""The playbook as an OASIS CACAO 2.0 playbook (JSON; schemas in oasis-open/cacao-json-schemas).

The workflow: start -> the safety gate (an action for the process-safety owner) -> "cyber
attack?" (an if-condition on the variable ``__cyber_attack__``): if so, the containment ladder
in order, each rung an action whose ``on_failure`` is the next rung (escalate) and whose
``on_success`` is stabilisation; if not, stabilisation at once -> recovery -> lessons learned
-> end. Every step is a human step: a ``manual`` command, with the RACI role as the agent
(an ``individual`` with its people, or an ``organization`` for a team) and as the step's
owner. Marked rungs say so in their description. Identifiers are UUIDv5 of the site, the
incident and the step, so that exporting again gives the same ids. Marked TLP:AMBER.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from plantwarden import __version__
from plantwarden.continuity.text import money
from plantwarden.incidents.options import Option, Step
from plantwarden.incidents.playbook import Playbook
from plantwarden.site.model import SiteModel

NAMESPACE = uuid.UUID("5b3f0c2e-9f6a-4d8e-8a51-70a1f3c0e7d1")  # plantwarden's CACAO namespace
ACTIVITY = {
    "safety": "identify-steps",
    "cause": "analyze-collected-data",
    "containment": "restrict-access",
    "stabilise": "restore-capabilities",
    "recovery": "restore-capabilities",
    "lessons": "compose-content",
}


def timestamp(at: datetime) -> str:
    """CACAO timestamps: UTC, exactly three digits of milliseconds."""
    utc = at.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


class Ids:
    def __init__(self, pb: Playbook) -> None:
        self.base = f"{pb.site}/{pb.incident}"

    def __call__(self, kind: str, name: str) -> str:
        return f"{kind}--{uuid.uuid5(NAMESPACE, f'{self.base}/{kind}/{name}')}"


def _agents(model: SiteModel, ids: Ids, roles: set[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for role in model.roles:
        if role.id not in roles:
            continue
        kind = "individual" if role.people else "organization"
        agent: dict[str, Any] = {
            "type": kind,
            "name": role.id,
            "description": role.team or ", ".join(role.people),
        }
        if role.contact:
            agent["contact"] = {"contact_details": role.contact}
        found[ids(kind, role.id)] = agent
    return found


def _agent_id(model: SiteModel, ids: Ids, role: str) -> str:
    r = next((x for x in model.roles if x.id == role), None)
    return ids("individual" if r is None or r.people else "organization", role)


def _command(text: str, step: str) -> dict[str, Any]:
    return {"type": "manual", "command": text, "playbook_activity": ACTIVITY[step]}


def _option_text(o: Option, currency: str) -> str:
    parts = [f"[{o.id}] {o.title}"]
    if o.step == "containment":
        parts.append(f"predicted cost {money(o.cost_per_hour, currency)}/h")
    if o.text:
        parts.append(o.text)
    parts += [
        f"stops {s.line} after {s.after_minutes:g} min ({money(s.cost_per_hour, currency)}/h)"
        for s in o.stops
    ]
    parts += [f"partner: {p}" for p in o.partners]
    if o.approvers:
        parts.append(f"approves: {', '.join(o.approvers)}")
    return "; ".join(parts)


def _action(
    pb: Playbook, model: SiteModel, ids: Ids, step: Step, name: str, commands: list[str], desc: str
) -> dict[str, Any]:
    owner = step.owners[0] if step.owners else None
    action: dict[str, Any] = {
        "type": "action",
        "name": name,
        "description": desc,
        "commands": [_command(c, step.phase) for c in commands],
        "agent": _agent_id(model, ids, owner) if owner else ids("organization", "incident-team"),
    }
    if owner:
        action["owner"] = ids("identity", owner)
    return action


def export(pb: Playbook, model: SiteModel, created: datetime, now: datetime) -> dict[str, Any]:
    ids = Ids(pb)
    workflow: dict[str, dict[str, Any]] = {}
    step_ids = {s.id: ids("action", s.id) for s in pb.steps}
    rungs = list(pb.step("containment").options)
    rung_ids = [ids("action", o.id) for o in rungs]
    start, cause, end = ids("start", "start"), ids("if-condition", "cause"), ids("end", "end")
    workflow[start] = {"type": "start", "name": "Incident opened", "on_completion": step_ids["safety"]}
    for step in pb.steps:
        if step.id in ("cause", "containment"):
            continue
        commands = [*step.text, *(_option_text(o, pb.currency) for o in step.options)]
        desc = f"{step.title} (owners: {', '.join(step.owners) or 'none, a gray area'})"
        if step.id == "safety" and step.required:
            desc += ": required before any other decision"
        workflow[step_ids[step.id]] = _action(pb, model, ids, step, step.title, commands, desc)
    workflow[step_ids["safety"]]["on_completion"] = cause
    workflow[step_ids["stabilise"]]["on_completion"] = step_ids["recovery"]
    workflow[step_ids["recovery"]]["on_completion"] = step_ids["lessons"]
    workflow[step_ids["lessons"]]["on_completion"] = end
    cause_step = pb.step("cause")
    workflow[cause] = {
        "type": "if-condition",
        "name": cause_step.title,
        "description": "; ".join(cause_step.text)
        + f" (decided by {', '.join(cause_step.owners) or 'nobody'})",
        "condition": "__cyber_attack__:value = 'true'",
        "on_true": rung_ids[0] if rung_ids else step_ids["stabilise"],
        "on_false": step_ids["stabilise"],
        "on_completion": step_ids["stabilise"],
    }
    containment = pb.step("containment")
    for i, (o, rid) in enumerate(zip(rungs, rung_ids, strict=True)):
        desc = f"containment rung {i + 1} of {len(rungs)}: {o.title}"
        if o.marks:
            desc += "; MARKED, needs an explicit override with its reason: " + "; ".join(
                m.text for m in o.marks
            )
        action = _action(pb, model, ids, containment, o.title, [_option_text(o, pb.currency)], desc)
        action["on_success"] = step_ids["stabilise"]
        action["on_failure"] = rung_ids[i + 1] if i + 1 < len(rungs) else step_ids["stabilise"]
        workflow[rid] = action
    workflow[end] = {"type": "end", "name": "Incident closed"}
    roles = {r for s in pb.steps for r in s.owners}
    agents = _agents(model, ids, roles)
    if any(a["agent"] == ids("organization", "incident-team") for a in workflow.values() if "agent" in a):
        agents[ids("organization", "incident-team")] = {"type": "organization", "name": "incident team"}
    tlp = ids("marking-tlp", "amber")
    creator = ids("identity", "plantwarden")
    withheld = "; ".join(f"{o} withheld: {why}" for o, why in pb.withheld)
    return {
        "type": "playbook",
        "spec_version": "cacao-2.0",
        "id": ids("playbook", "playbook"),
        "name": f"{pb.incident}: {pb.title}",
        "description": (
            f"generated by plantwarden {__version__} from the site model of {pb.site}: safety gate first, "
            "containment ladder least to most disruptive priced in lost production, never the safety system"
            + (f"; {withheld}" if withheld else "")
        ),
        "playbook_types": ["mitigation", "remediation", "investigation"],
        "playbook_activities": sorted(set(ACTIVITY.values())),
        "created_by": creator,
        "created": timestamp(created),
        "modified": timestamp(max(now, created)),
        "labels": ["ot-incident-response", "exercise" if pb.exercise else "incident"],
        "markings": [tlp],
        "playbook_variables": {
            "__cyber_attack__": {
                "type": "string",
                "description": "attack or fault (decision cause.*)",
                "value": "",
            }
        },
        "workflow_start": start,
        "workflow": workflow,
        "agent_definitions": agents,
        "data_marking_definitions": {
            tlp: {
                "type": "marking-tlp",
                "id": tlp,
                "created_by": creator,
                "created": timestamp(created),
                "tlpv2_level": "TLP:AMBER",
            }
        },
    }

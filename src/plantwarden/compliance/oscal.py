"""OSCAL assessment results (OSCAL 1.2.1, through compliance-trestle) from an assessment.

The pattern Prowler uses: each evidence item (a rule, per zone) is an observation with its
source, time collected and expiry; each requirement plantwarden judged is a finding that
relates its observations, ``not-satisfied`` for not satisfied and partly (reason ``fail`` or
``other``), ``satisfied`` only with fresh evidence; requirements with not enough evidence or
not assessed get no finding and are listed in the result's remarks. People's statements are
observations of method INTERVIEW with the person as origin.

Every UUID is a UUID 5 of what it stands for and every time comes from the records, so two
exports of the same state are byte-identical.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

from plantwarden import __version__
from plantwarden.cli.outfile import GENERATOR_MARK
from plantwarden.compliance.assess import Assessment, Result
from plantwarden.compliance.evidence import DAY, Evidence, Status

#: The namespace of plantwarden's OSCAL UUIDs (itself a UUID 5 of the name in the URL namespace).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:plantwarden:oscal")
PROP_NS = "urn:plantwarden:compliance"
NETWORK_SOURCES = frozenset({"captures"})


def uid(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "|".join(str(p) for p in parts)))


def control_id(req_id: str, framework: str) -> str:
    """An OSCAL token for a requirement: ``sr-5.1``, ``pr.ir-01``, ``cpg-2.f``."""
    token = re.sub(r"[^A-Za-z0-9.\-_]+", "-", req_id.strip()).lower()
    return token if token[:1].isalpha() else f"{framework.split('-')[1] if '-' in framework else 'x'}-{token}"


def when(ts: float) -> datetime:
    return datetime.fromtimestamp(round(ts, 6), UTC)


def _prop(name: str, value: str) -> Any:
    from trestle.oscal.common import Property

    return Property(name=name, value=value, ns=PROP_NS)


def _observation(a: Assessment, e: Evidence, fallback: float) -> Any:
    from trestle.oscal.common import Observation, RelevantEvidence

    collected = e.observed_at if e.observed_at is not None else fallback
    props = [
        _prop("rule", e.rule),
        _prop("status", str(e.status).replace(" ", "-")),
        _prop("source", e.source),
    ]
    if e.zone is not None:
        props.append(_prop("zone", e.zone))
    expires = when(collected + e.max_age_days * DAY) if e.max_age_days is not None else None
    items = [f"{k}: {v}" for item in e.items[:5] for k, v in sorted(item.items())]
    return Observation(
        uuid=uid(a.site, a.catalog.framework, a.zone, "observation", e.rule, e.zone),
        title=f"{e.rule}" + (f" ({e.zone})" if e.zone else ""),
        description=e.summary,
        props=props,
        methods=["TEST" if e.source in NETWORK_SOURCES else "EXAMINE"],
        collected=when(collected),
        expires=expires,
        relevant_evidence=[
            RelevantEvidence(description=f"plantwarden {e.source} records", remarks="\n".join(items) or None)
        ],
    )


def _statement(a: Assessment, s: dict[str, Any], req: str) -> Any:
    from trestle.oscal.common import Observation, Origin, OriginActor, RelevantEvidence

    evidence = []
    if s.get("file"):
        evidence = [RelevantEvidence(description=f"{s['file']} (sha256 {s['file_sha256']})")]
    return Observation(
        uuid=uid(a.site, a.catalog.framework, a.zone, "statement", req, s["by"], s["created_at"]),
        title=f"statement by {s['by']} on {req}",
        description=s["why"],
        methods=["INTERVIEW"],
        origins=[Origin(actors=[OriginActor(type="party", actor_uuid=uid("party", s["by"]))])],
        collected=when(s["created_at"]),
        relevant_evidence=evidence or None,
    )


def _finding(a: Assessment, r: Result, observed: list[str]) -> Any:
    from trestle.oscal.common import Finding, FindingTarget, ObjectiveStatus, RelatedObservation

    state = "satisfied" if r.status is Status.SATISFIED else "not-satisfied"
    reason = {Status.SATISFIED: "pass", Status.NOT_SATISFIED: "fail"}.get(r.status, "other")
    cid = control_id(r.requirement.id, a.catalog.framework)
    return Finding(
        uuid=uid(a.site, a.catalog.framework, a.zone, "finding", r.requirement.id),
        title=f"{r.requirement.id} {r.requirement.title}",
        description=f"{r.status}: {r.reason}",
        props=[_prop("status", str(r.status).replace(" ", "-"))],
        target=FindingTarget(
            type="objective-id", target_id=cid, status=ObjectiveStatus(state=state, reason=reason)
        ),
        related_observations=[RelatedObservation(observation_uuid=o) for o in observed] or None,
    )


def build(a: Assessment, newest: float) -> Any:
    """The trestle ``AssessmentResults`` of an assessment; ``newest``: the newest record's time."""
    from trestle.oscal import OSCAL_VERSION
    from trestle.oscal.assessment_results import AssessmentResults, ImportAp
    from trestle.oscal.assessment_results import Result as ArResult
    from trestle.oscal.common import (
        ControlSelections,
        Metadata,
        Parties,
        ReviewedControls,
        SelectControlById,
    )

    observations: dict[str, Any] = {}
    findings = []
    for r in a.results:
        mine = []
        for e in r.evidence:
            obs = _observation(a, e, newest)
            observations.setdefault(str(obs.uuid), obs)
            mine.append(str(obs.uuid))
        for s in r.statements:
            obs = _statement(a, s, r.requirement.key)
            observations.setdefault(str(obs.uuid), obs)
            mine.append(str(obs.uuid))
        if r.status in (Status.SATISFIED, Status.PARTLY, Status.NOT_SATISFIED):
            findings.append(_finding(a, r, mine))
    unjudged = [r.requirement.id for r in a.results if r.status in (Status.NOT_ENOUGH, Status.NOT_ASSESSED)]
    times = [o.collected.timestamp() for o in observations.values()]
    newest = max([newest, *times])
    people = sorted({s["by"] for r in a.results for s in r.statements})
    c = a.catalog
    selected = [SelectControlById(control_id=control_id(r.requirement.id, c.framework)) for r in a.results]
    result = ArResult(
        uuid=uid(a.site, c.framework, a.zone, "result"),
        title=f"{c.name} {c.version}: {a.site}" + (f", zone {a.zone}" if a.zone else ""),
        description=f"plantwarden {__version__} judged {len(a.results)} requirements from its records.",
        start=when(min(times, default=newest)),
        end=when(newest),
        reviewed_controls=ReviewedControls(control_selections=[ControlSelections(include_controls=selected)]),
        observations=sorted(observations.values(), key=lambda o: str(o.uuid)) or None,
        findings=findings or None,
        remarks=("Not enough evidence or not assessed by plantwarden: " + ", ".join(unjudged))
        if unjudged
        else None,
    )
    metadata = Metadata(
        title=f"plantwarden compliance evidence: {a.site}, {c.name} {c.version}",
        last_modified=when(newest),
        version=__version__,
        oscal_version=OSCAL_VERSION,
        parties=[Parties(uuid=uid("party", p), type="person", name=p) for p in people] or None,
        remarks=f"{GENERATOR_MARK} {__version__}. Catalogue: {c.source.rstrip('.')}. Licence: {c.licence}",
    )
    return AssessmentResults(
        uuid=uid(a.site, c.framework, a.zone, "assessment-results"),
        metadata=metadata,
        import_ap=ImportAp(href="#", remarks="no assessment plan: plantwarden assesses from its own records"),
        results=[result],
    )


def to_json(a: Assessment, newest: float) -> str:
    """The OSCAL JSON document, pretty-printed, ending in a newline."""
    text: str = build(a, newest).oscal_serialize_json(pretty=True)
    return text + "\n"

"""``vulns.handling``: known vulnerabilities of the assets are matched and handled. Its source
``vulnerabilities`` reads the stored matches and statuses (plantwarden.vulns) with the KEV
catalogue in use; the rule finds known-exploited items past CISA's due date and not handled,
accepted risks past their end or without one, and statuses set without who or why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from plantwarden.compliance.evidence import Evidence, Status
from plantwarden.compliance.rules import rule
from plantwarden.compliance.sources import StoreRef, source
from plantwarden.compliance.state import State

RULE = "vulns.handling"


@dataclass(frozen=True, slots=True)
class VulnItem:
    asset: str
    cve: str
    kev_due: date | None  # CISA's due date when the CVE is known exploited, else None
    status: str  # not_remediated, in_progress, remediated, accepted
    who: str | None = None
    why: str | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class VulnRecord:
    items: tuple[VulnItem, ...]
    matched_at: float  # the newest match (epoch seconds)


@source("vulnerabilities")
def vuln_record(ref: StoreRef) -> VulnRecord | None:
    """The site's stored matches with their status and KEV due date; None when never matched."""
    from plantwarden.vulns.bundle import current, load_kev
    from plantwarden.vulns.store import stored_matches

    matches = stored_matches(ref.url, ref.site_id)
    if not matches:
        return None
    kev = load_kev(current("kev"))

    def due(cve: str) -> date | None:
        text = (kev.get(cve) or {}).get("dueDate")
        return date.fromisoformat(text) if text else None

    items = {
        (m.asset, m.cve): VulnItem(
            m.asset, m.cve, due(m.cve), m.status, m.status_who, m.status_why, m.status_until
        )
        for m in matches
    }
    newest = max(m.first_matched for m in matches)
    return VulnRecord(tuple(items.values()), newest.timestamp())


def _accepted_in_date(item: VulnItem, now: datetime) -> bool:
    return item.status == "accepted" and item.until is not None and _aware(item.until) > now


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def _entry(item: VulnItem, problem: str) -> dict[str, Any]:
    return {"asset": item.asset, "cve": item.cve, "status": item.status, "problem": problem}


@rule(RULE, ("vulnerabilities",), "Known vulnerabilities of the assets are matched and handled")
def handling(state: State) -> list[Evidence]:
    record: VulnRecord = state.get("vulnerabilities")
    now = datetime.fromtimestamp(state.now, UTC)
    today = now.date()
    found: list[dict[str, Any]] = []
    for i in record.items:
        handled = i.status == "remediated" or _accepted_in_date(i, now)
        if i.kev_due is not None and i.kev_due < today and not handled:
            found.append(_entry(i, f"known exploited, CISA due {i.kev_due.isoformat()}, not handled"))
        if i.status == "accepted" and i.until is None:
            found.append(_entry(i, "risk accepted without an end date"))
        elif i.status == "accepted" and i.until is not None and not _accepted_in_date(i, now):
            found.append(_entry(i, f"risk acceptance ended {_aware(i.until).date().isoformat()}"))
        if i.status != "not_remediated" and not (i.who and i.why):
            found.append(_entry(i, "status set without who and why"))
    kev = sum(1 for i in record.items if i.kev_due is not None)
    decided = sum(1 for i in record.items if i.status != "not_remediated")
    counts = f"{len(record.items)} matched ({kev} known exploited), {decided} with a recorded decision"
    if found:
        status, said = Status.NOT_SATISFIED, f"{len(found)} problems in handling vulnerabilities: {counts}"
    elif any(i.kev_due is not None and i.status == "not_remediated" for i in record.items):
        status, said = Status.PARTLY, f"known-exploited items open, none past due: {counts}"
    else:
        status, said = Status.SATISFIED, f"every known-exploited item handled, decisions in date: {counts}"
    return [Evidence(RULE, status, said, "vulnerabilities", record.matched_at, None, tuple(found[:50]))]

"""Incident states and the legal moves between them.

An incident is ``open`` until its containment is decided (``contained``), then ``stabilised``
(production continues safely), ``recovered`` (restored against the approved version) and
``closed`` (after lessons learned). It moves one state forward at a time (an open incident
may be stabilised without containment: an equipment fault), or is closed from any state (a
false alarm is closed while open); a closed incident never changes again.
"""

from __future__ import annotations

from plantwarden.errors import UsageError

STATES = ("open", "contained", "stabilised", "recovered", "closed")
SEVERITIES = ("low", "medium", "high", "critical")

#: state -> the states it may move to
MOVES: dict[str, frozenset[str]] = {
    "open": frozenset({"contained", "stabilised", "closed"}),  # a fault needs no containment
    "contained": frozenset({"stabilised", "closed"}),
    "stabilised": frozenset({"recovered", "closed"}),
    "recovered": frozenset({"closed"}),
    "closed": frozenset(),
}


def legal(before: str, after: str) -> bool:
    return after in MOVES.get(before, frozenset())


def check_move(label: str, before: str, after: str) -> None:
    """Refuse an illegal move with one line naming the incident and what may follow."""
    if before == "closed":
        raise UsageError(f"incident {label} is closed: it cannot change any more")
    if not legal(before, after):
        allowed = ", ".join(s for s in STATES if s in MOVES[before])
        raise UsageError(f"incident {label} is {before}: it cannot become {after} (next: {allowed})")


def check_severity(text: str) -> str:
    value = text.strip().lower()
    if value not in SEVERITIES:
        raise UsageError(f"unknown severity {text!r} (expected one of {', '.join(SEVERITIES)})")
    return value


def parse_ref(text: str) -> int:
    """``INC-7``, ``inc-7`` or ``7`` -> 7."""
    raw = text.strip()
    digits = raw[4:] if raw.upper().startswith("INC-") else raw
    if not digits.isdigit() or int(digits) < 1:
        raise UsageError(
            f"{text!r} is not an incident id (expected INC-7 or 7; see plantwarden incident list)"
        )
    return int(digits)


def label(number: int) -> str:
    return f"INC-{number}"

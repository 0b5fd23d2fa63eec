"""The plan's windows as an iCalendar file (RFC 5545) that maintenance calendars import.

One VEVENT per window with items: its items, the lines that stop, the production cost and the
risk retired. Built with the ``icalendar`` library (RFC 5545 folding and escaping done right).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from plantwarden import __version__
from plantwarden.cli.outfile import GENERATOR_MARK


def to_ical(plan: dict[str, Any]) -> bytes:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", f"-//plantwarden//{GENERATOR_MARK} {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{plan['site']}: remediation plan")
    for w in plan["windows"]:
        event = Event()
        event.add("uid", f"{plan['fingerprint'][:16]}-{w['id']}@plantwarden")
        event.add("dtstart", datetime.fromisoformat(w["start"]))
        event.add("dtend", datetime.fromisoformat(w["end"]))
        event.add("dtstamp", datetime.fromisoformat(w["start"]))
        event.add("summary", f"{w['window']}: {len(w['items'])} remediation items")
        event.add("description", _description(plan, w))
        cal.add_component(event)
    return bytes(cal.to_ical())


def _description(plan: dict[str, Any], w: dict[str, Any]) -> str:
    items = {i["id"]: i for i in plan["items"]}
    lines = [f"- {i}: {items[i]['action']}" for i in w["items"]]
    stop = ", ".join(w["lines_stopping"]) or "none"
    cost = f"{w['production_cost']:,.0f} {plan['currency']}"
    return "\n".join(
        [*lines, f"Lines stopping: {stop}", f"Production cost: {cost}", f"Risk retired: {w['risk_retired']}"]
    )

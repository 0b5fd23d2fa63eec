"""The playbook as lines of text for the terminal (the page is :mod:`plantwarden.incidents.html`)."""

from __future__ import annotations

from plantwarden.continuity.text import minutes, money
from plantwarden.incidents.options import Option
from plantwarden.incidents.playbook import Playbook


def option_lines(o: Option, currency: str) -> list[str]:
    head = f"    [{o.id}] {o.title}"
    if o.step == "containment":
        head += f": {money(o.cost_per_hour, currency)}/h"
    lines = [head]
    if o.text and o.step in ("containment", "stabilise"):
        lines.append(f"        {o.text}")
    for s in o.stops:
        state = "running" if s.running else f"in window {s.window}"
        lines.append(
            f"        stops {s.line} after {minutes(s.after_minutes)} ({money(s.cost_per_hour, currency)}/h, "
            f"{state}, owner {'/'.join(s.owners) or 'none'})"
        )
    lines += [f"        partner: {p}" for p in o.partners if o.step == "containment"]
    if o.approvers:
        lines.append(f"        approves: {', '.join(o.approvers)}")
    lines += [f"        MARKED {m.mark}: {m.text} (needs --override REASON)" for m in o.marks]
    return lines


def playbook_lines(pb: Playbook, *, steps: tuple[str, ...] | None = None) -> list[str]:
    """Every step (or the named ones), its owners, text and options."""
    kind = "exercise" if pb.exercise else "playbook"
    lines = [f"{kind} {pb.incident}: {pb.title} (site {pb.site})"]
    for n, step in enumerate(pb.steps, 1):
        if steps is not None and step.id not in steps:
            continue
        need = "" if step.required else " (not blocking)"
        lines.append(f"{n}. {step.title}{need}  owners: {', '.join(step.owners) or 'none (gray area)'}")
        lines += [f"    {t}" for t in step.text]
        for o in step.options:
            lines += option_lines(o, pb.currency)
        if step.id == "containment":
            lines += [f"    withheld [{o}]: {why}" for o, why in pb.withheld]
    if steps is None:
        lines.append("evidence to secure first (production restoration may override it):")
        lines += [f"    {item}" for item in pb.to_secure]
    return lines

"""The playbook of one incident, generated from the site model (docs/incidents.md):

1. safety gate (:mod:`plantwarden.incidents.safety`), decided by the process-safety owner;
2. cyber attack or equipment fault, with the indicators the alerts give;
3. the containment ladder (:mod:`plantwarden.incidents.ladder`), each rung priced;
4. stabilise and continue: manual operation, the redundant partner, the buffer time left;
5. recovery against the approved program version, with the vendor's contact;
6. lessons learned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from plantwarden.continuity.text import minutes
from plantwarden.incidents.context import Context
from plantwarden.incidents.ladder import ladder, priced
from plantwarden.incidents.options import Option, Step
from plantwarden.incidents.safety import Gate, gate
from plantwarden.incidents.secure import to_secure

#: rules whose alerts point at an attack rather than a fault
ATTACK_RULES = frozenset({
    "port-scan", "host-sweep", "write-from-new-host", "outside-conduit", "new-talker", "program-download",
    "remote-access-to-ot", "mode-change", "new-conversation", "arp-spoofing",
})  # fmt: skip
FAULT_RULES = frozenset({"device-silent", "polling-stopped", "malformed"})
#: phase -> the incident state a decision of that phase leads to
PHASE_STATE = {"containment": "contained", "stabilise": "stabilised", "recovery": "recovered"}


@dataclass(frozen=True, slots=True)
class Playbook:
    incident: str
    title: str
    site: str
    currency: str
    source: str | None
    target: str | None
    gate: Gate
    steps: tuple[Step, ...]
    withheld: tuple[tuple[str, str], ...]
    to_secure: tuple[str, ...]
    exercise: bool = False

    def option(self, option_id: str) -> Option | None:
        return next((o for s in self.steps for o in s.options if o.id == option_id), None)

    def step(self, step_id: str) -> Step:
        return next(s for s in self.steps if s.id == step_id)

    def as_dict(self) -> dict[str, Any]:
        return {
            "incident": self.incident,
            "title": self.title,
            "site": self.site,
            "currency": self.currency,
            "exercise": self.exercise,
            "source": self.source,
            "target": self.target,
            "safety_gate": {
                "required": self.gate.required,
                "reasons": list(self.gate.reasons),
                "safety_assets": list(self.gate.safety_assets),
                "deciders": list(self.gate.deciders),
                "gray": self.gate.gray,
            },
            "evidence_to_secure": list(self.to_secure),
            "steps": [s.as_dict() for s in self.steps],
            "withheld": [{"option": o, "why": w} for o, w in self.withheld],
        }


def build(ctx: Context, label: str, title: str, assets: list[str], *, exercise: bool = False) -> Playbook:
    g = gate(ctx)
    offered, withheld = ladder(ctx)
    steps = (
        _safety(g),
        _cause(ctx),
        _containment(ctx, offered),
        _stabilise(ctx),
        _recovery(ctx),
        _lessons(ctx),
    )
    return Playbook(
        label, title, ctx.model.site.name, ctx.model.site.currency, ctx.source, ctx.target, g, steps,
        tuple(withheld), tuple(to_secure(ctx, assets)), exercise,
    )  # fmt: skip


def _safety(g: Gate) -> Step:
    text = list(g.reasons) or ["no safety-related asset involved (rules G1-G3): EHS confirms, nothing waits"]
    if g.gray:
        text.append(f"gray area: {g.gray}")
    options = (
        Option("safety.clear", "safety", "No safety function affected: the response may go on",
               "EHS confirms the safety system is healthy and not part of the incident"),
        Option("safety.hold", "safety", "Bring the process to a safe state first",
               "operations bring the process to a safe state as EHS directs; containment waits for EHS"),
    )  # fmt: skip
    return Step("safety", "safety", "Safety gate: is a safety function involved?", tuple(text), g.deciders,
                options, g.required)  # fmt: skip


def _cause(ctx: Context) -> Step:
    hints = [f"{r}: points at an attack" for r in ctx.rules if r in ATTACK_RULES]
    hints += [f"{r}: points at a fault" for r in ctx.rules if r in FAULT_RULES]
    if ctx.source is not None and ctx.asset(ctx.source) is None:
        hints.append(f"source {ctx.source} is not in the site model")
    owners = (
        ctx.responsible("asset", ctx.target)
        if ctx.target and ctx.asset(ctx.target)
        else ctx.site_accountable()
    )
    options = (
        Option("cause.attack", "cause", "Cyber attack: contain", "treat as an attack: containment ladder"),
        Option("cause.fault", "cause", "Equipment fault: repair", "treat as a fault: stabilise and repair"),
    )
    text = tuple(hints) or ("no indicator either way",)
    return Step("cause", "cause", "Cyber attack or equipment fault?", text, owners, options)


def _containment(ctx: Context, offered: list[Option]) -> Step:
    owners = (
        ctx.accountable("asset", ctx.target)
        if ctx.asset(ctx.target) and ctx.target
        else ctx.site_accountable()
    )
    text = ("least to most disruptive; conduit first, host last, never the safety system",)
    return Step("containment", "containment", "Contain", text, owners, tuple(offered))


def _stabilise(ctx: Context) -> Step:
    stops, partners, _ = priced(ctx, ctx.target)
    elapsed = float(max(0, int((ctx.now - ctx.opened_at).total_seconds() // 60)))
    text = [
        f"{s.line}: stops {minutes(s.after_minutes)} after {ctx.target} is lost; buffer left "
        f"{minutes(max(0.0, s.after_minutes - elapsed))} (incident open {minutes(elapsed)})"
        for s in stops
    ]
    text += list(partners)
    owners = tuple(dict.fromkeys(o for s in stops for o in s.owners)) or ctx.site_accountable()
    lines = ", ".join(s.line for s in stops) or "the lines"
    options = [Option("stabilise.manual", "stabilise", f"Run {lines} by hand",
                      f"manual operation of {lines} while {ctx.target} is checked")]  # fmt: skip
    if partners:
        options.append(Option("stabilise.partner", "stabilise", "Carry the load on the redundant partner",
                              "; ".join(partners)))  # fmt: skip
    running = [s for s in stops if s.after_minutes > elapsed]
    shortest = min(running, key=lambda s: s.after_minutes, default=None)
    left = "no buffer left"
    if shortest is not None:
        left = f"{shortest.line} stops first, in {minutes(shortest.after_minutes - elapsed)}"
    options.append(Option("stabilise.continue", "stabilise", "Continue on the buffers", left))
    return Step("stabilise", "stabilise", "Stabilise and continue", tuple(text) or ("no line depends on it",),
                owners, tuple(options))  # fmt: skip


def _recovery(ctx: Context) -> Step:
    target = ctx.asset(ctx.target)
    text: list[str] = []
    if target is not None:
        version = ", ".join(x for x in (target.product, target.firmware) if x) or "version not declared"
        holders = ctx.responsible("asset", target.name, "changes")
        text.append(
            f"restore {target.name} ({version}) against the approved program version held by "
            f"{'/'.join(holders) or 'nobody (gray area)'}: upload, compare, "
            "download the approved one if it differs"
        )
    for vendor in ctx.model.vendors:
        if target is not None and target.name in vendor.assets:
            contacts = (
                "; ".join(", ".join(x for x in (c.name, c.phone, c.email) if x) for c in vendor.contacts)
                or "no contact declared"
            )
            route = f"remote access {vendor.remote_access.value}" + (
                f" via {vendor.via}" if vendor.via else ""
            )
            if vendor.via and vendor.via == ctx.source:
                route += " (the incident's source: keep it closed until contained)"
            text.append(f"vendor {vendor.company}: {contacts}; {route}")
    owners = ctx.accountable("asset", target.name) if target is not None else ctx.site_accountable()
    option = Option("recovery.restore", "recovery", "Restored and verified against the approved version")
    shown = tuple(text) or ("nothing to restore in the model",)
    return Step("recovery", "recovery", "Recover", shown, owners, (option,))


def _lessons(ctx: Context) -> Step:
    text = (
        "what detected it, and when; time to contain; options chosen against their predicted cost",
        "update the site model, RACI gray areas and the baseline; plan the next tabletop exercise",
    )
    option = Option("lessons.review", "lessons", "Lessons-learned review held")
    return Step("lessons", "lessons", "Lessons learned", text, ctx.site_accountable(), (option,))

"""RACI matrix and gray areas: who is responsible and accountable for each asset, line, activity.

For every subject (asset, line) and every question (ownership ``-``, ``updates``, ``incidents``,
``changes``) the entry that applies is the most specific one:

1. the subject's own entry for that activity (ownership: the subject's entry without activity);
2. the subject's entry without activity;
3. for an asset only: the entries of the lines that need it (at any depth), for that activity,
   else without activity - all such lines together;
4. the site-wide entry for that activity.

A gray area is a row with no Responsible, no Accountable, or more than one Accountable (two
lines needing one asset with different accountable roles). Activities without a site-wide
entry are gray areas too.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from plantwarden.continuity.graph import DependencyGraph
from plantwarden.site.model import Activity, RaciEntry, SiteModel

QUESTIONS: tuple[str | None, ...] = (None, *(a.value for a in Activity))
PARTS = ("responsible", "accountable", "consulted", "informed")
Key = tuple[str | None, str | None, str | None]  # (asset, line, activity)


@dataclass(frozen=True, slots=True)
class Row:
    kind: str  # asset, line, activity
    subject: str
    activity: str | None
    roles: dict[str, tuple[str, ...]]
    source: str

    @property
    def gray(self) -> list[str]:
        reasons = []
        if not self.roles["responsible"]:
            reasons.append("no Responsible")
        if not self.roles["accountable"]:
            reasons.append("no Accountable")
        if len(self.roles["accountable"]) > 1:
            reasons.append("more than one Accountable: " + ", ".join(self.roles["accountable"]))
        return reasons

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": self.subject,
            "activity": self.activity,
            **{p: list(self.roles[p]) for p in PARTS},
            "source": self.source,
            "gray": self.gray,
        }


def _roles(entries: list[RaciEntry]) -> dict[str, tuple[str, ...]]:
    return {p: tuple(dict.fromkeys(r for e in entries for r in getattr(e, p))) for p in PARTS}


class Resolver:
    def __init__(self, model: SiteModel, graph: DependencyGraph) -> None:
        self.index: dict[Key, tuple[int, RaciEntry]] = {}
        for i, e in enumerate(model.raci):
            activity = e.subject.activity.value if e.subject.activity is not None else None
            self.index[(e.subject.asset, e.subject.line, activity)] = (i, e)
        self.lines_of: dict[str, list[str]] = {}
        for line in model.lines:
            for name in sorted(graph.closure(line.name)):
                self.lines_of.setdefault(name, []).append(line.name)

    def own(self, asset: str | None, line: str | None, activity: str | None) -> tuple[list[RaciEntry], str]:
        for act in dict.fromkeys((activity, None)):
            found = self.index.get((asset, line, act))
            if found is not None:
                return [found[1]], f"raci[{found[0]}]"
        return [], ""

    def lines(self, asset: str, activity: str | None) -> tuple[list[RaciEntry], str]:
        lines = self.lines_of.get(asset, [])
        for act in dict.fromkeys((activity, None)):
            found = [self.index[(None, x, act)] for x in lines if (None, x, act) in self.index]
            if found:
                return [e for _, e in found], "lines " + ", ".join(f"raci[{i}]" for i, _ in found)
        return [], ""

    def resolve(self, kind: str, name: str, activity: str | None) -> Row:
        asset, line = (name, None) if kind == "asset" else (None, name)
        entries, source = self.own(asset, line, activity)
        if not entries and kind == "asset":
            entries, source = self.lines(name, activity)
        if not entries and activity is not None and (found := self.index.get((None, None, activity))):
            entries, source = [found[1]], f"site-wide raci[{found[0]}]"
        return Row(kind, name, activity, _roles(entries), source or "none")


def matrix(model: SiteModel, graph: DependencyGraph) -> list[Row]:
    """One row per (asset or line, question) and one per site-wide activity."""
    r = Resolver(model, graph)
    subjects = [("line", x.name) for x in model.lines] + [("asset", a.name) for a in model.assets]
    rows = [r.resolve(kind, name, q) for kind, name in subjects for q in QUESTIONS]
    for activity in Activity:
        found = r.index.get((None, None, activity.value))
        roles = _roles([found[1]] if found else [])
        rows.append(
            Row("activity", activity.value, activity.value, roles, f"raci[{found[0]}]" if found else "none")
        )
    return rows


def gray_areas(rows: list[Row]) -> list[Row]:
    return [row for row in rows if row.gray]


def to_csv(rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["kind", "subject", "activity", *PARTS, "source", "gray"])
    for row in rows:
        roles = [";".join(row.roles[p]) for p in PARTS]
        writer.writerow([row.kind, row.subject, row.activity or "-", *roles, row.source, "; ".join(row.gray)])
    return buffer.getvalue()

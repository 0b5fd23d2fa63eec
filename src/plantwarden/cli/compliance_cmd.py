"""``plantwarden compliance``: requirements judged from the store's evidence; ``compliance
attest``: a person's statement on a requirement; ``assess provider``: an MSP's OT capability
(docs/compliance.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from plantwarden.cli.console import err, out
from plantwarden.cli.listing import Cell, Styled, emit
from plantwarden.cli.options import DbOption, JsonOption, SiteNameOption
from plantwarden.cli.outfile import ForceOption, OutOption, guard
from plantwarden.errors import InputError, UsageError

app = typer.Typer(
    help="Compliance with evidence: IEC 62443-3-3, NIST CSF 2.0, CISA CPG.",
    invoke_without_command=True,
    no_args_is_help=False,
)
assess_app = typer.Typer(help="Assessments of others: an MSP's OT capability.", no_args_is_help=True)

STYLES = {
    "satisfied": "green",
    "not satisfied": "bold red",
    "partly": "yellow",
    "not enough evidence": "dim",
    "not assessed by plantwarden": "dim",
}


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="compliance")
    root.add_typer(assess_app, name="assess")


def _at(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--at {value!r} is not a date (expected YYYY-MM-DD)") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()


def _write(path: Path, text: str, what: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot write the {what}: {exc.strerror}") from None
    err.print(f"{what}: {path.resolve()}")


@app.callback()
def compliance(
    ctx: typer.Context,
    framework: Annotated[
        str, typer.Option("--framework", help="iec62443-3-3, nist-csf-2.0 or cisa-cpg.")
    ] = "iec62443-3-3",
    zone: Annotated[str | None, typer.Option("--zone", help="Judge one zone's evidence only.")] = None,
    as_json: JsonOption = False,
    out_path: Annotated[Path | None, typer.Option("--out", help="Write the HTML page to FILE.")] = None,
    oscal: Annotated[
        Path | None, typer.Option("--oscal", help="Write OSCAL 1.2.1 assessment results (JSON) to FILE.")
    ] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="Judge freshness at YYYY-MM-DD (default now).")
    ] = None,
    force: ForceOption = False,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """Each requirement's status from what plantwarden observed and recorded, with its evidence."""
    if ctx.invoked_subcommand is not None:
        ctx.obj = {"db": db, "site_name": site_name}  # `compliance --db X attest ...` means X too
        return
    guard(out_path, force)
    guard(oscal, force, "--oscal")
    from plantwarden import jsonout
    from plantwarden.compliance.assess import weakest
    from plantwarden.compliance.service import assess_site

    run = assess_site(db, site_name, framework, zone, _at(at))
    doc = run.assessment.as_dict()
    if oscal is not None:
        from plantwarden.compliance.oscal import to_json

        _write(oscal, to_json(run.assessment, run.state.newest_record()), "OSCAL assessment results")
    if out_path is not None:
        from plantwarden.compliance.html import compliance_page

        _write(out_path, compliance_page(doc, weakest(run.assessment)), "compliance page")
    if as_json:
        jsonout.write(jsonout.document("compliance", 1, doc), "-")
    elif out_path is None and oscal is None:
        _print(doc, weakest(run.assessment))


def _print(doc: dict[str, object], weak: list[dict[str, object]]) -> None:
    cat = doc["catalog"]
    assert isinstance(cat, dict)
    counts = doc["counts"]
    assert isinstance(counts, dict)
    out.print(
        f"[bold]{cat['name']} {cat['version']}[/]: {doc['site']}"
        + (f", zone {doc['zone']}" if doc["zone"] else "")
    )
    out.print(", ".join(f"{k} {v}" for k, v in counts.items()), markup=False)
    rows: list[list[Cell]] = []
    requirements = doc["requirements"]
    assert isinstance(requirements, list)
    for r in requirements:
        rows.append([r["id"], r["title"], Styled(r["status"], STYLES[r["status"]]), r["reason"]])
    emit(["id", "requirement", "status", "evidence or reason"], rows)
    out.print("[bold]Weakest areas[/]")
    for w in weak:
        out.print(f"  {w['group']} {w['title']}: {w['worst']} {w['reason']}", markup=False)


@app.command("attest")
def attest_cmd(
    ctx: typer.Context,
    requirement: Annotated[str, typer.Argument(help="SR 5.1, PR.IR-01, 2.F, or framework:id.")],
    by: Annotated[str, typer.Option("--by", help="Who makes the statement.")] = "",
    why: Annotated[
        str, typer.Option("--why", help="The statement: what is in place, where it is shown.")
    ] = "",
    file: Annotated[
        Path | None, typer.Option("--file", help="A file that shows it (its SHA-256 is kept).")
    ] = None,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """Attach your own evidence or statement to a requirement (who and when are kept, audited)."""
    from plantwarden.compliance.service import attest_site

    given = ctx.obj if isinstance(ctx.obj, dict) else {}
    s = attest_site(db or given.get("db"), site_name or given.get("site_name"), requirement, by, why, file)
    out.print(
        f"statement on {s.requirement} by {s.by} stored"
        + (f" (file sha256 {s.file_sha256})" if s.file_sha256 else ""),
        markup=False,
    )


@assess_app.command("provider")
def provider_cmd(
    file: Annotated[Path, typer.Argument(help="The provider's answers (YAML, see examples/provider.yaml).")],
    as_json: JsonOption = False,
    out_path: OutOption = None,
    force: ForceOption = False,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """Score an MSP's OT experience and capabilities, with the gaps named, against this plant."""
    guard(out_path, force)
    from plantwarden import jsonout
    from plantwarden.compliance.provider_score import assess_provider

    doc = assess_provider(file, db, site_name)
    if out_path is not None:
        from plantwarden.compliance.html import provider_page

        _write(out_path, provider_page(doc), "provider assessment")
    if as_json:
        jsonout.write(jsonout.document("provider-assessment", 1, doc), "-")
        return
    if out_path is None:
        out.print(
            f"[bold]{doc['provider']}[/]: {doc['score']} of {doc['max']} points "
            f"({doc['percent']}%), {doc['verdict']}"
        )
        emit(
            ["area", "question", "score", "gaps"],
            [
                [s["area"], s["question"], f"{s['score']}/{s['max']}", "; ".join(s["gaps"]) or "-"]
                for s in doc["scores"]
            ],
        )

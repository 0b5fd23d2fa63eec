"""``plantwarden access check CAPTURE...``: every remote session in the captures, held
against the grants (the site model's and the stored ones). Exit 1 when a session broke a
grant or had none; nothing is stored (``detect`` stores the same alerts)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from plantwarden.cli.console import out
from plantwarden.cli.listing import Cell, CsvOption, Styled, Time, WideOption, emit
from plantwarden.cli.options import DbOption, JsonOption, SiteNameOption, SiteOption
from plantwarden.errors import EXIT_FINDINGS, UsageError

CHECK_SCHEMA = ("access-check", 1)


def register(app: typer.Typer) -> None:
    app.command("check")(check)


def check(
    captures: Annotated[
        list[Path], typer.Argument(help="Capture files (pcap, pcapng, gzip'd).", show_default=False)
    ],
    json_out: JsonOption = False,
    as_csv: CsvOption = False,
    wide: WideOption = False,
    site: SiteOption = None,
    site_name: SiteNameOption = None,
    db: DbOption = None,
) -> None:
    """Hold every remote session of the captures against the grants; exit 1 on a finding."""
    from plantwarden.access import service
    from plantwarden.access.scan import check_captures
    from plantwarden.cli.access_cmd import site_context

    if json_out and as_csv:
        raise UsageError("give --json or --csv, not both")
    model, site_id, url = site_context(db, site, site_name)
    grants = service.all_grants(url if site_id is not None else None, site_id, model)
    result = check_captures([str(p) for p in captures], model, grants)
    if json_out:
        from plantwarden import jsonout

        jsonout.write(jsonout.document(*CHECK_SCHEMA, result.document()), "-")
    else:
        names = {str(ip): a.name for a in model.assets for ip in a.ips}
        tz = model.tz
        rows: list[list[Cell]] = []
        for v in result.verdicts:
            s = v.session
            verdict: Cell = (
                Styled(", ".join(sorted({f.rule.name for f in v.findings})), "bold red")
                if v.findings
                else ("inside" if v.grant else "no grant needed")
            )
            hints = "; ".join(f"{k}={x}" for k, x in sorted(s.hints.items()))
            rows.append(
                [
                    Time(s.first_ts, tz),
                    Time(s.last_ts, tz),
                    s.proto,
                    names.get(s.client, s.client),
                    names.get(s.server, s.server),
                    s.bytes,
                    s.first_frame,
                    v.grant or "",
                    verdict,
                    hints,
                ]
            )
        if rows or as_csv:
            emit(
                ("start", "end", "proto", "from", "to", "bytes", "frame", "grant", "verdict", "hints"),
                rows,
                as_csv=as_csv,
                wide=wide,
            )
        else:
            out.print("no remote sessions")
        if not as_csv:
            for a in result.alerts:
                frames = ", ".join(f"{e.capture}#{','.join(map(str, e.frames[:5]))}" for e in a.evidence)
                broke = f" (grant {a.grant['grant']})" if a.grant else ""
                detail = a.details[0] if a.details else ""
                out.print(f"{a.severity.label:>8}  {a.title}{broke}: {detail} [{frames}]", markup=False)
    if result.alerts:
        raise typer.Exit(EXIT_FINDINGS)

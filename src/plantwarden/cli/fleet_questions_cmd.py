"""``plantwarden fleet firmware TEXT`` and ``plantwarden fleet kev``: questions over every
site of the store (docs/fleet.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from plantwarden.cli.listing import CsvOption, WideOption, emit
from plantwarden.cli.options import DbOption, JsonOption
from plantwarden.settings import Settings

FIRMWARE_SCHEMA = ("fleet-firmware", 1)
KEV_SCHEMA = ("fleet-kev", 1)


def register(app: typer.Typer) -> None:
    app.command("firmware")(firmware)
    app.command("kev")(kev)


def firmware(
    text: Annotated[
        str, typer.Argument(help="The firmware, e.g. 'IOS XE 17.9.3', 'V3.3.0' or '17.9' (a branch).")
    ],
    vendor: Annotated[str | None, typer.Option("--vendor", help="Only assets of this vendor.")] = None,
    model: Annotated[
        str | None,
        typer.Option("--model", help="Only assets whose model, order number or product holds this."),
    ] = None,
    json_out: JsonOption = False,
    as_csv: CsvOption = False,
    wide: WideOption = False,
    db: DbOption = None,
) -> None:
    """Which sites run this firmware (observed or declared) on an asset whose failure alone
    stops a line (no redundancy group tolerates its loss); the other matching assets after."""
    from plantwarden.cli.console import out
    from plantwarden.cli.fleet_cmd import check_formats, say_skipped, write_json
    from plantwarden.fleet.alerts import all_sites
    from plantwarden.fleet.firmware import FirmwareQuery, firmware_question

    check_formats(json_out, as_csv)
    url = Settings.load(db).db_url
    answer = firmware_question(url, all_sites(url), FirmwareQuery(text, vendor, model))
    if json_out:
        write_json(FIRMWARE_SCHEMA, answer.as_dict())
        return
    head = ("site", "asset", "vendor", "model", "firmware", "seen in", "alone stops", "why")
    rows = [
        [h.site, h.asset, h.vendor, h.model, h.firmware, h.source, "yes" if h.single else "no", h.why]
        for h in answer.items + answer.others
    ]
    emit(head, rows, as_csv=as_csv, wide=wide)
    if not as_csv:
        out.print(
            f"{len(answer.items)} assets on a line without redundancy, {len(answer.others)} others, "
            f"over {len(answer.sites)} sites",
            markup=False,
        )
    say_skipped(answer.skipped)


def kev(
    json_out: JsonOption = False, as_csv: CsvOption = False, wide: WideOption = False, db: DbOption = None
) -> None:
    """Which assets have an open known-exploited vulnerability (CISA KEV) and an exposure path
    (reached from a public address, an enterprise host or a vendor's access point)."""
    from plantwarden.cli.console import out
    from plantwarden.cli.fleet_cmd import check_formats, say_skipped, write_json
    from plantwarden.fleet.alerts import all_sites
    from plantwarden.fleet.kev import kev_exposed

    check_formats(json_out, as_csv)
    url = Settings.load(db).db_url
    answer = kev_exposed(url, all_sites(url))
    if json_out:
        write_json(KEV_SCHEMA, answer.as_dict())
        return
    head = ("site", "asset", "CVE", "decision", "exposure", "at risk / h", "status")
    rows = []
    for x in answer.items:
        d = x.as_dict()
        money = d["production_at_risk"]
        rows.append(
            [
                x.site,
                d["asset"],
                d["cve"],
                d["decision"],
                f"{d['exposure']['level']}: {d['exposure']['why']}",
                f"{money['per_hour']:,.0f} {money['currency']}".strip(),
                d["status"],
            ]
        )
    emit(head, rows, as_csv=as_csv, wide=wide)
    if not as_csv:
        out.print(f"{len(rows)} items over {len(answer.sites)} sites", markup=False)
    say_skipped(answer.skipped)

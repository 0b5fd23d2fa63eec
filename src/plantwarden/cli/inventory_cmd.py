"""``plantwarden assets``, ``asset``, ``map`` and ``export``: the asset inventory and the
communication map, from the store or straight from capture files (docs/inventory.md)."""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from plantwarden import jsonout
from plantwarden.cli.console import out
from plantwarden.cli.listing import Cell, CsvOption, Time, WideOption, emit
from plantwarden.cli.options import DbOption, JsonOption, SiteNameOption
from plantwarden.cli.outfile import ForceOption, OutOption, guard
from plantwarden.errors import InputError, NotFoundError, UsageError
from plantwarden.settings import Settings

if TYPE_CHECKING:  # imported where used, so that other commands start without them
    from plantwarden.inventory.build import InventoryReport
    from plantwarden.inventory.model import Asset

Captures = Annotated[
    list[str] | None,
    typer.Argument(help="Capture files (or analyze --json documents); default: every stored capture."),
]
Site = Annotated[Path | None, typer.Option("--site", help="Site model YAML file (read only).")]


def register(app: typer.Typer) -> None:
    app.command("assets")(assets)
    app.command("asset")(asset)
    app.command("map")(comm_map)
    app.command("export")(export_cmd)


def _documents(captures: list[str] | None, db: str | None, site_id: int | None) -> list[dict[str, Any]]:
    if not captures:
        from plantwarden.store.imports import capture_documents

        return capture_documents(Settings.load(db).db_url, site_id)
    from plantwarden.analyze.pipeline import analyze_capture

    docs: list[dict[str, Any]] = []
    for path in captures:
        if path.endswith(".json"):
            docs.extend(_json_documents(Path(path)))
        else:
            docs.append(analyze_capture(path).doc)
    return docs


def _json_documents(path: Path) -> list[dict[str, Any]]:
    try:
        data = jsonout.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not a readable analysis JSON document ({exc})") from exc
    captures = data.get("captures") if isinstance(data, dict) else None
    if not isinstance(captures, list):
        raise InputError(f"{path}: not a plantwarden.analyze document (no 'captures' list)")
    return [c for c in captures if isinstance(c, dict)]


def _report(
    captures: list[str] | None, db: str | None, site: Path | None, site_name: str | None
) -> InventoryReport:
    """The inventory of the capture files given, else of the chosen site's stored captures
    (plantwarden.store.choice), with the ``--site`` model (for this run only), else the stored
    one of that site."""
    from plantwarden.inventory.build import make_inventory
    from plantwarden.site.use import site_from_option
    from plantwarden.store.choice import name_for, site_ref

    model = site_from_option(site, db)
    if captures:
        name_for(site_name, model)  # a --site for another site than the one chosen: exit 2
        return make_inventory(_documents(captures, db, None), model)
    from plantwarden.inventory.stored import stored_inventory

    ref = site_ref(db, site_name, model)
    if ref.id is None:  # a store without any site: nothing stored to read
        return make_inventory(_documents(None, db, None), model)
    return stored_inventory(Settings.load(db).db_url, ref.id, model)


def assets(
    captures: Captures = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    wide: WideOption = False,
    zone: Annotated[str | None, typer.Option("--zone", help="Only assets in this zone.")] = None,
    role: Annotated[str | None, typer.Option("--role", help="Only assets with this inferred role.")] = None,
    unmanaged: Annotated[
        bool, typer.Option("--unmanaged", help="Only assets the site does not declare.")
    ] = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also group addresses (multicast, broadcast).")
    ] = False,
    site: Site = None,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """List the assets the captures show: addresses, role, vendor, product, firmware. With a
    site model, also what it declares versus what was observed (mismatches with evidence)."""
    if as_json and as_csv:
        raise UsageError("give --json or --csv, not both")
    report = _report(captures, db, site, site_name)
    if unmanaged and report.site is None:
        raise UsageError(
            "--unmanaged needs a site model (--site FILE, or one stored with 'plantwarden site')"
        )
    check_filters(report, zone, role)
    chosen = [a for a in report.inventory.assets if _keep(a, zone, role, unmanaged, show_all)]
    if as_json:
        from plantwarden.inventory.document import SCHEMA_KIND, SCHEMA_VERSION, inventory_body

        jsonout.write(jsonout.document(SCHEMA_KIND, SCHEMA_VERSION, inventory_body(report, chosen)), "-")
        return
    _table(report, chosen, as_csv, wide)
    if not as_csv and report.comparison is not None:
        _declared_vs_observed(report, {a.id for a in chosen}, wide)


def check_filters(report: InventoryReport, zone: str | None, role: str | None) -> None:
    """An unknown zone or role is an error naming the valid ones, not an empty listing."""
    from plantwarden.inventory.roles import PRIORITY

    if zone is not None:
        zones = [z.name for z in report.site.zones] if report.site is not None else []
        if not zones:
            raise UsageError(f"--zone {zone}: no zones without a site model (give --site FILE or store one)")
        if zone not in zones:
            raise UsageError(f"--zone {zone}: no such zone (zones: {', '.join(zones)})")
    if role is not None and role not in PRIORITY:
        raise UsageError(f"--role {role}: no such role (roles: {', '.join(PRIORITY)})")


def _keep(a: Asset, zone: str | None, role: str | None, unmanaged: bool, show_all: bool) -> bool:
    return (
        (show_all or a.kind != "group")
        and (zone is None or a.zone == zone)
        and (role is None or (a.role is not None and a.role.role == role))
        and (not unmanaged or (a.declared is None and a.kind != "group"))
    )


def _table(report: InventoryReport, chosen: list[Asset], as_csv: bool, wide: bool) -> None:
    from plantwarden.inventory.document import summary_row

    site = report.comparison is not None
    mismatched: dict[str, list[str]] = {}
    for m in report.comparison.mismatches if report.comparison is not None else []:
        mismatched.setdefault(m["asset"], []).append(m["field"])
    head = ["asset", "role", "addresses", "vendor", "product / model", "firmware", "zone"]
    rows: list[list[Cell]] = []
    for a in chosen:
        r = summary_row(a)
        row: list[Cell] = [
            r["name"] if r["name"] == r["id"] else f"{r['name']} ({r['id']})",
            f"{r['role']} ({r['role_confidence']})" if r["role"] else "",
            " ".join(filter(None, (r["ips"], r["macs"]))),
            r["vendor"] + (" (OUI)" if r["vendor_source"] == "oui" else ""),
            r["product"] or r["model"] or r["order_number"],
            r["firmware"],
            r["zone"],
        ]
        if site:
            fields = mismatched.get(a.id)
            declared = "no" if a.declared is None else f"differs: {', '.join(fields)}" if fields else "yes"
            row.append(declared if a.kind != "group" else "")
        rows.append(row)
    emit([*head, "declared"] if site else head, rows, as_csv=as_csv, wide=wide)
    if not as_csv:
        out.print(f"{len(chosen)} assets")


def _evidence(items: list[Any]) -> str:
    """``s7comm normal.pcap#87``, a role's reasons as they are; the first three."""
    said = []
    for e in items[:3]:
        if isinstance(e, dict):
            frame = f"#{e['frame']}" if e.get("frame") else ""
            said.append(f"{e.get('proto') or ''} {e.get('capture') or ''}{frame}".strip())
        else:
            said.append(str(e))
    return "; ".join(said) + (f" (+{len(items) - 3})" if len(items) > 3 else "")


def _declared_vs_observed(report: InventoryReport, shown: set[str], wide: bool) -> None:
    """What the site declares against what the captures show: mismatches with their evidence,
    declared assets never seen, observed devices nobody declared."""
    comparison = report.comparison
    assert comparison is not None
    rows: list[list[Cell]] = [
        [
            m["declared"],
            m["field"],
            m["declared_value"],
            ", ".join(m["observed"]),
            _evidence(m["evidence"]),
        ]
        for m in comparison.mismatches
        if m["asset"] in shown
    ]
    out.print(f"[bold]Declared versus observed[/] ({len(rows)} mismatches)")
    emit(["asset", "field", "declared", "observed", "evidence"], rows, wide=wide)
    if comparison.silent:
        out.print("Declared, never seen in the captures: " + ", ".join(comparison.silent), markup=False)
    unmanaged = [a for a in report.inventory.devices() if a.id in comparison.unmanaged and a.id in shown]
    if unmanaged:
        named = [" ".join([*sorted(a.ips), a.id] if a.ips else [a.id]) for a in unmanaged]
        out.print("Observed, not declared: " + "; ".join(named), markup=False)


def asset(
    key: Annotated[str, typer.Argument(help="Asset name, id, IP or MAC address.")],
    captures: Captures = None,
    as_json: JsonOption = False,
    site: Site = None,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """Everything known about one asset, each value with its source and confidence."""
    from plantwarden.inventory.document import SCHEMA_VERSION, asset_doc

    report = _report(captures, db, site, site_name)
    found = report.inventory.find(key)
    if not found:
        raise NotFoundError(f"no asset {key!r} in the inventory ({len(report.inventory.assets)} assets)")
    docs = [asset_doc(a) for a in found]
    vulns = _asset_vulns(docs, db, site_name) if not captures else {}
    if as_json:
        for d in docs:
            if vulns:
                d["vulnerabilities"] = vulns.get(d["declared"] or d["id"], [])
        jsonout.write(jsonout.document("asset", SCHEMA_VERSION, {"assets": docs}), "-")
        return
    tz = report.site.tz if report.site is not None else None
    for d in docs:
        _show(d, tz)
        _show_vulns(vulns.get(d["declared"] or d["id"], []) if vulns else None)


def _asset_vulns(docs: list[dict[str, Any]], db: str | None, site_name: str | None) -> dict[str, list[Any]]:
    """The stored vulnerabilities of each asset shown (plantwarden.vulns), by asset key."""
    from plantwarden.vulns.service import site_vulns

    out: dict[str, list[Any]] = {}
    url = Settings.load(db).db_url
    for d in docs:
        key = d["declared"] or d["id"]
        out[key] = site_vulns(url, site_name, asset=key)["items"]
    return out


def _show_vulns(items: list[dict[str, Any]] | None) -> None:
    if items is None:
        return
    if not items:
        out.print("  vulnerabilities: none matched (plantwarden vulns match)")
        return
    out.print(f"  vulnerabilities ({len(items)}, most urgent first):")
    for i in items:
        kev = " KEV" if i["kev"] else ""
        out.print(
            f"    {i['decision']}{kev} {i['cve']} ({i['advisory']}, {i['confidence']}, {i['status']}): "
            + i["why"],
            markup=False,
        )


def _show(d: dict[str, Any], tz: tzinfo | None = None) -> None:
    out.print(
        f"[bold]{d['name']}[/] ({d['id']}, {d['kind']}) zone {d['zone'] or '-'}"
        + (f", declared as {d['declared']}" if d["declared"] else "")
    )
    for r in d["roles"]:
        out.print(f"  role {r['role']} ({r['confidence']}): " + "; ".join(r["reasons"]), markup=False)
    for kind in ("macs", "ips"):
        for s in d[kind]:
            how = ", ".join(sorted({x["proto"] for x in s["sources"]}))
            seen = f"{_ts(s['first_ts'], tz)} .. {_ts(s['last_ts'], tz)}"
            out.print(f"  {kind[:-1]} {s['address']} seen {seen} via {how}")
    for name, values in d["fields"].items():
        for v in values:
            src = "; ".join(
                f"{s['proto']} {s['capture']}" + (f" frame {s['frame']}" if s["frame"] else "")
                for s in v["sources"][:3]
            )
            out.print(f"  {name} = {v['value']} [{v['confidence']}] ({src})", markup=False)
    for c in d["conflicts"]:
        out.print(f"  [yellow]{c['kind']}[/] {c['field']}: " + " | ".join(c["values"]))
    for note in d["notes"]:
        out.print(f"  note: {note}", markup=False)


def _ts(ts: float | None, tz: tzinfo | None = None) -> str:
    """The date and time in the site's timezone (UTC without a site)."""
    return "?" if ts is None else Time(ts, tz).screen()


def comm_map(
    captures: Captures = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    wide: WideOption = False,
    dot: Annotated[bool, typer.Option("--dot", help="Write Graphviz DOT to stdout.")] = False,
    asset_key: Annotated[str | None, typer.Option("--asset", help="Only edges of this asset.")] = None,
    zone: Annotated[str | None, typer.Option("--zone", help="Only edges with an end in this zone.")] = None,
    proto: Annotated[str | None, typer.Option("--proto", help="Only edges of this protocol.")] = None,
    site: Site = None,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """The communication map: who talks to whom, over what, doing what."""
    from plantwarden.inventory.commap import filter_map

    if sum((as_json, dot, as_csv)) > 1:
        raise UsageError("--json, --csv and --dot exclude each other")
    report = _report(captures, db, site, site_name)
    inv = report.inventory
    check_filters(report, zone, None)
    ids = None
    if asset_key is not None:
        ids = {a.id for a in inv.find(asset_key)}
        if not ids:
            raise NotFoundError(f"no asset {asset_key!r} in the inventory")
    if proto is not None and proto not in {e.proto for e in report.edges}:
        seen = sorted({e.proto for e in report.edges})
        raise UsageError(f"--proto {proto}: no such protocol on the map (protocols: {', '.join(seen)})")
    zone_of = {a.id: a.zone for a in inv.assets}
    edges = filter_map(report.edges, ids, {proto} if proto else None, zone_of, {zone} if zone else None)
    if as_json:
        jsonout.write(jsonout.document("map", 1, {"edges": [e.as_dict() for e in edges]}), "-")
    elif dot:
        from plantwarden.inventory.dot import to_dot

        typer.echo(to_dot(inv, edges), nl=False)
    else:
        tz = report.site.tz if report.site is not None else None
        name = {a.id: a.name for a in inv.assets}
        rows: list[list[Cell]] = [
            [
                name.get(e.client, e.client),
                name.get(e.server, e.server),
                e.proto + (f"/{e.port}" if e.port and "/" not in e.proto else ""),
                ", ".join(sorted(e.op_classes)),
                e.packets if as_csv else f"{e.packets:,}",
                Time(e.first_ts, tz),
                Time(e.last_ts, tz),
            ]
            for e in edges
        ]
        head = ["client", "server", "protocol", "operations", "packets", "first", "last"]
        emit(head, rows, as_csv=as_csv, wide=wide)


def export_cmd(
    fmt: Annotated[str, typer.Argument(metavar="{csv,json,cyclonedx}", help="Export format.")],
    captures: Captures = None,
    out_path: OutOption = None,
    force: ForceOption = False,
    site: Site = None,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """Export the inventory as CSV, JSON or a CycloneDX 1.6 device BOM (from the store, with
    the matched vulnerabilities and their analysis state: a VEX)."""
    from plantwarden.inventory.export import FORMATS, export

    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r} (expected one of: {', '.join(FORMATS)})")
    guard(out_path, force)
    vulns = None
    if fmt == "cyclonedx" and not captures:
        from plantwarden.vulns.service import site_vulns

        vulns = site_vulns(Settings.load(db).db_url, site_name)["items"]
    text = export(_report(captures, db, site, site_name), fmt, vulns)
    if out_path is None:
        typer.echo(text, nl=False)
        return
    try:
        out_path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{out_path}: cannot write the export: {exc.strerror}") from exc

"""``plantwarden content status`` and ``content update PATH``: the offline data sets
(advisories, KEV, ATT&CK for ICS, OUI) in use, and loading new ones (docs/vulns.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from plantwarden.cli.console import out
from plantwarden.cli.listing import CsvOption, WideOption, emit
from plantwarden.cli.options import DbOption, JsonOption, SiteNameOption
from plantwarden.errors import UsageError

app = typer.Typer(
    help="Offline content bundles: advisories (CSAF), KEV, ATT&CK for ICS, OUI.", no_args_is_help=True
)
STATUS_SCHEMA = ("content-status", 1)
UPDATE_SCHEMA = ("content-update", 1)


@app.command("status")
def status(json_out: JsonOption = False, as_csv: CsvOption = False, wide: WideOption = False) -> None:
    """What is loaded: each data set's bundle, source, date of the data and how stale it is."""
    from plantwarden.vulns.content import status as content_status

    if json_out and as_csv:
        raise UsageError("give --json or --csv, not both")
    rows = content_status()
    if json_out:
        from plantwarden import jsonout

        jsonout.write(jsonout.document(*STATUS_SCHEMA, {"content": rows}), "-")
        return
    table = [
        [
            r["kind"],
            r["id"],
            f"{r['items']} {r['unit']}",
            r["as_of"],
            f"{r['age_days']} d" + (" (stale)" if r["stale"] else ""),
            "shipped" if r["shipped"] else "loaded",
            r["source"],
        ]
        for r in rows
    ]
    emit(
        ["content", "bundle", "items", "data as of", "age", "from", "source"], table, as_csv=as_csv, wide=wide
    )


@app.command("update")
def update(
    path: Annotated[
        Path, typer.Argument(help="A directory, a file (CSAF advisory or KEV catalogue) or an archive.")
    ],
    keyring: Annotated[
        Path | None,
        typer.Option("--keyring", help="OpenPGP public key(s) of the publisher, to verify .asc signatures."),
    ] = None,
    no_match: Annotated[
        bool, typer.Option("--no-match", help="Do not re-match the store's assets afterwards.")
    ] = False,
    json_out: JsonOption = False,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """Verify and load advisories and a KEV catalogue. Nothing changes unless everything
    verifies; the previous bundle is kept. Then the chosen site's assets are matched again."""
    from plantwarden.vulns.update import update as do_update

    report = do_update(path, keyring=keyring)
    matched = None
    if not no_match and report.csaf:
        matched = _rematch(db, site_name, report.csaf)
    if json_out:
        from plantwarden import jsonout

        jsonout.write(jsonout.document(*UPDATE_SCHEMA, {**report.as_dict(), "matched": matched}), "-")
        return
    if report.csaf:
        c = report.csaf
        out.print(
            f"advisories: bundle {c['bundle']} (was {c['previous']}): {len(c['added'])} added, "
            f"{len(c['revised'])} revised, {c['unchanged']} unchanged, {c['total']} in all",
            markup=False,
        )
        for line in c["revised"][:20]:
            out.print(f"  revised {line}", markup=False)
        unchecked = sorted({v for v in c["signatures"].values() if v.startswith("not checked")})
        verified = sum(1 for v in c["signatures"].values() if v.startswith("verified"))
        out.print(f"  signatures: {verified} verified" + "".join(f"; {u}" for u in unchecked), markup=False)
    if report.kev:
        k = report.kev
        out.print(
            f"KEV: bundle {k['bundle']} (was {k['previous']}): "
            f"{len(k['added'])} CVEs added, {k['total']} in all",
            markup=False,
        )
    if report.skipped:
        out.print("skipped (not CSAF or KEV): " + ", ".join(report.skipped[:10]), markup=False)
    if matched is not None:
        out.print(
            f"matched again ({matched['advisories_matched']} advisories): {matched['matches']} (asset, CVE) "
            f"pairs on site {matched['site']}",
            markup=False,
        )


def _rematch(db: str | None, site_name: str | None, csaf: dict[str, Any]) -> dict[str, object] | None:
    """Match the chosen site again, when there is a store with a site (else nothing): only the
    advisories the update changed when the site was matched with the bundle it replaced."""
    from plantwarden.errors import PlantwardenError
    from plantwarden.settings import Settings

    url = Settings.load(db).db_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    try:
        from plantwarden.store.choice import site_ref
        from plantwarden.vulns.service import match_site
        from plantwarden.vulns.store import matched_bundle

        ref = site_ref(db, site_name)
    except PlantwardenError:
        return None
    if ref.id is None:
        return None
    incremental = matched_bundle(url, ref.id) == csaf["previous"]
    summary = match_site(url, ref.name, changed=set(csaf["changed"]) if incremental else None)
    return {
        "site": ref.name,
        "matches": summary["matches"],
        "advisories_matched": summary["advisories_matched"],
    }

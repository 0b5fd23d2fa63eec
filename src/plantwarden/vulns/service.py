"""The vulnerability service: the functions the CLI, the API and the page call.

``match_site`` matches the site's assets (observed and declared) against the advisory bundle
in use and stores the result; ``site_vulns`` lists the stored matches ranked with their risk
in production terms; ``set_status`` records what is being done about one (asset, CVE).
Each takes a store URL and a site name and returns plain data (dicts) for JSON.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from plantwarden.errors import NotFoundError
from plantwarden.vulns.bundle import Bundle, current, load_advisories
from plantwarden.vulns.facts import AssetFacts
from plantwarden.vulns.index import AdvisoryIndex, build_index
from plantwarden.vulns.match import Match, match_asset


@cache
def index_for(bundle: Bundle) -> AdvisoryIndex:
    """The matching index of a bundle, built once per process (bundles never change in place:
    an update writes a new one)."""
    return build_index(load_advisories(bundle))


def match_assets(assets: list[AssetFacts], index: AdvisoryIndex) -> list[Match]:
    return [m for a in assets for m in match_asset(a, index)]


def site_context(db_url: str, site: str | None) -> tuple[int, str, Any, Any]:
    """(site id, name, site model or None, inventory report or None) of the chosen site."""
    from plantwarden.continuity.source import stored_model
    from plantwarden.inventory.build import make_inventory
    from plantwarden.store.captures import capture_documents
    from plantwarden.store.sites import choose_site

    ref = choose_site(db_url, site)
    if ref.id is None:
        raise NotFoundError("the store holds no site yet (plantwarden site load FILE, or analyze)")
    model = stored_model(db_url, ref.id)
    docs = capture_documents(db_url, ref.id)
    report = make_inventory(docs, model) if docs else None
    return ref.id, ref.name, model, report


def match_site(
    db_url: str, site: str | None, content: Path | None = None, changed: set[str] | None = None
) -> dict[str, Any]:
    """Match the site's assets against the advisories in use and store the matches (the
    statuses set before are kept). ``changed`` (advisory ids, any case): after a bundle
    update, match only those and leave the other rows as they are (when the site was last
    matched with the bundle the update replaced; else everything is matched). Returns a
    summary."""
    from plantwarden.vulns.assets import site_assets
    from plantwarden.vulns.store import save_matches

    site_id, name, model, report = site_context(db_url, site)
    assets = site_assets(report, model)
    bundle = current("csaf", content)
    if changed is None:
        index, scope = index_for(bundle), None
    else:
        wanted = {c.lower() for c in changed}
        chosen = [a for a in load_advisories(bundle) if a.id.lower() in wanted]
        index, scope = build_index(chosen), {a.id for a in chosen}
    matches = match_assets(assets, index)
    counts = save_matches(db_url, site_id, matches, bundle.id, scope)
    return {
        "site": name,
        "bundle": bundle.id,
        "advisories_matched": len(index.advisories),
        "assets": len(assets),
        "assets_matched": len({m.asset for m in matches}),
        "matches": counts["pairs"],
        "by_confidence": dict(Counter(m.confidence for m in matches)),
        "rows": counts,
    }


def set_status(
    db_url: str,
    site: str | None,
    asset: str,
    cve: str,
    status: str,
    who: str,
    why: str,
    until: datetime | None,
    how: dict[str, Any] | None = None,
) -> None:
    """Set what is done about one (asset, CVE); audited with who, why and ``how`` (the web's
    ``via``) in the same transaction."""
    from plantwarden.store.sites import choose_site
    from plantwarden.vulns.store import set_status as store_status

    ref = choose_site(db_url, site)
    if ref.id is None:
        raise NotFoundError("the store holds no site yet")
    store_status(db_url, ref.id, asset, cve, status, who, why, until, how)


def site_vulns(
    db_url: str,
    site: str | None,
    *,
    asset: str | None = None,
    line: str | None = None,
    kev_only: bool = False,
    content: Path | None = None,
) -> dict[str, Any]:
    """The site's stored matches ranked (SSVC deployer decision, KEV, production at risk),
    each with a one-line why, and rolled up per production line and per zone."""
    from plantwarden.continuity.graph import build_graph
    from plantwarden.continuity.source import stored_model
    from plantwarden.errors import UsageError
    from plantwarden.store.captures import capture_documents
    from plantwarden.store.sites import choose_site
    from plantwarden.vulns.bundle import load_kev
    from plantwarden.vulns.exposure import exposure_of, exposures
    from plantwarden.vulns.risk import rank_one, rollup, safety_of, sort_key, stops_of
    from plantwarden.vulns.store import stored_matches

    ref = choose_site(db_url, site)
    if ref.id is None:
        raise NotFoundError("the store holds no site yet (plantwarden site load FILE, or analyze)")
    model = stored_model(db_url, ref.id)
    if line is not None and (model is None or model.line(line) is None):
        names = [x.name for x in model.lines] if model is not None else []
        raise UsageError(f"--line {line}: no such production line (lines: {', '.join(names) or 'none'})")
    matches = stored_matches(db_url, ref.id)
    if asset is not None:
        matches = [m for m in matches if m.asset == asset]
    docs = capture_documents(db_url, ref.id)
    table = exposures(model, docs)
    kev = load_kev(current("kev", content))
    graph = build_graph(model) if model is not None else None
    currency = model.site.currency if model is not None else ""
    all_lines = len(model.lines) if model is not None else 0
    items = []
    cache: dict[str, Any] = {}
    for m in matches:
        if m.asset not in cache:
            declared = model.asset(m.asset) if model is not None else None
            ips = [str(ip) for ip in declared.ips] if declared is not None else [m.asset]
            cache[m.asset] = (
                exposure_of(ips, table, bool(docs)),
                stops_of(graph, m.asset),
                safety_of(model, m.asset),
                declared.zone if declared is not None else None,
            )
        exp, stops, safety, zone = cache[m.asset]
        money = f"{stops.per_hour:,.0f} {currency}".strip()
        items.append(rank_one(m, m.cve in kev, exp, stops, safety, all_lines, zone, money))
    if kev_only:
        items = [r for r in items if r.kev]
    if line is not None:
        items = [r for r in items if any(n == line for n, _, _ in r.stops.lines)]
    items.sort(key=sort_key)
    return {
        "site": ref.name,
        "currency": currency,
        "bundle": matches[0].bundle if matches else current("csaf", content).id,
        "kev_bundle": current("kev", content).id,
        "items": [r.as_dict(currency) for r in items],
        "by_line": rollup(items, "line"),
        "by_zone": rollup(items, "zone"),
        "observed_traffic": bool(docs),
    }

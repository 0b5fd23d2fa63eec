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
def _index(bundle_id: str, path: str) -> AdvisoryIndex:
    return build_index(load_advisories(current_like(bundle_id, path)))


def current_like(bundle_id: str, path: str) -> Bundle:
    return Bundle("csaf", bundle_id, Path(path), False, "", "")


def index_for(bundle: Bundle) -> AdvisoryIndex:
    return _index(bundle.id, str(bundle.path))


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


def match_site(db_url: str, site: str | None, content: Path | None = None) -> dict[str, Any]:
    """Match the site's assets against the advisories in use and store the matches (the
    statuses set before are kept). Returns a summary."""
    from plantwarden.vulns.assets import site_assets
    from plantwarden.vulns.store import save_matches

    site_id, name, model, report = site_context(db_url, site)
    assets = site_assets(report, model)
    bundle = current("csaf", content)
    matches = match_assets(assets, index_for(bundle))
    counts = save_matches(db_url, site_id, matches, bundle.id)
    pairs = {(m.asset, m.cve) for m in matches}
    return {
        "site": name,
        "bundle": bundle.id,
        "assets": len(assets),
        "assets_matched": len({m.asset for m in matches}),
        "matches": len(pairs),
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
) -> None:
    from plantwarden.store.sites import choose_site
    from plantwarden.vulns.store import set_status as store_status

    ref = choose_site(db_url, site)
    if ref.id is None:
        raise NotFoundError("the store holds no site yet")
    store_status(db_url, ref.id, asset, cve, status, who, why, until)

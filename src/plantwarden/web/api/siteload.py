"""What the asset, map and continuity routes read of a site, through the same services as
the CLI: the inventory of its stored captures (:mod:`plantwarden.inventory.stored`), its
current site model and dependency graph, its alerts named through the model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from plantwarden.web.deps import SiteCtx
from plantwarden.web.errors import ApiError

if TYPE_CHECKING:
    from plantwarden.continuity.graph import DependencyGraph
    from plantwarden.inventory.build import InventoryReport
    from plantwarden.site.model import SiteModel

NO_MODEL = (
    "site {name!r} has no site model stored: load one with "
    "plantwarden site load site.yaml --site-name {name!r}"
)


def inventory(db_url: str, ctx: SiteCtx) -> InventoryReport:
    from plantwarden.inventory.stored import stored_inventory

    return stored_inventory(db_url, ctx.site_id)


def model(db_url: str, ctx: SiteCtx) -> SiteModel:
    """The site's current model; 409 when it has none (what needs one cannot answer yet)."""
    from plantwarden.continuity.source import stored_model

    found = stored_model(db_url, ctx.site_id)
    if found is None:
        raise ApiError(409, NO_MODEL.format(name=ctx.site.name))
    return found


def graph(site: SiteModel) -> DependencyGraph:
    from plantwarden.continuity.graph import build_graph

    return build_graph(site)


def alert_docs(
    db_url: str, ctx: SiteCtx, site: SiteModel | None, addresses: set[str] | None = None
) -> list[dict[str, Any]]:
    """The site's alerts (those from or to ``addresses``, when given), named and priced
    through the site model, as JSON documents, oldest first."""
    from plantwarden.detect.queue import SiteView
    from plantwarden.detect.store_alerts import AlertQuery, list_alerts

    if addresses is not None and not addresses:
        return []
    query = AlertQuery(addresses=frozenset(addresses)) if addresses is not None else None
    view = SiteView(site)
    return [view.named(a).to_json() for a in list_alerts(db_url, query=query, site=ctx.site_id)]


def invalid(problems: list[tuple[str, str]], where: str = "query") -> ApiError:
    """422 naming each parameter (``loc``) and what is wrong, in the one error shape."""
    return ApiError(
        422,
        problems[0][1],
        details=[{"loc": [where, name], "message": message} for name, message in problems],
    )

"""Jinja2 pages: one environment, a base layout (site switcher, navigation), and :func:`render`.

Every page template extends ``base.html`` and fills ``{% block main %}``. :func:`render`
gives each template ``principal``, ``sites`` (those the principal may view, for the switcher),
``site`` (the page's site, when it has one), ``nav`` (the site pages, from
:mod:`plantwarden.web.pages`) and ``csrf`` (the session's token, which ``base.html`` hands to
htmx in ``hx-headers`` and forms put in a hidden field).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from plantwarden import __version__
from plantwarden.store.sites import SiteRef

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    env.globals["state_icons"] = STATE_ICONS
    env.globals["severity_icons"] = SEVERITY_ICONS
    env.globals["asset_name"] = asset_name
    env.filters["money"] = money
    env.filters["utc"] = utc
    return env


#: States said with a symbol as well as a word (readable without colour).
STATE_ICONS = {"stopped": "\u2715", "exposed": "\u26a0", "covered": "\u25d0", "safe": "\u2713"}
SEVERITY_ICONS = {
    "critical": "\u25c6\u25c6",
    "high": "\u25c6",
    "medium": "\u25c7",
    "low": "\u00b7",
    "info": "i",
}


def asset_name(alert: dict[str, Any], address: str) -> str:
    """An alert's asset by its name when the site names it, else its address."""
    for asset in alert.get("assets") or []:
        if asset.get("address") == address and asset.get("name"):
            return str(asset["name"])
    return address


def utc(ts: float | None) -> str:
    if ts is None:
        return ""
    return datetime.fromtimestamp(float(ts), UTC).strftime("%Y-%m-%d %H:%M:%S")


def money(value: float | None, currency: str = "EUR") -> str:
    """``12,345 EUR/h`` (no decimals: these are estimates)."""
    if value is None:
        return "unknown"
    return f"{value:,.0f} {currency}/h"


def _common(request: Request, site: SiteRef | None) -> dict[str, Any]:
    from plantwarden.web.access import visible_sites
    from plantwarden.web.deps import state
    from plantwarden.web.pages import nav

    principal = getattr(request.state, "principal", None)
    sites: list[SiteRef] = []
    if principal is not None:
        with state(request).reading() as session:
            sites = visible_sites(session, principal)
    return {
        "request": request,
        "principal": principal,
        "sites": sites,
        "site": site,
        "nav": nav(),
        "csrf": getattr(request.state, "csrf", None),
        "path": request.url.path,
    }


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    site: SiteRef | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The template with the common context (context keys win over the common ones)."""
    html = environment().get_template(template).render({**_common(request, site), **context})
    return HTMLResponse(html, status_code=status)


def render_error(request: Request, error: dict[str, Any]) -> HTMLResponse:
    """An error as a page: the same fields as the JSON error shape."""
    return render(request, "error.html", {"error": error}, status=int(error["status"]))

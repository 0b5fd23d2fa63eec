"""The declared site model: zones, conduits, assets, lines, dependencies, RACI, windows, vendors.

``load_site(path)`` reads and validates a site YAML file; every problem is reported with
file:line:column in one :class:`~plantwarden.errors.SiteModelError`.
"""

from __future__ import annotations

from plantwarden.site.loader import load_site, load_site_text
from plantwarden.site.model import SiteModel
from plantwarden.site.windows import Interval, expand_window, expand_windows

__all__ = ["Interval", "SiteModel", "expand_window", "expand_windows", "load_site", "load_site_text"]

"""Loading the continuity fixtures through the real site loader."""

from __future__ import annotations

from pathlib import Path

from plantwarden.continuity.graph import DependencyGraph, build_graph
from plantwarden.site import SiteModel, load_site

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
ROOT = HERE.parent.parent
DAIRY = ROOT / "examples" / "dairy" / "site.yaml"
ZONES_CAPTURE = HERE.parent / "data" / "captures" / "continuity-zones.pcap"


def site(name: str) -> tuple[SiteModel, DependencyGraph]:
    path = DAIRY if name == "dairy" else DATA / f"{name}.yaml"
    model = load_site(path)
    return model, build_graph(model)

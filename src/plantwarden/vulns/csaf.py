"""A CSAF 2.0 advisory read into what matching needs: the product tree flattened into
entries (vendor, family, product name, version range, model numbers), the relationships
(a firmware ``installed_on`` a device), and per vulnerability the status of each product.

CSAF 2.0, 3.1.5 (product_tree: branches, full_product_names, relationships) and 3.2.3.9
(product_status: known_affected, fixed, known_not_affected, first_affected, first_fixed,
last_affected, recommended, under_investigation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

AFFECTED = ("known_affected", "first_affected", "last_affected", "under_investigation")
NOT_AFFECTED = ("known_not_affected", "fixed", "first_fixed")


@dataclass(frozen=True, slots=True)
class Entry:
    """One leaf of the product tree."""

    product_id: str
    vendor: str
    name: str  # the branch product_name (or the full name when the tree has no product_name)
    full_name: str
    family: str | None = None
    version_text: str | None = None
    version_is_range: bool = True
    model_numbers: tuple[str, ...] = ()
    skus: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Relationship:
    product_id: str
    category: str
    component: str  # product_reference
    platform: str  # relates_to_product_reference


@dataclass(slots=True)
class Vulnerability:
    cve: str
    title: str
    status: dict[str, str]  # product id -> status
    cvss: float | None = None
    vector: str | None = None
    fixes: dict[str, str] = field(default_factory=dict)  # product id -> vendor_fix details


@dataclass(slots=True)
class Advisory:
    id: str
    title: str
    version: str
    released: str
    url: str | None
    entries: list[Entry]
    relationships: list[Relationship]
    vulnerabilities: list[Vulnerability]

    def entry(self, product_id: str) -> Entry | None:
        return next((e for e in self.entries if e.product_id == product_id), None)


def read_advisory(doc: dict[str, Any]) -> Advisory:
    d = doc["document"]
    tree = doc.get("product_tree") or {}
    entries: list[Entry] = []
    for b in tree.get("branches") or []:
        _walk(b, {}, entries)
    for p in tree.get("full_product_names") or []:
        entries.append(_entry(p, {}))
    rels = [
        Relationship(
            r["full_product_name"]["product_id"],
            r["category"],
            r["product_reference"],
            r["relates_to_product_reference"],
        )
        for r in tree.get("relationships") or []
    ]
    refs = [r.get("url") for r in d.get("references") or [] if r.get("category") == "self"]
    return Advisory(
        id=d["tracking"]["id"],
        title=d.get("title", ""),
        version=str(d["tracking"].get("version", "")),
        released=str(d["tracking"].get("current_release_date", "")),
        url=refs[0] if refs else None,
        entries=entries,
        relationships=rels,
        vulnerabilities=[_vulnerability(v) for v in doc.get("vulnerabilities") or []],
    )


def _walk(branch: dict[str, Any], path: dict[str, str], out: list[Entry]) -> None:
    here = {**path, branch["category"]: branch["name"]}
    for child in branch.get("branches") or []:
        _walk(child, here, out)
    if "product" in branch:
        out.append(_entry(branch["product"], here))


def _entry(product: dict[str, Any], path: dict[str, str]) -> Entry:
    helper = product.get("product_identification_helper") or {}
    version = path.get("product_version_range") or path.get("product_version")
    return Entry(
        product_id=product["product_id"],
        vendor=path.get("vendor", ""),
        name=path.get("product_name", product.get("name", "")),
        full_name=product.get("name", ""),
        family=path.get("product_family"),
        version_text=version,
        version_is_range="product_version_range" in path or version is None,
        model_numbers=tuple(helper.get("model_numbers") or ()),
        skus=tuple(helper.get("skus") or ()),
    )


def _vulnerability(v: dict[str, Any]) -> Vulnerability:
    status: dict[str, str] = {}
    for kind, ids in (v.get("product_status") or {}).items():
        for pid in ids:
            status.setdefault(pid, kind)
    score, vector = None, None
    for s in v.get("scores") or []:
        cvss = s.get("cvss_v3") or s.get("cvss_v2") or {}
        if cvss.get("baseScore") is not None and (score is None or cvss["baseScore"] > score):
            score, vector = float(cvss["baseScore"]), cvss.get("vectorString")
    fixes = {
        pid: " ".join(str(r.get("details", "")).split())
        for r in v.get("remediations") or []
        if r.get("category") == "vendor_fix"
        for pid in r.get("product_ids") or []
    }
    return Vulnerability(
        v.get("cve") or v.get("ids", [{}])[0].get("text", "?"),
        v.get("title", ""),
        status,
        score,
        vector,
        fixes,
    )

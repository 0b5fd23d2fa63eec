"""Assets against advisories: which (asset, CVE) pairs are affected, how sure, and why.

An asset meets a product-tree entry of its vendor (names.vendor_keys) by, in order of
strength: an order number the entry lists (Siemens MLFB, Rockwell catalogue number, or the
family a catalogue number belongs to: ``model``); the product name exactly, a wildcard
pattern (``CJ2H-CPU**``) or family + name (``exact``); the entry's name inside the asset's
product or model (``family``). Within one advisory the strongest kind wins. The asset's
firmware (else software version) is then held against the entry's range:

- in the range of an affected entry: a match (``exact`` or ``family`` confidence);
- in the range of a ``fixed`` / ``known_not_affected`` entry: not affected (that wins);
- version unknown, or the range unreadable: a match with confidence ``version_unknown`` or
  ``range_unparsed`` (reported, never read as not affected);
- outside every range: no match.

Relationships (``X installed_on Y``) are followed: the device entry met by name, the
firmware entry by version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from plantwarden.vulns.csaf import AFFECTED, NOT_AFFECTED, Advisory
from plantwarden.vulns.facts import AssetFacts, Fact
from plantwarden.vulns.index import AdvisoryIndex, Prepared
from plantwarden.vulns.names import catalogue_family, norm, order_key, strip_vendor, vendor_keys
from plantwarden.vulns.ranges import AllVersions, InRange, Unparsed
from plantwarden.vulns.versions import Version, parse_version

STRENGTH = {"model": 3, "exact": 2, "family": 1}


@dataclass(frozen=True, slots=True)
class Match:
    asset: str
    advisory: str
    advisory_version: str
    cve: str
    confidence: str  # exact | family | version_unknown | range_unparsed
    product_id: str
    evidence: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "asset": self.asset,
            "advisory": self.advisory,
            "advisory_version": self.advisory_version,
            "cve": self.cve,
            "confidence": self.confidence,
            "product_id": self.product_id,
            "evidence": self.evidence,
        }


@dataclass(frozen=True, slots=True)
class Met:
    prepared: Prepared
    how: str  # model | exact | family
    facts: tuple[tuple[str, Fact], ...]


def match_asset(asset: AssetFacts, index: AdvisoryIndex) -> list[Match]:
    vendors = asset.values("vendor")
    keys = {k: f for f in vendors for k in vendor_keys(f.value)}
    met: dict[str, list[Met]] = {}
    words, models = _lookup(asset)
    orders = [
        (f, key, catalogue_family(key))
        for n in ("order_number", "model")
        for f in asset.values(n)
        for key in (order_key(f.value),)
    ]
    texts: dict[str, list[tuple[str, str, Fact]]] = {}
    for key, vfact in keys.items():
        for p in index.candidates(key, words, models):
            vendor = p.entry.vendor
            if vendor not in texts:
                texts[vendor] = _candidates(asset, vendor)
            m = _meet(p, vfact, orders, texts[vendor])
            if m is not None:
                met.setdefault(p.advisory.id, []).append(m)
    out: list[Match] = []
    for adv_id, found in sorted(met.items()):
        best = max(STRENGTH[m.how] for m in found)
        out.extend(_judge(asset, index.advisories[adv_id], [m for m in found if STRENGTH[m.how] == best]))
    return out


def _lookup(asset: AssetFacts) -> tuple[set[str], set[str]]:
    """The words of the asset's product, model and order number (and of the family its
    catalogue number belongs to), and its order numbers: the index keys it can meet."""
    words: set[str] = set()
    models: set[str] = set()
    for name in ("product", "model", "order_number"):
        for f in asset.values(name):
            words.update(norm(f.value).split())
            key = order_key(f.value)
            models.add(key)
            fam = catalogue_family(key)
            if fam is not None:
                words.update(fam.split())
    return words, models


def _candidates(asset: AssetFacts, vendor: str) -> list[tuple[str, str, Fact]]:
    """(normalised text, field, fact) of the asset's product, model and order number, and of
    product + model together."""
    out = []
    for name in ("product", "model", "order_number"):
        for f in asset.values(name):
            out.append((strip_vendor(norm(f.value), vendor), name, f))
    for p in asset.values("product"):
        for m in asset.values("model"):
            out.append((strip_vendor(norm(f"{p.value} {m.value}"), vendor), "product+model", m))
    return out


def _meet(
    p: Prepared,
    vfact: Fact,
    orders: list[tuple[Fact, str, str | None]],
    cands: list[tuple[str, str, Fact]],
) -> Met | None:
    if p.component:
        return None  # a firmware version entry: met through its relationships only
    vf = ("vendor", vfact)
    for f, key, fam in orders:
        if key in p.models:
            return Met(p, "model", (vf, ("order_number", f)))
        if fam is not None and fam == p.name.name:
            return Met(p, "model", (vf, ("order_number", f)))
    full = f"{p.family} {p.name.name}" if p.family else p.name.name
    for text, fname, f in cands:
        if text in (p.name.name, full) or (p.name.pattern is not None and p.name.pattern.match(text)):
            return Met(p, "exact", (vf, (fname, f)))
    if len(p.name.name) >= 3:
        for text, fname, f in cands:
            if f" {p.name.name} " in f" {text} ":
                return Met(p, "family", (vf, (fname, f)))
    return None


def _version(asset: AssetFacts) -> tuple[Version | None, tuple[str, Fact] | None]:
    for name in ("firmware", "software"):
        for f in asset.values(name):
            v = parse_version(f.value)
            if v is not None:
                return v, (name, f)
    return None, None


def _judge(asset: AssetFacts, adv: Advisory, met: list[Met]) -> list[Match]:
    version, vfact = _version(asset)
    out = []
    for vuln in adv.vulnerabilities:
        verdicts = []
        for m in met:
            for pid, spec_in, range_text in _statuses(adv, m, version):
                status = vuln.status.get(pid)
                if status is not None:
                    verdicts.append((m, pid, status, spec_in, range_text))
        hit = _decide(verdicts)
        if hit is None:
            continue
        m, pid, status, spec_in, range_text = hit
        conf = _confidence(m, spec_in)
        facts = [*m.facts, *([vfact] if vfact is not None and spec_in == InRange.YES else [])]
        evidence: dict[str, Any] = {
            "entry": {
                "product_id": pid,
                "name": m.prepared.entry.full_name,
                "status": status,
                "range": range_text,
            },
            "met_by": m.how,
            "asset_fields": [{"field": n, **f.as_dict()} for n, f in facts],
        }
        if m.prepared.name.condition or (
            isinstance(m.prepared.spec, AllVersions) and m.prepared.spec.condition
        ):
            evidence["condition"] = m.prepared.name.condition or getattr(m.prepared.spec, "condition", None)
        if isinstance(m.prepared.spec, Unparsed):
            evidence["unparsed"] = m.prepared.spec.reason
        if vuln.cvss is not None:
            evidence["cvss"] = {"score": vuln.cvss, "vector": vuln.vector}
        if vuln.fixes.get(pid):
            evidence["fix"] = vuln.fixes[pid]
        out.append(Match(asset.key, adv.id, adv.version, vuln.cve, conf, pid, evidence))
    return out


def _statuses(adv: Advisory, m: Met, version: Version | None) -> list[tuple[str, InRange, str]]:
    """(product id, is the asset's version in it, range text) for the entry met and, when the
    entry is a platform of relationships, for each combination whose component version fits."""
    p = m.prepared
    rels = [r for r in adv.relationships if r.platform == p.entry.product_id]
    if not rels:
        spec = p.spec
        assert spec is not None
        return [(p.entry.product_id, spec.contains(version), spec.text)]
    out = []
    for r in rels:
        comp = adv.entry(r.component)
        if comp is None or comp.version_text is None:
            continue
        cv = parse_version(comp.version_text)
        inside = (
            InRange.UNKNOWN
            if version is None or cv is None
            else InRange.YES
            if cv.key == version.key
            else InRange.NO
        )
        out.append((r.product_id, inside, comp.version_text))
    if version is not None and all(i == InRange.NO for _, i, _ in out):
        return [(pid, InRange.UNKNOWN, text) for pid, _, text in out]
    return out


def _decide(verdicts: list[tuple[Met, str, str, InRange, str]]) -> tuple[Met, str, str, InRange, str] | None:
    if any(s in NOT_AFFECTED and i == InRange.YES for _, _, s, i, _ in verdicts):
        return None
    for wanted in (InRange.YES, InRange.UNKNOWN):
        for v in verdicts:
            if v[2] in AFFECTED and v[3] == wanted:
                return v
    return None


def _confidence(m: Met, inside: InRange) -> str:
    if inside == InRange.UNKNOWN:
        return "range_unparsed" if isinstance(m.prepared.spec, Unparsed) else "version_unknown"
    return "family" if m.how == "family" else "exact"

"""Where the advisories and the KEV catalogue in use come from, and loading them.

A content directory (settings.content_dir) holds ``csaf/<bundle id>/`` and ``kev/<bundle
id>/`` folders and, per kind, a ``CURRENT`` file naming the folder in use (replaced
atomically, so a half-written bundle is never in use). Without one, the small dated bundle
shipped in ``plantwarden/data/csaf`` and ``plantwarden/data/kev`` is used.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from plantwarden.errors import InputError
from plantwarden.settings import content_dir
from plantwarden.vulns.csaf import Advisory, read_advisory

DATA = Path(__file__).resolve().parent.parent / "data"
KEV_NAMES = ("known_exploited_vulnerabilities.json", "known_exploited_vulnerabilities.json.gz")


@dataclass(frozen=True, slots=True)
class Bundle:
    kind: str  # csaf | kev
    id: str
    path: Path  # the folder with the files
    shipped: bool
    source: str
    as_of: str  # the date of the data (ISO)

    def age_days(self, today: date | None = None) -> int | None:
        try:
            return ((today or date.today()) - date.fromisoformat(self.as_of[:10])).days
        except ValueError:
            return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "path": str(self.path),
            "shipped": self.shipped,
            "source": self.source,
            "as_of": self.as_of,
            "age_days": self.age_days(),
        }


def current(kind: str, root: Path | None = None) -> Bundle:
    """The bundle of ``kind`` in use: the content directory's current one, else the shipped one."""
    base = (root or content_dir()) / kind
    pointer = base / "CURRENT"
    if pointer.is_file():
        folder = base / pointer.read_text(encoding="utf-8").strip()
        meta = _meta(folder / "bundle.json")
        return Bundle(
            kind, folder.name, folder, False, str(meta.get("source", "")), str(meta.get("as_of", ""))
        )
    shipped = DATA / kind
    meta = _meta(shipped / "bundle.json")
    return Bundle(kind, f"shipped-{meta['as_of']}", shipped, True, str(meta["source"]), str(meta["as_of"]))


def _meta(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise InputError(
            f"{path}: the content bundle's description cannot be read ({exc}); "
            "run 'plantwarden content update' again"
        ) from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: not a bundle description")
    return data


def advisory_files(bundle: Bundle) -> list[Path]:
    folder = bundle.path / "advisories"
    return sorted(folder.glob("*.json"))


@cache
def _advisories(folder: str, stamp: tuple[int, int]) -> tuple[Advisory, ...]:
    out = []
    for path in sorted(Path(folder).glob("*.json")):
        try:
            out.append(read_advisory(json.loads(path.read_bytes())))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path}: not a readable CSAF advisory ({exc})") from None
    return tuple(out)


def load_advisories(bundle: Bundle) -> list[Advisory]:
    folder = bundle.path / "advisories"
    st = folder.stat() if folder.exists() else None
    return list(_advisories(str(folder), (st.st_mtime_ns, st.st_ino) if st else (0, 0)))


def kev_path(bundle: Bundle) -> Path:
    for name in KEV_NAMES:
        if (bundle.path / name).is_file():
            return bundle.path / name
    raise InputError(f"{bundle.path}: no KEV catalogue in the bundle")


def read_kev_file(path: Path) -> dict[str, Any]:
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise InputError(f"{path}: not valid JSON (truncated?): {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("vulnerabilities"), list):
        raise InputError(f"{path}: not a KEV catalogue (no 'vulnerabilities' list)")
    return data


@cache
def _kev(path: str, mtime: int) -> dict[str, dict[str, Any]]:
    data = read_kev_file(Path(path))
    return {v["cveID"]: v for v in data["vulnerabilities"] if isinstance(v, dict) and "cveID" in v}


def load_kev(bundle: Bundle) -> dict[str, dict[str, Any]]:
    """CVE id -> the catalogue's entry (dateAdded, knownRansomwareCampaignUse, ...)."""
    path = kev_path(bundle)
    return _kev(str(path), path.stat().st_mtime_ns)

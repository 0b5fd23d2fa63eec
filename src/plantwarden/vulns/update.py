"""``plantwarden content update PATH``: load advisories and a KEV catalogue from a directory,
a file or an archive, verify them, and switch to the new bundle only once it is complete.

Every CSAF file must be whole JSON and fit the CSAF 2.0 schema; a ``.sha512``/``.sha256``
beside it must match and an ``.asc`` signature must verify when the signer's key is in the
keyring given. Any failure refuses the whole update with one line naming the file; the
bundle in use stays. New advisories are added to those of the bundle in use (a newer
revision replaces the older), so a single advisory file is an update too.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from plantwarden.errors import InputError
from plantwarden.settings import content_dir
from plantwarden.vulns.archive import is_archive, unpack
from plantwarden.vulns.bundle import advisory_files, current, kev_path, read_kev_file
from plantwarden.vulns.verify import check_csaf_schema, check_hash, check_signature, load_json

SKIPPED_NAMES = ("provider-metadata.json", "aggregator.json", "service.json")


@dataclass
class UpdateReport:
    csaf: dict[str, Any] = field(default_factory=dict)
    kev: dict[str, Any] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"csaf": self.csaf, "kev": self.kev, "skipped": self.skipped}

    @property
    def changed(self) -> bool:
        return bool(self.csaf.get("added") or self.csaf.get("revised") or self.kev.get("added"))


def update(source: Path, root: Path | None = None, keyring: Path | None = None) -> UpdateReport:
    base = root or content_dir()
    if not source.exists():
        raise InputError(f"{source}: no such file or directory")
    base.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".staging-", dir=base) as staging:
        folder = source
        if is_archive(source):
            folder = Path(staging) / "unpacked"
            unpack(source, folder)
        files = [folder] if folder.is_file() else sorted(p for p in folder.rglob("*.json") if p.is_file())
        report = UpdateReport()
        csaf: dict[str, tuple[Path, dict[str, Any]]] = {}
        kev: Path | None = None
        signatures: dict[str, str] = {}
        for path in files:
            if path.name in SKIPPED_NAMES:
                report.skipped.append(path.name)
                continue
            doc = load_json(path)
            if isinstance(doc, dict) and "catalogVersion" in doc:
                read_kev_file(path)
                kev = path
            elif (
                isinstance(doc, dict)
                and isinstance(doc.get("document"), dict)
                and "csaf_version" in doc["document"]
            ):
                check_csaf_schema(doc, path)
                check_hash(path)
                signatures[path.name] = check_signature(path, keyring)
                csaf[_name(doc)] = (path, doc)
            else:
                report.skipped.append(path.name)
        if not csaf and kev is None:
            raise InputError(f"{source}: no CSAF advisory and no KEV catalogue in it")
        if csaf:
            report.csaf = _install_csaf(base, csaf, signatures)
        if kev is not None:
            report.kev = _install_kev(base, kev)
    return report


def _name(doc: dict[str, Any]) -> str:
    return str(doc["document"]["tracking"]["id"]).lower() + ".json"


def _install_csaf(
    base: Path, new: dict[str, tuple[Path, dict[str, Any]]], sigs: dict[str, str]
) -> dict[str, Any]:
    old = current("csaf", base)
    old_files = {p.name: p for p in advisory_files(old)}
    stage = Path(tempfile.mkdtemp(prefix=".new-", dir=_kind_dir(base, "csaf")))
    target = stage / "advisories"
    target.mkdir()
    added, revised = [], []
    for name, path in old_files.items():
        if name not in new:
            _copy(path, target / name)
    for name, (path, doc) in sorted(new.items()):
        before = old_files.get(name)
        if before is None:
            added.append(name.removesuffix(".json"))
        elif before.read_bytes() != path.read_bytes():
            revised.append(
                f"{name.removesuffix('.json')} -> revision {doc['document']['tracking'].get('version')}"
            )
        _copy(path, target / name)
    dates = [str(d["document"]["tracking"].get("current_release_date", ""))[:10] for _, d in new.values()]
    as_of = max([*dates, old.as_of])
    digest = hashlib.sha256("".join(sorted(_sha(p) for p in target.glob("*.json"))).encode()).hexdigest()[:10]
    bundle_id = f"csaf-{as_of}-{digest}"
    total = len(list(target.glob("*.json")))
    meta = {
        "kind": "csaf",
        "id": bundle_id,
        "source": "loaded with plantwarden content update",
        "as_of": as_of,
        "installed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "signatures": sigs,
    }
    _activate(base, "csaf", stage, bundle_id, meta, old.id)
    return {
        "bundle": bundle_id,
        "previous": old.id,
        "changed": sorted(
            n.removesuffix(".json")
            for n, (p, _) in new.items()
            if n not in old_files or old_files[n].read_bytes() != p.read_bytes()
        ),
        "added": added,
        "revised": revised,
        "unchanged": len(new) - len(added) - len(revised),
        "total": total,
        "signatures": sigs,
    }


def _install_kev(base: Path, path: Path) -> dict[str, Any]:
    old = current("kev", base)
    before = set(_cves(read_kev_file(kev_path(old))))
    data = read_kev_file(path)
    after = _cves(data)
    stage = Path(tempfile.mkdtemp(prefix=".new-", dir=_kind_dir(base, "kev")))
    _copy(path, stage / "known_exploited_vulnerabilities.json")
    as_of = str(data.get("dateReleased") or data.get("catalogVersion", ""))[:10].replace(".", "-")
    bundle_id = f"kev-{data.get('catalogVersion', as_of)}"
    meta = {
        "kind": "kev",
        "id": bundle_id,
        "source": f"KEV catalogue {data.get('catalogVersion')}",
        "as_of": as_of,
        "installed_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    _activate(base, "kev", stage, bundle_id, meta, old.id)
    return {
        "bundle": bundle_id,
        "previous": old.id,
        "added": sorted(set(after) - before),
        "total": len(after),
    }


def _cves(data: dict[str, Any]) -> list[str]:
    return [v["cveID"] for v in data["vulnerabilities"] if isinstance(v, dict) and "cveID" in v]


def _kind_dir(base: Path, kind: str) -> Path:
    d = base / kind
    d.mkdir(parents=True, exist_ok=True)
    return d


def _copy(src: Path, dst: Path) -> None:
    shutil.copyfile(src, dst)
    for suffix in (".sha512", ".sha256", ".asc"):
        side = src.with_name(src.name + suffix)
        if side.is_file():
            shutil.copyfile(side, dst.with_name(dst.name + suffix))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _activate(
    base: Path, kind: str, stage: Path, bundle_id: str, meta: dict[str, Any], previous: str
) -> None:
    """Write the description, move the folder to its name, then point CURRENT at it
    (os.replace: atomic); keep the previous bundle, remove older ones."""
    (stage / "bundle.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    kdir = base / kind
    final = kdir / bundle_id
    if final.exists():
        shutil.rmtree(stage)
    else:
        stage.rename(final)
    tmp = kdir / "CURRENT.tmp"
    tmp.write_text(bundle_id + "\n", encoding="utf-8")
    os.replace(tmp, kdir / "CURRENT")
    for other in kdir.iterdir():
        if other.is_dir() and other.name not in (bundle_id, previous) and not other.name.startswith(".new-"):
            shutil.rmtree(other, ignore_errors=True)

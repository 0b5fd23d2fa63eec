"""What can be verified about a content file before it is used: that it is whole JSON, that a
CSAF document fits the CSAF 2.0 JSON schema (shipped in ``plantwarden/data/schemas``), the
SHA-512 (or SHA-256) file CISA publishes beside each advisory, and its OpenPGP signature
(``.asc``) when the signer's public key is in the keyring given (GnuPG through python-gnupg).

Every failure is an :class:`~plantwarden.errors.InputError` naming the file.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from plantwarden.errors import InputError

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "data" / "schemas"
CVSS = {
    "https://www.first.org/cvss/cvss-v2.0.json": "cvss-v2.0.json",
    "https://www.first.org/cvss/cvss-v3.0.json": "cvss-v3.0.json",
    "https://www.first.org/cvss/cvss-v3.1.json": "cvss-v3.1.json",
}


def load_json(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" at line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        hint = (
            " (truncated?)" if isinstance(exc, json.JSONDecodeError) and exc.pos >= len(raw.rstrip()) else ""
        )
        raise InputError(f"{path}: not valid JSON{where}{hint}: {exc}") from None


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    registry: Registry[Any] = Registry()
    for uri, name in CVSS.items():
        registry = registry.with_resource(
            uri, Resource.from_contents(json.loads((SCHEMA_DIR / name).read_bytes()))
        )
    schema = json.loads((SCHEMA_DIR / "csaf_json_schema.json").read_bytes())
    return Draft202012Validator(schema, registry=registry)


def check_csaf_schema(doc: Any, path: Path) -> None:
    """Refuse a document that does not fit the CSAF 2.0 JSON schema (the first error named)."""
    error = next(iter(_validator().iter_errors(doc)), None)
    if error is not None:
        at = "/".join(str(p) for p in error.absolute_path) or "(document)"
        raise InputError(f"{path}: not a valid CSAF 2.0 document at {at}: {error.message[:200]}")


def check_hash(path: Path) -> str | None:
    """Check ``path.sha512`` / ``path.sha256`` when present; the algorithm checked, or None."""
    for algo in ("sha512", "sha256"):
        side = path.with_name(path.name + "." + algo)
        if not side.is_file():
            continue
        expected = side.read_text(encoding="ascii", errors="replace").split()
        if not expected:
            raise InputError(f"{side}: empty hash file")
        actual = hashlib.new(algo, path.read_bytes()).hexdigest()
        if actual != expected[0].lower():
            raise InputError(f"{path}: {algo.upper()} does not match {side.name} (file changed or truncated)")
        return algo
    return None


def check_signature(path: Path, keyring: Path | None) -> str:
    """Check ``path.asc``. ``verified by <fingerprint>``, ``no signature``, or ``not checked:
    <why>`` (no keyring, or the signer's key not in it); a bad signature raises InputError."""
    sig = path.with_name(path.name + ".asc")
    if not sig.is_file():
        return "no signature"
    if keyring is None:
        return "not checked: no keyring (give --keyring FILE with the publisher's public key)"
    import gnupg

    with tempfile.TemporaryDirectory(prefix="pw-gpg-") as home:
        gpg = gnupg.GPG(gnupghome=home)
        imported = gpg.import_keys(keyring.read_bytes())
        if not imported.fingerprints:
            raise InputError(f"{keyring}: no OpenPGP public key in it")
        with sig.open("rb") as f:
            result = gpg.verify_file(f, str(path))
    if result.valid:
        return f"verified by {result.fingerprint}"
    if result.status == "no public key":
        return f"not checked: signer key {result.key_id} not in {keyring.name}"
    raise InputError(f"{path}: OpenPGP signature {sig.name} does not verify ({result.status})")

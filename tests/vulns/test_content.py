"""Content bundles: status, update from a directory, a file and an archive, and every kind of
bad bundle refused with the file named while the bundle in use stays."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from plantwarden.cli.app import main
from plantwarden.errors import InputError
from plantwarden.vulns.bundle import current, load_kev
from plantwarden.vulns.content import status
from plantwarden.vulns.update import update

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
CSAF = SHARED / "csaf-ics"
KEV = SHARED / "kev" / "known_exploited_vulnerabilities.json"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _advisory(name: str = "icsa-23-068-03.json") -> dict[str, object]:
    data: dict[str, object] = json.loads((CSAF / name).read_bytes())
    return data


def _revised(tmp_path: Path) -> Path:
    """icsa-23-068-03 as a new revision (version 2, a later date)."""
    doc = _advisory()
    tracking = doc["document"]["tracking"]  # type: ignore[index]
    tracking["version"] = "2"
    tracking["current_release_date"] = "2024-11-01T00:00:00.000000Z"
    tracking["revision_history"].append(
        {"date": "2024-11-01T00:00:00.000000Z", "number": "2", "summary": "Revised"}
    )
    folder = tmp_path / "rev"
    folder.mkdir()
    (folder / "icsa-23-068-03.json").write_text(json.dumps(doc))
    return folder


def test_status_lists_every_data_set_with_date_and_staleness(tmp_path: Path) -> None:
    rows = {r["kind"]: r for r in status(tmp_path)}
    assert set(rows) == {"csaf", "kev", "attack", "oui"}
    assert rows["csaf"]["items"] == 39 and rows["csaf"]["shipped"] and rows["csaf"]["as_of"] == "2024-10-24"
    assert rows["kev"]["items"] == 1404 and rows["kev"]["version"] == "2025.08.25"
    assert rows["csaf"]["stale"]  # 2024 data is stale in 2026


def test_update_revision_is_reported_and_previous_bundle_kept(tmp_path: Path) -> None:
    root = tmp_path / "content"
    report = update(_revised(tmp_path), root)
    assert report.csaf["revised"] == ["icsa-23-068-03 -> revision 2"]
    assert report.csaf["total"] == 39 and report.csaf["previous"].startswith("shipped-")
    bundle = current("csaf", root)
    assert not bundle.shipped and bundle.as_of == "2024-11-01"
    again = update(CSAF / "icsa-24-256-09.json", root)  # one file, with its SHA-512 beside it
    assert again.csaf["unchanged"] == 1 and again.csaf["previous"] == bundle.id
    assert (root / "csaf" / bundle.id).is_dir()  # the previous bundle is kept


def test_update_new_advisory_is_added(tmp_path: Path) -> None:
    doc = _advisory()
    doc["document"]["tracking"]["id"] = "ICSA-99-001-01"  # type: ignore[index]
    src = tmp_path / "icsa-99-001-01.json"
    src.write_text(json.dumps(doc))
    report = update(src, tmp_path / "content")
    assert report.csaf["added"] == ["icsa-99-001-01"] and report.csaf["total"] == 40


def test_update_kev_catalogue(tmp_path: Path) -> None:
    data = json.loads(KEV.read_bytes())
    data["vulnerabilities"].append({**data["vulnerabilities"][0], "cveID": "CVE-2099-0001"})
    data["catalogVersion"] = "2099.01.01"
    src = tmp_path / "known_exploited_vulnerabilities.json"
    src.write_text(json.dumps(data))
    root = tmp_path / "content"
    report = update(src, root)
    assert report.kev["added"] == ["CVE-2099-0001"] and report.kev["total"] == 1405
    assert "CVE-2099-0001" in load_kev(current("kev", root))


def _refused(src: Path, root: Path, *words: str) -> None:
    before = current("csaf", root).id
    with pytest.raises(InputError) as err:
        update(src, root)
    for w in words:
        assert w in str(err.value)
    assert current("csaf", root).id == before


def test_truncated_json_refused_naming_the_file(tmp_path: Path) -> None:
    root = tmp_path / "content"
    update(_revised(tmp_path), root)
    bad = tmp_path / "bad"
    bad.mkdir()
    shutil.copy(CSAF / "icsa-24-284-19.json", bad)
    raw = (CSAF / "icsa-23-080-04.json").read_bytes()
    (bad / "icsa-23-080-04.json").write_bytes(raw[: len(raw) // 2])
    _refused(bad, root, "icsa-23-080-04.json", "truncated")
    assert len(list((root / "csaf").glob("csaf-*"))) == 1  # nothing half-written left in use


def test_wrong_schema_refused(tmp_path: Path) -> None:
    doc = _advisory()
    del doc["document"]["publisher"]  # type: ignore[attr-defined]
    src = tmp_path / "icsa-23-068-03.json"
    src.write_text(json.dumps(doc))
    _refused(src, tmp_path / "content", "icsa-23-068-03.json", "CSAF 2.0", "publisher")


def test_hash_mismatch_refused(tmp_path: Path) -> None:
    for name in ("icsa-24-256-09.json", "icsa-24-256-09.json.sha512"):
        shutil.copy(CSAF / name, tmp_path)
    doc = json.loads((tmp_path / "icsa-24-256-09.json").read_bytes())
    doc["document"]["title"] += " (edited)"
    (tmp_path / "icsa-24-256-09.json").write_text(json.dumps(doc))
    _refused(tmp_path / "icsa-24-256-09.json", tmp_path / "content", "SHA512 does not match")


def test_matching_hash_passes(tmp_path: Path) -> None:
    text = (CSAF / "icsa-24-256-09.json.sha512").read_text().split()[0]
    assert hashlib.sha512((CSAF / "icsa-24-256-09.json").read_bytes()).hexdigest() == text
    assert update(CSAF / "icsa-24-256-09.json", tmp_path / "c").csaf["unchanged"] == 1


@pytest.fixture
def gpg_home(tmp_path: Path) -> Iterator[Path]:
    """A GnuPG home of the test's own; the agent gpg starts for it is stopped afterwards."""
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    yield home
    subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "all"], check=False, capture_output=True)


def _gpg_key(home: Path) -> tuple[Path, Path]:
    """A real OpenPGP key made by gpg: (home, exported public key)."""
    env = {"GNUPGHOME": str(home), "PATH": "/usr/bin:/bin"}
    subprocess.run(
        [
            "gpg",
            "--batch",
            "--passphrase",
            "",
            "--quick-gen-key",
            "Test Publisher <t@example.org>",
            "ed25519",
            "sign",
            "never",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    pub = home / "pub.asc"
    pub.write_bytes(
        subprocess.run(["gpg", "--armor", "--export"], env=env, check=True, capture_output=True).stdout
    )
    return home, pub


def _sign(home: Path, path: Path) -> None:
    subprocess.run(
        ["gpg", "--batch", "--yes", "--armor", "--detach-sign", "-o", str(path) + ".asc", str(path)],
        env={"GNUPGHOME": str(home), "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
    )


def test_signature_verified_and_bad_signature_refused(tmp_path: Path, gpg_home: Path) -> None:
    home, pub = _gpg_key(gpg_home)
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(CSAF / "icsa-23-068-03.json", src)
    _sign(home, src / "icsa-23-068-03.json")
    root = tmp_path / "content"
    report = update(src, root, keyring=pub)
    assert report.csaf["signatures"]["icsa-23-068-03.json"].startswith("verified by ")
    doc = json.loads((src / "icsa-23-068-03.json").read_bytes())
    doc["document"]["title"] = "Tampered"
    (src / "icsa-23-068-03.json").write_text(json.dumps(doc))
    before = current("csaf", root).id
    with pytest.raises(InputError, match=r"signature .* does not verify"):
        update(src, root, keyring=pub)
    assert current("csaf", root).id == before


def test_cisa_signature_without_cisa_key_is_reported_not_verified(tmp_path: Path, gpg_home: Path) -> None:
    _, pub = _gpg_key(gpg_home)
    report = update(CSAF / "icsa-24-256-09.json", tmp_path / "c", keyring=pub)
    assert report.csaf["signatures"]["icsa-24-256-09.json"].startswith("not checked: signer key")


@pytest.mark.parametrize("kind", ["tar", "zip"])
def test_archive_with_path_traversal_refused(tmp_path: Path, kind: str) -> None:
    raw = (CSAF / "icsa-23-068-03.json").read_bytes()
    arc = tmp_path / f"bundle.{'tar.gz' if kind == 'tar' else 'zip'}"
    if kind == "tar":
        with tarfile.open(arc, "w:gz") as t:
            for name in ("ok/icsa-23-068-03.json", "../../escaped.json"):
                info = tarfile.TarInfo(name)
                info.size = len(raw)
                t.addfile(info, io.BytesIO(raw))
    else:
        with zipfile.ZipFile(arc, "w") as z:
            z.writestr("ok/icsa-23-068-03.json", raw)
            z.writestr("../../escaped.json", raw)
    _refused(arc, tmp_path / "content", "path traversal", "escaped.json")
    assert not (tmp_path.parent / "escaped.json").exists()


def test_archive_is_loaded(tmp_path: Path) -> None:
    arc = tmp_path / "b.zip"
    with zipfile.ZipFile(arc, "w") as z:
        z.write(CSAF / "icsa-24-284-19.json", "csaf_files/OT/white/2024/icsa-24-284-19.json")
    assert update(arc, tmp_path / "c").csaf["unchanged"] == 1


def test_cli_status_and_bad_update_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["content", "status", "--json"], capsys)
    assert code == 0 and {r["kind"] for r in json.loads(out)["content"]} == {"csaf", "kev", "attack", "oui"}
    bad = tmp_path / "x.json"
    bad.write_text('{"document": {')
    code, out, err = run(["content", "update", str(bad), "--no-match"], capsys)
    assert code == 2 and err.count("\n") == 1 and "x.json" in err and "Traceback" not in err

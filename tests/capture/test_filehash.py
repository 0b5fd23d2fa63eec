"""capture.filehash: the threaded SHA-256 is the file's SHA-256, and None where there is no file."""

from __future__ import annotations

import hashlib
from pathlib import Path

from plantwarden.capture.filehash import BLOCK, FileHash
from tests.conftest import shared_captures


def test_digest_is_the_files_sha256(tmp_path: Path) -> None:
    for capture in shared_captures()[:3]:
        assert FileHash(str(capture)).hexdigest() == hashlib.sha256(capture.read_bytes()).hexdigest()
    odd = tmp_path / "odd.bin"  # more than one block, not a multiple of it
    odd.write_bytes(bytes(range(256)) * (BLOCK // 256) + b"tail")
    assert FileHash(str(odd)).hexdigest() == hashlib.sha256(odd.read_bytes()).hexdigest()
    empty = tmp_path / "empty.pcap"
    empty.write_bytes(b"")
    assert FileHash(str(empty)).hexdigest() == hashlib.sha256(b"").hexdigest()


def test_no_digest_without_a_regular_file(tmp_path: Path) -> None:
    assert FileHash("-").hexdigest() is None
    assert FileHash(str(tmp_path / "missing.pcap")).hexdigest() is None
    assert FileHash(str(tmp_path)).hexdigest() is None
    assert FileHash("/dev/null").hexdigest() is None

"""store.background: the import in a forked child lands exactly as in process, and its
failures reach the parent as the same errors (nothing stored when it fails)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from plantwarden.errors import InputError, StoreError
from plantwarden.store import background
from plantwarden.store.captures import capture_document
from plantwarden.store.engine import upgrade
from plantwarden.store.imports import list_captures, record_capture

from .helpers import MODBUS_DOC, snapshot
from .test_imports import bad_conversations, expected_readback


def test_background_import_lands_as_in_process(store_url: str) -> None:
    pending = background.record_in_background(store_url, MODBUS_DOC)
    assert isinstance(pending, background.Pending) and not isinstance(pending, background.Done)
    capture_id = pending.wait()
    assert pending.wait() == capture_id  # the outcome is kept
    assert capture_document(store_url, MODBUS_DOC["sha256"]) == expected_readback(MODBUS_DOC)
    assert [c.id for c in list_captures(store_url)] == [capture_id]
    assert record_capture(store_url, MODBUS_DOC) == capture_id  # identical analysis: same row


def test_refused_import_raises_the_same_error_and_stores_nothing(store_url: str) -> None:
    record_capture(store_url, MODBUS_DOC)
    before = snapshot(store_url)
    bad = bad_conversations({**MODBUS_DOC, "sha256": "ab" * 32})
    with pytest.raises(InputError) as in_process:
        record_capture(store_url, bad)
    pending = background.record_in_background(store_url, bad)
    with pytest.raises(InputError) as forked:
        pending.wait()
    assert forked.value.message == in_process.value.message
    with pytest.raises(InputError):
        pending.wait()  # the same error again, not a closed pipe
    assert snapshot(store_url) == before


def test_unusable_store_is_a_store_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing' / 'dir' / 'store.db'}"
    with pytest.raises(StoreError) as in_process:
        record_capture(url, MODBUS_DOC)
    with pytest.raises(StoreError) as forked:
        background.record_in_background(url, MODBUS_DOC).wait()
    assert forked.value.message == in_process.value.message


def test_killed_child_is_reported_and_stores_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)  # an existing store, so that "nothing stored" can be read back

    def die(db_url: str, doc: object, site: object = None) -> int:
        os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would
        raise AssertionError("not reached")

    monkeypatch.setattr("plantwarden.store.imports.record_capture", die)
    with pytest.raises(StoreError, match="killed by signal 9"):
        background.record_in_background(url, MODBUS_DOC).wait()
    monkeypatch.undo()
    assert list_captures(url) == []

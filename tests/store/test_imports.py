"""Importing captures: round trip, idempotence, replacement, and the one-transaction rule."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plantwarden import __version__
from plantwarden.errors import InputError
from plantwarden.store.capture_doc import parse_capture_doc
from plantwarden.store.captures import capture_document, capture_documents
from plantwarden.store.engine import connected, ensure_current
from plantwarden.store.imports import list_captures, record_capture, write_capture
from plantwarden.store.models import Conversation
from plantwarden.store.sites import choose_site

from .helpers import MODBUS_DOC, capture_doc, snapshot


def expected_readback(doc: dict[str, Any]) -> dict[str, Any]:
    """The document as the store gives it back: hosts as sorted entries, version filled in."""
    out = {k: copy.deepcopy(v) for k, v in doc.items() if k != "schema"}
    empty = {"first_seen": None, "last_seen": None, "packets": None}
    out["hosts"] = {
        kind: sorted(
            (
                {"address": h, **empty} if isinstance(h, str) else {**empty, **h}
                for h in doc["hosts"].get(kind, [])
            ),
            key=lambda h: h["address"],
        )
        for kind in ("mac", "ipv4", "ipv6")
    }
    out["plantwarden_version"] = __version__
    return out


def bad_conversations(doc: dict[str, Any]) -> dict[str, Any]:
    """The same conversation tuple twice: valid JSON, refused by the store's unique constraint."""
    bad = copy.deepcopy(doc)
    bad["conversations"].append(dict(bad["conversations"][0]))
    return bad


def test_round_trip(store_url: str) -> None:
    capture_id = record_capture(store_url, MODBUS_DOC)
    assert capture_document(store_url, MODBUS_DOC["sha256"]) == expected_readback(MODBUS_DOC)
    (info,) = list_captures(store_url)
    assert (info.id, info.name, info.packets, info.bytes) == (capture_id, "modbus.pcap", 118, 8269)
    assert (info.conversations, info.anomalies) == (2, 1)
    assert info.first_ts == MODBUS_DOC["first_ts"]


def test_unknown_capture_reads_as_none(store_url: str) -> None:
    ensure_current(store_url)
    assert capture_document(store_url, "0" * 64) is None


def test_importing_the_same_analysis_twice_changes_nothing(store_url: str) -> None:
    first = record_capture(store_url, MODBUS_DOC)
    before = snapshot(store_url)
    assert record_capture(store_url, copy.deepcopy(MODBUS_DOC)) == first
    assert snapshot(store_url) == before


def test_a_second_capture_only_adds(store_url: str) -> None:
    record_capture(store_url, MODBUS_DOC)
    before = snapshot(store_url)
    other = capture_doc("other.pcap", hosts={"ipv4": ["10.0.0.3", "192.168.5.5"]})
    record_capture(store_url, other)
    after = snapshot(store_url)
    for table in ("captures", "capture_hosts", "conversations", "anomalies"):
        assert all(row in after[table] for row in before[table]), table
        assert len(after[table]) > len(before[table]), table
    assert {row[:3] for row in before["hosts"]} < {row[:3] for row in after["hosts"]}
    assert len(after["hosts"]) == len(before["hosts"]) + 1  # 10.0.0.3 is shared
    assert [c.name for c in list_captures(store_url)] == ["modbus.pcap", "other.pcap"]


def test_a_new_analysis_of_the_same_file_replaces_its_rows(store_url: str) -> None:
    first = record_capture(store_url, MODBUS_DOC)
    newer = copy.deepcopy(MODBUS_DOC)
    newer["conversations"] = newer["conversations"][:1]
    newer["anomalies"] = []
    newer["hosts"]["mac"] = []
    assert record_capture(store_url, newer) == first
    assert capture_document(store_url, MODBUS_DOC["sha256"]) == expected_readback(newer)
    rows = snapshot(store_url)
    assert (len(rows["captures"]), len(rows["conversations"]), len(rows["anomalies"])) == (1, 1, 0)
    assert {row[2] for row in rows["hosts"]} == {"10.0.0.3", "10.0.0.57"}  # unseen MACs dropped


def _host(url: str, address: str) -> tuple[Any, ...]:
    (row,) = [r for r in snapshot(url)["hosts"] if r[2] == address]  # id, site_id, address, kind, ...
    return tuple(row[4:])


def test_hosts_aggregate_their_captures(store_url: str) -> None:
    host = {"address": "10.0.0.3", "first_seen": 100.0, "last_seen": 200.0, "packets": 5}
    record_capture(store_url, capture_doc("a.pcap", hosts={"ipv4": [host]}))
    later = {"address": "10.0.0.3", "first_seen": 50.0, "last_seen": 150.0, "packets": 7}
    record_capture(store_url, capture_doc("b.pcap", hosts={"ipv4": [later]}))
    assert _host(store_url, "10.0.0.3") == (50.0, 200.0, 12)
    record_capture(store_url, capture_doc("b.pcap", hosts={"ipv4": []}))
    assert _host(store_url, "10.0.0.3") == (100.0, 200.0, 5)


def test_invalid_document_stores_nothing(store_url: str) -> None:
    record_capture(store_url, MODBUS_DOC)
    before = snapshot(store_url)
    with pytest.raises(
        InputError, match=r"^capture broken.pcap: invalid analysis document: conversations.0.count"
    ):
        bad = capture_doc("broken.pcap")
        bad["conversations"][0]["count"] = 0
        record_capture(store_url, bad)
    assert snapshot(store_url) == before


def test_a_row_refused_half_way_leaves_the_store_as_it_was(store_url: str) -> None:
    record_capture(store_url, MODBUS_DOC)
    before = snapshot(store_url)
    with pytest.raises(
        InputError, match=r"^capture second.pcap: the store refused the analysis .*nothing was stored$"
    ):
        record_capture(store_url, bad_conversations(capture_doc("second.pcap")))
    assert snapshot(store_url) == before


def test_a_refused_reimport_keeps_the_previous_rows(store_url: str) -> None:
    record_capture(store_url, MODBUS_DOC)
    before = snapshot(store_url)
    with pytest.raises(InputError, match=r"^capture modbus\.pcap: the store refused"):
        record_capture(store_url, bad_conversations(MODBUS_DOC))
    assert snapshot(store_url) == before


def test_an_exception_after_rows_were_written_rolls_everything_back(store_url: str) -> None:
    record_capture(store_url, MODBUS_DOC)
    before = snapshot(store_url)
    second = parse_capture_doc(capture_doc("second.pcap"))
    with (
        connected(store_url) as engine,
        Session(engine) as session,
        pytest.raises(RuntimeError, match="crash half-way"),
        session.begin(),
    ):
        write_capture(session, second, site_id=choose_site(store_url).id or 0)
        assert session.scalar(select(func.count()).select_from(Conversation)) == 4
        raise RuntimeError("crash half-way")
    assert snapshot(store_url) == before


CRASH = """
import json, os, sys
from sqlalchemy.orm import Session
from plantwarden.store.capture_doc import parse_capture_doc
from plantwarden.store.engine import connected
from plantwarden.store.imports import write_capture
from plantwarden.store.sites import choose_site
doc = parse_capture_doc(json.loads(open(sys.argv[2]).read()))
site_id = choose_site(sys.argv[1]).id
with connected(sys.argv[1]) as engine, Session(engine) as session:
    session.begin()
    write_capture(session, doc, site_id=site_id)
    session.flush()
    print("written", flush=True)
    os._exit(9)
"""


def test_a_process_killed_mid_import_leaves_the_store_as_it_was(store_url: str, tmp_path: Path) -> None:
    ensure_current(store_url)
    record_capture(store_url, MODBUS_DOC)
    before = snapshot(store_url)
    doc_file = tmp_path / "doc.json"
    doc_file.write_text(json.dumps(capture_doc("killed.pcap")))
    run = subprocess.run(
        [sys.executable, "-c", CRASH, store_url, str(doc_file)], capture_output=True, text=True, check=False
    )
    assert (run.returncode, run.stdout) == (9, "written\n"), run.stderr
    assert snapshot(store_url) == before


def test_concurrent_imports_sharing_hosts_all_land(store_url: str) -> None:
    ensure_current(store_url)
    shared = [
        {"address": "10.0.0.3", "first_seen": float(i), "last_seen": float(10 + i), "packets": 1 + i}
        for i in range(4)
    ]
    docs = [capture_doc(f"c{i}.pcap", hosts={"ipv4": [shared[i], f"10.1.0.{i}"]}) for i in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = list(pool.map(lambda doc: record_capture(store_url, doc), docs))
    assert len(set(ids)) == 4
    rows = snapshot(store_url)
    assert (len(rows["captures"]), len(rows["conversations"]), len(rows["hosts"])) == (4, 8, 5)
    assert _host(store_url, "10.0.0.3") == (0.0, 13.0, 1 + 2 + 3 + 4)


def test_a_long_capture_round_trips_in_order_with_exact_times(store_url: str) -> None:
    """Thousands of conversation rows (the bulk path: COPY on PostgreSQL, executemany on
    SQLite) come back in the analysis' order with every float bit for bit."""
    doc = capture_doc("long.pcap")
    doc["conversations"] = [
        {
            "src": f"10.1.{i // 200}.{i % 200}",
            "dst": "10.0.0.57",
            "proto": "modbus" if i % 3 else "s7comm",
            "code": str(i % 7),
            "count": 1 + i,
            "first_ts": 1700000000.0 + i / 3,
            "last_ts": 1700000000.0 + i / 3 + 1e-6,
            "op_classes": {"read": 1 + i},
        }
        for i in range(12_345)
    ]
    doc["anomalies"] = [{"name": "modbus.x", "frame": 1 + i, "ts": 1.5 * i} for i in range(2_000)]
    record_capture(store_url, doc)
    back = capture_document(store_url, doc["sha256"])
    assert back is not None
    assert back["conversations"] == [
        {k: v for k, v in c.items() if k != "op_classes"} for c in doc["conversations"]
    ]
    assert back["anomalies"] == [{"src": None, "dst": None, "detail": "", **a} for a in doc["anomalies"]]
    (info,) = list_captures(store_url)
    assert (info.conversations, info.anomalies) == (12_345, 2_000)
    assert capture_documents(store_url) == [doc]


@pytest.mark.parametrize("invocation", [{}, {"path": "/captures/x.pcap"}, {"path": "-", "schema": "s/1"}])
def test_the_whole_document_is_kept_and_its_fingerprint_ignores_how_it_was_invoked(
    store_url: str, invocation: dict[str, str]
) -> None:
    doc = {k: v for k, v in capture_doc("kept.pcap").items() if k != "schema"} | invocation
    record_capture(store_url, doc)
    assert capture_documents(store_url) == [doc]
    before = snapshot(store_url)
    record_capture(store_url, {**doc, "path": "elsewhere/kept.pcap", "schema": "other"})
    assert snapshot(store_url) == before  # the same analysis: nothing changes
    record_capture(store_url, {**doc, "packets": doc["packets"] + 1})
    assert capture_documents(store_url) == [{**doc, "packets": doc["packets"] + 1}]

"""Shared helpers of the store tests: sample analysis documents and whole-store snapshots."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from sqlalchemy import inspect, select

from plantwarden.store.engine import open_engine
from plantwarden.store.models import Base

MODBUS_DOC: dict[str, Any] = {
    "schema": "plantwarden.analyze/1",
    "name": "modbus.pcap",
    "sha256": hashlib.sha256(b"modbus.pcap").hexdigest(),
    "size": 12345,
    "packets": 118,
    "bytes": 8269,
    "first_ts": 1093521678.945447,
    "last_ts": 1093521710.123456,
    "skipped": [
        {"reason": "truncated_record", "count": 1, "first_frame": 118, "detail": "record cut at 40 of 60"}
    ],
    "hosts": {
        "mac": ["00:02:b3:ce:70:51", "00:20:78:00:62:0d"],
        "ipv4": [
            {
                "address": "10.0.0.3",
                "first_seen": 1093521678.945447,
                "last_seen": 1093521700.0,
                "packets": 60,
            },
            {
                "address": "10.0.0.57",
                "first_seen": 1093521679.0,
                "last_seen": 1093521710.123456,
                "packets": 58,
            },
        ],
        "ipv6": [],
    },
    "protocols": {"modbus": {"pdus": 45, "codes": {"3": 2, "17": 2}}},
    "conversations": [
        {
            "src": "10.0.0.3",
            "dst": "10.0.0.57",
            "proto": "modbus",
            "code": "17",
            "count": 2,
            "first_ts": 1093521679.5,
            "last_ts": 1093521680.25,
        },
        {
            "src": "10.0.0.57",
            "dst": "10.0.0.3",
            "proto": "modbus",
            "code": "8:exc",
            "count": 4,
            "first_ts": 1093521681.0,
            "last_ts": 1093521690.0,
        },
    ],
    "anomalies": [
        {
            "name": "modbus.invalid_length",
            "frame": 12,
            "ts": 1093521681.5,
            "src": "10.0.0.3",
            "dst": "10.0.0.57",
            "detail": "length field 2 < 2+pdu",
        },
    ],
}


def capture_doc(name: str = "modbus.pcap", **changes: Any) -> dict[str, Any]:
    """A copy of MODBUS_DOC for another file name (and so another sha256), with changes."""
    doc = copy.deepcopy(MODBUS_DOC)
    doc["name"] = name
    doc["sha256"] = hashlib.sha256(name.encode()).hexdigest()
    doc.update(changes)
    return doc


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every store table, in a stable order."""
    engine = open_engine(url)
    try:
        with engine.connect() as conn:
            present = set(inspect(conn).get_table_names())
            rows: dict[str, list[tuple[Any, ...]]] = {}
            for table in Base.metadata.sorted_tables:
                if table.name in present:
                    keys = list(table.primary_key.columns)
                    rows[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*keys))]
            return rows
    finally:
        engine.dispose()

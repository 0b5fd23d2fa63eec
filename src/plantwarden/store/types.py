"""Column types that behave the same on SQLite and PostgreSQL.

Time convention (see docs/store.md):

* packet times (``first_ts``, ``last_ts``, ``ts``, ``first_seen``, ``last_seen``) are float
  epoch seconds (UTC), stored as double precision, exactly as the capture and the analysis
  document carry them (microsecond resolution survives the round trip);
* wall-clock bookkeeping (``loaded_at``, ``analysed_at``) is a UTC-aware ``datetime``
  (:class:`UtcDateTime`): ``timestamptz`` on PostgreSQL, naive UTC text on SQLite, always
  returned aware.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Dialect, Integer
from sqlalchemy.types import TypeDecorator

#: Surrogate keys: 64-bit on PostgreSQL, ``INTEGER PRIMARY KEY`` (the rowid) on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")

#: Portable JSON (``json`` on PostgreSQL, text on SQLite).
Json = JSON()


class JsonText(bytes):
    """A value for a JSON column that is already serialised (UTF-8 JSON): stored as it is
    (:func:`plantwarden.store.engine.open_engine` sets the serialiser that knows it)."""


class UtcDateTime(TypeDecorator[datetime]):
    """A ``datetime`` that is always timezone-aware UTC in Python."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: store times must be timezone-aware")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime from the store, got {type(value).__name__}")
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_now() -> datetime:
    """The current time, UTC-aware."""
    return datetime.now(UTC)

"""The store fixtures (SQLite file and throw-away PostgreSQL database) for the plan tests."""

from tests.store.conftest import pg_database, store_url

__all__ = ["pg_database", "store_url"]

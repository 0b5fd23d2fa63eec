"""How fresh each site's picture is: the newest packet of its stored captures and when the
newest capture was analysed (a sensor that stopped pushing shows here first)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plantwarden.store.engine import connected
from plantwarden.store.models import Capture


@dataclass(frozen=True, slots=True)
class Freshness:
    captures: int
    last_packet: datetime | None  # the newest packet time of the site's captures (UTC)
    last_analysed: datetime | None  # when the newest capture was analysed (UTC)

    def as_dict(self) -> dict[str, object]:
        return {
            "captures": self.captures,
            "last_packet": self.last_packet.isoformat() if self.last_packet else None,
            "last_analysed": self.last_analysed.isoformat() if self.last_analysed else None,
        }


NONE = Freshness(0, None, None)


def _utc(at: datetime | None) -> datetime | None:
    if at is None:
        return None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def freshness(db_url: str, site_ids: list[int]) -> dict[int, Freshness]:
    """Per site id (every id given; a site without captures has :data:`NONE`)."""
    found = dict.fromkeys(site_ids, NONE)
    if not site_ids:
        return found
    query = (
        select(Capture.site_id, func.count(), func.max(Capture.last_ts), func.max(Capture.analysed_at))
        .where(Capture.site_id.in_(site_ids))
        .group_by(Capture.site_id)
    )
    with connected(db_url) as engine, Session(engine) as session:
        for site_id, n, last_ts, analysed in session.execute(query):
            packet = datetime.fromtimestamp(float(last_ts), UTC) if last_ts is not None else None
            found[site_id] = Freshness(int(n), packet, _utc(analysed))
    return found

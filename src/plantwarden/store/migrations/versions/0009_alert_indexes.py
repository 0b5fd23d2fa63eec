"""The alert list worst first, paged by keyset: two sort columns and their index.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

Worst first (``detect/order.py``) sorts by severity, then the production at risk behind the
alert (its impact's cost per hour), then the newest activity, rule, source, destination.
The first two lived only in the alert's JSON document; they become columns
(``severity_rank``: 0 info .. 4 critical; ``at_risk_per_hour``), filled here from the stored
documents and written with the document from now on (``detect/store_alerts.py``), and one
index holds the whole order (``ix_detect_alerts_worst_first``; two more serve the filters by
address: asset, zone, line), so that the web console's
``GET /api/v1/sites/{site}/alerts`` reads a page deep into 100,000 alerts as fast as the
first (docs/web.md, performance). Nothing existing changes meaning; the downgrade drops them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RANKS = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
INDEX = "ix_detect_alerts_worst_first"


def _cost(dialect: str) -> str:
    """The impact's cost per hour out of the JSON document (0 without one), as SQL."""
    if dialect == "postgresql":
        return (
            "CASE WHEN json_typeof(document->'impact'->'cost_per_hour') = 'number' "
            "THEN (document->'impact'->>'cost_per_hour')::float ELSE 0 END"
        )
    return (
        "CASE WHEN json_type(document, '$.impact.cost_per_hour') IN ('integer', 'real') "
        "THEN json_extract(document, '$.impact.cost_per_hour') ELSE 0 END"
    )


def upgrade() -> None:
    with op.batch_alter_table("detect_alerts") as batch:
        batch.add_column(sa.Column("severity_rank", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("at_risk_per_hour", sa.Double(), server_default="0", nullable=False))
    cases = " ".join(f"WHEN '{label}' THEN {rank}" for label, rank in RANKS.items())
    dialect = op.get_bind().dialect.name
    op.execute(
        f"UPDATE detect_alerts SET severity_rank = CASE severity {cases} ELSE 0 END, "
        f"at_risk_per_hour = {_cost(dialect)}"
    )
    op.create_index(
        INDEX,
        "detect_alerts",
        [
            "site_id",
            sa.text("severity_rank DESC"),
            sa.text("at_risk_per_hour DESC"),
            sa.text("last_ts DESC"),
            "rule",
            "src",
            "dst",
            "id",
            "state",
        ],
    )
    for column in ("src", "dst"):  # the asset, zone and line filters: from or to these addresses
        op.create_index(f"ix_detect_alerts_site_id_{column}", "detect_alerts", ["site_id", column])


def downgrade() -> None:
    for column in ("src", "dst"):
        op.drop_index(f"ix_detect_alerts_site_id_{column}", table_name="detect_alerts")
    op.drop_index(INDEX, table_name="detect_alerts")
    with op.batch_alter_table("detect_alerts") as batch:
        batch.drop_column("at_risk_per_hour")
        batch.drop_column("severity_rank")

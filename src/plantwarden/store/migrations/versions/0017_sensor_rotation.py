"""Sensor re-registration: a rotated token's grace period (central), a pending key (sensor).

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-07

``plantwarden sensor rotate NAME`` gives a registered sensor a new token (and, with
``--public-key``, a new key): the old token may stay valid for a grace period
(``sensors.previous_token_sha256`` until ``sensors.previous_token_until``). At the plant,
``plantwarden sensor rekey`` keeps the new signing key aside
(``sensor_identity.pending_private_key``) until ``plantwarden sensor adopt`` switches to it.
New nullable columns only; nothing existing changes meaning; the downgrade drops them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sensors") as batch:
        batch.add_column(sa.Column("previous_token_sha256", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("previous_token_until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("sensor_identity") as batch:
        batch.add_column(sa.Column("pending_private_key", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sensor_identity") as batch:
        batch.drop_column("pending_private_key")
    with op.batch_alter_table("sensors") as batch:
        batch.drop_column("previous_token_until")
        batch.drop_column("previous_token_sha256")

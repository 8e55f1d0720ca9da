"""Webhooks (Standard Webhooks): endpoints and their changes (secrets sealed), the
messages written with the events that cause them (bodies sealed), and every delivery
attempt. All append-only and on the keyed chain.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

from xinyong.adapters.storage.migrations.triggers import append_only

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhook_endpoints",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(24), nullable=False, unique=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("owner_role", sa.String(32), nullable=False),
        sa.Column("owner_name", sa.String(200), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("types", sa.Text, nullable=False),
        sa.Column("mac", sa.String(64)),
    )
    op.create_index("webhook_endpoints_owner", "webhook_endpoints", ["owner_role", "owner_name"])
    op.create_table(
        "webhook_endpoint_changes",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("endpoint_id", sa.String(24), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("change", sa.String(16), nullable=False),
        sa.Column("sealed_secret", sa.LargeBinary),
        sa.Column("mac", sa.String(64)),
    )
    op.create_index("webhook_endpoint_changes_endpoint", "webhook_endpoint_changes", ["endpoint_id"])
    op.create_table(
        "webhook_messages",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(40), nullable=False, unique=True),
        sa.Column("endpoint_id", sa.String(24), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.Column("mac", sa.String(64)),
    )
    op.create_index("webhook_messages_endpoint", "webhook_messages", ["endpoint_id"])
    op.create_table(
        "webhook_attempts",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("message_id", sa.String(40), nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("status", sa.Integer),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("next_attempt_at", sa.String(32)),
        sa.Column("mac", sa.String(64)),
    )
    op.create_index("webhook_attempts_message", "webhook_attempts", ["message_id"])
    for table in ("webhook_endpoints", "webhook_endpoint_changes", "webhook_messages", "webhook_attempts"):
        append_only(table)


def downgrade() -> None:  # pragma: no cover
    raise NotImplementedError("webhook tables are append-only: they are not removed")

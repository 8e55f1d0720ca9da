"""The append-only ledger, catalog versions and access log; tokens; the public
directory of organisations.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from xinyong.adapters.storage.migrations.triggers import append_only

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(200)),
        sa.Column("subject_key", sa.String(64)),
        sa.Column("rule", sa.String(200)),
        sa.Column("occurred_on", sa.Date),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("sealed", sa.LargeBinary),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("submitted_by", sa.String(200)),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ledger_record", "ledger", ["record_id"])
    op.create_index("ledger_subject", "ledger", ["subject_key"])
    op.create_index("ledger_rule", "ledger", ["rule"])
    op.create_index(
        "ledger_one_record_per_id",
        "ledger",
        ["record_id"],
        unique=True,
        sqlite_where=sa.text("kind = 'record'"),
        postgresql_where=sa.text("kind = 'record'"),
    )
    op.create_table(
        "catalog_versions",
        sa.Column("catalog_id", sa.String(100), primary_key=True),
        sa.Column("version", sa.String(100), primary_key=True),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("loaded_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "organisations",
        sa.Column("subject_key", sa.String(64), primary_key=True),
        sa.Column("code", sa.String(18), nullable=False, unique=True),
        sa.Column("name", sa.Text),
        sa.Column("name_folded", sa.Text),
        sa.Column("jurisdiction", sa.String(100)),
    )
    op.create_table(
        "tokens",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("scopes", sa.Text, nullable=False),
        sa.Column("subject_key", sa.String(64)),
        sa.Column("subject_sealed", sa.LargeBinary),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("revoked_at", sa.String(32)),
    )
    op.create_table(
        "access_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("subject_key", sa.String(64), nullable=False),
        sa.Column("reader", sa.String(200), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("token_id", sa.String(16)),
        sa.Column("what", sa.String(64), nullable=False),
        sa.Column("purpose", sa.Text),
        sa.Column("detail", sa.Text),
    )
    op.create_index("access_log_subject", "access_log", ["subject_key"])
    append_only("ledger")
    append_only("catalog_versions")
    append_only("access_log")


def downgrade() -> None:
    op.drop_table("access_log")
    op.drop_table("tokens")
    op.drop_table("organisations")
    op.drop_table("catalog_versions")
    op.drop_table("ledger")

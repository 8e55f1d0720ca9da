"""Opt-in scores (docs/design.md section 9): scorecard versions beside the catalogs, the
consent, obligation and payment events, and each subject's keys per source under which
its obligations are sealed (destroyed on withdrawal: crypto-shredding). Walled off from
the ledger: nothing of public credit reads these tables.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from xinyong.adapters.storage.migrations.triggers import append_only

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scorecard_versions",
        sa.Column("scorecard_id", sa.String(100), primary_key=True),
        sa.Column("version", sa.String(100), primary_key=True),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("loaded_at", sa.String(32), nullable=False),
        sa.Column("seq", sa.Integer),
        sa.Column("mac", sa.String(64)),
    )
    op.create_index("scorecard_versions_seq", "scorecard_versions", ["seq"], unique=True)
    append_only("scorecard_versions")
    op.create_table(
        "optin_events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(200), nullable=False, unique=True),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("subject_key", sa.String(64), nullable=False),
        sa.Column("scorecard", sa.String(100)),
        sa.Column("source", sa.String(100)),
        sa.Column("obligation_id", sa.String(200)),
        sa.Column("filed_on", sa.Date, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("submitted_by", sa.String(200)),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.Column("mac", sa.String(64)),
    )
    op.create_index("optin_events_subject", "optin_events", ["subject_key", "seq"])
    op.create_index("optin_events_obligation", "optin_events", ["obligation_id"])
    append_only("optin_events")
    op.create_table(
        "optin_keys",
        sa.Column("subject_key", sa.String(64), primary_key=True),
        sa.Column("source", sa.String(100), primary_key=True),
        sa.Column("wrapped", sa.LargeBinary),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("erased_at", sa.String(32)),
    )


def downgrade() -> None:  # pragma: no cover
    raise NotImplementedError("opt-in events are append-only: the tables are not removed")

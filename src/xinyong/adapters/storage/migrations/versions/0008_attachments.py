"""Files attached to disputes and repair applications: append-only, on the keyed chain,
their names and bytes sealed under the subject's own key.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from xinyong.adapters.storage.migrations.triggers import append_only

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachments",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(24), nullable=False, unique=True),
        sa.Column("case_kind", sa.String(16), nullable=False),
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("subject_key", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("media_type", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("sealed_name", sa.LargeBinary, nullable=False),
        sa.Column("sealed_content", sa.LargeBinary, nullable=False),
        sa.Column("mac", sa.String(64)),
    )
    op.create_index("attachments_case", "attachments", ["case_kind", "case_id"])
    op.create_index("attachments_subject", "attachments", ["subject_key"])
    append_only("attachments")


def downgrade() -> None:  # pragma: no cover
    raise NotImplementedError("attachments are append-only: the table is not removed")

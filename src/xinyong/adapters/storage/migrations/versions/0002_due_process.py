"""Due process: the notices outbox, delivery attempts, and cases (repair applications
and human reviews).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from xinyong.adapters.storage.migrations.triggers import append_only

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(16), nullable=False, unique=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("subject_key", sa.String(64), nullable=False),
        sa.Column("source", sa.String(200)),  # set: the notice is to this source
        sa.Column("record_id", sa.String(200)),
        sa.Column("dedupe", sa.String(300), unique=True),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
    )
    op.create_index("notices_subject", "notices", ["subject_key"])
    op.create_index("notices_source", "notices", ["source"])
    op.create_table(
        "deliveries",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("notice_seq", sa.Integer, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),  # sent | failed
        sa.Column("error", sa.Text),
        sa.Column("next_attempt_at", sa.String(32)),
    )
    op.create_index("deliveries_notice", "deliveries", ["notice_seq"])
    op.create_table(
        "cases",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),  # repair | review
        sa.Column("step", sa.String(16), nullable=False),  # opened | decided
        sa.Column("subject_key", sa.String(64), nullable=False),
        sa.Column("record_id", sa.String(200)),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
    )
    op.create_index("cases_case", "cases", ["case_id"])
    op.create_index("cases_subject", "cases", ["subject_key"])
    append_only("notices")
    append_only("deliveries")
    append_only("cases")


def downgrade() -> None:
    op.drop_table("cases")
    op.drop_table("deliveries")
    op.drop_table("notices")

"""Read models: each subject's standing as a function of the day (one document a
subject) and the pieces of every list entry, kept in the same transaction as the events
that change them. A database upgraded to this revision has none yet: answers come from
the ledger until ``xinyong rebuild`` computes them (or the subject's next event does).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "standings",
        sa.Column("subject_key", sa.String(64), primary_key=True),
        sa.Column("head", sa.Integer, nullable=False),
        sa.Column("catalogs", sa.String(32), nullable=False),
        sa.Column("document", sa.LargeBinary, nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
    )
    op.create_table(
        "list_pieces",
        sa.Column("subject_key", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("list", sa.String(200), nullable=False),
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.Column("catalog", sa.String(100), nullable=False),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("until", sa.Date),
        sa.Column("active_from", sa.Date, nullable=False),
        sa.Column("active_until", sa.Date),
        sa.Column("mac", sa.String(64), nullable=False),
    )
    op.create_index("list_pieces_by_list", "list_pieces", ["list", "active_from"])
    op.create_index("list_pieces_by_subject", "list_pieces", ["subject_key"])
    # A read model is current while its head is the subject's latest event: that lookup
    # runs on every check and must not depend on the size of the ledger.
    op.drop_index("ledger_subject", "ledger")
    op.create_index("ledger_subject", "ledger", ["subject_key", "seq"])


def downgrade() -> None:
    op.drop_index("ledger_subject", "ledger")
    op.create_index("ledger_subject", "ledger", ["subject_key"])
    op.drop_table("list_pieces")
    op.drop_table("standings")

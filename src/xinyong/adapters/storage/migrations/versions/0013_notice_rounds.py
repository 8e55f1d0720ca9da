"""Where the notice rounds stand: the day of the last whole round, the ledger event up to
which the rounds of that day have read the records changed, and the catalog versions
they were made under (one row), with a keyed MAC: a row altered outside the service makes
the next round a whole one. Not append-only: it is rewritten by every round.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notice_rounds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("catalogs", sa.String(32), nullable=False),
        sa.Column("mac", sa.LargeBinary, nullable=False),
        sa.CheckConstraint("id = 1", name="notice_rounds_one_row"),
    )


def downgrade() -> None:
    op.drop_table("notice_rounds")

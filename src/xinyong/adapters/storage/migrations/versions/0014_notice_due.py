"""Each record's next due day, and the day of the last whole notice round: the first
round of a day reads only the records something comes due for since the day before, and
those changed since (decision record 0015). The one row of ``notice_rounds`` is made
again with the new column: the first round after this migration is a whole one.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _rounds(*extra: sa.Column) -> None:
    op.create_table(
        "notice_rounds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("catalogs", sa.String(32), nullable=False),
        *extra,
        sa.Column("mac", sa.LargeBinary, nullable=False),
        sa.CheckConstraint("id = 1", name="notice_rounds_one_row"),
    )


def upgrade() -> None:
    # A cache of one row: made again rather than altered, which SQLite cannot do for a
    # column without a default.
    op.drop_table("notice_rounds")
    _rounds(sa.Column("whole_on", sa.Date, nullable=False))
    op.create_table(
        "notice_due",
        sa.Column("record_id", sa.String(200), primary_key=True),
        sa.Column("due_on", sa.Date, nullable=False),
    )
    op.create_index("notice_due_on", "notice_due", ["due_on"])


def downgrade() -> None:
    op.drop_index("notice_due_on", table_name="notice_due")
    op.drop_table("notice_due")
    op.drop_table("notice_rounds")
    _rounds()

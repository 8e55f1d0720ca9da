"""The ledger's non-personal columns in compressed blocks for batch jobs (decision record
0016): appends of many events write the block of their rows in the same transaction;
rows of earlier appends are in none until `xinyong rebuild` writes theirs, and are read
from the ledger meanwhile.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_blocks",
        sa.Column("first_seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_seq", sa.Integer, nullable=False),
        sa.Column("csv", sa.LargeBinary, nullable=False),
        sa.Column("mac", sa.LargeBinary, nullable=False),
        sa.CheckConstraint("first_seq <= last_seq", name="ledger_blocks_range"),
    )


def downgrade() -> None:
    op.drop_table("ledger_blocks")

"""Keys checked at the door and tamper evidence that needs a key to forge: the keyring
of data keys wrapped under the secret key, each subject's own key for its free text,
and a keyed hash chain over every append-only table.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

CHAINED = ("catalog_versions", "access_log", "notices", "deliveries", "cases")


def upgrade() -> None:
    op.create_table(
        "keyring",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(16), nullable=False, unique=True),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("wrapped", sa.LargeBinary, nullable=False),
        sa.Column("master_id", sa.String(16), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "subject_keys",
        sa.Column("subject_key", sa.String(64), primary_key=True),
        sa.Column("wrapped", sa.LargeBinary),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("erased_at", sa.String(32)),
    )
    # Plain ADD COLUMN (no table rebuild), so that the append-only triggers stay.
    op.add_column("ledger", sa.Column("sealed_text", sa.LargeBinary))
    op.add_column("catalog_versions", sa.Column("seq", sa.Integer))
    op.create_index("catalog_versions_seq", "catalog_versions", ["seq"], unique=True)
    op.add_column("access_log", sa.Column("sealed_text", sa.LargeBinary))
    op.add_column("cases", sa.Column("sealed_text", sa.LargeBinary))
    op.add_column("deliveries", sa.Column("sealed_error", sa.LargeBinary))
    op.add_column("tokens", sa.Column("mac", sa.String(64)))
    for table in CHAINED:
        op.add_column(table, sa.Column("mac", sa.String(64)))


def downgrade() -> None:  # pragma: no cover
    raise NotImplementedError("the keyed chain cannot be removed")

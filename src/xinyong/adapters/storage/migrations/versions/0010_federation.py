"""Nodes and signed lists (docs/design.md section 10): bundles received from partner
nodes with their provenance and signature, their entries (subjects sealed), and the
trusted partners as events. All append-only and on the keyed chain.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from xinyong.adapters.storage.migrations.triggers import append_only

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "federation_bundles",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("node", sa.String(63), nullable=False),
        sa.Column("list", sa.String(200), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("entries", sa.Integer, nullable=False),
        sa.Column("received_at", sa.String(32), nullable=False),
        sa.Column("received_from", sa.Text, nullable=False),
        sa.Column("imported_by", sa.String(200), nullable=False),
        sa.Column("mac", sa.String(64)),
    )
    op.create_index("federation_bundles_by_list", "federation_bundles", ["node", "list", "as_of"])
    op.create_table(
        "federation_entries",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("bundle_seq", sa.Integer, nullable=False),
        sa.Column("node", sa.String(63), nullable=False),
        sa.Column("list", sa.String(200), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("subject_key", sa.String(64), nullable=False),
        sa.Column("sealed_subject", sa.LargeBinary, nullable=False),
        sa.Column("record", sa.String(200), nullable=False),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("until", sa.Date),
        sa.Column("legal_basis", sa.Text),
        sa.Column("mac", sa.String(64)),
    )
    op.create_index("federation_entries_by_subject", "federation_entries", ["subject_key", "node", "list"])
    op.create_index("federation_entries_by_bundle", "federation_entries", ["bundle_seq"])
    op.create_table(
        "federation_partners",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(63), nullable=False),
        sa.Column("event", sa.String(16), nullable=False),
        sa.Column("public_key", sa.String(64)),
        sa.Column("url", sa.Text),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("mac", sa.String(64)),
    )
    for table in ("federation_bundles", "federation_entries", "federation_partners"):
        append_only(table)


def downgrade() -> None:  # pragma: no cover
    raise NotImplementedError("bundles received and partners trusted are append-only: the tables are not removed")

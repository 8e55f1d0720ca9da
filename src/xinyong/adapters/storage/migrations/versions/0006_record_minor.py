"""Whether a record's subject was under 18 on the record's ``occurred_on``, kept on the
record's ledger row as a non-personal fact (``ledger.minor``), so that rescoring
everyone (minors are never listed, docs/design.md section 4) needs no identity
decrypted.

Written by the storage adapter's append from this migration on: true or false on a
record of a person, null on every other row. Rows written before it keep null: the
ledger is append-only and a backfill would need the secret key (to read the sealed
identity and to recompute the keyed chain), which a migration does not hold. Readers
fall back to the sealed identity for those rows only. The keyed chain covers the column
where it is not null (adapters/storage/chain.py), so that nobody without the key can set,
flip or clear it unseen.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild), so that the append-only triggers stay.
    op.add_column("ledger", sa.Column("minor", sa.Boolean))


def downgrade() -> None:  # pragma: no cover
    raise NotImplementedError("the ledger is append-only: its columns are not removed")

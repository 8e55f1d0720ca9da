"""Event ids and decisions the database keeps single: one later event per id, one
decision per case, one open repair application per record, one review per notice; and
the Idempotency-Key answers of the service.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# The id of a later event lives in its body (``{"id": ...}``); records are kept unique
# by ``ledger_one_record_per_id``, and subject events carry none.
LATER_EVENTS = "kind NOT IN ('record', 'subject')"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            f"CREATE UNIQUE INDEX ledger_one_event_per_id ON ledger (json_extract(body, '$.id')) WHERE {LATER_EVENTS}"
        )
    else:
        op.execute(
            f"CREATE UNIQUE INDEX ledger_one_event_per_id ON ledger (((body::jsonb) ->> 'id')) WHERE {LATER_EVENTS}"
        )
    # A case is opened once and decided once.
    op.create_index("cases_one_row_per_step", "cases", ["case_id", "step"], unique=True)
    # The place a case takes when it is opened: ``repair:RECORD:N`` for the N-th
    # application to repair a record, ``review:NOTICE`` for the review of a notice. Two
    # applications made at once from the same state take the same place: one is refused.
    op.add_column("cases", sa.Column("slot", sa.String(300)))
    op.create_index("cases_one_per_slot", "cases", ["slot"], unique=True)
    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(64), primary_key=True),  # a digest of the bearer token
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("request", sa.String(64), nullable=False),  # a digest of method, path and body
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("status", sa.Integer),  # null while the first request runs
        sa.Column("response", sa.LargeBinary),  # sealed: the body of the answer
    )


def downgrade() -> None:
    op.drop_table("idempotency_keys")
    op.drop_index("cases_one_per_slot", "cases")
    op.drop_column("cases", "slot")
    op.drop_index("cases_one_row_per_step", "cases")
    op.drop_index("ledger_one_event_per_id", "ledger")

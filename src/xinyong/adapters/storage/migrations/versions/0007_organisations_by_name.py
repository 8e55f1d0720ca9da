"""The public search pages through organisations in the order it shows them (named
ones by folded name, then the unnamed, each by code): an index in that order lets a
page be read by walking the index and stopping at the page's end, instead of sorting
every match for each page (20,000 firms, page 1 of 「公司」 on SQLite: 22 ms to under
1 ms; the last page: 280 ms to 13 ms).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("organisations_by_name", "organisations", [sa.text("(name_folded IS NULL)"), "name_folded", "code"])


def downgrade() -> None:  # pragma: no cover
    op.drop_index("organisations_by_name", "organisations")

"""Contact failures: a small partial index of failures to comply, so the standards engine's "what is
due" reads every failure under a sentence without scanning every contact.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The failure outcomes of resources/data/contact_types.json, sorted; the engine's query names them in
# this order so SQLite can use the index (a different list only makes that query scan instead).
FAILURES = "outcome IN ('AFTA', 'AFTC', 'ATSH', 'UAAB')"


def upgrade() -> None:
    op.create_index("ix_contact_failures", "contact", ["person_id", "starts_at", "type_code", "outcome", "id",
                                                       "amends_id"], sqlite_where=sa.text(FAILURES))


def downgrade() -> None:
    op.drop_index("ix_contact_failures", "contact")

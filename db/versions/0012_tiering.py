"""Tiering: predictor scores, tier decisions and the scheme of the tier in force (issue 17).

A tier typed before tiering in the A-D with change level 0-3 form ("B2", or with the old S suffix) is of the
earlier scheme, so it is marked 'ab03'; any other typed tier keeps no scheme.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column]:
    return [sa.Column("id", sa.String(36), primary_key=True), sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("updated_at", sa.DateTime, nullable=False)]


def upgrade() -> None:
    op.create_table(
        "predictor_score", *_stamps(),
        sa.Column("person_id", sa.String(36), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False), sa.Column("score", sa.Float, nullable=False),
        sa.Column("band", sa.String(2)), sa.Column("static", sa.Boolean, nullable=False),
        sa.Column("assessed_on", sa.Date, nullable=False),
    )
    op.create_index("ix_predictor_score_person_id", "predictor_score", ["person_id"])
    op.create_table(
        "tier_decision", *_stamps(),
        sa.Column("person_id", sa.String(36), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
        sa.Column("decided_on", sa.Date, nullable=False), sa.Column("officer_id", sa.String(36)),
        sa.Column("author", sa.String(120)),
        sa.Column("action", sa.String(12), nullable=False), sa.Column("scheme", sa.String(8), nullable=False),
        sa.Column("tier", sa.String(16), nullable=False), sa.Column("suggested", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text), sa.Column("working", sa.JSON, nullable=False),
    )
    op.create_index("ix_tier_decision_person_id", "tier_decision", ["person_id"])
    op.add_column("person", sa.Column("tier_scheme", sa.String(8)))
    # GLOB: a letter A-D, a digit 0-3 and the old optional S suffix, upper case as check_tier stores it.
    op.execute("UPDATE person SET tier_scheme = 'ab03' WHERE tier GLOB '[A-D][0-3]' OR tier GLOB '[A-D][0-3]S'")


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.drop_column("tier_scheme")
    op.drop_table("tier_decision")
    op.drop_table("predictor_score")

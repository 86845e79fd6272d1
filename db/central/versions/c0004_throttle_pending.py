"""Sign-in attempts still being checked, per throttle row: a lock those attempts set is not final until they
are answered, so a right password among them is not refused with a lock it is about to lift.

Revision ID: c0004
Revises: c0003
Create Date: 2026-12-07 18:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = 'c0004'
down_revision = 'c0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.drop_column('pending')

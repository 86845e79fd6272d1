"""Rotating refresh tokens (token families), laptops that can be revoked, sign-in throttling.

Revision ID: c0002
Revises: c0001
Create Date: 2026-12-06 22:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = 'c0002'
down_revision = 'c0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('token_family',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('username', sa.String(length=120), nullable=False),
    sa.Column('laptop_id', sa.String(length=64), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('rotated_at', sa.DateTime(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_why', sa.String(length=40), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('token_family', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_token_family_laptop_id'), ['laptop_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_token_family_username'), ['username'], unique=False)

    op.create_table('sign_in_throttle',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_start', sa.DateTime(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('lockouts', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.drop_column('revoked_at')
    op.drop_table('sign_in_throttle')
    with op.batch_alter_table('token_family', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_token_family_username'))
        batch_op.drop_index(batch_op.f('ix_token_family_laptop_id'))
    op.drop_table('token_family')

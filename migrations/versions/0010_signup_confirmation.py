"""sign-ups confirm their e-mail address before an administrator sees them

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 15:00:00

Sign-ups of earlier releases chose their password at once: they count as confirmed.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('signup_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE signup_requests SET confirmed_at = created_at")


def downgrade():
    with op.batch_alter_table('signup_requests', schema=None) as batch_op:
        batch_op.drop_column('confirmed_at')

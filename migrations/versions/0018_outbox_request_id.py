"""each e-mail keeps the id of the request (or job) that queued it, for the logs and its header

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 01:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('outbox_emails', sa.Column('request_id', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_emails') as batch_op:
        batch_op.drop_column('request_id')

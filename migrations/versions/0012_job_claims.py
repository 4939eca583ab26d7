"""jobs on a kept queue: claims and retry times on the rows they work on

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 19:00:00

A quote's PDF is claimed by the worker that renders it (``pdf_claimed_at``); an e-mail
that failed waits until ``next_attempt_at`` (exponential backoff). Columns are added in
place (no table rebuild), so the triggers of earlier migrations stay as they are.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('quotes', sa.Column('pdf_claimed_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('outbox_emails', sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.drop_column('next_attempt_at')
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.drop_column('pdf_claimed_at')

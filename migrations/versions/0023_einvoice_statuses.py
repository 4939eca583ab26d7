"""e-invoicing: each document's life-cycle statuses; the platform's webhook and polling mark

- ``uq_einvoice_statuses_flow`` (invoice_id, flow_id, code): a status arrives by the polling
  and by the webhook alike, and is kept once;
- ``ix_einvoice_statuses_invoice`` (invoice_id, at): an invoice's timeline.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 10:05:00
"""
from alembic import op
import sqlalchemy as sa

import ecoprod.database


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'einvoice_statuses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('invoice_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.Integer(), nullable=False),
        sa.Column('at', ecoprod.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('reason_code', ecoprod.database.Line(length=100), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('requested_action', ecoprod.database.Line(length=300), nullable=True),
        sa.Column('flow_id', ecoprod.database.Line(length=64), nullable=False),
        sa.Column('source', ecoprod.database.Line(length=10), nullable=False),
        sa.Column('received_at', ecoprod.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_einvoice_statuses_invoice_id_invoices')),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_einvoice_statuses_school_id_schools')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_einvoice_statuses')),
        sa.UniqueConstraint('invoice_id', 'flow_id', 'code', name='uq_einvoice_statuses_flow'),
    )
    op.create_index('ix_einvoice_statuses_invoice', 'einvoice_statuses', ['invoice_id', 'at'])
    op.create_index(op.f('ix_einvoice_statuses_school_id'), 'einvoice_statuses', ['school_id'])
    op.add_column('platform_connections', sa.Column('webhook_token', ecoprod.database.Line(length=64), nullable=True))
    op.add_column('platform_connections', sa.Column('webhook_id', ecoprod.database.Line(length=64), nullable=True))
    op.add_column('platform_connections', sa.Column('sealed_webhook_key', sa.Text(), nullable=True))
    op.add_column('platform_connections', sa.Column('statuses_read_until', ecoprod.database.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('platform_connections') as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_platform_connections_webhook_token'), ['webhook_token'])


def downgrade():
    with op.batch_alter_table('platform_connections') as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_platform_connections_webhook_token'), type_='unique')
        batch_op.drop_column('statuses_read_until')
        batch_op.drop_column('sealed_webhook_key')
        batch_op.drop_column('webhook_id')
        batch_op.drop_column('webhook_token')
    op.drop_table('einvoice_statuses')

"""e-invoicing: each issued invoice or credit note on its way to the school's platform

- ``uq_einvoice_transmissions_invoice``: one transmission per document (issuing queues it once);
- ``ix_einvoice_transmissions_state`` (state, claimed_at): the worker's sweeps read the
  queued and the sent ones across schools, a few rows among many accepted.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 10:00:00
"""
from alembic import op
import sqlalchemy as sa

import ecoprod.database


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'einvoice_transmissions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('invoice_id', sa.Integer(), nullable=False),
        sa.Column('tracking_id', ecoprod.database.Line(length=64), nullable=False),
        sa.Column('syntax', sa.Enum('Factur-X', 'CII', 'UBL', name='syntax', native_enum=False, length=10), nullable=False),
        sa.Column('processing_rule', ecoprod.database.Line(length=20), nullable=False),
        sa.Column('state', sa.Enum('queued', 'sent', 'accepted', 'rejected', 'failed', name='transmissionstate', native_enum=False, length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('claimed_at', ecoprod.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column('flow_id', ecoprod.database.Line(length=64), nullable=True),
        sa.Column('sha256', ecoprod.database.Line(length=64), nullable=True),
        sa.Column('sent_at', ecoprod.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column('reason_code', ecoprod.database.Line(length=100), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('created_at', ecoprod.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', ecoprod.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_einvoice_transmissions_invoice_id_invoices')),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_einvoice_transmissions_school_id_schools')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_einvoice_transmissions')),
        sa.UniqueConstraint('invoice_id', name='uq_einvoice_transmissions_invoice'),
    )
    op.create_index('ix_einvoice_transmissions_state', 'einvoice_transmissions', ['state', 'claimed_at'])
    op.create_index(op.f('ix_einvoice_transmissions_school_id'), 'einvoice_transmissions', ['school_id'])


def downgrade():
    op.drop_table('einvoice_transmissions')

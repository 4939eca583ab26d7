"""e-invoicing: what the annuaire said of each customer (the line it receives e-invoices at,
or none, and when it was asked); each document's latest status; invoices keep the buyer's electronic address (BT-49), frozen
once issued like the rest of what the document says

- ``uq_einvoice_buyer_addresses_customer`` (customer_id): one answer kept per customer, the
  latest; the customer's page and the issuing of an invoice read it by customer;
- ``ix_einvoice_transmissions_current`` (school_id, current_status): each document's latest
  life-cycle status, for the invoice list's filter and the dashboard's counts per status.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 14:00:00
"""
import importlib.util
from pathlib import Path

from alembic import op
import sqlalchemy as sa

import ecoprod.database


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def _freezing():
    """Migration 0013's trigger builders and its list of frozen columns (one place for both)."""
    path = Path(__file__).with_name("0013_documents_in_the_database.py")
    spec = importlib.util.spec_from_file_location("migration_0013", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FROZEN_SINCE_0025 = ("buyer_reference", "service_code")


def upgrade():
    op.create_table(
        'einvoice_buyer_addresses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('siren', ecoprod.database.Line(length=9), nullable=False),
        sa.Column('siret', ecoprod.database.Line(length=14), nullable=True),
        sa.Column('routing_identifier', ecoprod.database.Line(length=100), nullable=True),
        sa.Column('addressing_identifier', ecoprod.database.Line(length=125), nullable=True),
        sa.Column('checked_at', ecoprod.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_einvoice_buyer_addresses_customer_id_customers')),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_einvoice_buyer_addresses_school_id_schools')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_einvoice_buyer_addresses')),
        sa.UniqueConstraint('customer_id', name='uq_einvoice_buyer_addresses_customer'),
    )
    op.create_index(op.f('ix_einvoice_buyer_addresses_school_id'), 'einvoice_buyer_addresses', ['school_id'])
    op.add_column('einvoice_transmissions', sa.Column('current_status', sa.Integer(), nullable=True))
    op.add_column('einvoice_transmissions', sa.Column('current_status_at', ecoprod.database.UTCDateTime(timezone=True), nullable=True))
    op.create_index('ix_einvoice_transmissions_current', 'einvoice_transmissions', ['school_id', 'current_status'])
    # ADD COLUMN in place (a batch copy of ``invoices`` would drop its triggers and trip its keys).
    op.add_column('invoices', sa.Column('buyer_address', ecoprod.database.Line(length=125), nullable=True))
    freezing = _freezing()
    freezing._drop_freeze_triggers()
    freezing._create_freeze_triggers(freezing.FROZEN + FROZEN_SINCE_0025 + ("buyer_address",))


def downgrade():
    freezing = _freezing()
    freezing._drop_freeze_triggers()
    freezing._create_freeze_triggers(freezing.FROZEN + FROZEN_SINCE_0025)
    op.drop_column('invoices', 'buyer_address')
    op.drop_index('ix_einvoice_transmissions_current', table_name='einvoice_transmissions')
    with op.batch_alter_table('einvoice_transmissions') as batch_op:
        batch_op.drop_column('current_status_at')
        batch_op.drop_column('current_status')
    op.drop_index(op.f('ix_einvoice_buyer_addresses_school_id'), table_name='einvoice_buyer_addresses')
    op.drop_table('einvoice_buyer_addresses')

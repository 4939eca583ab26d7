"""invoices: a public buyer's service code (BT-10), taken from the customer at the draft; it
and the buyer's order reference (BT-13) are frozen once the invoice is issued, like the rest
of what the document says

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 10:30:00
"""
import importlib.util
from pathlib import Path

from alembic import op
import sqlalchemy as sa

import ecoprod.database


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def _freezing():
    """Migration 0013's trigger builders and its list of frozen columns (one place for both)."""
    path = Path(__file__).with_name("0013_documents_in_the_database.py")
    spec = importlib.util.spec_from_file_location("migration_0013", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade():
    # ADD COLUMN in place (a batch copy of ``invoices`` would drop its triggers and trip its keys).
    op.add_column('invoices', sa.Column('service_code', ecoprod.database.Line(length=100), nullable=True))
    freezing = _freezing()
    freezing._drop_freeze_triggers()
    freezing._create_freeze_triggers(freezing.FROZEN + ("buyer_reference", "service_code"))


def downgrade():
    freezing = _freezing()
    freezing._drop_freeze_triggers()
    freezing._create_freeze_triggers(freezing.FROZEN)
    op.drop_column('invoices', 'service_code')

"""e-invoicing: the school's own statuses (212 Encaissée at a payment) go out as transmissions

- ``uq_einvoice_transmissions_tracking`` (school_id, tracking_id) replaces one transmission
  per invoice: an invoice now has its own and one per status sent;
- ``ix_einvoice_transmissions_invoice`` (invoice_id): an invoice's transmissions.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 10:15:00
"""
import warnings

from alembic import op
import sqlalchemy as sa

# A batch copy (SQLite) reflects the tables the keys point at; the invoices' expression index
# (migration 0014) cannot be reflected and needs not be: the copy is of this table alone.
REFLECTION = "Skipped unsupported reflection of expression-based index"


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    with warnings.catch_warnings(), op.batch_alter_table('einvoice_transmissions') as batch_op:
        warnings.filterwarnings("ignore", REFLECTION)
        batch_op.add_column(sa.Column('status_code', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('payment_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_einvoice_transmissions_payment_id_payments'), 'payments', ['payment_id'], ['id'])
        batch_op.drop_constraint('uq_einvoice_transmissions_invoice', type_='unique')
        batch_op.create_unique_constraint('uq_einvoice_transmissions_tracking', ['school_id', 'tracking_id'])
        batch_op.create_index('ix_einvoice_transmissions_invoice', ['invoice_id'])


def downgrade():
    with warnings.catch_warnings(), op.batch_alter_table('einvoice_transmissions') as batch_op:
        warnings.filterwarnings("ignore", REFLECTION)
        batch_op.drop_index('ix_einvoice_transmissions_invoice')
        batch_op.drop_constraint('uq_einvoice_transmissions_tracking', type_='unique')
        batch_op.create_unique_constraint('uq_einvoice_transmissions_invoice', ['invoice_id'])
        batch_op.drop_constraint(batch_op.f('fk_einvoice_transmissions_payment_id_payments'), type_='foreignkey')
        batch_op.drop_column('payment_id')
        batch_op.drop_column('status_code')

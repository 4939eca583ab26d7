"""customers: their kind for the e-invoicing reform (French business, public body, individual,
foreign) and a public body's service code

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 09:45:00
"""
from alembic import op
import sqlalchemy as sa

import ecoprod.database


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    # ADD COLUMN in place (a batch copy of ``customers`` would trip the keys that point at it).
    op.add_column('customers', sa.Column('customer_type', sa.Enum('business', 'public', 'individual', 'foreign', name='customertype', native_enum=False, length=12), server_default='business', nullable=False))
    op.add_column('customers', sa.Column('service_code', ecoprod.database.Line(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table('customers') as batch_op:
        batch_op.drop_column('service_code')
        batch_op.drop_column('customer_type')

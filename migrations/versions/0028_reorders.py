"""orders: the delivered order a request repeats (the customer's "order again")

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 18:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.add_column('orders', sa.Column('reorder_of_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_orders_reorder_of_id_orders'), 'orders', 'orders', ['reorder_of_id'], ['id'])
    else:  # SQLite adds a column with its reference, not a constraint afterwards
        op.execute("ALTER TABLE orders ADD COLUMN reorder_of_id INTEGER "
                   "CONSTRAINT fk_orders_reorder_of_id_orders REFERENCES orders (id)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f('fk_orders_reorder_of_id_orders'), 'orders', type_='foreignkey')
    op.drop_column('orders', 'reorder_of_id')

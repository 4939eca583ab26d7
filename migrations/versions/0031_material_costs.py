"""reports: the material an order really cost (``material_costs``, recorded by the master);
``ix_time_logs_school_day`` (school_id, day): the hours of a school year, added up

Revision ID: 0031
Revises: 0033
Create Date: 2026-12-07 10:00:00
"""
from alembic import op
import sqlalchemy as sa

import ecoprod.database


revision = '0031'
down_revision = '0033'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'material_costs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.Integer(), nullable=True),
        sa.Column('label', ecoprod.database.Line(length=200), nullable=False),
        sa.Column('amount', ecoprod.database.Money(), nullable=False),
        sa.Column('spent_on', sa.Date(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', ecoprod.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.CheckConstraint('amount > 0', name=op.f('ck_material_costs_amount_positive')),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_material_costs_order_id_orders'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_material_costs_workshop_id_workshops')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_material_costs_recorded_by_id_users')),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_material_costs_school_id_schools')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_material_costs')),
    )
    op.create_index(op.f('ix_material_costs_order_id'), 'material_costs', ['order_id'])
    op.create_index(op.f('ix_material_costs_school_id'), 'material_costs', ['school_id'])
    op.create_index('ix_time_logs_school_day', 'time_logs', ['school_id', 'day'])


def downgrade():
    op.drop_index('ix_time_logs_school_day', table_name='time_logs')
    op.drop_index(op.f('ix_material_costs_school_id'), table_name='material_costs')
    op.drop_index(op.f('ix_material_costs_order_id'), table_name='material_costs')
    op.drop_table('material_costs')

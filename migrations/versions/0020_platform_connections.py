"""e-invoicing: each school's connection to its plateforme agréée (the client secret sealed)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 09:30:00
"""
from alembic import op
import sqlalchemy as sa

import ecoprod.database


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'platform_connections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('flow_url', ecoprod.database.Line(length=300), nullable=False),
        sa.Column('directory_url', ecoprod.database.Line(length=300), nullable=False),
        sa.Column('token_url', ecoprod.database.Line(length=300), nullable=False),
        sa.Column('client_id', ecoprod.database.Line(length=200), nullable=False),
        sa.Column('sealed_secret', sa.Text(), nullable=False),
        sa.Column('syntax', sa.Enum('Factur-X', 'CII', 'UBL', name='syntax', native_enum=False, length=10), nullable=False),
        sa.Column('checked_at', ecoprod.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column('check_ok', sa.Boolean(), nullable=True),
        sa.Column('check_message', ecoprod.database.Line(length=300), nullable=True),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('created_at', ecoprod.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', ecoprod.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_platform_connections_school_id_schools')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_platform_connections')),
        sa.UniqueConstraint('school_id', name='uq_platform_connections_school'),
    )
    op.create_index(op.f('ix_platform_connections_school_id'), 'platform_connections', ['school_id'])


def downgrade():
    op.drop_table('platform_connections')

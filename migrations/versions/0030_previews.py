"""previews: the thumbnails, page images and DXF drawings made for uploaded files

- ``previews``: one per uploaded drawing or photo, found by (school_id, source_name), the
  uploaded file's stored name; ``ix_previews_status``: the sweep's waiting previews;
- ``preview_pages``: the page images of a PDF (or an image, resized), by number.

Rows only: the images are files of the upload store, named in these rows. Files uploaded
before this revision get theirs from the worker's sweep.

Revision ID: 0030
Revises: 0031
Create Date: 2026-12-07 10:00:00
"""
from alembic import op
import sqlalchemy as sa

import ecoprod.database


revision = '0030'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'previews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source', sa.Enum('drawing', 'photo', name='source', native_enum=False, length=10), nullable=False),
        sa.Column('source_name', ecoprod.database.Line(length=64), nullable=False),
        sa.Column('file_kind', ecoprod.database.Line(length=10), nullable=False),
        sa.Column('status', sa.Enum('pending', 'ready', 'unavailable', name='previewstatus', native_enum=False, length=12), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('claimed_at', ecoprod.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column('problem', sa.Text(), nullable=True),
        sa.Column('page_count', sa.Integer(), nullable=False),
        sa.Column('thumbnail_name', ecoprod.database.Line(length=64), nullable=True),
        sa.Column('thumbnail_type', ecoprod.database.Line(length=40), nullable=True),
        sa.Column('svg_name', ecoprod.database.Line(length=64), nullable=True),
        sa.Column('made_at', ecoprod.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_at', ecoprod.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_previews_school_id_schools')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_previews')),
        sa.UniqueConstraint('school_id', 'source_name', name='uq_previews_school_id_source_name'),
    )
    op.create_index('ix_previews_status', 'previews', ['status'])
    op.create_index(op.f('ix_previews_school_id'), 'previews', ['school_id'])
    op.create_table(
        'preview_pages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('preview_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('stored_name', ecoprod.database.Line(length=64), nullable=False),
        sa.Column('content_type', ecoprod.database.Line(length=40), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['preview_id'], ['previews.id'], name=op.f('fk_preview_pages_preview_id_previews'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_preview_pages_school_id_schools')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_preview_pages')),
        sa.UniqueConstraint('preview_id', 'number', name='uq_preview_pages_preview_id_number'),
    )
    op.create_index(op.f('ix_preview_pages_school_id'), 'preview_pages', ['school_id'])


def downgrade():
    op.drop_index(op.f('ix_preview_pages_school_id'), table_name='preview_pages')
    op.drop_table('preview_pages')
    op.drop_index(op.f('ix_previews_school_id'), table_name='previews')
    op.drop_index('ix_previews_status', table_name='previews')
    op.drop_table('previews')

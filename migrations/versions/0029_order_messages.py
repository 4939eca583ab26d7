"""conversations: messages on an order (internal notes apart), their files, and how far each
reader has read

- ``ix_order_messages_thread`` (order_id, id): a thread in order, and the unread count of a
  page of orders (messages after the reader's mark);
- ``uq_order_message_reads_user_id_order_id``: one mark per reader and order (the upsert's
  conflict target).

Revision ID: 0029
Revises: 0030
Create Date: 2026-12-07 10:00:00
"""
from alembic import op
import sqlalchemy as sa

import ecoprod.database


revision = '0029'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'order_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('internal', sa.Boolean(), nullable=False),
        sa.Column('created_at', ecoprod.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_order_messages_author_id_users')),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_messages_order_id_orders'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_order_messages_school_id_schools')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_order_messages')),
    )
    op.create_index('ix_order_messages_thread', 'order_messages', ['order_id', 'id'])
    op.create_index(op.f('ix_order_messages_school_id'), 'order_messages', ['school_id'])
    op.create_table(
        'order_message_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('original_name', ecoprod.database.Line(length=255), nullable=False),
        sa.Column('stored_name', ecoprod.database.Line(length=64), nullable=False),
        sa.Column('kind', ecoprod.database.Line(length=10), nullable=False),
        sa.Column('content_type', ecoprod.database.Line(length=80), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', ecoprod.database.Line(length=64), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['message_id'], ['order_messages.id'], name=op.f('fk_order_message_files_message_id_order_messages'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_order_message_files_school_id_schools')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_order_message_files')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_order_message_files_stored_name')),
    )
    op.create_index(op.f('ix_order_message_files_message_id'), 'order_message_files', ['message_id'])
    op.create_index(op.f('ix_order_message_files_school_id'), 'order_message_files', ['school_id'])
    op.create_table(
        'order_message_reads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('last_read_id', sa.Integer(), nullable=False),
        sa.Column('read_at', ecoprod.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_message_reads_order_id_orders'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_order_message_reads_school_id_schools')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_order_message_reads_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_order_message_reads')),
        sa.UniqueConstraint('user_id', 'order_id', name=op.f('uq_order_message_reads_user_id_order_id')),
    )
    op.create_index(op.f('ix_order_message_reads_order_id'), 'order_message_reads', ['order_id'])
    op.create_index(op.f('ix_order_message_reads_school_id'), 'order_message_reads', ['school_id'])


def downgrade():
    op.drop_table('order_message_reads')
    op.drop_table('order_message_files')
    op.drop_table('order_messages')

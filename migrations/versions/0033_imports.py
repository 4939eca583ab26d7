"""imports: spreadsheets waiting for confirmation; the school's own student number

Revision ID: 0033
Revises: 0028
Create Date: 2026-12-06 21:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0033'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rows_total', sa.Integer(), nullable=False),
    sa.Column('rows_created', sa.Integer(), nullable=False),
    sa.Column('rows_updated', sa.Integer(), nullable=False),
    sa.Column('rows_skipped', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_import_batches_school_id_schools')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_import_batches_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batches'))
    )
    op.create_index(op.f('ix_import_batches_school_id'), 'import_batches', ['school_id'], unique=False)
    op.create_index(op.f('ix_import_batches_uploaded_by_id'), 'import_batches', ['uploaded_by_id'], unique=False)
    # A column and a unique index, without rebuilding the table: on SQLite a batch copy would
    # drop "students", which the rows of other tables refer to.
    op.add_column('students', sa.Column('student_number', sa.String(length=30), nullable=True))
    op.create_index('uq_students_school_number', 'students', ['school_id', 'student_number'], unique=True)


def downgrade():
    op.drop_index('uq_students_school_number', table_name='students')
    op.drop_column('students', 'student_number')
    op.drop_index(op.f('ix_import_batches_uploaded_by_id'), table_name='import_batches')
    op.drop_index(op.f('ix_import_batches_school_id'), table_name='import_batches')
    op.drop_table('import_batches')

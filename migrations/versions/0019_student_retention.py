"""students' personal data: a retention period per school, and when a student was erased

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 02:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    # ADD COLUMN in place (a batch copy of ``schools`` would trip the keys that point at it).
    op.add_column('schools', sa.Column('student_retention_years', sa.Integer(), server_default=sa.text('5'), nullable=False))
    op.add_column('students', sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('students') as batch_op:
        batch_op.drop_column('erased_at')
    with op.batch_alter_table('schools') as batch_op:
        batch_op.drop_column('student_retention_years')

"""calendar feeds: one address per person and workshop or student, renewable and revocable

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 14:00:00

The signed ``["workshop", id, school]`` keys of earlier releases stop working: each person
makes their own address from the board or the student's page.
"""
from alembic import op
import sqlalchemy as sa



revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'calendar_feeds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.Integer(), nullable=True),
        sa.Column('student_id', sa.Integer(), nullable=True),
        sa.Column('nonce', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('rotated_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.CheckConstraint('(workshop_id IS NULL) <> (student_id IS NULL)', name=op.f('ck_calendar_feeds_one_subject')),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_calendar_feeds_owner_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_calendar_feeds_school_id_schools')),
        sa.ForeignKeyConstraint(['student_id'], ['students.id'], name=op.f('fk_calendar_feeds_student_id_students')),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_calendar_feeds_workshop_id_workshops')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
    )
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_feeds_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calendar_feeds_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calendar_feeds_student_id'), ['student_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calendar_feeds_workshop_id'), ['workshop_id'], unique=False)


def downgrade():
    op.drop_table('calendar_feeds')

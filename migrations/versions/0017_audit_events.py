"""the audit trail: audit_events, append-only (the database refuses UPDATE and DELETE)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 01:00:00

- ``ix_audit_events_school_at`` (school_id, at, id): an administrator's log, newest first,
  in keyset pages, filtered by action, person or period within the school's range.
- ``ix_audit_events_school_level_at`` (school_level, at, id): the platform operator's log of
  every school's school-level events (settings, people, exports), newest first.
- Triggers refuse ``UPDATE`` and ``DELETE`` (PostgreSQL: one function, as for issued
  invoices; SQLite: ``RAISE(ABORT)``). ``TRUNCATE`` stays possible for the database's owner.
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'audit_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=60), nullable=False),
        sa.Column('object_type', sa.String(length=40), nullable=True),
        sa.Column('object_id', sa.Integer(), nullable=True),
        sa.Column('reference', sa.String(length=60), nullable=True),
        sa.Column('school_level', sa.Boolean(), nullable=False),
        sa.Column('ip', sa.String(length=45), nullable=True),
        sa.Column('user_agent', sa.String(length=300), nullable=True),
        sa.Column('request_id', sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_audit_events_school_id_schools')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events')),
    )
    op.create_index('ix_audit_events_school_at', 'audit_events', ['school_id', 'at', 'id'])
    op.create_index('ix_audit_events_school_level_at', 'audit_events', ['school_level', 'at', 'id'])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("""
            CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'the audit trail is append-only';
            END;
            $$ LANGUAGE plpgsql""")
        op.execute("""CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
                      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()""")
    else:
        for event in ('UPDATE', 'DELETE'):
            op.execute(f"""CREATE TRIGGER audit_events_no_{event.lower()} BEFORE {event} ON audit_events
                           BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    op.drop_index('ix_audit_events_school_level_at', table_name='audit_events')
    op.drop_index('ix_audit_events_school_at', table_name='audit_events')
    op.drop_table('audit_events')

"""credit-note lines name the invoice line they credit (so no line is credited twice over)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 12:00:00

SQLite: the column is added in place (``ALTER TABLE … ADD COLUMN``), not by Alembic's batch
rebuild, so the freeze triggers of ``invoice_lines`` (migration 0007) stay as they are.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE invoice_lines ADD COLUMN credited_line_id INTEGER "
            "CONSTRAINT fk_invoice_lines_credited_line_id_invoice_lines REFERENCES invoice_lines (id)"
        )
    else:
        op.add_column('invoice_lines', sa.Column('credited_line_id', sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f('fk_invoice_lines_credited_line_id_invoice_lines'),
            'invoice_lines', 'invoice_lines', ['credited_line_id'], ['id'],
        )
    op.create_index(op.f('ix_invoice_lines_credited_line_id'), 'invoice_lines', ['credited_line_id'])


def downgrade():
    op.drop_index(op.f('ix_invoice_lines_credited_line_id'), table_name='invoice_lines')
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE invoice_lines DROP COLUMN credited_line_id")
    else:
        op.drop_constraint(op.f('fk_invoice_lines_credited_line_id_invoice_lines'), 'invoice_lines', type_='foreignkey')
        op.drop_column('invoice_lines', 'credited_line_id')

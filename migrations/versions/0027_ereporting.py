"""e-reporting (flux 10): each flow's report per period; the school's VAT returns (they set the
periods); the platform's matricule (the reports' sender); transmissions carry a report or an
invoice; an invoice rejected or refused is cancelled by an internal credit note

- ``uq_ereports_period`` (school_id, flux, period_start, sequence): a period's report and its
  corrections, found by period;
- ``ix_ereports_school_period`` (school_id, period_end): the e-reporting page, latest first;
- ``ix_einvoice_transmissions_report`` (report_id): a report's transmission.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 17:30:00
"""
import warnings

from alembic import op
import sqlalchemy as sa

import ecoprod.database

REFLECTION = "Skipped unsupported reflection of expression-based index"

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ereports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('flux', sa.Enum('10.1', '10.2', '10.3', '10.4', name='flux', native_enum=False, length=5), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('correction', sa.Boolean(), nullable=False),
        sa.Column('report_id', ecoprod.database.Line(length=50), nullable=False),
        sa.Column('documents', sa.Integer(), nullable=False),
        sa.Column('amount', ecoprod.database.Money(), nullable=False),
        sa.Column('vat', ecoprod.database.Money(), nullable=False),
        sa.Column('digest', ecoprod.database.Line(length=64), nullable=False),
        sa.Column('file_sha256', ecoprod.database.Line(length=64), nullable=True),
        sa.Column('problem', sa.Text(), nullable=True),
        sa.Column('built_at', ecoprod.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('created_at', ecoprod.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', ecoprod.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_ereports_school_id_schools')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ereports')),
        sa.UniqueConstraint('school_id', 'flux', 'period_start', 'sequence', name='uq_ereports_period'),
    )
    op.create_index('ix_ereports_school_period', 'ereports', ['school_id', 'period_end'])
    op.create_index(op.f('ix_ereports_school_id'), 'ereports', ['school_id'])
    op.add_column('schools', sa.Column('vat_filing', sa.Enum('monthly', 'quarterly', 'simplified', 'none', name='vatfiling', native_enum=False, length=12), server_default='monthly', nullable=False))
    op.execute("UPDATE schools SET vat_filing = 'none' WHERE vat_regime = 'franchise'")
    op.add_column('platform_connections', sa.Column('platform_number', ecoprod.database.Line(length=4), nullable=True))
    # ADD COLUMN in place (a batch copy of ``invoices`` would drop its triggers); not frozen:
    # it is set on an issued invoice when an internal credit note cancels it.
    if op.get_bind().dialect.name == "postgresql":
        op.add_column('invoices', sa.Column('cancelled_by_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_invoices_cancelled_by_id_invoices'), 'invoices', 'invoices', ['cancelled_by_id'], ['id'])
    else:  # SQLite adds a column with its reference, not a constraint afterwards
        op.execute("ALTER TABLE invoices ADD COLUMN cancelled_by_id INTEGER "
                   "CONSTRAINT fk_invoices_cancelled_by_id_invoices REFERENCES invoices (id)")
    with warnings.catch_warnings(), op.batch_alter_table('einvoice_transmissions') as batch_op:
        warnings.filterwarnings("ignore", REFLECTION)
        batch_op.alter_column('invoice_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('report_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_einvoice_transmissions_report_id_ereports'), 'ereports', ['report_id'], ['id'])
        batch_op.create_index('ix_einvoice_transmissions_report', ['report_id'])
        batch_op.create_check_constraint('subject', '(invoice_id IS NULL) <> (report_id IS NULL)')


def downgrade():
    op.execute("DELETE FROM einvoice_transmissions WHERE report_id IS NOT NULL")
    with warnings.catch_warnings(), op.batch_alter_table('einvoice_transmissions') as batch_op:
        warnings.filterwarnings("ignore", REFLECTION)
        batch_op.drop_constraint('subject', type_='check')
        batch_op.drop_index('ix_einvoice_transmissions_report')
        batch_op.drop_constraint(batch_op.f('fk_einvoice_transmissions_report_id_ereports'), type_='foreignkey')
        batch_op.drop_column('report_id')
        batch_op.alter_column('invoice_id', existing_type=sa.Integer(), nullable=False)
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f('fk_invoices_cancelled_by_id_invoices'), 'invoices', type_='foreignkey')
    op.drop_column('invoices', 'cancelled_by_id')
    op.drop_column('platform_connections', 'platform_number')
    op.drop_column('schools', 'vat_filing')
    op.drop_index(op.f('ix_ereports_school_id'), table_name='ereports')
    op.drop_index('ix_ereports_school_period', table_name='ereports')
    op.drop_table('ereports')

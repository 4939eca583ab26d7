"""issued documents kept in the database: one row per school and SHA-256

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 20:20:00

Quotes, accepted copies, delivery notes, invoices and credit notes were files under
UPLOAD_FOLDER named in ``pdf_file`` columns. Their bytes move into ``documents``, found by
the fingerprint each record already carries (``pdf_sha256``; ``accepted_copy_sha256`` is new
for the stamped copy). A file whose bytes do not match the recorded fingerprint stops the
migration: an issued document is never replaced silently. A file that is missing is
reported and skipped (the page then answers 404; a quote's PDF is rendered again).
The files themselves are left where they are, for the administrator to remove after a
backup. The invoices' freeze triggers are rebuilt without the dropped column.
"""
import hashlib
import logging
from datetime import datetime, timezone
from pathlib import Path

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

FROZEN = (
    "number", "kind", "customer_id", "issue_date", "due_date", "delivery_date", "category",
    "discount_percent", "buyer_name", "buyer_siren", "buyer_vat_number",
    "billing_line1", "billing_line2", "billing_postal_code", "billing_city", "billing_country",
    "delivery_line1", "delivery_line2", "delivery_postal_code", "delivery_city", "delivery_country",
    "total_net", "total_vat", "total_gross", "prepaid", "amount_due", "credited_invoice_id",
    "pdf_sha256", "pdf_size", "issued_at", "school_id",
)


def _upload_folder():
    try:
        from flask import current_app
        return Path(current_app.config["UPLOAD_FOLDER"])
    except (ImportError, RuntimeError, KeyError):
        return Path(__file__).resolve().parents[2] / "instance" / "uploads"


def upgrade():
    documents = op.create_table(
        'documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_documents_school_id_schools')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
        sa.UniqueConstraint('school_id', 'sha256', name='uq_documents_school_id_sha256'),
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_school_id'), ['school_id'], unique=False)
    op.add_column('quotes', sa.Column('accepted_copy_sha256', sa.String(length=64), nullable=True))

    bind = op.get_bind()
    root = _upload_folder()
    kept = set()

    def keep(school_id, name, expected, what):
        path = root / str(int(school_id)) / name
        if not path.is_file():
            log.warning("%s: file %s is missing, not migrated", what, path)
            return None
        data = path.read_bytes()
        sha256 = hashlib.sha256(data).hexdigest()
        if expected is not None and sha256 != expected:
            raise RuntimeError(f"{what}: {path} does not match its recorded SHA-256; nothing migrated")
        if (school_id, sha256) not in kept:
            bind.execute(documents.insert().values(
                school_id=school_id, sha256=sha256, size=len(data), content_type="application/pdf",
                data=data, created_at=datetime.now(timezone.utc),
            ))
            kept.add((school_id, sha256))
        return sha256

    for table in ("invoices", "delivery_notes"):
        rows = bind.execute(sa.text(
            f"SELECT id, school_id, pdf_file, pdf_sha256 FROM {table} WHERE pdf_file IS NOT NULL"
        )).all()
        for row in rows:
            keep(row.school_id, row.pdf_file, row.pdf_sha256, f"{table} {row.id}")
    rows = bind.execute(sa.text(
        "SELECT id, school_id, pdf_file, pdf_sha256, accepted_pdf_file FROM quotes"
        " WHERE pdf_file IS NOT NULL OR accepted_pdf_file IS NOT NULL"
    )).all()
    for row in rows:
        if row.pdf_file and keep(row.school_id, row.pdf_file, row.pdf_sha256, f"quote {row.id}") is None:
            bind.execute(sa.text(
                "UPDATE quotes SET pdf_status = 'pending', pdf_sha256 = NULL WHERE id = :id"
            ), {"id": row.id})
        if row.accepted_pdf_file:
            copy = keep(row.school_id, row.accepted_pdf_file, None, f"quote {row.id} (accepted copy)")
            bind.execute(sa.text("UPDATE quotes SET accepted_copy_sha256 = :sha WHERE id = :id"),
                         {"sha": copy, "id": row.id})

    # In place (SQLite 3.35+ and PostgreSQL): no table is rebuilt, no foreign key disturbed.
    op.execute("ALTER TABLE quotes DROP COLUMN pdf_file")
    op.execute("ALTER TABLE quotes DROP COLUMN accepted_pdf_file")
    op.execute("ALTER TABLE delivery_notes DROP COLUMN pdf_file")
    _drop_freeze_triggers()
    op.execute("ALTER TABLE invoices DROP COLUMN pdf_file")
    _create_freeze_triggers(FROZEN)


def downgrade():
    _drop_freeze_triggers()
    op.add_column('invoices', sa.Column('pdf_file', sa.String(length=64), nullable=True))
    _create_freeze_triggers(FROZEN + ("pdf_file",))
    op.add_column('delivery_notes', sa.Column('pdf_file', sa.String(length=64), nullable=True))
    op.add_column('quotes', sa.Column('accepted_pdf_file', sa.String(length=64), nullable=True))
    op.add_column('quotes', sa.Column('pdf_file', sa.String(length=64), nullable=True))
    op.execute("ALTER TABLE quotes DROP COLUMN accepted_copy_sha256")
    op.drop_table('documents')


def _create_freeze_triggers(frozen):
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in frozen)
        op.execute(f"""
            CREATE FUNCTION invoices_frozen() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    IF OLD.number IS NOT NULL THEN
                        RAISE EXCEPTION 'issued invoice % cannot be deleted', OLD.number;
                    END IF;
                    RETURN OLD;
                END IF;
                IF OLD.number IS NOT NULL AND ({changed}) THEN
                    RAISE EXCEPTION 'issued invoice % is frozen', OLD.number;
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql""")
        op.execute("""CREATE TRIGGER invoices_frozen BEFORE UPDATE OR DELETE ON invoices
                      FOR EACH ROW EXECUTE FUNCTION invoices_frozen()""")
        op.execute("""
            CREATE FUNCTION invoice_lines_frozen() RETURNS trigger AS $$
            DECLARE parent_id integer;
            BEGIN
                IF TG_OP = 'INSERT' THEN parent_id := NEW.invoice_id; ELSE parent_id := OLD.invoice_id; END IF;
                IF (SELECT number FROM invoices WHERE id = parent_id) IS NOT NULL THEN
                    RAISE EXCEPTION 'the lines of an issued invoice are frozen';
                END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql""")
        op.execute("""CREATE TRIGGER invoice_lines_frozen BEFORE INSERT OR UPDATE OR DELETE ON invoice_lines
                      FOR EACH ROW EXECUTE FUNCTION invoice_lines_frozen()""")
        return
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in frozen)
    op.execute(f"""CREATE TRIGGER invoices_frozen BEFORE UPDATE ON invoices
                   WHEN OLD.number IS NOT NULL AND ({changed})
                   BEGIN SELECT RAISE(ABORT, 'issued invoice is frozen'); END""")
    op.execute("""CREATE TRIGGER invoices_never_deleted BEFORE DELETE ON invoices
                  WHEN OLD.number IS NOT NULL
                  BEGIN SELECT RAISE(ABORT, 'issued invoice cannot be deleted'); END""")
    for event, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
        op.execute(f"""CREATE TRIGGER invoice_lines_frozen_{event.lower()} BEFORE {event} ON invoice_lines
                       WHEN (SELECT number FROM invoices WHERE id = {row}.invoice_id) IS NOT NULL
                       BEGIN SELECT RAISE(ABORT, 'the lines of an issued invoice are frozen'); END""")


def _drop_freeze_triggers():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS invoice_lines_frozen ON invoice_lines")
        op.execute("DROP FUNCTION IF EXISTS invoice_lines_frozen()")
        op.execute("DROP TRIGGER IF EXISTS invoices_frozen ON invoices")
        op.execute("DROP FUNCTION IF EXISTS invoices_frozen()")
        return
    for name in ("invoices_frozen", "invoices_never_deleted", "invoice_lines_frozen_insert",
                 "invoice_lines_frozen_update", "invoice_lines_frozen_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")

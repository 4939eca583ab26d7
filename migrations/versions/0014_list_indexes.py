"""indexes for keyset pages, school first, chosen from EXPLAIN (ANALYZE) on the network data

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 08:10:00

Measured on PostgreSQL with ``flask seed network`` (80 schools × 5,000 orders, 11 million
rows), admin of one school, first page of each list:

- ``ix_orders_school_created`` (school_id, created_at, id): the requests list sorted all of
  the school's ~5,000 requests (index scan on school_id, top-N heapsort, 10.4 ms); now an
  index scan backwards that stops after the page.
- ``ix_quotes_school_updated`` (school_id, updated_at, id): the quotes list hash-joined the
  school's ~5,200 quotes to their orders before sorting them (25.6 ms).
- ``ix_invoices_school_issued`` (school_id, coalesce(issue_date, '9999-12-31'), id): the
  invoices list, drafts first then the latest issued (6.3 ms, sort of ~4,700 rows). The
  expression is written exactly as ``invoicing.views.invoices.DRAFTS_FIRST``.
- ``ix_delivery_notes_school_list`` (school_id, id): the deliveries list, newest first.
- ``ix_customers_school_name``, ``ix_students_school_name``, ``ix_users_school_name``: the
  reference lists in name order (a few hundred rows per school today: under 1 ms either
  way; the index keeps a deep page as cheap as the first for a school that grows).

Kept as they were: the inbox and overdue lists already have (school_id, state,
submitted_at) and (school_id, state, due_date); a customer's lists go through
(customer_id, …) indexes.
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_orders_school_created", "orders", ["school_id", "created_at", "id"]),
    ("ix_quotes_school_updated", "quotes", ["school_id", "updated_at", "id"]),
    ("ix_invoices_school_issued", "invoices", ["school_id", sa.text("coalesce(issue_date, '9999-12-31')"), "id"]),
    ("ix_delivery_notes_school_list", "delivery_notes", ["school_id", "id"]),
    ("ix_customers_school_name", "customers", ["school_id", "name", "id"]),
    ("ix_students_school_name", "students", ["school_id", "last_name", "first_name", "id"]),
    ("ix_users_school_name", "users", ["school_id", "full_name", "id"]),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)

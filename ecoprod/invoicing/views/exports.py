"""The accountant's files (sales journal CSV, FEC) and a customer's statement of account."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Response, abort, g, render_template, request

from ecoprod import audit
from ecoprod.accounts.permissions import admin_required
from ecoprod.customers.models import Customer
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.i18n import local_today
from ecoprod.invoicing import exports
from ecoprod.invoicing.forms import PeriodForm
from ecoprod.invoicing.models import Invoice, Payment
from ecoprod.invoicing.statements import render_statement
from ecoprod.invoicing.views.blueprint import bp
from ecoprod.web import listexport


def _period() -> tuple[date, date]:
    form = PeriodForm(request.args, meta={"csrf": False})
    if not form.validate() or form.start.data > form.end.data:
        abort(400)
    return form.start.data, form.end.data


@bp.get("/exports")
@admin_required
def exports_page() -> str:
    today = local_today()
    form = PeriodForm(meta={"csrf": False}, start=date(today.year, 1, 1), end=today)
    return render_template("invoicing/exports.html", form=form)


@bp.get("/exports/journal.csv")
@admin_required
def journal_csv() -> Response:
    start, end = _period()
    school = g.school
    audit.record_view("export.journal", school, reference=f"{start}/{end}", school_level=True)

    # Built whole (a year is a few megabytes): the period's figures are read in one transaction.
    body = "\ufeff" + "".join(exports.journal_csv(school, start, end))  # the BOM spreadsheets need
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=journal-ventes-{start}-{end}.csv"},
    )


PAYMENTS = (
    listexport.Column(_l("Received on"), lambda p: p.paid_on),
    listexport.Column(_l("Invoice"), lambda p: p.invoice.number),
    listexport.Column(_l("Customer"), lambda p: p.invoice.buyer_name or p.invoice.customer.name),
    listexport.Column(_l("Amount"), lambda p: p.amount),
    listexport.Column(_l("Method"), lambda p: p.method.label),
    listexport.Column(_l("Reference"), lambda p: p.reference),
)


@bp.get("/exports/payments.<fmt>")
@admin_required
def payments(fmt: str) -> Response:
    """The payments received over the period, as CSV or XLSX (the same columns)."""
    if fmt not in listexport.FORMATS:
        abort(404)
    start, end = _period()
    audit.record_view("export.payments", g.school, reference=f"{start}/{end}", school_level=True)
    rows = db.session.scalars(
        sa.select(Payment)
        .where(Payment.paid_on.between(start, end))
        .options(sa.orm.joinedload(Payment.invoice).joinedload(Invoice.customer))
        .order_by(Payment.paid_on, Payment.id)
    )
    return listexport.respond(rows, PAYMENTS, fmt, f"paiements-{start}-{end}")


@bp.get("/exports/fec.txt")
@admin_required
def fec() -> Response:
    start, end = _period()
    school = g.school
    audit.record_view("export.fec", school, reference=f"{start}/{end}", school_level=True)
    return Response(
        "".join(exports.fec(school, start, end)),
        mimetype="text/plain",
        headers={"Content-Disposition": f"attachment; filename={exports.fec_name(school, end)}"},
    )


@bp.get("/admin/customers/<int:customer_id>/statement.pdf")
@admin_required
def statement(customer_id: int) -> Response:
    customer = db.get_or_404(Customer, customer_id)
    return Response(
        render_statement(customer, g.school),
        mimetype="application/pdf",
        headers={"Content-Disposition": f"inline; filename=releve-{customer.id}-{local_today()}.pdf"},
    )

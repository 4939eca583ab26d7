"""The accountant's exports, customer statements and the administrator's dashboard."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Response, abort, g, render_template, request
from flask_babel import force_locale
from flask_login import current_user

from ecoprod.accounts.permissions import admin_required
from ecoprod.customers.models import Customer
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.invoicing import dashboard as dashboard_figures
from ecoprod.invoicing import exports
from ecoprod.invoicing.forms import PeriodForm
from ecoprod.invoicing.models import Invoice, InvoiceKind
from ecoprod.invoicing.views import bp
from ecoprod.pdf import render_pdf
from ecoprod.schools.services import pdf_logo


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

    # Built whole (a year is a few megabytes): the period's figures are read in one transaction.
    body = "\ufeff" + "".join(exports.journal_csv(school, start, end))  # the BOM spreadsheets need
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=journal-ventes-{start}-{end}.csv"},
    )


@bp.get("/exports/fec.txt")
@admin_required
def fec() -> Response:
    start, end = _period()
    school = g.school
    return Response(
        "".join(exports.fec(school, start, end)),
        mimetype="text/plain",
        headers={"Content-Disposition": f"attachment; filename={exports.fec_name(school, end)}"},
    )


@bp.get("/admin/customers/<int:customer_id>/statement.pdf")
@admin_required
def statement(customer_id: int) -> Response:
    customer = db.get_or_404(Customer, customer_id)
    documents = db.session.scalars(
        sa.select(Invoice)
        .where(Invoice.customer_id == customer.id, Invoice.number.is_not(None))
        .options(sa.orm.selectinload(Invoice.payments))
        .order_by(Invoice.issue_date, Invoice.id)
    ).all()
    rows = []
    balance = 0
    for doc in documents:
        if doc.kind is InvoiceKind.CREDIT_NOTE:
            balance -= doc.total_gross
            rows.append((doc.issue_date, doc.number, doc.kind.label, None, doc.total_gross, balance))
            continue
        balance += doc.amount_due
        rows.append((doc.issue_date, doc.number, doc.kind.label, doc.amount_due, None, balance))
        for payment in doc.payments:
            balance -= payment.amount
            rows.append((payment.paid_on, doc.number, payment.method.label, None, payment.amount, balance))
    rows.sort(key=lambda r: r[0])
    with force_locale(customer.language or "fr"):
        data = render_pdf(
            "pdf/statement.html",
            school=g.school,
            customer=customer,
            rows=rows,
            balance=balance,
            today=local_today(),
            logo=pdf_logo(g.school),
        )
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f"inline; filename=releve-{customer.id}-{local_today()}.pdf"},
    )


@bp.get("/dashboard")
@admin_required
def dashboard() -> str:
    figures = dashboard_figures.figures()
    top = max((amount for _, amount in figures.months), default=0) or 1
    return render_template("invoicing/dashboard.html", f=figures, top=top, user=current_user)

"""Issued documents: their page and PDF, payments, credit notes, reminders, the overdue list."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ecoprod import documents
from ecoprod.accounts.permissions import admin_or_customer, admin_required
from ecoprod.customers.models import Customer
from ecoprod.extensions import db
from ecoprod.i18n import gettext as _
from ecoprod.i18n import local_today
from ecoprod.invoicing import access, billable, services
from ecoprod.invoicing.forms import PaymentForm, credit_note_form
from ecoprod.invoicing.models import Invoice, PaymentMethod
from ecoprod.invoicing.views.blueprint import bp
from ecoprod.panels import panels_for
from ecoprod.web.feedback import flash_form_errors, flash_refusal
from ecoprod.web.forms import ActionForm
from ecoprod.web.keyset import asc, keyset


@bp.get("/invoices/<int:invoice_id>")
@admin_or_customer
def detail(invoice_id: int) -> Any:
    invoice = access.load_invoice_or_404(invoice_id, current_user)
    if invoice.is_draft:
        return redirect(url_for("invoicing.edit", invoice_id=invoice.id))
    return _detail_page(invoice)


def _credit_form(invoice: Invoice, formdata: Any = None) -> Any:
    left = billable.left_to_credit([line.id for line in invoice.lines])
    form = credit_note_form(invoice.lines, left, formdata)
    form.left = left
    return form


def _detail_page(invoice: Invoice, credit_form: Any = None, status: int = 200) -> Any:
    credit_notes = db.session.scalars(
        access.visible_invoices(current_user)
        .where(Invoice.credited_invoice_id == invoice.id)
        .order_by(Invoice.id)
    ).all()
    school = g.school
    admin = access.can_credit(current_user, invoice)
    return render_template(
        "invoicing/detail.html",
        invoice=invoice,
        credit_notes=credit_notes,
        payment_form=PaymentForm(
            prefix="payment",
            paid_on=local_today(),
            amount=max(invoice.balance, Decimal(0)) or None,
            method=PaymentMethod.TRANSFER.value,
        ),
        credit_form=credit_form or (_credit_form(invoice) if admin else None),
        penalty=services.late_penalty(invoice, school.late_penalty_rate),
        days_late=services.days_late(invoice),
        can_remind=access.can_remind(current_user, invoice, services.days_late(invoice)),
        can_record_payment=access.can_record_payment(current_user, invoice),
        can_credit=access.can_credit(current_user, invoice),
        action_form=ActionForm(),
        panels=panels_for("invoice", invoice, current_user),
    ), status


@bp.get("/invoices/<int:invoice_id>/pdf")
@admin_or_customer
def pdf(invoice_id: int) -> Response:
    invoice = access.load_invoice_or_404(invoice_id, current_user)
    return documents.respond(invoice.school_id, invoice.pdf_sha256, f"{invoice.number}.pdf")


@bp.post("/invoices/<int:invoice_id>/payments")
@admin_required
def record_payment(invoice_id: int) -> Response:
    invoice = access.load_invoice_or_404(invoice_id, current_user)
    form = PaymentForm(prefix="payment")
    if form.validate_on_submit():
        try:
            services.record_payment(
                invoice,
                form.paid_on.data,
                form.amount.data,
                PaymentMethod(form.method.data),
                form.reference.data,
                current_user,
            )
        except services.InvoicingError as exc:
            db.session.rollback()
            flash_refusal(exc)
        else:
            db.session.commit()
            flash(_("Payment recorded."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("invoicing.detail", invoice_id=invoice.id))


@bp.post("/invoices/<int:invoice_id>/credit-note")
@admin_required
def credit_note(invoice_id: int) -> Any:
    invoice = access.load_invoice_or_404(invoice_id, current_user)
    chosen = None
    if request.form.get("scope") == "lines":
        form = _credit_form(invoice, request.form)
        if not form.validate_on_submit():
            return _detail_page(invoice, credit_form=form, status=400)
        chosen = [(line, form[f"credit-{line.id}"].data or Decimal(0)) for line in invoice.lines]
    elif not ActionForm().validate_on_submit():
        abort(400)
    try:
        note = services.draft_credit_note(invoice, current_user, chosen)
    except services.InvoicingError as exc:
        db.session.rollback()
        flash_refusal(exc)
        return redirect(url_for("invoicing.detail", invoice_id=invoice.id))
    db.session.commit()
    return redirect(url_for("invoicing.edit", invoice_id=note.id))


@bp.post("/invoices/<int:invoice_id>/remind")
@admin_required
def remind(invoice_id: int) -> Response:
    invoice = access.load_invoice_or_404(invoice_id, current_user)
    if services.remind(invoice):
        db.session.commit()
        flash(_("Reminder sent to %(email)s.", email=invoice.customer.email), "success")
    else:
        flash(
            _("No reminder sent: nothing is due, one was sent today, or the customer has no e-mail."), "info"
        )
    return redirect(url_for("invoicing.detail", invoice_id=invoice.id))


@bp.get("/invoices/overdue")
@admin_required
def overdue() -> str:
    today = local_today()
    listed = services.overdue_invoices(today).options(
        sa.orm.load_only(
            Invoice.kind, Invoice.number, Invoice.due_date, Invoice.amount_due, Invoice.settled,
            Invoice.last_reminder_on,
        ),
        sa.orm.joinedload(Invoice.customer).load_only(Customer.name),
    )  # fmt: skip
    page = keyset(listed, asc(Invoice.due_date), asc(Invoice.id), count=False)
    summary = services.overdue_summary(today)  # the count and the total in one query
    page.total = summary.count
    rows = [
        (
            invoice,
            services.days_late(invoice, today),
            services.late_penalty(invoice, g.school.late_penalty_rate, today),
        )
        for invoice in page.items
    ]
    return render_template(
        "invoicing/overdue.html",
        rows=rows,
        page=page,
        total=summary.owed,
        action_form=ActionForm(),
        soon=today + timedelta(days=7),
    )

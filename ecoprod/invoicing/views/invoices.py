"""Invoices being made: the lists, what is left to invoice, drafts from orders, deposits and
groups, the draft editor, issuing and deleting a draft."""

from __future__ import annotations

import functools
from collections import namedtuple
from datetime import date
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask import flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ecoprod import listfilters
from ecoprod.accounts.permissions import admin_or_customer, admin_required
from ecoprod.customers.models import Customer
from ecoprod.extensions import db
from ecoprod.i18n import gettext as _
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.i18n import local_today
from ecoprod.invoicing import access, billable, services
from ecoprod.invoicing.forms import DepositForm, GroupForm, InvoiceForm
from ecoprod.invoicing.models import Invoice, InvoiceFacts, InvoiceKind, InvoiceState
from ecoprod.invoicing.views.blueprint import bp
from ecoprod.orders import access as orders_access
from ecoprod.orders.models import Order, OrderState, order_reference
from ecoprod.panels import panels_for
from ecoprod.params import choice_arg
from ecoprod.pricing import editor
from ecoprod.quotes.services import vat_rates
from ecoprod.web import listexport
from ecoprod.web.feedback import flash_refusal, show_on_form
from ecoprod.web.forms import ActionForm, SearchForm
from ecoprod.web.keyset import asc, desc, keyset
from ecoprod.web.listing import apply_search

TABS = {
    "drafts": lambda s: s.where(Invoice.state == InvoiceState.DRAFT),
    "unpaid": lambda s: s.where(
        Invoice.state.in_([InvoiceState.ISSUED, InvoiceState.PARTIALLY_PAID]),
        Invoice.kind != InvoiceKind.CREDIT_NOTE,
    ),
    "paid": lambda s: s.where(Invoice.state == InvoiceState.PAID),
    "credit_notes": lambda s: s.where(Invoice.kind == InvoiceKind.CREDIT_NOTE, Invoice.number.is_not(None)),
}


# What a row of the list shows (not the addresses, notes and the rest of the document).
LISTED = (
    Invoice.id,
    Invoice.kind,
    Invoice.state,
    Invoice.customer_id,
    Invoice.number,
    Invoice.issue_date,
    Invoice.due_date,
    Invoice.discount_percent,
    Invoice.total_net,
    Invoice.total_vat,
    Invoice.total_gross,
    Invoice.amount_due,
    Invoice.settled,
    Invoice.cancelled_by_id,
)


class InvoiceRow(namedtuple("InvoiceRow", [c.key for c in LISTED] + ["customer_name"]), InvoiceFacts):
    """A row of the list read as plain columns, with the words of an invoice (``InvoiceFacts``):
    lists are the pages most asked for, and records would cost more than the rest of the page."""

    __slots__ = ()


# The customer's name beside each row (the subquery keeps its own customers when a search
# joins them).
CUSTOMER_NAME = (
    sa.select(Customer.name)
    .where(Customer.id == Invoice.customer_id)
    .scalar_subquery()
    .correlate_except(Customer)
)


@functools.lru_cache(maxsize=256)
def _tab(visible: sa.Select[tuple[Invoice]], tab: str) -> sa.Select[tuple[Invoice]]:
    """A tab of the invoices a user sees, built once for each statement ``visible_invoices``
    keeps (its cache key then computed once, not at each request)."""
    return TABS[tab](visible) if tab in TABS else visible


@functools.lru_cache(maxsize=256)
def _rows(stmt: sa.Select[tuple[Invoice]]) -> sa.Select[Any]:
    """The listed columns of ``stmt``, built once for each statement ``_tab`` keeps."""
    return stmt.with_only_columns(*LISTED, CUSTOMER_NAME)


EXPORTED = (
    listexport.Column(_l("Number"), lambda i: i.number),
    listexport.Column(_l("Kind"), lambda i: i.kind.label),
    listexport.Column(_l("State"), lambda i: i.state_label),
    listexport.Column(_l("Customer"), lambda i: i.customer.name),
    listexport.Column(_l("Date"), lambda i: i.issue_date),
    listexport.Column(_l("Due date"), lambda i: i.due_date),
    listexport.Column(_l("Total excl. VAT"), lambda i: i.total_net),
    listexport.Column(_l("VAT"), lambda i: i.total_vat),
    listexport.Column(_l("Total incl. VAT"), lambda i: i.total_gross),
    listexport.Column(_l("Paid or credited"), lambda i: i.settled),
    listexport.Column(_l("Balance"), lambda i: i.balance),
)
NOT_ISSUED = date(9999, 12, 31)
# The same text as the index of migration 0014 (a literal, not a parameter, so the planner
# matches it): drafts sort as if issued on the last day of the calendar.
DRAFTS_FIRST = sa.func.coalesce(
    Invoice.issue_date, sa.literal_column(f"'{NOT_ISSUED.isoformat()}'"), type_=sa.Date
)
# Drafts (no issue date yet) first, then the latest issued.
LIST_ORDER = (desc(DRAFTS_FIRST, lambda i: i.issue_date or NOT_ISSUED), desc(Invoice.id))


@bp.get("/invoices")
@admin_or_customer
def index() -> str | Response:
    tab = choice_arg("tab", TABS, "all")
    if tab == "drafts" and current_user.is_customer:
        tab = "all"
    stmt = _tab(access.visible_invoices(current_user), tab)
    stmt, filters = listfilters.apply("invoices", current_user, stmt, request.args)
    search = SearchForm(request.args)
    if search.q.data:  # a draft has no buyer's name yet: its customer's
        stmt = apply_search(
            stmt.join(Customer, Customer.id == Invoice.customer_id),
            search.q.data,
            Invoice.number,
            Invoice.buyer_reference,
            Customer.name,
        )
    if fmt := listexport.requested():
        stmt = stmt.options(
            sa.orm.load_only(*LISTED), sa.orm.joinedload(Invoice.customer).load_only(Customer.name)
        )
        return listexport.respond(listexport.rows_of(stmt, LIST_ORDER), EXPORTED, fmt, "factures")
    page = keyset(_rows(stmt), *LIST_ORDER, rows=True)
    page.items = [InvoiceRow._make(row) for row in page.items]
    # Drafts have no totals of their own yet: worked out from their lines, for the page at once.
    totals = services.draft_totals(page.items)
    return render_template(
        "invoicing/index.html",
        page=page,
        tab=tab,
        tabs=TABS,
        search=search,
        filters=filters,
        draft_totals=totals,
    )


class ToInvoiceRow(NamedTuple):
    """An order of the to-invoice list, read as plain columns (no order or customer loaded)."""

    id: int
    customer_id: int
    number: str | None
    title: str
    state: OrderState
    customer_name: str

    @property
    def reference(self) -> str:
        return order_reference(self.number, self.id)


# Built once: the orders delivered and not invoiced, with their customer's name.
DELIVERED = (
    sa.select(*(getattr(Order, name) for name in ToInvoiceRow._fields[:-1]), Customer.name)
    .join(Customer, Customer.id == Order.customer_id)
    .where(Order.state.in_(list(billable.INVOICEABLE_STATES)))
)
DELIVERED_ORDER = (asc(Order.customer_id), asc(Order.id))


@bp.get("/invoices/to-invoice")
@admin_required
def to_invoice() -> str:
    # A page of the orders delivered and not invoiced; on a page, those with something left.
    page = keyset(DELIVERED, *DELIVERED_ORDER, count=False, rows=True)
    pending = billable.with_something_to_invoice([ToInvoiceRow._make(row) for row in page.items])
    today = local_today()
    group_form = GroupForm(prefix="group", start=today.replace(day=1), end=today)
    return render_template(
        "invoicing/to_invoice.html",
        orders=pending,
        page=page,
        group_form=group_form,
    )


@bp.post("/requests/<int:order_id>/invoice")
@admin_required
def invoice_order(order_id: int) -> Response:
    order = orders_access.load_order_or_404(order_id, current_user)
    try:
        invoice = services.draft_invoice([order], current_user)
    except services.InvoicingError as exc:
        db.session.rollback()
        flash_refusal(exc)
        return redirect(url_for("orders.detail", order_id=order.id))
    db.session.commit()
    return redirect(url_for("invoicing.edit", invoice_id=invoice.id))


@bp.post("/requests/<int:order_id>/deposit")
@admin_required
def deposit(order_id: int) -> Response:
    order = orders_access.load_order_or_404(order_id, current_user)
    form = DepositForm(prefix="deposit")
    if not form.validate_on_submit():
        flash(_("Give the deposit as a percentage of the quote, 1 to 100."), "error")
        return redirect(url_for("orders.detail", order_id=order.id))
    try:
        invoice = services.draft_deposit(order, form.percent.data, current_user)
    except services.InvoicingError as exc:
        db.session.rollback()
        flash_refusal(exc)
        return redirect(url_for("orders.detail", order_id=order.id))
    db.session.commit()
    return redirect(url_for("invoicing.edit", invoice_id=invoice.id))


@bp.post("/invoices/group")
@admin_required
def group() -> Response:
    form = GroupForm(prefix="group")
    if not form.validate_on_submit() or form.start.data > form.end.data:
        flash(_("Give a period: its first day, then its last."), "error")
        return redirect(url_for("invoicing.to_invoice"))
    made = 0
    for _customer, orders in services.customers_to_invoice(form.start.data, form.end.data):
        services.draft_invoice(orders, current_user)
        made += 1
    db.session.commit()
    flash(_("%(n)s draft invoices prepared, one per customer.", n=made), "success" if made else "info")
    return redirect(url_for("invoicing.index", tab="drafts"))


def _load_form(invoice: Invoice) -> InvoiceForm:
    form = editor.load_form(
        InvoiceForm,
        invoice,
        posted=request.method == "POST",
        add_line=request.form.get("action") == "add_line",
    )
    editor.set_choices(form, vat_rates(g.school), invoice.lines)
    return form


@bp.route("/invoices/<int:invoice_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(invoice_id: int) -> Any:
    invoice = access.load_invoice_or_404(invoice_id, current_user)
    if not invoice.is_draft:
        return redirect(url_for("invoicing.detail", invoice_id=invoice.id))
    form = _load_form(invoice)
    action = request.form.get("action")
    status = 200
    if request.method == "POST" and action in ("save", "issue"):
        if form.validate_on_submit():
            try:
                services.save_draft(invoice, editor.line_inputs(form), form.notes.data)
                if action == "issue":
                    services.issue(invoice, current_user)
            except services.InvoicingError as exc:
                db.session.rollback()
                _show_lines(form, exc)
            else:
                db.session.commit()
                if action == "issue":
                    flash(issued_message(invoice), "success")
                    return redirect(url_for("invoicing.detail", invoice_id=invoice.id))
                flash(_("The draft has been saved."), "success")
                return redirect(url_for("invoicing.edit", invoice_id=invoice.id))
        status = 400
    return render_template(
        "invoicing/edit.html",
        invoice=invoice,
        form=form,
        blank_line=form.blank_line(),
        totals=invoice.totals(),
        action_form=ActionForm(),
        panels=panels_for("invoice_draft", invoice, current_user),
    ), status


def _show_lines(form: InvoiceForm, exc: services.InvoicingError) -> None:
    """Each line's refusal beside its quantity (positions count the lines given), the rest above."""
    entries = [entry for entry in form.lines if not entry.form.is_blank()]
    for position, message in exc.lines.items():
        if 0 < position <= len(entries):
            quantity = entries[position - 1].form.quantity
            quantity.errors = [*quantity.errors, message]
    if not exc.lines:
        show_on_form(form, exc)


def issued_message(invoice: Invoice) -> str:
    # Separate sentences: in French « avoir » is masculine, « facture » feminine.
    if invoice.is_credit_note:
        return _("Credit note %(number)s issued and sent to the customer.", number=invoice.number)
    if invoice.kind is InvoiceKind.DEPOSIT:
        return _("Deposit invoice %(number)s issued and sent to the customer.", number=invoice.number)
    return _("Invoice %(number)s issued and sent to the customer.", number=invoice.number)


@bp.post("/invoices/<int:invoice_id>/issue")
@admin_required
def issue(invoice_id: int) -> Response:
    """Issue a draft as it was saved."""
    invoice = access.load_invoice_or_404(invoice_id, current_user)
    try:
        services.issue(invoice, current_user)
    except services.InvoicingError as exc:
        db.session.rollback()
        flash_refusal(exc)
        return redirect(url_for("invoicing.edit", invoice_id=invoice_id))
    db.session.commit()
    flash(issued_message(invoice), "success")
    return redirect(url_for("invoicing.detail", invoice_id=invoice.id))


@bp.post("/invoices/<int:invoice_id>/delete")
@admin_required
def delete(invoice_id: int) -> Response:
    invoice = access.load_invoice_or_404(invoice_id, current_user)
    try:
        services.delete_draft(invoice)
    except services.InvoicingError as exc:
        db.session.rollback()
        flash_refusal(exc)
        return redirect(url_for("invoicing.detail", invoice_id=invoice_id))
    db.session.commit()
    flash(_("The draft has been deleted."), "success")
    return redirect(url_for("invoicing.index", tab="drafts"))

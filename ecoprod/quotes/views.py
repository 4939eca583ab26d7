"""Quotes: the builder (staff), the quote page (both sides), the PDF, the customer's answer."""

from __future__ import annotations

import functools
from collections import namedtuple
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ecoprod import documents
from ecoprod.accounts.permissions import customer_required, school_member_required, staff_required
from ecoprod.customers.models import Customer
from ecoprod.extensions import db
from ecoprod.i18n import gettext as _
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.orders import access as orders_access
from ecoprod.orders.models import Order
from ecoprod.params import choice_arg, flag_arg
from ecoprod.pricing import editor
from ecoprod.quotes import access, services
from ecoprod.quotes.forms import AcceptForm, QuoteForm, RefuseForm
from ecoprod.quotes.models import PdfStatus, Quote, QuoteFacts, QuoteState
from ecoprod.web import listexport
from ecoprod.web.feedback import flash_refusal, show_on_form
from ecoprod.web.forms import ActionForm, SearchForm
from ecoprod.web.keyset import desc, keyset
from ecoprod.web.listing import apply_search

bp = Blueprint("quotes", __name__)

STATE_TABS = {
    "waiting": (QuoteState.SENT,),
    "accepted": (QuoteState.ACCEPTED,),
    "drafts": (QuoteState.DRAFT,),
    "closed": (QuoteState.DECLINED, QuoteState.EXPIRED, QuoteState.SUPERSEDED),
}


# The columns a row of the list shows (and the keyset's); the rest is not loaded.
LISTED = (
    Quote.id,
    Quote.order_id,
    Quote.customer_id,
    Quote.base_number,
    Quote.version,
    Quote.state,
    Quote.valid_until,
    Quote.total_net,
    Quote.total_gross,
    Quote.issue_date,
    Quote.updated_at,
)
# The request's title and (for staff) the customer's name beside each row: subqueries the
# database answers for the page's rows only, so that the planner walks the quotes' index and
# stops (a search that joins the orders keeps them apart).
ORDER_TITLE = (
    sa.select(Order.title).where(Order.id == Quote.order_id).scalar_subquery().correlate_except(Order)
)
CUSTOMER_NAME = (
    sa.select(Customer.name)
    .where(Customer.id == Quote.customer_id)
    .scalar_subquery()
    .correlate_except(Customer)
)


class QuoteRow(
    namedtuple("QuoteRow", [c.key for c in LISTED] + ["order_title", "customer_name"]), QuoteFacts
):
    """A row of the list read as plain columns, called as the quote is (``QuoteFacts``)."""

    __slots__ = ()


@functools.lru_cache(maxsize=256)
def _tab(visible: sa.Select[tuple[Quote]], tab: str) -> sa.Select[tuple[Quote]]:
    """A tab of the quotes a user sees, built once for each statement ``visible_quotes``
    keeps (its cache key then computed once, not at each request)."""
    return visible.where(Quote.state.in_(STATE_TABS[tab])) if tab in STATE_TABS else visible


@functools.lru_cache(maxsize=256)
def _rows(stmt: sa.Select[tuple[Quote]], staff: bool) -> sa.Select[Any]:
    """The listed columns of ``stmt`` (the customer's name only for staff), built once for
    each statement ``_tab`` keeps."""
    return stmt.with_only_columns(*LISTED, ORDER_TITLE, CUSTOMER_NAME if staff else sa.null())


LIST_ORDER = (desc(Quote.updated_at), desc(Quote.id))
EXPORTED = (
    listexport.Column(_l("Quote"), lambda q: q.reference),
    listexport.Column(_l("Request"), lambda q: q.order.title),
    listexport.Column(_l("Customer"), lambda q: q.customer.name),
    listexport.Column(_l("State"), lambda q: q.state.label),
    listexport.Column(_l("Date"), lambda q: q.issue_date),
    listexport.Column(_l("Valid until"), lambda q: q.valid_until),
    listexport.Column(_l("Total excl. VAT"), lambda q: q.total_net),
    listexport.Column(_l("Total incl. VAT"), lambda q: q.total_gross),
)


@bp.get("/quotes")
@school_member_required
def index() -> str | Response:
    search = SearchForm(request.args)
    tab = choice_arg("tab", STATE_TABS, "all")
    stmt = _tab(access.visible_quotes(current_user), tab)
    if search.q.data:  # the request's title and number are searched too
        stmt = apply_search(
            stmt.join(Quote.order), search.q.data, Quote.base_number, Order.title, Order.number
        )
    if fmt := listexport.requested():
        stmt = stmt.options(
            sa.orm.load_only(*LISTED),
            sa.orm.selectinload(Quote.order).load_only(Order.title),
            sa.orm.joinedload(Quote.customer).load_only(Customer.name),
        )
        return listexport.respond(listexport.rows_of(stmt, LIST_ORDER), EXPORTED, fmt, "devis")
    page = keyset(_rows(stmt, not current_user.is_customer), *LIST_ORDER, rows=True)
    page.items = [QuoteRow._make(row) for row in page.items]
    return render_template("quotes/index.html", page=page, search=search, tab=tab, tabs=STATE_TABS)


# --- The builder -------------------------------------------------------------------------------


@bp.post("/requests/<int:order_id>/quotes")
@staff_required
def start(order_id: int) -> Response:
    order = orders_access.load_order_or_404(order_id, current_user)
    if not access.can_quote(current_user, order):
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        quote = services.start_quote(
            order, current_user, from_previous=request.form.get("from") == "previous"
        )
    except services.QuoteError as exc:
        flash_refusal(exc)
        return redirect(url_for("orders.detail", order_id=order.id))
    db.session.commit()
    return redirect(url_for("quotes.edit", quote_id=quote.id))


def _form_choices(form: QuoteForm) -> None:
    editor.set_choices(form, services.vat_rates(g.school))


def _quote_input(form: QuoteForm) -> services.QuoteInput:
    return services.QuoteInput(
        lines=[line for _line_id, line in editor.line_inputs(form)],
        valid_until=form.valid_until.data,
        promised_date=form.promised_date.data,
        lead_time=form.lead_time.data,
        conditions=form.conditions.data,
        discount_percent=form.discount_percent.data or Decimal("0"),
    )


def _preview(form: QuoteForm) -> dict[str, Any]:
    return editor.preview(form, form.discount_percent)


def _load_builder_form(quote: Quote) -> QuoteForm:
    form = editor.load_form(
        QuoteForm, quote, posted=request.method == "POST", add_line=request.form.get("action") == "add_line"
    )
    _form_choices(form)
    return form


@bp.route("/quotes/<int:quote_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(quote_id: int) -> Any:
    quote = access.load_quote_or_404(quote_id, current_user)
    if not access.can_edit(current_user, quote):
        flash(_("This quote has been sent: it can no longer be changed."), "error")
        return redirect(url_for("quotes.detail", quote_id=quote.id))
    form = _load_builder_form(quote)
    action = request.form.get("action")
    status = 200
    if request.method == "POST" and action in ("save", "send"):
        if form.validate_on_submit():
            try:
                services.save_draft(quote, current_user, _quote_input(form))
                if action == "send":
                    services.send(quote, current_user)
            except services.QuoteError as exc:
                db.session.rollback()
                show_on_form(form, exc)
            else:
                db.session.commit()
                if action == "send":
                    flash(
                        _("Quote %(number)s sent: the customer receives it by e-mail.", number=quote.number),
                        "success",
                    )
                    return redirect(url_for("quotes.detail", quote_id=quote.id))
                flash(_("The draft quote has been saved."), "success")
                return redirect(url_for("quotes.edit", quote_id=quote.id))
        status = 400
    return (
        render_template(
            "quotes/edit.html",
            quote=quote,
            form=form,
            blank_line=form.blank_line(),
            preview=_preview(form),
            action_form=ActionForm(),
        ),
        status,
    )


@bp.post("/quotes/<int:quote_id>/totals")
@staff_required
def totals(quote_id: int) -> str | tuple[str, int]:
    """The totals block for what is being typed (htmx); nothing is saved."""
    quote = access.load_quote_or_404(quote_id, current_user)
    if not access.can_edit(current_user, quote):
        # A late refresh from a page whose quote was sent meanwhile: nothing to update.
        return "", 204
    form = QuoteForm()
    _form_choices(form)
    form.validate()
    return render_template("quotes/_totals.html", preview=_preview(form), form=form, oob=True)


@bp.post("/quotes/<int:quote_id>/delete")
@staff_required
def delete(quote_id: int) -> Response:
    quote = access.load_quote_or_404(quote_id, current_user)
    if not access.can_edit(current_user, quote):
        abort(403)
    order_id = quote.order_id
    services.delete_draft(quote, current_user)
    db.session.commit()
    flash(_("The draft quote has been deleted."), "success")
    return redirect(url_for("orders.detail", order_id=order_id))


# --- One quote ---------------------------------------------------------------------------------


@bp.get("/quotes/<int:quote_id>")
@school_member_required
def detail(quote_id: int) -> str:
    quote = access.load_quote_or_404(quote_id, current_user)
    versions = [
        q
        for q in services.history(quote.order)
        if q.state is not QuoteState.DRAFT or not current_user.is_customer
    ]
    return render_template(
        "quotes/detail.html",
        quote=quote,
        state=access.effective_state(quote),
        is_current=access.is_current(quote),
        versions=versions,
        can_answer=access.can_answer(current_user, quote) and access.is_current(quote),
        can_revise=access.can_revise(current_user, quote),
        can_edit=access.can_edit(current_user, quote),
        accept_form=AcceptForm(),
        refuse_form=RefuseForm(),
        action_form=ActionForm(),
    )


def _pdf_response(quote: Quote, sha256: str | None, suffix: str = "") -> Response:
    return documents.respond(
        quote.school_id,
        sha256,
        f"{quote.number}{suffix}.pdf",
        as_attachment=flag_arg("download"),
    )


@bp.get("/quotes/<int:quote_id>/pdf")
@school_member_required
def pdf(quote_id: int) -> Response:
    quote = access.load_quote_or_404(quote_id, current_user)
    if quote.pdf_status is not PdfStatus.READY:
        abort(404)
    return _pdf_response(quote, quote.pdf_sha256)


@bp.get("/quotes/<int:quote_id>/accepted.pdf")
@school_member_required
def accepted_pdf(quote_id: int) -> Response:
    quote = access.load_quote_or_404(quote_id, current_user)
    return _pdf_response(quote, quote.accepted_copy_sha256, suffix="-bon-pour-accord")


@bp.post("/quotes/<int:quote_id>/send")
@staff_required
def send(quote_id: int) -> Response:
    quote = access.load_quote_or_404(quote_id, current_user)
    if not access.can_edit(current_user, quote):
        abort(403)
    try:
        services.send(quote, current_user)
    except services.QuoteError as exc:
        db.session.rollback()
        flash_refusal(exc)
        return redirect(url_for("quotes.edit", quote_id=quote.id))
    db.session.commit()
    flash(_("Quote %(number)s sent: the customer receives it by e-mail.", number=quote.number), "success")
    return redirect(url_for("quotes.detail", quote_id=quote.id))


@bp.post("/quotes/<int:quote_id>/accept")
@customer_required
def accept(quote_id: int) -> Any:
    quote = access.load_quote_or_404(quote_id, current_user)
    if not access.can_answer(current_user, quote):
        abort(403)
    form = AcceptForm()
    if form.validate_on_submit():
        try:
            services.accept(
                quote,
                current_user,
                full_name=form.full_name.data,
                ip=request.remote_addr,
                user_agent=request.user_agent.string,
            )
        except services.QuoteError as exc:
            db.session.rollback()
            flash_refusal(exc)
        else:
            db.session.commit()
            flash(
                _(
                    "Thank you: quote %(number)s is accepted and your order is confirmed.",
                    number=quote.number,
                ),
                "success",
            )
        return redirect(url_for("quotes.detail", quote_id=quote.id))
    flash(" ".join(str(error) for errors in form.errors.values() for error in errors), "error")
    return redirect(url_for("quotes.detail", quote_id=quote.id, _anchor="answer"))


@bp.post("/quotes/<int:quote_id>/refuse")
@customer_required
def refuse(quote_id: int) -> Response:
    quote = access.load_quote_or_404(quote_id, current_user)
    if not access.can_answer(current_user, quote):
        abort(403)
    form = RefuseForm()
    if form.validate_on_submit():
        try:
            services.refuse(quote, current_user, form.reason.data)
        except services.QuoteError as exc:
            db.session.rollback()
            flash_refusal(exc)
        else:
            db.session.commit()
            flash(_("Your answer has been sent to the school."), "success")
    else:
        flash(_("Tell the school why."), "error")
    return redirect(url_for("quotes.detail", quote_id=quote.id))


@bp.post("/quotes/<int:quote_id>/revise")
@staff_required
def revise(quote_id: int) -> Response:
    quote = access.load_quote_or_404(quote_id, current_user)
    if not access.can_revise(current_user, quote):
        abort(403)
    revision = services.revise(quote, current_user)
    db.session.commit()
    flash(_("Version %(version)s is a draft: change it, then send it.", version=revision.version), "success")
    return redirect(url_for("quotes.edit", quote_id=revision.id))

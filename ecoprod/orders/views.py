"""Order requests: the customer's list and form, the school's inbox, one page per order."""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from ecoprod.accounts.permissions import customer_required, school_member_required, staff_required
from ecoprod.conversations.services import unread_counts
from ecoprod.customers.models import Customer
from ecoprod.extensions import db
from ecoprod.forms import options
from ecoprod.i18n import gettext as _
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.orders import access, services
from ecoprod.orders.forms import OrderRequestForm
from ecoprod.orders.lifecycle import IllegalTransition
from ecoprod.orders.models import DONE, IN_PROGRESS, Order, OrderState, Unit, order_reference
from ecoprod.panels import panels_for
from ecoprod.params import choice_arg, optional_choice_arg
from ecoprod.storage import UploadRefused, file_store
from ecoprod.web import listexport
from ecoprod.web.feedback import flash_refusal, show_on_form
from ecoprod.web.forms import ActionForm, ReasonForm, SearchForm
from ecoprod.web.keyset import asc, desc, keyset
from ecoprod.web.listing import apply_search
from ecoprod.web.uploads import inspected_files
from ecoprod.workshops.models import Trade

bp = Blueprint("orders", __name__)

STATE_TABS = {
    "open": (OrderState.DRAFT, OrderState.SUBMITTED, OrderState.QUOTED),
    "in_progress": IN_PROGRESS,
    "done": DONE,
    "closed": (OrderState.DECLINED, OrderState.CANCELLED),
}


# --- Lists -------------------------------------------------------------------------------

EXPORTED = (
    listexport.Column(_l("Request"), lambda o: o.reference),
    listexport.Column(_l("Title"), lambda o: o.title),
    listexport.Column(_l("Customer"), lambda o: o.customer.name),
    listexport.Column(_l("Your reference"), lambda o: o.customer_reference),
    listexport.Column(_l("State"), lambda o: o.state.label),
    listexport.Column(_l("Sent on"), lambda o: o.submitted_at),
    listexport.Column(_l("Wished date"), lambda o: o.desired_date),
    listexport.Column(_l("Promised date"), lambda o: o.promised_date),
)


@bp.get("/requests")
@school_member_required
def index() -> str | Response:
    search = SearchForm(request.args)
    tab = choice_arg("tab", STATE_TABS, "all")
    stmt = access.visible_orders(current_user)
    if tab in STATE_TABS:
        stmt = stmt.where(Order.state.in_(STATE_TABS[tab]))
    state = optional_choice_arg("state", {s.value for s in OrderState})
    if state:  # one state (the dashboard links here)
        stmt = stmt.where(Order.state == OrderState(state))
    stmt = apply_search(stmt, search.q.data, Order.title, Order.number, Order.customer_reference)
    if not current_user.is_customer:
        stmt = stmt.options(sa.orm.joinedload(Order.customer))
    keys = (desc(Order.created_at), desc(Order.id))
    if fmt := listexport.requested():
        stmt = stmt.options(sa.orm.joinedload(Order.customer))
        return listexport.respond(listexport.rows_of(stmt, keys), EXPORTED, fmt, "demandes")
    page = keyset(stmt, *keys)
    unread = unread_counts(current_user, [order.id for order in page.items])
    return render_template(
        "orders/index.html", page=page, search=search, tab=tab, tabs=STATE_TABS, unread=unread
    )


class InboxCard(NamedTuple):
    """What a card of the inbox shows, read as plain columns: this page is the one masters
    keep open, and records (an order and its customer per card) would cost more than the page."""

    id: int
    number: str | None
    title: str
    state: OrderState
    submitted_at: datetime
    desired_date: date | None
    customer_name: str

    @property
    def reference(self) -> str:
        return order_reference(self.number, self.id)


@functools.lru_cache(maxsize=1024)
def _inbox_cards(inbox: sa.Select[tuple[Order]]) -> sa.Select[Any]:
    """The cards' columns of an inbox, kept for each statement ``access.inbox`` built once."""
    columns = (getattr(Order, name) for name in InboxCard._fields[:-1])
    return inbox.with_only_columns(*columns, Customer.name).join(Customer, Customer.id == Order.customer_id)


INBOX_ORDER = (asc(Order.submitted_at), asc(Order.id))


@bp.get("/inbox")
@staff_required
def inbox() -> str:
    search = SearchForm(request.args)
    stmt = apply_search(_inbox_cards(access.inbox(current_user)), search.q.data, Order.title, Order.number)
    page = keyset(stmt, *INBOX_ORDER, count=False, rows=True)
    cards = [InboxCard._make(row) for row in page.items]
    lines = services.line_summaries([card.id for card in cards])
    unread = unread_counts(current_user, [card.id for card in cards])
    return render_template(
        "orders/inbox.html", page=page, cards=cards, lines=lines, search=search, unread=unread
    )


# --- The request form ----------------------------------------------------------------------


def _trade_choices() -> list[SelectChoice]:
    return options((t.value, t.label) for t in services.offered_trades())


def _request_input(form: OrderRequestForm) -> services.RequestInput:
    lines = [
        services.LineInput(
            description=entry.form.description.data,
            material=entry.form.material.data,
            quantity=entry.form.quantity.data,
            unit=Unit(entry.form.unit.data),
            trade=Trade(entry.form.trade.data),
            notes=entry.form.notes.data,
        )
        for entry in form.lines
        if not entry.form.is_blank()
    ]
    return services.RequestInput(
        title=form.title.data,
        customer_reference=form.customer_reference.data,
        desired_date=form.desired_date.data,
        delivery_address=form.delivery_address.form.to_address(),
        notes=form.notes.data,
        lines=lines,
    )


def _load_form(order: Order | None) -> OrderRequestForm:
    form = OrderRequestForm(obj=order) if order and request.method == "GET" else OrderRequestForm()
    if request.method == "GET":
        if order is None:
            form.delivery_address.form.load(current_user.customer.effective_delivery_address)
        else:
            form.delivery_address.form.load(order.delivery_address)
            for entry, line in zip(form.lines, order.lines, strict=False):
                entry.form.unit.data = line.unit.value
                entry.form.trade.data = line.trade.value
    if (
        request.method == "POST"
        and request.form.get("action") == "add_line"
        and len(form.lines) < form.lines.max_entries
    ):
        form.lines.append_entry()
    form.set_trade_choices(_trade_choices())
    return form


def _save_request(order: Order | None) -> Any:
    form = _load_form(order)
    action = request.form.get("action")
    if request.method == "POST" and action in ("save", "submit") and form.validate_on_submit():
        drawings = inspected_files(form, "drawings")
        data = _request_input(form)
        if not data.lines:
            form.form_errors.append(_("Add at least one line with a description and a quantity."))
        elif drawings is not None:
            try:
                if order is None:
                    order = services.create_draft(current_user, data, drawings)
                else:
                    services.update_draft(order, current_user, data, drawings)
                if action == "submit":
                    services.submit(order, current_user)
            except (services.OrderError, UploadRefused) as exc:  # the store may refuse a write
                db.session.rollback()
                show_on_form(form, exc, "drawings" if isinstance(exc, UploadRefused) else None)
            else:
                db.session.commit()
                if action == "submit":
                    flash(
                        _("Your request %(number)s has been sent to the school.", number=order.number),
                        "success",
                    )
                else:
                    flash(_("Your draft has been saved. Submit it when it is complete."), "success")
                return redirect(url_for("orders.detail", order_id=order.id))
    status = 400 if request.method == "POST" and action in ("save", "submit") else 200
    template = render_template("orders/form.html", form=form, order=order, blank_line=form.blank_line())
    return template, status


@bp.route("/requests/new", methods=["GET", "POST"])
@customer_required
def new() -> Any:
    return _save_request(None)


@bp.route("/requests/<int:order_id>/edit", methods=["GET", "POST"])
@customer_required
def edit(order_id: int) -> Any:
    order = access.load_order_or_404(order_id, current_user)
    if not access.can_edit(current_user, order):
        flash(_("This request has been sent: it can no longer be changed."), "error")
        return redirect(url_for("orders.detail", order_id=order.id))
    return _save_request(order)


# --- One order --------------------------------------------------------------------------------


@bp.get("/requests/<int:order_id>")
@school_member_required
def detail(order_id: int) -> str:
    order = access.load_order_or_404(order_id, current_user)
    return render_template(
        "orders/detail.html",
        order=order,
        panels=panels_for("order", order, current_user),
        can_edit=access.can_edit(current_user, order),
        can_cancel=access.can_cancel(current_user, order),
        can_decline=access.can_decline(current_user, order),
        can_reorder=access.can_reorder(current_user, order),
        action_form=ActionForm(),
        decline_form=ReasonForm(prefix="decline"),
        cancel_form=ReasonForm(prefix="cancel"),
    )


def _refused(exc: Exception) -> str:
    if isinstance(exc, IllegalTransition):
        return _("This action is not possible in the request's current state.")
    return str(exc)


@bp.post("/requests/<int:order_id>/submit")
@customer_required
def submit(order_id: int) -> Response:
    order = access.load_order_or_404(order_id, current_user)
    if not access.can_submit(current_user, order):
        abort(403)
    try:
        services.submit(order, current_user)
    except (services.OrderError, IllegalTransition) as exc:
        db.session.rollback()
        flash(_refused(exc), "error")
    else:
        db.session.commit()
        flash(_("Your request %(number)s has been sent to the school.", number=order.number), "success")
    return redirect(url_for("orders.detail", order_id=order_id))


@bp.post("/requests/<int:order_id>/reorder")
@school_member_required
def reorder(order_id: int) -> Response:
    """Order the same again: a customer gets a new draft to check (its date, its reference),
    then sends it; staff taking the order for the customer send it to the school at once."""
    order = access.load_order_or_404(order_id, current_user)
    if not access.can_reorder(current_user, order):
        abort(403)
    try:
        copy = services.reorder(order, current_user)
    except services.OrderError as exc:
        db.session.rollback()
        flash(_refused(exc), "error")
        return redirect(url_for("orders.detail", order_id=order_id))
    db.session.commit()
    if current_user.is_staff:
        flash(_("Request %(new)s repeats %(number)s for %(customer)s.", new=copy.number, number=order.number,
                customer=order.customer.name), "success")  # fmt: skip
        return redirect(url_for("orders.detail", order_id=copy.id))
    flash(
        _(
            "A new request repeats %(number)s: check it, give your date and reference, then send it.",
            number=order.number,
        ),
        "success",
    )
    return redirect(url_for("orders.edit", order_id=copy.id))


def _move_with_reason(order_id: int, action: Any, allowed: Any, prefix: str, done: str) -> Response:
    order = access.load_order_or_404(order_id, current_user)
    if not allowed(current_user, order):
        abort(403)
    form = ReasonForm(prefix=prefix)
    if not form.validate_on_submit():
        flash(_("Give a reason."), "error")
        return redirect(url_for("orders.detail", order_id=order.id))
    try:
        action(order, current_user, form.reason.data)
    except (services.OrderError, IllegalTransition) as exc:
        db.session.rollback()
        flash(_refused(exc), "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("orders.detail", order_id=order_id))


@bp.post("/requests/<int:order_id>/cancel")
@school_member_required
def cancel(order_id: int) -> Response:
    return _move_with_reason(
        order_id, services.cancel, access.can_cancel, "cancel", _("The request has been cancelled.")
    )


@bp.post("/requests/<int:order_id>/decline")
@staff_required
def decline(order_id: int) -> Response:
    return _move_with_reason(
        order_id,
        services.decline,
        access.can_decline,
        "decline",
        _("The request has been declined; the customer is told why."),
    )


# --- Drawings ---------------------------------------------------------------------------------


@bp.get("/requests/<int:order_id>/drawings/<int:attachment_id>")
@school_member_required
def download(order_id: int, attachment_id: int) -> Response:
    attachment = access.load_attachment_or_404(order_id, attachment_id, current_user)
    path = file_store().path(attachment.school_id, attachment.stored_name)
    response = send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.original_name,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/requests/<int:order_id>/drawings/<int:attachment_id>/delete")
@customer_required
def delete_drawing(order_id: int, attachment_id: int) -> Response:
    attachment = access.load_attachment_or_404(order_id, attachment_id, current_user)
    if not access.can_edit(current_user, attachment.order):
        abort(403)
    try:
        services.remove_attachment(attachment, current_user)
    except services.OrderError as exc:
        flash_refusal(exc)
    else:
        db.session.commit()
        flash(_("The drawing has been removed."), "success")
    return redirect(url_for("orders.edit", order_id=order_id))

"""Delivery notes: issued by administrators, followed by customers, received online or on paper."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ecoprod import documents
from ecoprod.accounts.permissions import (
    admin_or_customer,
    admin_required,
    customer_required,
    school_member_required,
)
from ecoprod.delivery import access, services
from ecoprod.delivery.forms import ReceptionForm, ScanForm, delivery_form
from ecoprod.delivery.models import DeliveryNote
from ecoprod.extensions import db
from ecoprod.i18n import gettext as _
from ecoprod.i18n import local_today
from ecoprod.orders import access as orders_access
from ecoprod.params import flag_arg
from ecoprod.storage import IMAGE_KINDS, PDF, UploadRefused, file_store, inspect_upload
from ecoprod.web.feedback import show_on_form
from ecoprod.web.keyset import desc, keyset

bp = Blueprint("delivery", __name__)


@bp.get("/deliveries")
@admin_or_customer
def index() -> str:
    """The school's delivery notes; a customer's company, its own (beside its quotes and
    invoices), the receptions it has to confirm first among them with ``?pending=1``."""
    stmt = access.visible_notes(current_user).options(
        sa.orm.joinedload(DeliveryNote.customer), sa.orm.joinedload(DeliveryNote.order)
    )
    pending = flag_arg("pending")
    if pending:
        stmt = stmt.where(DeliveryNote.received_at.is_(None))
    page = keyset(stmt, desc(DeliveryNote.id))
    return render_template("delivery/index.html", page=page, pending=pending)


@bp.route("/requests/<int:order_id>/deliveries/new", methods=["GET", "POST"])
@admin_required
def new(order_id: int) -> Any:
    order = orders_access.load_order_or_404(order_id, current_user)
    if order.state not in access.DELIVERABLE_STATES:
        flash(_("Only an order in production or ready can be delivered."), "error")
        return redirect(url_for("orders.detail", order_id=order.id))
    left = services.remaining(order)
    form = delivery_form(order, left, request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        quantities = {line.id: form[f"q{line.id}"].data or Decimal("0") for line in order.lines}
        try:
            note = services.issue(order, quantities, current_user)
        except services.DeliveryError as exc:
            db.session.rollback()
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Delivery note %(number)s issued.", number=note.number), "success")
            return redirect(url_for("delivery.detail", note_id=note.id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "delivery/new.html", order=order, form=form, left=left, delivered=services.delivered_quantities(order)
    ), status


@bp.get("/deliveries/<int:note_id>")
@school_member_required
def detail(note_id: int) -> Any:
    return _detail_page(access.load_note_or_404(note_id, current_user))


def _detail_page(note: Any, reception_form: Any = None, scan_form: Any = None, status: int = 200) -> Any:
    can_receive = access.can_receive(current_user, note)
    can_file_scan = access.can_file_scan(current_user, note)
    return render_template(
        "delivery/detail.html",
        note=note,
        can_receive=can_receive,
        can_file_scan=can_file_scan,
        reception_form=reception_form or (ReceptionForm(prefix="reception", received_on=local_today())),
        scan_form=scan_form or (ScanForm(prefix="scan", received_on=local_today())),
    ), status


@bp.get("/deliveries/<int:note_id>/pdf")
@school_member_required
def pdf(note_id: int) -> Response:
    note = access.load_note_or_404(note_id, current_user)
    return documents.respond(note.school_id, note.pdf_sha256, f"{note.number}.pdf")


@bp.post("/deliveries/<int:note_id>/reception")
@customer_required
def receive(note_id: int) -> Any:
    note = access.load_note_or_404(note_id, current_user)
    form = ReceptionForm(prefix="reception")
    if form.validate_on_submit():
        try:
            services.receive(
                note, form.name.data, form.received_on.data, form.reservations.data, current_user
            )
        except services.DeliveryError as exc:
            db.session.rollback()
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Thank you: the reception is recorded."), "success")
            return redirect(url_for("delivery.detail", note_id=note.id))
    return _detail_page(note, reception_form=form, status=400)


@bp.post("/deliveries/<int:note_id>/scan")
@admin_required
def upload_scan(note_id: int) -> Any:
    note = access.load_note_or_404(note_id, current_user)
    form = ScanForm(prefix="scan")
    if form.validate_on_submit():
        upload = form.scan.data
        try:
            scan = inspect_upload(
                upload.stream, upload.filename, (PDF, *IMAGE_KINDS), current_app.config["UPLOAD_MAX_BYTES"]
            )
            services.attach_scan(note, scan, form.received_on.data, current_user)
        except UploadRefused as exc:  # refused by its checks, or by the store's disk
            db.session.rollback()
            show_on_form(form, exc, "scan")
        else:
            db.session.commit()
            flash(_("The signed delivery note is filed."), "success")
            return redirect(url_for("delivery.detail", note_id=note.id))
    return _detail_page(note, scan_form=form, status=400)


@bp.get("/deliveries/<int:note_id>/scan")
@school_member_required
def scan(note_id: int) -> Response:
    note = access.load_note_or_404(note_id, current_user)
    if not note.scan_file:
        abort(404)
    path = file_store().path(note.school_id, note.scan_file)
    return send_file(path, mimetype=note.scan_content_type, download_name=f"{note.number}-signe")

"""The school's plateforme agréée: the connection's settings and its test, a customer's
look-up in the annuaire, the e-reporting (administrators), and the platform's webhook."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ecoprod import documents
from ecoprod.accounts.permissions import admin_required
from ecoprod.customers.access import load_customer_or_404
from ecoprod.einvoicing import jobs, services
from ecoprod.einvoicing.forms import ConnectionForm
from ecoprod.einvoicing.models import EReport
from ecoprod.einvoicing.services import correction, ereporting, statuses
from ecoprod.errors import ActionRefused
from ecoprod.extensions import csrf, db
from ecoprod.i18n import gettext as _
from ecoprod.i18n import ngettext
from ecoprod.invoicing.access import load_invoice_or_404
from ecoprod.invoicing.models import Invoice
from ecoprod.tenancy import set_scope
from ecoprod.web.feedback import flash_refusal, show_on_form
from ecoprod.web.forms import ActionForm

bp = Blueprint("einvoicing", __name__)


@bp.route("/admin/e-invoicing", methods=["GET", "POST"])
@admin_required
def connection() -> Any:
    saved = services.connection_of(g.school.id)
    form = ConnectionForm(obj=saved)
    if not form.is_submitted() and saved is not None:
        form.syntax.data = saved.syntax.value
    if form.validate_on_submit():
        try:
            services.save_connection(g.school, form.to_input())
        except ActionRefused as exc:
            db.session.rollback()
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("The platform connection has been saved."), "success")
            return redirect(url_for("einvoicing.connection"))
    return render_template("einvoicing/connection.html", form=form, saved=saved)


@bp.post("/admin/e-invoicing/test")
@admin_required
def test() -> Response:
    saved = services.connection_of(g.school.id)
    if saved is None or not ActionForm().validate_on_submit():
        return redirect(url_for("einvoicing.connection"))
    try:
        ok = services.test_connection(saved)
    except ActionRefused as exc:
        db.session.rollback()
        flash_refusal(exc)
    else:
        db.session.commit()
        if ok:
            flash(_("The platform answered: the connection works."), "success")
        else:
            flash(_("The platform could not be reached or refused the credentials."), "error")
    return redirect(url_for("einvoicing.connection"))


@bp.post("/admin/e-invoicing/customers/<int:customer_id>/directory")
@admin_required
def check_directory(customer_id: int) -> Response:
    """Ask the annuaire where the customer receives e-invoices; back to the customer's page,
    or to the draft invoice the button was on (``?invoice=``)."""
    customer = load_customer_or_404(customer_id, current_user)
    back = url_for("customers.detail", customer_id=customer.id)
    invoice_id = request.args.get("invoice", type=int)
    if invoice_id is not None:
        invoice = load_invoice_or_404(invoice_id, current_user)
        if invoice.customer_id != customer.id:
            abort(404)
        back = url_for("invoicing.edit", invoice_id=invoice.id)
    if not ActionForm().validate_on_submit():
        return redirect(back)
    try:
        found = services.check_now(customer)
    except ActionRefused as exc:
        db.session.rollback()
        flash_refusal(exc)
    else:
        db.session.commit()
        if found.can_receive:
            flash(
                _("The directory answered: e-invoices go to %(line)s.", line=found.addressing_identifier),
                "success",
            )
        else:
            flash(
                _("The directory has no active line for this customer: it cannot receive e-invoices."),
                "error",
            )
    return redirect(back)


@bp.post("/admin/e-invoicing/invoices/<int:invoice_id>/replace")
@admin_required
def replace_invoice(invoice_id: int) -> Response:
    """Cancel a rejected or refused invoice by an internal credit note and prepare its
    replacement (XP Z12-014): to the new draft, to check and issue."""
    invoice = load_invoice_or_404(invoice_id, current_user)
    back = url_for("invoicing.detail", invoice_id=invoice.id)
    if not ActionForm().validate_on_submit():
        return redirect(back)
    try:
        replacement = correction.cancel_and_replace(invoice, current_user)
    except ActionRefused as exc:
        db.session.rollback()
        flash_refusal(exc)
        return redirect(back)
    db.session.commit()
    note = db.session.get(Invoice, invoice.cancelled_by_id)
    flash(
        _(
            "%(invoice)s is cancelled by the internal credit note %(note)s (kept, not sent). "
            "Check this replacement invoice, then issue it.",
            invoice=invoice.number,
            note=note.number,
        ),
        "success",
    )
    return redirect(url_for("invoicing.edit", invoice_id=replacement.id))


@bp.get("/admin/e-invoicing/e-reporting")
@admin_required
def reports() -> str:
    """The school's e-reporting: each period's files, what they hold, where they are."""
    rows = ereporting.reports_of(g.school.id)
    return render_template(
        "einvoicing/reports.html",
        shown=[(r, t) for r, t in rows if r.documents or r.problem or t],
        empty=[(r, t) for r, t in rows if not (r.documents or r.problem or t)],
        connection=services.connection_of(g.school.id),
        school=g.school,
        action_form=ActionForm(),
    )


@bp.post("/admin/e-invoicing/e-reporting/prepare")
@admin_required
def prepare_reports() -> Response:
    """Build now what the morning's job would: the periods ended and not reported yet."""
    if not ActionForm().validate_on_submit():
        return redirect(url_for("einvoicing.reports"))
    built = ereporting.prepare(g.school)
    db.session.commit()
    queued = [r for r in built if r.file_sha256]
    stopped = [r for r in built if r.problem]
    if queued:
        flash(
            ngettext(
                "%(num)s report sent to the platform.", "%(num)s reports sent to the platform.", len(queued)
            ),
            "success",
        )
    if stopped:
        flash(
            ngettext(
                "%(num)s report cannot be sent: see why below.",
                "%(num)s reports cannot be sent: see why below.",
                len(stopped),
            ),
            "error",
        )
    if not queued and not stopped:
        flash(_("Nothing new to report: every ended period is up to date."), "info")
    return redirect(url_for("einvoicing.reports"))


@bp.get("/admin/e-invoicing/e-reporting/<int:report_id>.xml")
@admin_required
def report_file(report_id: int) -> Response:
    report = db.session.get(EReport, report_id)
    if report is None or report.school_id != g.school.id or not report.file_sha256:
        abort(404)
    return documents.respond(
        report.school_id,
        report.file_sha256,
        f"{report.report_id}.xml",
        mimetype="application/xml",
        as_attachment=True,
    )


@bp.post("/einvoicing/webhook/<token>")
@csrf.exempt
def webhook(token: str) -> tuple[str, int]:
    """The platform's call at a life-cycle flow (Flow Service ``WebhookCallback``): the school
    is the one whose random address this is, the call must carry its signature, and the flow
    is then read from the platform with the school's credentials (a job)."""
    connection = statuses.connection_for_token(token)
    if connection is None:
        abort(404)
    payload = request.get_data(cache=False)
    headers = request.headers
    if not statuses.verify(
        connection, payload, headers.get("Afnor-Signature"), headers.get("Afnor-Signature-Timestamp")
    ):
        return "", 401
    try:
        flow_id = str(json.loads(payload)["flowId"])
    except (ValueError, KeyError, TypeError):
        return "", 400
    if not 0 < len(flow_id) <= 64:
        return "", 400
    set_scope(db.session, connection.school_id)  # from here on, this school's records only
    jobs.receive_flow(connection.id, flow_id)
    return "", 200

"""``/admin/imports``: upload a spreadsheet, see every row's problems, confirm (or not)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user

from ecoprod.accounts.permissions import admin_required
from ecoprod.errors import ActionRefused
from ecoprod.extensions import db
from ecoprod.i18n import gettext as _
from ecoprod.imports import access, reader, services
from ecoprod.imports.forms import ConfirmForm, UploadForm
from ecoprod.imports.kinds import KINDS
from ecoprod.imports.models import ImportBatch
from ecoprod.web import listexport
from ecoprod.web.feedback import flash_refusal, show_on_form
from ecoprod.web.forms import ActionForm

bp = Blueprint("imports", __name__, url_prefix="/admin/imports")

SHOWN_READY = 100  # rows without problems shown in the preview (all rows with problems are)


def _index(form: UploadForm) -> str:
    batches = db.session.scalars(
        access.visible_batches(current_user)
        .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
        .limit(20)
    ).all()
    return render_template("imports/index.html", form=form, kinds=KINDS, batches=batches)


@bp.get("/")
@admin_required
def index() -> str:
    return _index(UploadForm())


@bp.post("/")
@admin_required
def upload() -> Any:
    form = UploadForm()
    if form.validate_on_submit():
        file = form.file.data
        if file is None or not getattr(file, "filename", None):
            form.file.errors = [_("Choose a file.")]
        else:
            data = file.stream.read(reader.MAX_BYTES + 1)
            try:
                batch = services.upload(g.school.id, current_user.id, form.kind.data, file.filename, data)
            except ActionRefused as exc:
                db.session.rollback()
                show_on_form(form, exc, default="file")
            else:
                db.session.commit()
                return redirect(url_for("imports.preview", batch_id=batch.id))
    return _index(form)


@bp.get("/template/<kind>.<fmt>")
@admin_required
def template(kind: str, fmt: str) -> Response:
    if kind not in KINDS or fmt not in ("csv", "xlsx"):
        abort(404)
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else listexport.XLSX
    filename = f"modele-{kind}.{fmt}"
    return Response(
        services.template(kind, fmt),
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/<int:batch_id>")
@admin_required
def preview(batch_id: int) -> Any:
    batch = access.load_batch_or_404(batch_id, current_user)
    if batch.is_applied:
        return render_template("imports/preview.html", batch=batch, result=None, kind=KINDS[batch.kind])
    try:
        result = services.preview(batch)
    except ActionRefused as exc:
        flash_refusal(exc)
        return redirect(url_for("imports.index"))
    return render_template(
        "imports/preview.html",
        batch=batch,
        result=result,
        kind=KINDS[batch.kind],
        shown_ready=SHOWN_READY,
        confirm_form=ConfirmForm(),
        action_form=ActionForm(),
    )


@bp.post("/<int:batch_id>/confirm")
@admin_required
def confirm(batch_id: int) -> Response:
    batch = access.load_batch_or_404(batch_id, current_user)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.apply(batch, only_valid=form.only_valid.data)
    except ActionRefused as exc:
        db.session.rollback()
        flash_refusal(exc)
        return redirect(url_for("imports.preview", batch_id=batch_id))
    db.session.commit()
    flash(
        _(
            "%(file)s imported: %(created)s created, %(updated)s updated, %(skipped)s left out.",
            file=batch.filename,
            created=batch.rows_created,
            updated=batch.rows_updated,
            skipped=batch.rows_skipped,
        ),
        "success",
    )
    return redirect(url_for("imports.index"))


@bp.post("/<int:batch_id>/discard")
@admin_required
def discard(batch_id: int) -> Response:
    batch = access.load_batch_or_404(batch_id, current_user)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.discard(batch)
    except ActionRefused as exc:
        flash_refusal(exc)
        return redirect(url_for("imports.preview", batch_id=batch_id))
    db.session.commit()
    flash(_("The file has been discarded; nothing was imported."), "info")
    return redirect(url_for("imports.index"))

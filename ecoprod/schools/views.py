"""School settings (administrators), the school logo, and the creation of a school by the
platform operator (whose list of schools is ``ecoprod.platform``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ecoprod.accounts.permissions import admin_required, operator_required, school_member_required
from ecoprod.database import utcnow
from ecoprod.extensions import db
from ecoprod.i18n import gettext as _
from ecoprod.schools import access, services
from ecoprod.schools.forms import NewSchoolForm, SchoolSettingsForm, VatRateForm
from ecoprod.schools.models import School, VatRate
from ecoprod.storage import InspectedFile, UploadRefused, file_store, inspect_upload
from ecoprod.web.feedback import show_on_form
from ecoprod.web.forms import ActionForm

bp = Blueprint("schools", __name__)


def _settings_form(school: School) -> SchoolSettingsForm:
    form = SchoolSettingsForm(obj=school)
    if not form.is_submitted():
        form.address.form.load(school.address)
        form.vat_regime.data = school.vat_regime.value
        form.vat_filing.data = school.vat_filing.value
    return form


def _checked_logo(form: SchoolSettingsForm) -> InspectedFile | None:
    upload = form.logo.data
    if not upload or not upload.filename:
        return None
    try:
        return inspect_upload(
            upload.stream, upload.filename, services.LOGO_KINDS, current_app.config["LOGO_MAX_BYTES"]
        )
    except UploadRefused as exc:
        show_on_form(form, exc, "logo")
        return None


@bp.route("/admin/school", methods=["GET", "POST"])
@admin_required
def settings() -> Any:
    school: School = g.school
    form = _settings_form(school)
    if form.is_submitted():
        valid = form.validate()
        logo = _checked_logo(form)  # checked even when other fields are wrong: all errors at once
        if valid and not form.logo.errors:
            services.apply_settings(school, form.to_input())
            try:
                if logo:
                    services.set_logo(school, logo)
            except UploadRefused as exc:  # the store's disk refused it: nothing is saved
                db.session.rollback()
                show_on_form(form, exc, "logo")
            else:
                db.session.commit()
                flash(_("The school's settings have been saved."), "success")
                return redirect(url_for("schools.settings"))
    return render_template("schools/settings.html", form=form, school=school)


@bp.get("/school/logo")
@school_member_required
def logo() -> Response:
    school: School = g.school
    if not school.logo_file:
        abort(404)
    path = file_store().path(school.id, school.logo_file)
    return send_file(path, mimetype=school.logo_content_type, max_age=3600)


@bp.route("/platform/schools/new", methods=["GET", "POST"])
@operator_required
def platform_new_school() -> Any:
    form = NewSchoolForm()
    if form.validate_on_submit():
        try:
            school = services.create_school(
                form.slug.data,
                form.to_identity(),
                admin_name=form.admin_name.data,
                admin_email=form.admin_email.data,
                operator=current_user,
            )
        except services.SchoolError as exc:
            form.slug.errors.append(str(exc))
        else:
            db.session.commit()
            flash(
                _("%(school)s has been created; its administrator has been invited.", school=school.name),
                "success",
            )
            return redirect(url_for("platform.schools"))
    return render_template("platform/new_school.html", form=form)


@bp.route("/admin/vat-rates", methods=["GET", "POST"])
@admin_required
def vat_rates() -> Any:
    school: School = g.school
    form = VatRateForm()
    if form.validate_on_submit():
        services.save_vat_rate(
            school, form.rate.data, form.label.data, form.is_default.data, form.account.data
        )
        db.session.commit()
        flash(_("The VAT rate has been saved."), "success")
        return redirect(url_for("schools.vat_rates"))
    rates = db.session.scalars(
        sa.select(VatRate).order_by(VatRate.archived_at.is_not(None), VatRate.rate.desc())
    ).all()
    status = 400 if form.is_submitted() else 200
    return render_template(
        "schools/vat_rates.html", form=form, rates=rates, school=school, action_form=ActionForm()
    ), status


@bp.post("/admin/vat-rates/<int:rate_id>/archive")
@admin_required
def archive_vat_rate(rate_id: int) -> Response:
    vat_rate = access.load_vat_rate_or_404(rate_id, current_user)
    if ActionForm().validate_on_submit():
        if vat_rate.is_default and not vat_rate.is_archived:
            flash(_("Choose another default rate before archiving this one."), "error")
        else:
            vat_rate.archived_at = None if vat_rate.is_archived else utcnow()
            db.session.commit()
            flash(_("The VAT rate has been updated."), "success")
    return redirect(url_for("schools.vat_rates"))


@bp.post("/admin/vat-rates/<int:rate_id>/default")
@admin_required
def default_vat_rate(rate_id: int) -> Response:
    vat_rate = access.load_vat_rate_or_404(rate_id, current_user)
    if ActionForm().validate_on_submit():
        services.set_default_vat_rate(g.school, vat_rate)
        db.session.commit()
        flash(_("New quote lines now use %(rate)s %%.", rate=vat_rate.rate), "success")
    return redirect(url_for("schools.vat_rates"))

"""One's own account: name, phone, language, password."""

from __future__ import annotations

from typing import Any

from flask import (
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_login import current_user, login_required

from ecoprod.accounts import services
from ecoprod.accounts.forms import (
    ChangePasswordForm,
    ProfileForm,
)
from ecoprod.accounts.views.blueprint import bp

# --- Signing in ------------------------------------------------------------------------
from ecoprod.accounts.views.sign_in import _start_session
from ecoprod.extensions import db
from ecoprod.i18n import SESSION_KEY
from ecoprod.i18n import gettext as _
from ecoprod.web.feedback import show_on_form


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile() -> Any:
    form = ProfileForm(obj=current_user)
    password_form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        current_user.full_name = form.full_name.data
        current_user.phone = form.phone.data
        current_user.locale = form.locale.data
        session[SESSION_KEY] = form.locale.data
        db.session.commit()
        flash(_("Your details have been saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, password_form=password_form)


@bp.post("/account/password")
@login_required
def change_password() -> Any:
    form = ProfileForm(obj=current_user, formdata=None)
    password_form = ChangePasswordForm(prefix="pw")
    if password_form.validate_on_submit():
        try:
            services.change_password(
                current_user, password_form.current_password.data, password_form.password.data
            )
        except services.AccountError as exc:
            show_on_form(password_form, exc, "password")
        else:
            db.session.commit()
            _start_session(current_user._get_current_object())  # new cookie; all others are void
            flash(_("Your password has been changed. Your other sessions are signed out."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, password_form=password_form), 400

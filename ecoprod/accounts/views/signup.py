"""A customer signing up alone: the form (the same answer for every address) and the e-mailed
link where the address is confirmed and the password chosen."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import (
    abort,
    render_template,
)

from ecoprod.accounts import services
from ecoprod.accounts.forms import (
    NewPasswordForm,
    SignupForm,
)
from ecoprod.accounts.models import TokenPurpose
from ecoprod.accounts.views.blueprint import bp

# --- Signing in ------------------------------------------------------------------------
from ecoprod.accounts.views.sign_in import _account_key, _token_user
from ecoprod.extensions import db, limiter
from ecoprod.schools.models import School
from ecoprod.tenancy import set_scope
from ecoprod.web.feedback import show_on_form


@bp.route("/signup/<slug>", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"], scope="signup")
@limiter.limit("5 per hour", key_func=_account_key, methods=["POST"], scope="signup-account")
def signup(slug: str) -> Any:
    school = db.session.scalars(
        sa.select(School).where(School.slug == slug, School.is_active.is_(True))
    ).one_or_none()
    if school is None:
        abort(404)
    set_scope(db.session, school.id)  # a sign-up is a request to this school
    form = SignupForm()
    if form.validate_on_submit():
        # The same answer whatever the address: what follows goes to the mailbox.
        services.sign_up(
            school,
            email=form.email.data,
            full_name=form.full_name.data,
            company_name=form.company_name.data,
            siret=form.siret.data,
        )
        db.session.commit()
        return render_template("accounts/signup_done.html", school=school)
    return render_template("accounts/signup.html", form=form, school=school)


@bp.route("/signup/confirm/<token>", methods=["GET", "POST"])
def confirm_signup(token: str) -> Any:
    user = _token_user(token, TokenPurpose.SIGNUP)
    if user is None:
        return render_template("accounts/link_invalid.html"), 404
    signup_request = services.signup_of(user)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.confirm_signup(token, form.password.data)
        except services.AccountError as exc:
            show_on_form(form, exc, "password")
        else:
            db.session.commit()
            return render_template("accounts/signup_confirmed.html", school=user.school)
    return render_template("accounts/confirm_signup.html", form=form, user=user, signup=signup_request)

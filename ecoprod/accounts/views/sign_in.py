"""Signing in and out (throttled per account and per address), and the one-time links: password
reset and invitation."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from ecoprod.accounts import services
from ecoprod.accounts.forms import (
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
)
from ecoprod.accounts.models import TokenPurpose, User
from ecoprod.accounts.views.blueprint import bp
from ecoprod.extensions import db, limiter
from ecoprod.i18n import SESSION_KEY
from ecoprod.i18n import gettext as _
from ecoprod.identifiers import normalise_email
from ecoprod.tenancy import set_scope
from ecoprod.web.feedback import show_on_form
from ecoprod.web.forms import ActionForm

# --- Signing in ------------------------------------------------------------------------


def _login_failed(response: Response) -> bool:
    return bool(g.get("login_failed"))


def _account_key() -> str:
    """The posted address in the one spelling that sign-in, reset and sign-up look up, so
    that no other spelling of it (a NUL, spaces, case, a trailing dot…) gets its own count."""
    return "account:" + normalise_email(request.form.get("email", ""))


def _login_limit() -> str:
    return current_app.config["LOGIN_FAILURE_LIMIT"]


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site (no scheme, no host) may follow a sign-in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _start_session(user: User, remember: bool = False) -> None:
    lang = session.get(SESSION_KEY)
    session.clear()
    if lang:
        session[SESSION_KEY] = lang
    login_user(user, remember=remember)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _login_limit, key_func=get_remote_address, methods=["POST"], deduct_when=_login_failed, scope="login-ip"
)
@limiter.limit(
    _login_limit, key_func=_account_key, methods=["POST"], deduct_when=_login_failed, scope="login-account"
)
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            set_scope(db.session, user.school_id)
            services.record_login(user)
            db.session.commit()
            _start_session(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")) or url_for("web.home"))
        g.login_failed = True
        services.record_failed_login(form.email.data)
        db.session.commit()
        form.password.errors.append(_("Wrong e-mail address or password, or the account is not active."))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    form = ActionForm()
    if form.validate_on_submit():
        services.end_sessions(current_user)
        services.record_logout(current_user)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.login"))


def _token_user(raw: str, purpose: TokenPurpose) -> User | None:
    token = services.peek_token(raw, purpose)
    if token is None:
        return None  # type: ignore[return-value]
    user = services.token_user(token)
    # The link acts for its user's school, and only for it.
    set_scope(db.session, user.school_id)
    return user


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"], scope="forgot-password")
@limiter.limit("5 per hour", key_func=_account_key, methods=["POST"], scope="forgot-password-account")
def forgot_password() -> Any:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(form.email.data)
        if user is not None:
            set_scope(db.session, user.school_id)
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash(
            _("If an active account uses this address, a link to choose a new password has been sent to it."),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Any:
    user = _token_user(token, TokenPurpose.PASSWORD_RESET)
    if user is None:
        return render_template("accounts/link_invalid.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except services.AccountError as exc:
            show_on_form(form, exc, "password")
        else:
            db.session.commit()
            flash(_("Your password has been changed. Sign in with it."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, user=user)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> Any:
    user = _token_user(token, TokenPurpose.INVITATION)
    if user is None:
        return render_template("accounts/link_invalid.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(token, form.password.data)
        except services.AccountError as exc:
            show_on_form(form, exc, "password")
        else:
            services.record_login(user)
            db.session.commit()
            _start_session(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("web.home"))
    return render_template("accounts/accept_invitation.html", form=form, user=user)

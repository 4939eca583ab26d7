"""Signing in and out, invitations, password reset, sign-up, profile, and staff users."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
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
from wtforms import SelectChoice

from ecoprod.accounts import services
from ecoprod.accounts.forms import (
    ApproveSignupForm,
    ChangePasswordForm,
    EditUserForm,
    ForgotPasswordForm,
    InviteStaffForm,
    LoginForm,
    NewPasswordForm,
    ProfileForm,
    SignupForm,
)
from ecoprod.accounts.models import Role, SignupRequest, SignupStatus, TokenPurpose, User, UserStatus
from ecoprod.accounts.permissions import admin_required
from ecoprod.customers.models import Customer
from ecoprod.extensions import db, limiter
from ecoprod.forms import options
from ecoprod.i18n import SESSION_KEY
from ecoprod.i18n import gettext as _
from ecoprod.identifiers import normalise_email
from ecoprod.schools.models import School
from ecoprod.tenancy import set_scope
from ecoprod.web.feedback import flash_refusal, show_on_form
from ecoprod.web.forms import ActionForm, SearchForm
from ecoprod.web.listing import apply_search, paginate
from ecoprod.workshops.models import Workshop
from ecoprod.workshops.services import workshop_options

bp = Blueprint("accounts", __name__)


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
        form.password.errors.append(_("Wrong e-mail address or password, or the account is not active."))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    form = ActionForm()
    if form.validate_on_submit():
        services.end_sessions(current_user)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.login"))


# --- One-time links ----------------------------------------------------------------------


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


# --- Own account ---------------------------------------------------------------------------


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


# --- Staff and customer users (administrators) ---------------------------------------------

USER_TABS = ("active", "invited", "pending", "archived")


def _school_user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.get("/admin/users")
@admin_required
def users() -> str:
    status = request.args.get("status", "active")
    if status not in USER_TABS:
        status = "active"
    search = SearchForm(request.args)
    stmt = (
        sa.select(User)
        .where(User.status == UserStatus(status))
        .options(sa.orm.selectinload(User.workshops), sa.orm.joinedload(User.customer))
        .order_by(User.full_name)
    )
    if status == "pending":  # a sign-up nobody confirmed is nobody's business yet
        stmt = stmt.where(
            ~sa.exists().where(SignupRequest.user_id == User.id, SignupRequest.confirmed_at.is_(None))
        )
    stmt = apply_search(stmt, search.q.data, User.full_name, User.email)
    page = paginate(stmt)
    signups = []
    if status == "pending":
        signups = list(
            db.session.scalars(
                sa.select(SignupRequest)
                .where(SignupRequest.status == SignupStatus.PENDING, SignupRequest.confirmed_at.is_not(None))
                .options(sa.orm.joinedload(SignupRequest.user))
                .order_by(SignupRequest.created_at)
            )
        )
    customers = (
        db.session.scalars(
            sa.select(Customer).where(Customer.archived_at.is_(None)).order_by(Customer.name)
        ).all()
        if signups
        else []
    )
    approve_forms, matches = {}, {}
    for request_ in signups:
        form = ApproveSignupForm(prefix=f"s{request_.id}")
        form.customer_id.choices = [
            SelectChoice(0, _("New company: %(name)s", name=request_.company_name)),
            *options((c.id, c.name) for c in customers),
        ]
        # Never preselected: a SIRET is public, so a match proves nothing about the person.
        form.customer_id.data = 0
        approve_forms[request_.id] = form
        matches[request_.id] = services.matching_customer(request_)
    return render_template(
        "accounts/users.html",
        page=page,
        status=status,
        tabs=USER_TABS,
        search=search,
        signups=signups,
        approve_forms=approve_forms,
        matches=matches,
        action_form=ActionForm(),
    )


@bp.route("/admin/users/invite", methods=["GET", "POST"])
@admin_required
def invite() -> Any:
    form = InviteStaffForm()
    form.workshops.choices = workshop_options()
    if form.validate_on_submit():
        workshops = list(_selected_workshops(form.workshops.data))
        try:
            services.invite_user(
                g.school,
                email=form.email.data,
                full_name=form.full_name.data,
                role=Role(form.role.data),
                invited_by=current_user,
                workshops=workshops,
            )
        except services.AccountError as exc:
            show_on_form(form, exc, "email")
        else:
            db.session.commit()
            flash(_("The invitation has been sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("accounts.users", status="invited"))
    return render_template("accounts/invite.html", form=form)


def _selected_workshops(ids: list[int] | None) -> list[Workshop]:
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Workshop).where(Workshop.id.in_(ids))))


@bp.route("/admin/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int) -> Any:
    user = _school_user_or_404(user_id)
    form = EditUserForm(obj=user)
    form.workshops.choices = workshop_options()
    if request.method == "GET":
        form.workshops.data = [w.id for w in user.workshops]
    if form.validate_on_submit():
        user.full_name = form.full_name.data
        user.phone = form.phone.data
        if user.is_master:
            user.workshops = _selected_workshops(form.workshops.data)
        db.session.commit()
        flash(_("The user has been saved."), "success")
        return redirect(url_for("accounts.users", status=user.status.value))
    return render_template("accounts/edit_user.html", form=form, user=user, action_form=ActionForm())


@bp.post("/admin/users/<int:user_id>/archive")
@admin_required
def archive_user(user_id: int) -> Response:
    user = _school_user_or_404(user_id)
    if ActionForm().validate_on_submit():
        try:
            services.archive_user(user, current_user)
        except services.AccountError as exc:
            flash_refusal(exc)
        else:
            db.session.commit()
            flash(_("%(name)s can no longer sign in.", name=user.full_name), "success")
    return redirect(url_for("accounts.users", status="archived"))


@bp.post("/admin/users/<int:user_id>/restore")
@admin_required
def restore_user(user_id: int) -> Response:
    user = _school_user_or_404(user_id)
    if ActionForm().validate_on_submit():
        try:
            services.restore_user(user)
        except services.AccountError as exc:
            flash_refusal(exc)
        else:
            db.session.commit()
            flash(_("%(name)s has been restored.", name=user.full_name), "success")
    return redirect(url_for("accounts.users", status=user.status.value))


@bp.post("/admin/users/<int:user_id>/reinvite")
@admin_required
def resend_invitation(user_id: int) -> Response:
    user = _school_user_or_404(user_id)
    if ActionForm().validate_on_submit():
        try:
            services.send_invitation(user, current_user)
        except services.AccountError as exc:
            flash_refusal(exc)
        else:
            db.session.commit()
            flash(_("A new invitation has been sent to %(email)s.", email=user.email), "success")
    return redirect(url_for("accounts.users", status="invited"))


def _signup_or_404(signup_id: int) -> SignupRequest:
    return db.get_or_404(SignupRequest, signup_id)


@bp.post("/admin/signups/<int:signup_id>/approve")
@admin_required
def approve_signup(signup_id: int) -> Response:
    signup_request = _signup_or_404(signup_id)
    form = ApproveSignupForm(prefix=f"s{signup_request.id}")
    customers = db.session.scalars(sa.select(Customer).where(Customer.archived_at.is_(None)))
    form.customer_id.choices = [SelectChoice(0, ""), *options((c.id, c.name) for c in customers)]
    if form.validate_on_submit():
        customer = db.session.get(Customer, form.customer_id.data) if form.customer_id.data else None
        try:
            services.approve_signup(signup_request, current_user, customer)
        except services.AccountError as exc:
            flash_refusal(exc)
        else:
            db.session.commit()
            flash(_("%(name)s can now sign in.", name=signup_request.user.full_name), "success")
    return redirect(url_for("accounts.users", status="pending"))


@bp.post("/admin/signups/<int:signup_id>/reject")
@admin_required
def reject_signup(signup_id: int) -> Response:
    signup_request = _signup_or_404(signup_id)
    if ActionForm().validate_on_submit():
        try:
            services.reject_signup(signup_request, current_user)
        except services.AccountError as exc:
            flash_refusal(exc)
        else:
            db.session.commit()
            flash(_("The sign-up has been refused."), "success")
    return redirect(url_for("accounts.users", status="pending"))

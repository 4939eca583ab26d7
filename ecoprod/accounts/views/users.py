"""Staff and customer users (administrators): lists, invitations, editing, archiving, and the
sign-ups to decide."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import (
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from ecoprod import audit
from ecoprod.accounts import access, services
from ecoprod.accounts.forms import (
    ApproveSignupForm,
    EditUserForm,
    InviteStaffForm,
)
from ecoprod.accounts.models import Role, SignupRequest, SignupStatus, User, UserStatus
from ecoprod.accounts.permissions import admin_required
from ecoprod.accounts.views.blueprint import bp
from ecoprod.customers.models import Customer
from ecoprod.extensions import db
from ecoprod.forms import options
from ecoprod.i18n import gettext as _
from ecoprod.params import choice_arg
from ecoprod.web.feedback import flash_refusal, show_on_form
from ecoprod.web.forms import ActionForm, SearchForm
from ecoprod.web.keyset import asc, keyset
from ecoprod.web.listing import apply_search
from ecoprod.workshops.models import Workshop
from ecoprod.workshops.services import workshop_options

# --- Signing in ------------------------------------------------------------------------


USER_TABS = ("active", "invited", "pending", "archived")


def _school_user_or_404(user_id: int) -> User:
    return access.load_user_or_404(user_id, current_user)


@bp.get("/admin/users")
@admin_required
def users() -> str:
    status = choice_arg("status", USER_TABS, "active")
    search = SearchForm(request.args)
    stmt = (
        sa.select(User)
        .where(User.status == UserStatus(status))
        .options(sa.orm.selectinload(User.workshops), sa.orm.joinedload(User.customer))
    )
    if status == "pending":  # a sign-up nobody confirmed is nobody's business yet
        stmt = stmt.where(
            ~sa.exists().where(SignupRequest.user_id == User.id, SignupRequest.confirmed_at.is_(None))
        )
    stmt = apply_search(stmt, search.q.data, User.full_name, User.email)
    page = keyset(stmt, asc(User.full_name), asc(User.id))
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
        audit.record("user.updated", user, school_level=True)
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
    return access.load_signup_or_404(signup_id, current_user)


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

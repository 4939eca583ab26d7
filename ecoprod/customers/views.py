"""Customer companies, their contacts and their users (administrators)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ecoprod.accounts import services as accounts
from ecoprod.accounts.models import Role
from ecoprod.accounts.permissions import admin_required
from ecoprod.customers import access, services
from ecoprod.customers.forms import ContactForm, CustomerForm, InviteCustomerUserForm
from ecoprod.customers.models import Customer
from ecoprod.extensions import db
from ecoprod.i18n import gettext as _
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.panels import panels_for
from ecoprod.web import listexport
from ecoprod.web.feedback import show_on_form
from ecoprod.web.forms import ActionForm, SearchForm
from ecoprod.web.keyset import asc, keyset
from ecoprod.web.listing import apply_search, show_archived

bp = Blueprint("customers", __name__, url_prefix="/admin/customers")

EXPORTED = (
    listexport.Column(_l("Name"), lambda c: c.name),
    listexport.Column(_l("Customer type"), lambda c: c.customer_type.label),
    listexport.Column(_l("SIRET"), lambda c: c.siret),
    listexport.Column(_l("SIREN"), lambda c: c.siren),
    listexport.Column(_l("VAT number"), lambda c: c.vat_number),
    listexport.Column(_l("E-mail"), lambda c: c.email),
    listexport.Column(_l("Phone"), lambda c: c.phone),
    listexport.Column(_l("Address"), lambda c: c.billing_address.line1),
    listexport.Column(_l("Postal code"), lambda c: c.billing_address.postal_code),
    listexport.Column(_l("City"), lambda c: c.billing_address.city),
    listexport.Column(_l("Country"), lambda c: c.billing_address.country),
    listexport.Column(_l("Payment terms"), lambda c: c.payment_terms.label),
)


@bp.get("/")
@admin_required
def index() -> str | Response:
    search = SearchForm(request.args)
    archived = show_archived()
    stmt = access.visible_customers(current_user)
    stmt = stmt.where(Customer.archived_at.is_not(None) if archived else Customer.archived_at.is_(None))
    stmt = apply_search(stmt, search.q.data, Customer.name, Customer.siren, Customer.email)
    keys = (asc(Customer.name), asc(Customer.id))
    if fmt := listexport.requested():
        return listexport.respond(listexport.rows_of(stmt, keys), EXPORTED, fmt, "clients")
    page = keyset(stmt, *keys)
    return render_template("customers/index.html", page=page, search=search, archived=archived)


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new() -> Any:
    form = CustomerForm()
    if form.validate_on_submit():
        customer = services.create_customer(g.school.id, form.to_input())
        db.session.commit()
        flash(_("%(name)s has been created.", name=customer.name), "success")
        return redirect(url_for("customers.detail", customer_id=customer.id))
    return render_template("customers/form.html", form=form, customer=None)


def _render_detail(customer: Customer, invite_form: InviteCustomerUserForm) -> str:
    return render_template(
        "customers/detail.html",
        customer=customer,
        panels=panels_for("customer", customer, current_user),
        invite_form=invite_form,
        action_form=ActionForm(),
    )


@bp.get("/<int:customer_id>")
@admin_required
def detail(customer_id: int) -> str:
    return _render_detail(access.load_customer_or_404(customer_id, current_user), InviteCustomerUserForm())


@bp.route("/<int:customer_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(customer_id: int) -> Any:
    customer = access.load_customer_or_404(customer_id, current_user)
    form = CustomerForm(obj=customer)
    if not form.is_submitted():
        form.siret.data = customer.siret or customer.siren
        form.billing_address.form.load(customer.billing_address)
        form.delivery_address.form.load(customer.delivery_address)
        form.payment_terms.data = customer.payment_terms.value
        form.customer_type.data = customer.customer_type.value
    if form.validate_on_submit():
        services.update_customer(customer, form.to_input())
        db.session.commit()
        flash(_("%(name)s has been saved.", name=customer.name), "success")
        return redirect(url_for("customers.detail", customer_id=customer.id))
    return render_template("customers/form.html", form=form, customer=customer)


@bp.post("/<int:customer_id>/archive")
@admin_required
def archive(customer_id: int) -> Response:
    customer = access.load_customer_or_404(customer_id, current_user)
    if ActionForm().validate_on_submit():
        services.archive_customer(customer)
        db.session.commit()
        flash(_("%(name)s has been archived.", name=customer.name), "success")
    return redirect(url_for("customers.detail", customer_id=customer.id))


@bp.post("/<int:customer_id>/restore")
@admin_required
def restore(customer_id: int) -> Response:
    customer = access.load_customer_or_404(customer_id, current_user)
    if ActionForm().validate_on_submit():
        services.restore_customer(customer)
        db.session.commit()
        flash(_("%(name)s has been restored.", name=customer.name), "success")
    return redirect(url_for("customers.detail", customer_id=customer.id))


@bp.route("/<int:customer_id>/contacts/new", methods=["GET", "POST"])
@admin_required
def new_contact(customer_id: int) -> Any:
    customer = access.load_customer_or_404(customer_id, current_user)
    form = ContactForm()
    if form.validate_on_submit():
        services.save_contact(customer, None, form.to_input())
        db.session.commit()
        flash(_("The contact has been added."), "success")
        return redirect(url_for("customers.detail", customer_id=customer.id))
    return render_template("customers/contact_form.html", form=form, customer=customer, contact=None)


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_contact(contact_id: int) -> Any:
    contact = access.load_contact_or_404(contact_id, current_user)
    form = ContactForm(obj=contact)
    if form.validate_on_submit():
        services.save_contact(contact.customer, contact, form.to_input())
        db.session.commit()
        flash(_("The contact has been saved."), "success")
        return redirect(url_for("customers.detail", customer_id=contact.customer_id))
    return render_template(
        "customers/contact_form.html", form=form, customer=contact.customer, contact=contact
    )


@bp.post("/contacts/<int:contact_id>/delete")
@admin_required
def delete_contact(contact_id: int) -> Response:
    contact = access.load_contact_or_404(contact_id, current_user)
    customer_id = contact.customer_id
    if ActionForm().validate_on_submit():
        services.delete_contact(contact)
        db.session.commit()
        flash(_("The contact has been deleted."), "success")
    return redirect(url_for("customers.detail", customer_id=customer_id))


@bp.post("/<int:customer_id>/users")
@admin_required
def invite_user(customer_id: int) -> Any:
    customer = access.load_customer_or_404(customer_id, current_user)
    form = InviteCustomerUserForm()
    if form.validate_on_submit():
        try:
            accounts.invite_user(
                g.school,
                email=form.email.data,
                full_name=form.full_name.data,
                role=Role.CUSTOMER,
                invited_by=current_user,
                customer=customer,
            )
        except accounts.AccountError as exc:
            show_on_form(form, exc, "email")
        else:
            db.session.commit()
            flash(_("The invitation has been sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("customers.detail", customer_id=customer.id))
    return _render_detail(customer, form), 400

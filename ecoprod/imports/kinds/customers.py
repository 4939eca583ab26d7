"""Customer companies with their billing address and their main contact, one per row,
checked by the customer page's own forms; matched by SIRET, else SIREN, else billing
e-mail, else name."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from stdnum.fr import siret as stdnum_siret

from ecoprod.customers import services as customers
from ecoprod.customers.forms import ContactForm, CustomerForm
from ecoprod.customers.models import CUSTOMER_TYPE_LABELS, PAYMENT_TERMS_LABELS, Contact, Customer
from ecoprod.extensions import db
from ecoprod.forms import COUNTRIES
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.identifiers import normalise_email
from ecoprod.imports.kinds.base import CHOICE, Checked, Column, FormPool, Kind, choice_map, form_errors, norm

CONTACT_FIELDS = ("contact-name", "contact-job_title", "contact-email", "contact-phone")


@dataclass
class Existing:
    by_key: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    records: dict[int, Customer] = field(default_factory=dict)

    def add(self, key: tuple[str, str] | None, customer_id: int) -> None:
        if key is not None:
            self.by_key.setdefault(key, []).append(customer_id)

    def matching(self, key: tuple[str, str] | None) -> list[int]:
        """The customers a row's identity names. A SIRET also finds the company known by its
        SIREN alone (not another establishment of it, which has a SIRET of its own)."""
        if key is None:
            return []
        found = self.by_key.get(key, [])
        if not found and key[0] == "siret":
            found = [cid for cid in self.by_key.get(("siren", key[1][:9]), []) if not self.records[cid].siret]
        return found


def _keys(customer: Customer) -> list[tuple[str, str]]:
    keys = [("name", norm(customer.name))]
    if customer.siret:
        keys.append(("siret", customer.siret))
    if customer.siren:
        keys.append(("siren", customer.siren))
    if customer.email:
        keys.append(("email", normalise_email(customer.email)))
    return keys


def _identity(values: dict[str, str]) -> tuple[str, str] | None:
    """The row's identity, from its cells as typed (before the form cleans them)."""
    digits = stdnum_siret.compact(values.get("siret") or "")
    if len(digits) == 14:
        return ("siret", digits)
    if len(digits) == 9:
        return ("siren", digits)
    if values.get("email"):
        return ("email", normalise_email(values["email"]))
    if values.get("name"):
        return ("name", norm(values["name"]))
    return None


def _current(customer: Customer) -> dict[str, str]:
    """The record as the form would show it: what the file leaves out stays as it is."""
    values = {
        "name": customer.name,
        "customer_type": customer.customer_type.value,
        "service_code": customer.service_code,
        "legal_form": customer.legal_form,
        "siret": customer.siret or customer.siren,
        "vat_number": customer.vat_number,
        "email": customer.email,
        "phone": customer.phone,
        "payment_terms": customer.payment_terms.value,
        "language": customer.language,
        "notes": customer.notes,
    }
    for prefix, address in (
        ("billing_address", customer.billing_address),
        ("delivery_address", customer.delivery_address),
    ):
        for part in ("line1", "line2", "postal_code", "city", "country"):
            values[f"{prefix}-{part}"] = getattr(address, part) if address else None
    return {name: value for name, value in values.items() if value}


class Customers(Kind):
    name = "customers"
    title = _l("Customers")
    key_labels = {"siret": _l("SIRET"), "siren": _l("SIREN"), "email": _l("e-mail"), "name": _l("name")}
    key_fields = {"siret": "siret", "siren": "siret", "email": "email", "name": "name"}
    columns = (
        Column("name", _l("Company name"), "Menuiserie Dupont", required=True),
        Column(
            "customer_type", _l("Kind of customer"), "Entreprise française", type=CHOICE,
            choices=lambda: choice_map(CUSTOMER_TYPE_LABELS),
        ),
        Column("legal_form", _l("Legal form"), "SARL"),
        Column("siret", _l("SIRET or SIREN"), "73282932000074"),
        Column("vat_number", _l("VAT number"), "FR44732829320"),
        Column("email", _l("Billing e-mail"), "compta@menuiserie-dupont.fr"),
        Column("phone", _l("Phone"), "04 78 00 00 00"),
        Column("billing_address-line1", _l("Address"), "12 rue des Artisans", required=True),
        Column("billing_address-line2", _l("Address (continued)"), ""),
        Column("billing_address-postal_code", _l("Postal code"), "69007", required=True),
        Column("billing_address-city", _l("City"), "Lyon", required=True),
        Column(
            "billing_address-country", _l("Country"), "FR", type=CHOICE,
            choices=lambda: choice_map(dict(COUNTRIES)),
        ),
        Column(
            "payment_terms", _l("Payment terms"), "30 jours", type=CHOICE,
            choices=lambda: choice_map(PAYMENT_TERMS_LABELS),
        ),
        Column("service_code", _l("Service code"), ""),
        Column("contact-name", _l("Contact: name"), "Claire Dupont"),
        Column("contact-job_title", _l("Contact: job title"), "Gérante"),
        Column("contact-email", _l("Contact: e-mail"), "claire@menuiserie-dupont.fr"),
        Column("contact-phone", _l("Contact: phone"), "06 00 00 00 00"),
    )  # fmt: skip

    def load(self, school_id: int) -> Existing:
        existing = Existing()
        rows = db.session.scalars(
            sa.select(Customer)
            .where(Customer.school_id == school_id)
            .options(selectinload(Customer.contacts))
        )
        for customer in rows:
            existing.records[customer.id] = customer
            for key in _keys(customer):
                existing.add(key, customer.id)
        return existing

    def check(self, row: Checked, existing: Existing, forms: FormPool) -> None:
        row.key = _identity(row.values)
        matches = existing.matching(row.key)
        if len(matches) > 1:
            label = self.key_labels[row.key[0]] if row.key else ""
            row.refuse("siret", _l("Several customers already have this %(key)s: give the SIRET.", key=label))
            return
        values = dict(row.values)
        if matches:
            row.match_id = matches[0]
            values = {**_current(existing.records[row.match_id]), **values}  # empty cells change nothing
        values.setdefault("billing_address-country", "FR")
        values.setdefault("payment_terms", "net_30")
        values.setdefault("customer_type", "business")
        values.setdefault("language", "fr")
        form = forms.filled(CustomerForm, values)
        form.validate()
        row.errors.update(form_errors(form))
        contact = None
        if any(values.get(name) for name in CONTACT_FIELDS):
            contact = forms.filled(ContactForm, values, prefix="contact")
            contact.validate()
            row.errors.update(form_errors(contact, "contact-"))
        if not row.errors:
            row.payload = (form.to_input(), contact.to_input() if contact else None)

    def save(self, school_id: int, row: Checked, existing: Existing) -> bool:
        data, contact_data = row.payload
        if row.match_id is None:
            customer = Customer(school_id=school_id, contacts=[])
            db.session.add(customer)
        else:
            customer = existing.records[row.match_id]
        customers.update_customer(customer, data)
        changed = row.match_id is None or db.session.is_modified(customer)
        if contact_data is not None:
            changed = _save_contact(customer, contact_data) or changed
        return changed


def _save_contact(customer: Customer, data: Any) -> bool:
    """The row's contact, found among the customer's by e-mail or name, or added."""
    wanted_email = normalise_email(data.email) if data.email else None
    for contact in customer.contacts:
        if (wanted_email and contact.email and normalise_email(contact.email) == wanted_email) or norm(
            contact.name
        ) == norm(data.name):
            for name in ("name", "job_title", "email", "phone"):
                setattr(contact, name, getattr(data, name))
            return db.session.is_modified(contact)
    others_primary = any(contact.is_primary for contact in customer.contacts)
    customer.contacts.append(
        Contact(
            school_id=customer.school_id,
            name=data.name,
            job_title=data.job_title,
            email=data.email,
            phone=data.phone,
            is_primary=not others_primary,
        )
    )
    return True

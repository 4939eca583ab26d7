"""Administrators run the school's reference data: create, edit, archive, search, paginate."""

import html
import re
from decimal import Decimal

import sqlalchemy as sa

from ecoprod.customers.models import Contact, Customer, CustomerType
from ecoprod.extensions import db
from ecoprod.schools.models import VatRate, VatRegime
from ecoprod.students.models import Student
from ecoprod.workshops.models import Machine, Workshop
from tests.conftest import login_as, post
from tests.system.access.scene import PNG_BYTES


def admin(client, world):
    return login_as(client, world.admin)


CUSTOMER_FORM = {
    "name": "Forges de Gerland",
    "legal_form": "SAS",
    "siret": "",
    "vat_number": "",
    "email": "compta@forges.example.com",
    "phone": "",
    "billing_address-line1": "8 rue de Gerland",
    "billing_address-line2": "",
    "billing_address-postal_code": "69007",
    "billing_address-city": "Lyon",
    "billing_address-country": "FR",
    "delivery_address-line1": "",
    "delivery_address-line2": "",
    "delivery_address-postal_code": "",
    "delivery_address-city": "",
    "delivery_address-country": "FR",
    "payment_terms": "net_45_eom",
    "language": "fr",
    "notes": "",
}


def test_create_edit_and_archive_a_customer(world, client):
    admin(client, world)
    response = post(
        client,
        "/admin/customers/new",
        {**CUSTOMER_FORM, "siret": "732 829 320 00074", "vat_number": "FR 44 732829320"},
    )
    assert response.status_code == 302
    customer = db.session.scalars(sa.select(Customer).where(Customer.name == "Forges de Gerland")).one()
    assert customer.siret == "73282932000074"
    assert customer.siren == "732829320"
    assert customer.vat_number == "FR44732829320"
    assert customer.school_id == world.school.id
    assert customer.effective_delivery_address.city == "Lyon"
    post(
        client,
        f"/admin/customers/{customer.id}/edit",
        {**CUSTOMER_FORM, "name": "Forges de Gerland SAS", "siret": "732829320"},
    )
    db.session.refresh(customer)
    assert customer.name == "Forges de Gerland SAS"
    assert customer.siret is None
    assert customer.siren == "732829320"
    post(client, f"/admin/customers/{customer.id}/archive", follow_redirects=True)
    db.session.refresh(customer)
    assert customer.is_archived
    assert "Forges de Gerland" not in client.get("/admin/customers/").get_data(as_text=True)
    assert "Forges de Gerland" in client.get("/admin/customers/?archived=1").get_data(as_text=True)


def test_a_public_body_keeps_its_service_code_and_a_business_none(world, client):
    admin(client, world)
    fields = {**CUSTOMER_FORM, "customer_type": "public", "service_code": "SERV-ACHATS-01"}
    assert post(client, "/admin/customers/new", fields).status_code == 302
    customer = db.session.scalars(sa.select(Customer).where(Customer.name == "Forges de Gerland")).one()
    assert customer.customer_type is CustomerType.PUBLIC and customer.service_code == "SERV-ACHATS-01"
    edit = client.get(f"/admin/customers/{customer.id}/edit").get_data(as_text=True)
    assert '<option selected value="public">' in edit
    post(client, f"/admin/customers/{customer.id}/edit", {**fields, "customer_type": "business"})
    db.session.refresh(customer)
    assert customer.customer_type is CustomerType.BUSINESS and customer.service_code is None
    response = post(client, f"/admin/customers/{customer.id}/edit", {**fields, "customer_type": "martian"})
    assert 'id="customer_type-error"' in response.get_data(as_text=True)


def test_invalid_identifiers_are_refused_beside_the_field(world, client):
    admin(client, world)
    response = post(
        client, "/admin/customers/new", {**CUSTOMER_FORM, "siret": "12345678901234", "vat_number": "FR00123"}
    )
    html = response.get_data(as_text=True)
    assert 'id="siret-error"' in html
    assert "Ce numéro SIRET n’est pas valide" in html
    assert 'id="vat_number-error"' in html
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Customer).where(Customer.name == "Forges de Gerland")
        )
        == 0
    )


def test_contacts_have_one_main_contact(world, client):
    admin(client, world)
    form = {
        "name": "Anne Achat",
        "job_title": "Acheteuse",
        "email": "anne@z.example.com",
        "phone": "",
        "is_primary": "y",
    }
    post(client, f"/admin/customers/{world.company.id}/contacts/new", form)
    post(
        client,
        f"/admin/customers/{world.company.id}/contacts/new",
        {**form, "name": "Bruno Achat", "email": "bruno@z.example.com"},
    )
    contacts = db.session.scalars(
        sa.select(Contact).where(Contact.customer_id == world.company.id).order_by(Contact.name)
    ).all()
    assert [(c.name, c.is_primary) for c in contacts] == [("Anne Achat", False), ("Bruno Achat", True)]


def test_customer_search_and_pagination(world, client, factory):
    for i in range(30):
        factory.customer(world.school, name=f"Atelier Martin {i:02d}")
    admin(client, world)
    first = client.get("/admin/customers/?q=martin").get_data(as_text=True)
    assert "Atelier Martin 00" in first
    assert "Mécanique Zéphyr" not in first
    assert "Page 1 sur 2" in first
    second = client.get(_link(first, "next")).get_data(as_text=True)
    assert "Atelier Martin 29" in second
    assert "Atelier Martin 00" not in second
    assert "Page 2 sur 2" in second and 'rel="next"' not in second
    back = client.get(_link(second, "prev")).get_data(as_text=True)
    assert "Atelier Martin 00" in back and "Atelier Martin 29" not in back


def _link(page: str, rel: str) -> str:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}"', page)
    assert found, f"no {rel} link"
    return html.unescape(found.group(1))


def test_workshop_with_masters_rate_and_regulated_machine(world, client):
    admin(client, world)
    response = post(
        client,
        "/admin/workshops/new",
        {
            "name": "Soudure",
            "trade": "metallerie",
            "hourly_rate": "52,50",
            "description": "",
            "masters": [str(world.master.id)],
        },
    )
    assert response.status_code == 302
    workshop = db.session.scalars(sa.select(Workshop).where(Workshop.name == "Soudure")).one()
    assert str(workshop.hourly_rate) == "52.50"
    assert [m.full_name for m in workshop.masters] == ["Marc Usineur"]
    post(
        client,
        f"/admin/workshops/{workshop.id}/machines/new",
        {"name": "Poste TIG", "description": "", "regulated": "y"},
    )
    machine = db.session.scalars(sa.select(Machine).where(Machine.name == "Poste TIG")).one()
    assert machine.regulated
    page = client.get(f"/admin/workshops/{workshop.id}").get_data(as_text=True)
    assert "Réglementée" in page
    assert "52,50\xa0€" in page


def test_negative_rate_is_refused(world, client):
    admin(client, world)
    response = post(
        client, "/admin/workshops/new", {"name": "X", "trade": "bois", "hourly_rate": "-4", "description": ""}
    )
    assert 'id="hourly_rate-error"' in response.get_data(as_text=True)
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Workshop).where(Workshop.name == "X")) == 0
    )


def test_students_are_created_filtered_and_archived(world, client):
    admin(client, world)
    response = post(
        client,
        "/admin/students/new",
        {
            "first_name": "Jade",
            "last_name": "Rousseau",
            "birth_date": "2010-05-02",
            "trade": "usinage",
            "training_year": "2",
            "workshop_id": str(world.machining.id),
        },
    )
    assert response.status_code == 302
    student = db.session.scalars(sa.select(Student).where(Student.last_name == "Rousseau")).one()
    page = client.get(f"/admin/students/?workshop={world.machining.id}&q=rous").get_data(as_text=True)
    assert "Rousseau Jade" in page
    assert "Mineur" in page
    post(client, f"/admin/students/{student.id}/archive")
    db.session.refresh(student)
    assert student.is_archived


def test_implausible_birth_date_is_refused(world, client):
    admin(client, world)
    response = post(
        client,
        "/admin/students/new",
        {
            "first_name": "Jade",
            "last_name": "Bébé",
            "birth_date": "2025-05-02",
            "trade": "usinage",
            "training_year": "1",
            "workshop_id": "0",
        },
    )
    assert 'id="birth_date-error"' in response.get_data(as_text=True)


def test_school_settings_with_vat_regime_and_logo(world, client):
    admin(client, world)
    school = world.school
    form = {
        "name": "École Alpha",
        "legal_form": "Association loi 1901",
        "siret": school.siret,
        "vat_number": "",
        "rna": "W691234567",
        "email": "",
        "phone": "",
        "address-line1": "1 rue de l'Atelier",
        "address-line2": "",
        "address-postal_code": "69001",
        "address-city": "Lyon",
        "address-country": "FR",
        "iban": "FR76 3000 6000 0112 3456 7890 189",
        "bic": "AGRIFRPP",
        "vat_regime": "franchise",
        "vat_exemption_text": "",
        "quote_prefix": "DEV",
        "delivery_prefix": "BL",
        "invoice_prefix": "FA",
        "credit_note_prefix": "AV",
        "request_prefix": "DDE",
    }
    import io

    response = post(client, "/admin/school", {**form, "logo": (io.BytesIO(PNG_BYTES), "logo.png")})
    assert response.status_code == 302
    db.session.refresh(school)
    assert school.vat_regime is VatRegime.FRANCHISE
    assert school.vat_mention == "TVA non applicable, art. 293 B du CGI"
    assert school.iban == "FR7630006000011234567890189"
    assert school.logo_content_type == "image/png"
    with client.get("/school/logo") as logo:
        assert logo.data == PNG_BYTES
    # an exempt school must give its legal text; a PDF is not a logo
    response = post(
        client,
        "/admin/school",
        {**form, "vat_regime": "exempt", "logo": (io.BytesIO(b"%PDF-1.4"), "logo.pdf")},
    )
    html = response.get_data(as_text=True)
    assert 'id="vat_exemption_text-error"' in html
    assert 'id="logo-error"' in html
    db.session.refresh(school)
    assert school.vat_regime is VatRegime.FRANCHISE


def test_school_invoicing_settings_and_vat_accounts(world, client):
    admin(client, world)
    school = world.school
    page = client.get("/admin/school").get_data(as_text=True)
    assert 'name="late_penalty_rate" required step="any" type="text" value="12,15"' in page
    assert 'name="sales_account" required type="text" value="706000"' in page
    fields = {
        "late_penalty_rate": "13,5",
        "early_payment_terms": "Escompte de 1 % pour paiement à 8 jours",
        "vat_on_debits": "y",
        "deposit_percent": "40",
        "sales_journal": "VT",
        "customer_account_prefix": "4110",
        "sales_account": "706100",
    }
    assert post(client, "/admin/school", fields).status_code == 302
    db.session.refresh(school)
    assert school.late_penalty_rate == Decimal("13.50") and school.deposit_percent == Decimal("40")
    assert school.vat_on_debits and school.sales_account == "706100" and school.sales_journal == "VT"
    assert school.early_payment_terms.startswith("Escompte de 1 %")
    bad = post(client, "/admin/school", {**fields, "late_penalty_rate": "-1", "sales_account": "70 6"})
    html = bad.get_data(as_text=True)
    assert 'id="late_penalty_rate-error"' in html and 'id="sales_account-error"' in html
    db.session.refresh(school)
    assert school.late_penalty_rate == Decimal("13.50") and school.sales_account == "706100"
    # The VAT account of a rate, used by the sales journal.
    assert (
        post(client, "/admin/vat-rates", {"rate": "5,5", "label": "Réduit", "account": "445712"}).status_code
        == 302
    )
    rate = db.session.scalars(
        sa.select(VatRate).where(VatRate.school_id == school.id, VatRate.rate == Decimal("5.5"))
    ).one()
    assert rate.account == "445712"
    refused = post(client, "/admin/vat-rates", {"rate": "10", "account": "=SUM(A1)"})
    assert 'id="account-error"' in refused.get_data(as_text=True)


def test_operator_creates_a_school_and_invites_its_admin(world, client):
    login_as(client, world.operator)
    response = post(
        client,
        "/platform/schools/new",
        {
            "name": "École Charlie",
            "slug": "charlie",
            "legal_form": "",
            "siret": world.school.siret,
            "vat_number": "",
            "rna": "",
            "email": "",
            "phone": "",
            "address-line1": "2 rue Neuve",
            "address-line2": "",
            "address-postal_code": "75011",
            "address-city": "Paris",
            "address-country": "FR",
            "admin_name": "Chloé Charlie",
            "admin_email": "chloe@charlie.example.com",
        },
    )
    assert response.status_code == 302
    from ecoprod.accounts.services import find_user_by_email

    admin_user = find_user_by_email("chloe@charlie.example.com")
    assert admin_user.school.slug == "charlie"
    assert admin_user.is_admin

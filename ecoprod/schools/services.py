"""Named actions on schools: the operator creates them, administrators keep them up to date."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal

import sqlalchemy as sa

from ecoprod import audit
from ecoprod.accounts import services as accounts
from ecoprod.accounts.models import Role, User
from ecoprod.database import Address
from ecoprod.errors import ActionRefused
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.pdf import data_url
from ecoprod.schools.models import DEFAULT_VAT_RATES, School, VatFiling, VatRate, VatRegime
from ecoprod.storage import IMAGE_KINDS, InspectedFile, file_store
from ecoprod.tenancy import TenantMixin, scoped_to


@dataclass
class SchoolIdentityInput:
    """Who the school is, as every document prints it."""

    name: str
    address: Address
    legal_form: str | None = None
    siret: str | None = None
    vat_number: str | None = None
    rna: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass
class SchoolSettingsInput(SchoolIdentityInput):
    """Its identity, and how it quotes, numbers, invoices and keeps its accounts."""

    iban: str | None = None
    bic: str | None = None
    vat_regime: VatRegime = VatRegime.SUBJECT
    vat_exemption_text: str | None = None
    quote_prefix: str = "DEV"
    delivery_prefix: str = "BL"
    invoice_prefix: str = "FA"
    credit_note_prefix: str = "AV"
    request_prefix: str = "DDE"
    quote_validity_days: int = 30
    student_retention_years: int = 5
    quote_conditions: str | None = None
    late_penalty_rate: Decimal = Decimal("12.15")
    early_payment_terms: str | None = None
    vat_on_debits: bool = False
    vat_filing: VatFiling = VatFiling.MONTHLY
    deposit_percent: Decimal = Decimal("30")
    sales_journal: str = "VE"
    customer_account_prefix: str = "411"
    sales_account: str = "706000"


LOGO_KINDS = IMAGE_KINDS


class SchoolError(ActionRefused):
    pass


def pdf_logo(school: School) -> str | None:
    """The school's logo as a ``data:`` URL for a PDF (a PDF never fetches a URL)."""
    if not school.logo_file:
        return None
    path = file_store().path(school.id, school.logo_file)
    if not path.exists():
        return None
    return data_url(path.read_bytes(), school.logo_content_type or "image/png")


def apply_settings(school: School, data: SchoolSettingsInput) -> None:
    for item in fields(SchoolSettingsInput):
        setattr(school, item.name, getattr(data, item.name))
    if school.vat_regime is not VatRegime.EXEMPT:
        school.vat_exemption_text = None
    if school.vat_regime is VatRegime.FRANCHISE:
        school.vat_filing = VatFiling.NONE  # a franchise files no returns
    audit.record("school.settings_changed", school, school_id=school.id, school_level=True)


def set_logo(school: School, logo: InspectedFile) -> None:
    """Store the new logo; the previous one is deleted once the change is committed."""
    store = file_store()
    if school.logo_file:
        store.delete(school.id, school.logo_file, db.session)
    school.logo_file = store.save(school.id, logo.data, db.session)
    school.logo_content_type = logo.kind.content_type
    audit.record("school.logo_changed", school, school_id=school.id, school_level=True)


def add_default_vat_rates(school: School) -> None:
    """The French rates, 20 % by default (an exempt school simply never uses them)."""
    for rate, text, is_default in DEFAULT_VAT_RATES:
        db.session.add(VatRate(school_id=school.id, rate=rate, label=text, is_default=is_default))


def save_vat_rate(
    school: School, rate: Decimal, label: str | None, is_default: bool, account: str | None = None
) -> VatRate:
    """Add a rate (or bring an archived one back); one rate only is the default."""
    existing = db.session.scalars(
        sa.select(VatRate).where(VatRate.school_id == school.id, VatRate.rate == rate)
    ).first()
    vat_rate = existing or VatRate(school_id=school.id, rate=rate)
    vat_rate.label = label
    vat_rate.account = account
    vat_rate.archived_at = None
    db.session.add(vat_rate)
    if is_default:
        set_default_vat_rate(school, vat_rate)
    db.session.flush()
    return vat_rate


def set_default_vat_rate(school: School, vat_rate: VatRate) -> None:
    db.session.execute(
        sa.update(VatRate)
        .where(VatRate.school_id == school.id, VatRate.id != vat_rate.id)
        .values(is_default=False)
        .execution_options(synchronize_session="fetch")
    )
    vat_rate.is_default = True
    vat_rate.archived_at = None


def create_school(
    slug: str, data: SchoolIdentityInput, *, admin_name: str, admin_email: str, operator: User
) -> School:
    """A new tenant, with its first administrator invited by e-mail."""
    if db.session.scalars(sa.select(School.id).where(School.slug == slug)).first():
        raise SchoolError(str(_l("This short name is already used by another school.")))
    if accounts.find_user_by_email(admin_email) is not None:
        raise SchoolError(str(_l("An account already exists with this e-mail address.")))
    school = School(slug=slug)
    for item in fields(SchoolIdentityInput):
        setattr(school, item.name, getattr(data, item.name))
    db.session.add(school)
    db.session.flush()
    add_default_vat_rates(school)
    # The operator acts inside the new school for this one step, on purpose.
    with scoped_to(db.session, school.id):
        accounts.invite_user(
            school, email=admin_email, full_name=admin_name, role=Role.ADMIN, invited_by=operator
        )
        db.session.flush()
    return school


def school_of(record: TenantMixin) -> School:
    """The school a record belongs to (its tenant)."""
    return db.session.get(School, record.school_id)

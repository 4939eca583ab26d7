"""E-mails of e-invoicing: the school's administrators hear of a document the platform refused."""

from __future__ import annotations

import sqlalchemy as sa

from ecoprod.accounts.models import Role, User, UserStatus
from ecoprod.einvoicing.cdar import STATUSES
from ecoprod.einvoicing.models import LifecycleStatus, Transmission
from ecoprod.extensions import db
from ecoprod.invoicing.models import Invoice
from ecoprod.notifications.outbox import external_url, queue_email


def _admins(school_id: int) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.school_id == school_id, User.role == Role.ADMIN, User.status == UserStatus.ACTIVE)
            .execution_options(all_schools=True)
        )
    )


def notify_rejection(transmission: Transmission) -> None:
    """Each active administrator of the school, in their language, with the reason and a
    link: to the invoice, or to the e-reporting page for a report."""
    if transmission.report_id is not None:
        template, link = "ereport_rejected", external_url("einvoicing.reports")
    else:
        template, link = (
            "einvoice_rejected",
            external_url("invoicing.detail", invoice_id=transmission.invoice_id),
        )
    for admin in _admins(transmission.school_id):
        queue_email(
            admin.email,
            template,
            locale=admin.locale,
            school_id=transmission.school_id,
            transmission=transmission,
            link=link,
        )


def notify_status(invoice: Invoice, status: LifecycleStatus) -> None:
    """A dispute, a refusal or a rejection (207, 210, 213), told to the school's administrators."""
    link = external_url("invoicing.detail", invoice_id=invoice.id)
    for admin in _admins(invoice.school_id):
        queue_email(
            admin.email,
            "einvoice_status",
            locale=admin.locale,
            school_id=invoice.school_id,
            number=invoice.number,
            label=STATUSES.get(status.code, str(status.code)),
            status=status,
            link=link,
        )

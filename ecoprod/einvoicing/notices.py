"""E-mails of e-invoicing: the school's administrators hear of a document the platform refused."""

from __future__ import annotations

import sqlalchemy as sa

from ecoprod.accounts.models import Role, User, UserStatus
from ecoprod.einvoicing.models import Transmission
from ecoprod.extensions import db
from ecoprod.notifications.outbox import external_url, queue_email


def notify_rejection(transmission: Transmission) -> None:
    """Each active administrator of the school, in their language, with the reason and a link."""
    admins = db.session.scalars(
        sa.select(User)
        .where(
            User.school_id == transmission.school_id,
            User.role == Role.ADMIN,
            User.status == UserStatus.ACTIVE,
        )
        .execution_options(all_schools=True)
    )
    link = external_url("invoicing.detail", invoice_id=transmission.invoice_id)
    for admin in admins:
        queue_email(
            admin.email,
            "einvoice_rejected",
            locale=admin.locale,
            school_id=transmission.school_id,
            transmission=transmission,
            link=link,
        )

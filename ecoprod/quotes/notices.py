"""Who hears of a quote: the customer when it is sent, the staff of its trades when answered."""

from __future__ import annotations

import sqlalchemy as sa

from ecoprod.accounts.models import Role, User, UserStatus
from ecoprod.customers.models import Contact
from ecoprod.extensions import db
from ecoprod.notifications.outbox import external_url, queue_email
from ecoprod.quotes.models import Quote
from ecoprod.schools.services import school_of
from ecoprod.workshops.models import Workshop, workshop_masters


def customer_recipients(quote: Quote) -> list[tuple[str, str | None]]:
    """The request's author and the company's main contact, each once."""
    recipients: dict[str, str | None] = {}
    author = db.session.get(User, quote.order.created_by_id)
    if author and author.status is UserStatus.ACTIVE:
        recipients[author.email] = author.locale
    contact = db.session.scalars(
        sa.select(Contact).where(Contact.customer_id == quote.customer_id, Contact.is_primary.is_(True))
    ).first()
    if contact and contact.email:
        recipients.setdefault(contact.email, None)
    return [(email, locale or quote.language) for email, locale in recipients.items()]


def notify_customer(quote: Quote) -> None:
    link = external_url("quotes.detail", quote_id=quote.id)
    for email, locale in customer_recipients(quote):
        queue_email(
            email,
            "quote_sent",
            locale=locale,
            school_id=quote.school_id,
            quote=quote,
            school=school_of(quote),
            link=link,
        )


def notify_staff(quote: Quote, template: str) -> None:
    trades = {line.trade for line in quote.order.lines}
    staff = db.session.scalars(
        sa.select(User)
        .outerjoin(workshop_masters, workshop_masters.c.user_id == User.id)
        .outerjoin(Workshop, Workshop.id == workshop_masters.c.workshop_id)
        .where(
            User.school_id == quote.school_id,
            User.status == UserStatus.ACTIVE,
            sa.or_(User.role == Role.ADMIN, sa.and_(User.role == Role.MASTER, Workshop.trade.in_(trades))),
        )
        .distinct()
    )
    link = external_url("quotes.detail", quote_id=quote.id)
    for user in staff:
        queue_email(
            user.email, template, locale=user.locale, school_id=quote.school_id, quote=quote, link=link
        )

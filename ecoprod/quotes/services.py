"""Named actions on quotes. They change data and flush; the caller commits.

Sending numbers and freezes a quote; its PDF is rendered after the commit by a job
(``quotes.jobs``), never while a user waits on a request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from ecoprod import audit
from ecoprod.accounts.models import User
from ecoprod.database import utcnow
from ecoprod.deferred import after_commit
from ecoprod.errors import ActionRefused
from ecoprod.extensions import db
from ecoprod.i18n import lazy_gettext as _l
from ecoprod.i18n import local_today
from ecoprod.numbering import next_number
from ecoprod.orders import lifecycle
from ecoprod.orders.models import Order, OrderState, Unit
from ecoprod.pricing.models import LineKind, PricedLineInput, priced_fields
from ecoprod.quotes import access
from ecoprod.quotes.jobs import render_pdf_and_notify, store_accepted_copy
from ecoprod.quotes.models import PdfStatus, Quote, QuoteLine, QuoteState
from ecoprod.quotes.notices import notify_staff
from ecoprod.schools.models import School, VatRate
from ecoprod.schools.services import school_of
from ecoprod.workshops.models import Workshop


class QuoteError(ActionRefused):
    """A refused action on a quote; the message is for the user."""


@dataclass
class QuoteInput:
    lines: list[PricedLineInput]
    valid_until: date | None = None
    promised_date: date | None = None
    lead_time: str | None = None
    conditions: str | None = None
    discount_percent: Decimal = Decimal("0")
    extra: dict[str, object] = field(default_factory=dict)


def vat_rates(school: School) -> list[Decimal]:
    """The rates a line may use: the school's active rates, or only 0 outside VAT."""
    if not school.charges_vat:
        return [Decimal("0.00")]
    rates = db.session.scalars(
        sa.select(VatRate.rate)
        .where(VatRate.school_id == school.id, VatRate.archived_at.is_(None))
        .order_by(VatRate.rate.desc())
    )
    return list(rates)


def default_vat_rate(school: School) -> Decimal:
    if not school.charges_vat:
        return Decimal("0.00")
    rate = db.session.scalar(
        sa.select(VatRate.rate).where(
            VatRate.school_id == school.id, VatRate.archived_at.is_(None), VatRate.is_default.is_(True)
        )
    )
    return rate if rate is not None else Decimal("20.00")


def _workshop_for(order: Order, trade: object) -> Workshop | None:
    return db.session.scalars(
        sa.select(Workshop)
        .where(Workshop.school_id == order.school_id, Workshop.trade == trade, Workshop.archived_at.is_(None))
        .order_by(Workshop.name)
        .limit(1)
    ).first()


def previous_accepted_quote(order: Order) -> Quote | None:
    """The accepted quote of the order this request repeats, if it repeats one."""
    if order.reorder_of_id is None:
        return None
    return db.session.scalars(
        sa.select(Quote)
        .where(Quote.order_id == order.reorder_of_id, Quote.state == QuoteState.ACCEPTED)
        .order_by(Quote.version.desc())
    ).first()


def start_quote(order: Order, user: User, from_previous: bool = False) -> Quote:
    """A draft quote for a submitted request: one labour line per requested part to start
    from, or (``from_previous``) the lines of the accepted quote of the order it repeats,
    labour at today's hourly rates."""
    if not access.can_quote(user, order):
        raise QuoteError(str(_l("You cannot price this request.")))
    if order.state is not OrderState.SUBMITTED:
        raise QuoteError(str(_l("This request already has a quote: revise it instead.")))
    existing = db.session.scalars(
        sa.select(Quote).where(Quote.order_id == order.id, Quote.state == QuoteState.DRAFT)
    ).first()
    if existing is not None:
        return existing
    previous = previous_accepted_quote(order) if from_previous else None
    if from_previous and previous is None:
        raise QuoteError(str(_l("The order this request repeats has no accepted quote to start from.")))
    school = school_of(order)
    quote = Quote(
        school_id=order.school_id,
        order_id=order.id,
        customer_id=order.customer_id,
        created_by_id=user.id,
        language=order.customer.language or "fr",
        valid_until=local_today() + timedelta(days=school.quote_validity_days),
        promised_date=order.desired_date,
        conditions=school.quote_conditions,
    )
    if previous is not None:
        quote.discount_percent = previous.discount_percent
        quote.lead_time = previous.lead_time
        quote.lines.extend(_lines_at_todays_rates(previous, school))
    else:
        rate = default_vat_rate(school)
        for position, line in enumerate(order.lines, start=1):
            workshop = _workshop_for(order, line.trade)
            quote.lines.append(
                QuoteLine(
                    school_id=order.school_id,
                    position=position,
                    kind=LineKind.LABOUR,
                    description=f"{line.description} ({line.quantity.normalize():f} {line.unit.label})"[:500],
                    workshop_id=workshop.id if workshop else None,
                    unit=Unit.HOUR,
                    quantity=Decimal("1"),
                    unit_price=workshop.hourly_rate if workshop else Decimal("0"),
                    vat_rate=rate,
                )
            )
    db.session.add(quote)
    db.session.flush()
    return quote


def _check(quote: Quote, data: QuoteInput) -> None:
    if not data.lines:
        raise QuoteError(str(_l("A quote needs at least one line.")))
    allowed = set(vat_rates(school_of(quote)))
    for line in data.lines:
        if line.vat_rate not in allowed:
            raise QuoteError(
                str(_l("The VAT rate %(rate)s %% is not one of the school's rates.", rate=line.vat_rate))
            )
    if data.valid_until is not None and data.valid_until < local_today():
        raise QuoteError(str(_l("The validity date is in the past.")))


def save_draft(quote: Quote, user: User, data: QuoteInput) -> None:
    if not access.can_edit(user, quote):
        raise QuoteError(str(_l("Only a draft quote can be changed.")))
    _check(quote, data)
    quote.valid_until = data.valid_until
    quote.promised_date = data.promised_date
    quote.lead_time = data.lead_time
    quote.conditions = data.conditions
    quote.discount_percent = data.discount_percent
    quote.lines.clear()
    db.session.flush()
    for position, line in enumerate(data.lines, start=1):
        quote.lines.append(QuoteLine(school_id=quote.school_id, position=position, **priced_fields(line)))
    db.session.flush()


def delete_draft(quote: Quote, user: User) -> None:
    if not access.can_edit(user, quote):
        raise QuoteError(str(_l("Only a draft quote can be deleted.")))
    db.session.delete(quote)


def send(quote: Quote, user: User) -> None:
    """Number, freeze and send: the PDF is rendered and e-mailed once this is committed."""
    if not access.can_edit(user, quote):
        raise QuoteError(str(_l("Only a draft quote can be sent.")))
    if not quote.lines:
        raise QuoteError(str(_l("A quote needs at least one line.")))
    today = local_today()
    if quote.valid_until is None or quote.valid_until < today:
        raise QuoteError(str(_l("Give a validity date that is not past.")))
    totals = quote.totals()
    if quote.base_number is None:
        school = school_of(quote)
        quote.base_number = next_number(db.session, quote.school_id, school.quote_prefix, today.year)
    quote.total_net, quote.total_vat, quote.total_gross = totals.net, totals.vat, totals.gross
    quote.issue_date = today
    quote.sent_at = utcnow()
    quote.sent_by_id = user.id
    quote.state = QuoteState.SENT
    quote.pdf_status = PdfStatus.PENDING
    for earlier in db.session.scalars(
        sa.select(Quote).where(
            Quote.order_id == quote.order_id,
            Quote.id != quote.id,
            Quote.state.in_([QuoteState.SENT, QuoteState.DECLINED, QuoteState.EXPIRED]),
        )
    ):
        earlier.state = QuoteState.SUPERSEDED
    if quote.order.state is OrderState.SUBMITTED:
        lifecycle.transition(quote.order, OrderState.QUOTED, user)
    db.session.flush()
    audit.record("quote.sent", quote, reference=quote.number, actor_id=user.id)
    after_commit(db.session, render_pdf_and_notify, quote.id)


def accept(quote: Quote, user: User, *, full_name: str, ip: str | None, user_agent: str | None) -> None:
    """Bon pour accord: the request becomes a firm order; who, when, from where and which PDF are kept."""
    if not access.can_answer(user, quote):
        raise QuoteError(str(_l("This quote cannot be accepted any more.")))
    if not access.is_current(quote):
        raise QuoteError(str(_l("A newer version of this quote exists.")))
    if not full_name.strip():
        raise QuoteError(str(_l("Type your full name to accept.")))
    quote.state = QuoteState.ACCEPTED
    quote.answered_at = utcnow()
    quote.answered_by_id = user.id
    quote.accepted_name = full_name.strip()[:120]
    quote.accepted_ip = (ip or "")[:45] or None
    quote.accepted_user_agent = (user_agent or "")[:400] or None
    quote.accepted_pdf_sha256 = quote.pdf_sha256
    order = quote.order
    order.promised_date = quote.promised_date
    lifecycle.transition(order, OrderState.ACCEPTED, user)
    notify_staff(quote, "quote_accepted")
    db.session.flush()
    audit.record("quote.accepted", quote, reference=quote.number, actor_id=user.id)
    after_commit(db.session, store_accepted_copy, quote.id)


def refuse(quote: Quote, user: User, reason: str) -> None:
    if not access.can_answer(user, quote):
        raise QuoteError(str(_l("This quote cannot be refused any more.")))
    if not reason.strip():
        raise QuoteError(str(_l("Tell the school why.")))
    quote.state = QuoteState.DECLINED
    quote.answered_at = utcnow()
    quote.answered_by_id = user.id
    quote.refusal_reason = reason.strip()
    notify_staff(quote, "quote_refused")
    db.session.flush()
    audit.record("quote.refused", quote, reference=quote.number, actor_id=user.id)


def _lines_at_todays_rates(previous: Quote, school: School) -> list[QuoteLine]:
    """The previous quote's lines, each hour of labour at its workshop's rate of today and
    each VAT rate one the school still uses (else its default); material as it was priced."""
    workshop_ids = {line.workshop_id for line in previous.lines if line.workshop_id}
    hourly = dict(
        db.session.execute(
            sa.select(Workshop.id, Workshop.hourly_rate).where(Workshop.id.in_(workshop_ids))
        ).all()
    )
    rates, default = vat_rates(school), default_vat_rate(school)
    lines = []
    for line in previous.lines:
        changes: dict[str, object] = {}
        if line.kind is LineKind.LABOUR and line.unit is Unit.HOUR and line.workshop_id in hourly:
            changes["unit_price"] = hourly[line.workshop_id]
        if line.vat_rate not in rates:
            changes["vat_rate"] = default
        lines.append(
            QuoteLine(school_id=previous.school_id, position=line.position, **priced_fields(line, **changes))
        )
    return lines


def revise(quote: Quote, user: User) -> Quote:
    """A new draft version with the same lines; it supersedes this one when it is sent."""
    if not access.can_revise(user, quote):
        raise QuoteError(str(_l("This quote cannot be revised.")))
    school = school_of(quote)
    revision = Quote(
        school_id=quote.school_id,
        order_id=quote.order_id,
        customer_id=quote.customer_id,
        created_by_id=user.id,
        base_number=quote.base_number,
        version=quote.version + 1,
        supersedes_id=quote.id,
        language=quote.language,
        valid_until=local_today() + timedelta(days=school.quote_validity_days),
        promised_date=quote.promised_date,
        lead_time=quote.lead_time,
        conditions=quote.conditions,
        discount_percent=quote.discount_percent,
    )
    for line in quote.lines:
        revision.lines.append(
            QuoteLine(school_id=quote.school_id, position=line.position, **priced_fields(line))
        )
    db.session.add(revision)
    db.session.flush()
    return revision


def history(order: Order) -> Sequence[Quote]:
    return db.session.scalars(
        sa.select(Quote).where(Quote.order_id == order.id).order_by(Quote.version.desc(), Quote.id.desc())
    ).all()

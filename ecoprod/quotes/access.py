"""Who sees and does what with a quote (inside a school; the school boundary is tenancy's)."""

from __future__ import annotations

import functools
from datetime import date

import sqlalchemy as sa
from flask import abort

from ecoprod.accounts.models import User
from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.orders import access as orders_access
from ecoprod.orders.models import Order, OrderState
from ecoprod.quotes.models import PdfStatus, Quote, QuoteState

QUOTABLE_ORDER_STATES = frozenset({OrderState.SUBMITTED, OrderState.QUOTED})


_ALL = sa.select(Quote)
_NONE = _ALL.where(sa.false())


def visible_quotes(user: User) -> sa.Select[tuple[Quote]]:
    """Statements built once (per customer for customers): the quotes list starts from them
    and keeps what it builds on them (``quotes.views``)."""
    if user.is_customer:
        return _customers_quotes(user.customer_id)
    if user.is_staff:
        return _ALL
    return _NONE


@functools.lru_cache(maxsize=1024)
def _customers_quotes(customer_id: int) -> sa.Select[tuple[Quote]]:
    return _ALL.where(Quote.customer_id == customer_id, Quote.state != QuoteState.DRAFT)


def load_quote_or_404(quote_id: int, user: User) -> Quote:
    quote = db.session.scalars(visible_quotes(user).where(Quote.id == quote_id)).one_or_none()
    if quote is None:
        abort(404)
    return quote


def effective_state(quote: Quote, today: date | None = None) -> QuoteState:
    """A sent quote past its validity is expired, even before ``flask quotes expire`` runs."""
    today = today or local_today()
    if quote.state is QuoteState.SENT and quote.valid_until is not None and quote.valid_until < today:
        return QuoteState.EXPIRED
    return quote.state


def can_quote(user: User, order: Order) -> bool:
    """Staff who may price this request: admins, and masters of one of its trades."""
    if order.state not in QUOTABLE_ORDER_STATES:
        return False
    return user.is_admin or orders_access.is_master_of(user, order)


def can_edit(user: User, quote: Quote) -> bool:
    return quote.state is QuoteState.DRAFT and can_quote(user, quote.order)


def is_current(quote: Quote) -> bool:
    """No later version exists (a draft revision does not count until it is sent)."""
    later = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Quote)
        .where(
            Quote.order_id == quote.order_id,
            Quote.version > quote.version,
            Quote.state != QuoteState.DRAFT,
        )
    )
    return not later


def can_answer(user: User, quote: Quote) -> bool:
    return (
        user.is_customer
        and quote.customer_id == user.customer_id
        and effective_state(quote) is QuoteState.SENT
        and quote.pdf_status is PdfStatus.READY
        and quote.order.state is OrderState.QUOTED  # not once the request was cancelled or declined
    )


def can_revise(user: User, quote: Quote) -> bool:
    return (
        effective_state(quote) in (QuoteState.SENT, QuoteState.DECLINED, QuoteState.EXPIRED)
        and can_quote(user, quote.order)
        and is_current(quote)
        and not has_draft(quote.order_id)
    )


def has_draft(order_id: int) -> bool:
    return bool(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Quote)
            .where(Quote.order_id == order_id, Quote.state == QuoteState.DRAFT)
        )
    )
